//! SASL PLAIN (RFC 4616) and SCRAM-SHA-256/512 (RFC 5802, RFC 7677) on the client side, as
//! Kafka's `PlainSaslClient` / `ScramSaslClient` speak them inside SaslAuthenticate.

use std::fmt;
use std::num::NonZeroU32;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use ring::rand::SecureRandom as _;
use ring::{digest, hmac, pbkdf2};

use super::error::SecurityError;
use super::Secret;

/// The SASL mechanisms tierlens can authenticate with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaslMechanism {
    Plain,
    ScramSha256,
    ScramSha512,
}

impl SaslMechanism {
    /// The name sent in SaslHandshake.
    pub fn name(self) -> &'static str {
        match self {
            SaslMechanism::Plain => "PLAIN",
            SaslMechanism::ScramSha256 => "SCRAM-SHA-256",
            SaslMechanism::ScramSha512 => "SCRAM-SHA-512",
        }
    }

    /// `sasl.mechanism` values Kafka spells exactly; matched case-insensitively.
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        [Self::Plain, Self::ScramSha256, Self::ScramSha512]
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for SaslMechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The credentials from `sasl.jaas.config` with the mechanism to use them with.
#[derive(Debug, Clone)]
pub struct SaslConfig {
    pub(crate) mechanism: SaslMechanism,
    pub(crate) username: String,
    pub(crate) password: Secret,
    /// ScramLoginModule's `tokenauth=true`: the credentials are a delegation token.
    pub(crate) token_auth: bool,
}

impl SaslConfig {
    pub fn mechanism(&self) -> SaslMechanism {
        self.mechanism
    }

    pub fn username(&self) -> &str {
        &self.username
    }

    /// A fresh exchange for one connection.
    pub fn session(&self) -> SaslSession {
        SaslSession {
            config: self.clone(),
            state: State::Start,
            fixed_nonce: None,
        }
    }
}

/// Lengths and constants of one SCRAM hash.
#[derive(Clone, Copy)]
struct ScramHash {
    pbkdf2: pbkdf2::Algorithm,
    hmac: hmac::Algorithm,
    digest: &'static digest::Algorithm,
    len: usize,
}

impl ScramHash {
    fn of(mechanism: SaslMechanism) -> Option<Self> {
        match mechanism {
            SaslMechanism::Plain => None,
            SaslMechanism::ScramSha256 => Some(ScramHash {
                pbkdf2: pbkdf2::PBKDF2_HMAC_SHA256,
                hmac: hmac::HMAC_SHA256,
                digest: &digest::SHA256,
                len: 32,
            }),
            SaslMechanism::ScramSha512 => Some(ScramHash {
                pbkdf2: pbkdf2::PBKDF2_HMAC_SHA512,
                hmac: hmac::HMAC_SHA512,
                digest: &digest::SHA512,
                len: 64,
            }),
        }
    }
}

/// Kafka's minimum for SCRAM credentials (`ScramMechanism.minIterations`).
const MIN_ITERATIONS: u32 = 4096;
/// A bound so that a hostile server cannot keep the client hashing for minutes.
const MAX_ITERATIONS: u32 = 1_000_000;

enum State {
    Start,
    /// PLAIN's one message went out.
    PlainSent,
    ScramFirstSent {
        nonce: String,
        client_first_bare: String,
    },
    ScramFinalSent {
        server_key: hmac::Key,
        auth_message: String,
    },
    Done,
}

/// One SASL exchange, driven by the connection: [`SaslSession::initial`] then
/// [`SaslSession::respond`] to every server message until it returns `Ok(None)`.
pub struct SaslSession {
    config: SaslConfig,
    state: State,
    /// Only set by tests, to replay published SCRAM exchanges.
    fixed_nonce: Option<String>,
}

impl fmt::Debug for SaslSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            State::Start => "start",
            State::PlainSent => "plain sent",
            State::ScramFirstSent { .. } => "client-first sent",
            State::ScramFinalSent { .. } => "client-final sent",
            State::Done => "done",
        };
        f.debug_struct("SaslSession")
            .field("mechanism", &self.config.mechanism)
            .field("username", &self.config.username)
            .field("state", &state)
            .finish()
    }
}

impl SaslSession {
    pub fn mechanism(&self) -> &str {
        self.config.mechanism.name()
    }

    #[cfg(test)]
    pub(crate) fn with_nonce(mut self, nonce: &str) -> Self {
        self.fixed_nonce = Some(nonce.to_owned());
        self
    }

    /// The first client message (PLAIN: `\0user\0pass`; SCRAM: client-first-message).
    /// Calling it again starts the exchange over.
    pub fn initial(&mut self) -> Vec<u8> {
        let config = &self.config;
        if config.mechanism == SaslMechanism::Plain {
            self.state = State::PlainSent;
            // authzid (empty) NUL authcid NUL passwd
            let mut message =
                Vec::with_capacity(config.username.len() + config.password.expose().len() + 2);
            message.push(0);
            message.extend_from_slice(config.username.as_bytes());
            message.push(0);
            message.extend_from_slice(config.password.expose().as_bytes());
            return message;
        }
        let nonce = self.fixed_nonce.clone().unwrap_or_else(new_nonce);
        let mut client_first_bare = format!("n={},r={nonce}", sasl_name(&config.username));
        if config.token_auth {
            client_first_bare.push_str(",tokenauth=true");
        }
        let message = format!("n,,{client_first_bare}").into_bytes();
        self.state = State::ScramFirstSent {
            nonce,
            client_first_bare,
        };
        message
    }

    /// Given the server's bytes: `Ok(Some(next client message))`, or `Ok(None)` when done.
    pub fn respond(&mut self, server: &[u8]) -> Result<Option<Vec<u8>>, SecurityError> {
        let mechanism = self.config.mechanism.name();
        let protocol = |problem: &str| SecurityError::SaslProtocol {
            mechanism,
            problem: problem.to_owned(),
        };
        match std::mem::replace(&mut self.state, State::Done) {
            State::Start => Err(protocol(
                "a server message came before the first client message",
            )),
            State::Done => Err(protocol("the exchange is already complete")),
            // PLAIN has no challenge: the broker's (empty) answer ends it.
            State::PlainSent => Ok(None),
            State::ScramFirstSent {
                nonce,
                client_first_bare,
            } => {
                let hash = ScramHash::of(self.config.mechanism)
                    .expect("SCRAM state for a SCRAM mechanism");
                let server_first = std::str::from_utf8(server)
                    .map_err(|_| protocol("the server-first-message is not UTF-8"))?;
                let attrs = attributes(server_first, mechanism)?;
                let server_nonce = attr(&attrs, 'r')
                    .ok_or_else(|| protocol("the server-first-message has no nonce (r=)"))?;
                // The server extends our nonce; anything else is a replay or a confused server.
                if !server_nonce.starts_with(&nonce) || server_nonce.len() == nonce.len() {
                    return Err(protocol(
                        "the server nonce does not extend the client nonce",
                    ));
                }
                let salt = attr(&attrs, 's')
                    .and_then(|s| BASE64.decode(s).ok())
                    .ok_or_else(|| protocol("the server-first-message has no valid salt (s=)"))?;
                let iterations: u32 =
                    attr(&attrs, 'i')
                        .and_then(|i| i.parse().ok())
                        .ok_or_else(|| {
                            protocol("the server-first-message has no valid iteration count (i=)")
                        })?;
                if !(MIN_ITERATIONS..=MAX_ITERATIONS).contains(&iterations) {
                    return Err(protocol(&format!(
                        "the server asks for {iterations} iterations; expected {MIN_ITERATIONS} to {MAX_ITERATIONS}"
                    )));
                }

                let mut salted = vec![0u8; hash.len];
                let iterations = NonZeroU32::new(iterations).expect("at least MIN_ITERATIONS");
                pbkdf2::derive(
                    hash.pbkdf2,
                    iterations,
                    &salt,
                    self.config.password.expose().as_bytes(),
                    &mut salted,
                );
                let salted = hmac::Key::new(hash.hmac, &salted);
                let client_key = hmac::sign(&salted, b"Client Key");
                let stored_key = digest::digest(hash.digest, client_key.as_ref());
                // c= is the base64 of the GS2 header "n,," (no channel binding, no authzid).
                let without_proof = format!("c={},r={server_nonce}", BASE64.encode("n,,"));
                let auth_message = format!("{client_first_bare},{server_first},{without_proof}");
                let signature = hmac::sign(
                    &hmac::Key::new(hash.hmac, stored_key.as_ref()),
                    auth_message.as_bytes(),
                );
                let proof: Vec<u8> = client_key
                    .as_ref()
                    .iter()
                    .zip(signature.as_ref())
                    .map(|(k, s)| k ^ s)
                    .collect();
                let server_key = hmac::sign(&salted, b"Server Key");
                self.state = State::ScramFinalSent {
                    server_key: hmac::Key::new(hash.hmac, server_key.as_ref()),
                    auth_message,
                };
                Ok(Some(
                    format!("{without_proof},p={}", BASE64.encode(proof)).into_bytes(),
                ))
            }
            State::ScramFinalSent {
                server_key,
                auth_message,
            } => {
                let server_final = std::str::from_utf8(server)
                    .map_err(|_| protocol("the server-final-message is not UTF-8"))?;
                let attrs = attributes(server_final, mechanism)?;
                let verifier = attr(&attrs, 'v')
                    .and_then(|v| BASE64.decode(v).ok())
                    .ok_or_else(|| {
                        protocol("the server-final-message has no valid verifier (v=)")
                    })?;
                // Constant-time comparison: this is what proves the broker knows the password.
                hmac::verify(&server_key, auth_message.as_bytes(), &verifier)
                    .map_err(|_| SecurityError::ServerSignatureMismatch { mechanism })?;
                Ok(None)
            }
        }
    }
}

/// `a=value` pairs of a SCRAM message; an `e=` attribute is the server's error and a leading
/// `m=` an extension we would have to understand.
fn attributes<'a>(
    message: &'a str,
    mechanism: &'static str,
) -> Result<Vec<(char, &'a str)>, SecurityError> {
    let mut attrs = Vec::new();
    for part in message.split(',') {
        let mut chars = part.chars();
        let (Some(name), Some('=')) = (chars.next(), chars.next()) else {
            return Err(SecurityError::SaslProtocol {
                mechanism,
                problem: "a server message is not a list of a=value attributes".into(),
            });
        };
        attrs.push((name, chars.as_str()));
    }
    if let Some(error) = attr(&attrs, 'e') {
        return Err(SecurityError::ScramServerError {
            mechanism,
            // The server's own words; bounded so a hostile one cannot flood the terminal.
            error: error.chars().take(200).collect(),
        });
    }
    if attr(&attrs, 'm').is_some() {
        return Err(SecurityError::SaslProtocol {
            mechanism,
            problem: "the server requires a SCRAM extension (m=) that tierlens does not know"
                .into(),
        });
    }
    Ok(attrs)
}

fn attr<'a>(attrs: &[(char, &'a str)], name: char) -> Option<&'a str> {
    attrs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

/// RFC 5802 saslname: `=` and `,` escaped as `=3D` and `=2C` (Kafka's `ScramFormatter.saslName`).
fn sasl_name(username: &str) -> String {
    username.replace('=', "=3D").replace(',', "=2C")
}

/// 24 random bytes in base64: printable and free of `,`, as RFC 5802 wants.
fn new_nonce() -> String {
    let mut bytes = [0u8; 24];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .expect("the system's random number generator failed");
    BASE64.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(mechanism: SaslMechanism, username: &str, password: &str) -> SaslConfig {
        SaslConfig {
            mechanism,
            username: username.into(),
            password: Secret::new(password),
            token_auth: false,
        }
    }

    const RFC7677_CLIENT_NONCE: &str = "rOprNGfwEbeRWgbNEkqO";
    const RFC7677_SERVER_FIRST: &str =
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

    fn rfc7677_session() -> SaslSession {
        config(SaslMechanism::ScramSha256, "user", "pencil")
            .session()
            .with_nonce(RFC7677_CLIENT_NONCE)
    }

    #[test]
    fn scram_sha_256_rfc7677_exchange() {
        let mut session = rfc7677_session();
        assert_eq!(session.mechanism(), "SCRAM-SHA-256");
        assert_eq!(session.initial(), b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
        let client_final = session
            .respond(RFC7677_SERVER_FIRST.as_bytes())
            .unwrap()
            .unwrap();
        assert_eq!(
            String::from_utf8(client_final).unwrap(),
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
             p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        );
        let done = session
            .respond(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
            .unwrap();
        assert_eq!(done, None);
        // Nothing more is expected after server-final.
        assert!(matches!(
            session.respond(b"v=x"),
            Err(SecurityError::SaslProtocol { .. })
        ));
    }

    #[test]
    fn scram_rejects_a_wrong_server_signature() {
        let mut session = rfc7677_session();
        session.initial();
        session.respond(RFC7677_SERVER_FIRST.as_bytes()).unwrap();
        // The RFC's signature with its first character changed.
        let err = session
            .respond(b"v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
            .unwrap_err();
        assert!(
            matches!(err, SecurityError::ServerSignatureMismatch { .. }),
            "{err:?}"
        );
    }

    #[test]
    fn scram_server_errors_are_reported() {
        let mut session = rfc7677_session();
        session.initial();
        session.respond(RFC7677_SERVER_FIRST.as_bytes()).unwrap();
        let err = session.respond(b"e=invalid-proof").unwrap_err();
        match &err {
            SecurityError::ScramServerError { error, .. } => assert_eq!(error, "invalid-proof"),
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains("invalid-proof"));

        let mut session = rfc7677_session();
        session.initial();
        assert!(matches!(
            session.respond(b"e=unknown-user"),
            Err(SecurityError::ScramServerError { .. })
        ));
    }

    #[test]
    fn scram_rejects_bad_server_first_messages() {
        let cases = [
            // Does not extend our nonce.
            "r=someoneElsesNonce,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            // Our nonce, unextended.
            "r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            "r=rOprNGfwEbeRWgbNEkqOxyz,s=not base64!,i=4096",
            "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4095",
            "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==",
            "m=ext,r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            "garbage",
        ];
        for case in cases {
            let mut session = rfc7677_session();
            session.initial();
            let err = session.respond(case.as_bytes()).unwrap_err();
            assert!(
                matches!(err, SecurityError::SaslProtocol { .. }),
                "{case}: {err:?}"
            );
        }
    }

    #[test]
    fn scram_usernames_are_escaped_and_nonces_fresh() {
        let cfg = config(SaslMechanism::ScramSha512, "a=b,c", "pw");
        let mut session = cfg.session().with_nonce("N");
        assert_eq!(session.initial(), b"n,,n=a=3Db=2Cc,r=N");

        let (mut one, mut two) = (cfg.session(), cfg.session());
        let (first, second) = (one.initial(), two.initial());
        assert_ne!(first, second, "every exchange needs its own nonce");
        let nonce = String::from_utf8(first).unwrap();
        let nonce = nonce.strip_prefix("n,,n=a=3Db=2Cc,r=").unwrap();
        assert!(nonce.len() >= 24 && !nonce.contains(','), "{nonce}");
    }

    #[test]
    fn scram_token_auth_extension() {
        let mut cfg = config(SaslMechanism::ScramSha256, "tokenid", "hmac");
        cfg.token_auth = true;
        let mut session = cfg.session().with_nonce("N");
        assert_eq!(session.initial(), b"n,,n=tokenid,r=N,tokenauth=true");
    }

    #[test]
    fn scram_sha_512_completes_against_a_computed_server() {
        // No published SHA-512 vector: play the server's part with the same primitives.
        let mut session = config(SaslMechanism::ScramSha512, "user", "pencil")
            .session()
            .with_nonce("abc");
        session.initial();
        let server_first = "r=abcdef,s=c2FsdA==,i=4096";
        let client_final =
            String::from_utf8(session.respond(server_first.as_bytes()).unwrap().unwrap()).unwrap();
        let (without_proof, proof) = client_final.rsplit_once(",p=").unwrap();
        assert_eq!(without_proof, "c=biws,r=abcdef");
        let mut salted = [0u8; 64];
        pbkdf2::derive(
            pbkdf2::PBKDF2_HMAC_SHA512,
            NonZeroU32::new(4096).unwrap(),
            b"salt",
            b"pencil",
            &mut salted,
        );
        let salted = hmac::Key::new(hmac::HMAC_SHA512, &salted);
        let auth_message = format!("n=user,r=abc,{server_first},{without_proof}");
        // The server's check: ClientKey = proof XOR ClientSignature, and H(ClientKey) = StoredKey.
        let stored_key =
            digest::digest(&digest::SHA512, hmac::sign(&salted, b"Client Key").as_ref());
        let client_signature = hmac::sign(
            &hmac::Key::new(hmac::HMAC_SHA512, stored_key.as_ref()),
            auth_message.as_bytes(),
        );
        let client_key: Vec<u8> = BASE64
            .decode(proof)
            .unwrap()
            .iter()
            .zip(client_signature.as_ref())
            .map(|(p, s)| p ^ s)
            .collect();
        assert_eq!(
            digest::digest(&digest::SHA512, &client_key).as_ref(),
            stored_key.as_ref()
        );
        let server_key = hmac::sign(&salted, b"Server Key");
        let signature = hmac::sign(
            &hmac::Key::new(hmac::HMAC_SHA512, server_key.as_ref()),
            auth_message.as_bytes(),
        );
        let server_final = format!("v={}", BASE64.encode(signature.as_ref()));
        assert_eq!(session.respond(server_final.as_bytes()).unwrap(), None);
    }

    #[test]
    fn plain_exchange() {
        let mut session = config(SaslMechanism::Plain, "alice", "a-secret").session();
        assert_eq!(session.mechanism(), "PLAIN");
        assert!(matches!(
            session.respond(b""),
            Err(SecurityError::SaslProtocol { .. })
        ));
        assert_eq!(session.initial(), b"\0alice\0a-secret");
        assert_eq!(session.respond(b"").unwrap(), None);
        let shown = format!("{session:?} {:?}", session.config);
        assert!(
            shown.contains("alice") && !shown.contains("a-secret"),
            "{shown}"
        );
    }
}
