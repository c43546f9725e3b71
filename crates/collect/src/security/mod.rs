//! What `--command-config client.properties` asks for, as Kafka's own clients read it.
//!
//! [`ClientSecurity::from_file`] reads the same file users give `kafka-console-consumer
//! --consumer.config` or `kafka-topics --command-config`: `security.protocol`, SASL PLAIN and
//! SCRAM-SHA-256/512 credentials from `sasl.jaas.config`, and PEM trust and key stores. The
//! connection code then calls [`ClientSecurity::wrap`] on each socket and, when
//! [`ClientSecurity::sasl`] is set, drives a [`SaslSession`] through SaslHandshake and
//! SaslAuthenticate.
//!
//! Secrets stay out of sight: a password lives only in a [`Secret`], no error carries the value
//! of a sensitive key, and every `Debug` here is written by hand or over such fields.

mod error;
mod jaas;
mod properties;
mod sasl;
mod tls;

use std::fmt;
use std::net::TcpStream;
use std::path::Path;

pub use error::{is_sensitive, Origin, SecurityError, StoreKind};
pub use sasl::{SaslConfig, SaslMechanism, SaslSession};
pub use tls::{Stream, TrustSource};

use properties::Props;

/// A credential: `Debug` and `Display` print `***`; [`Secret::expose`] is the only way in.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Kafka's `security.protocol`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityProtocol {
    Plaintext,
    Ssl,
    SaslPlaintext,
    SaslSsl,
}

impl SecurityProtocol {
    pub fn name(self) -> &'static str {
        match self {
            SecurityProtocol::Plaintext => "PLAINTEXT",
            SecurityProtocol::Ssl => "SSL",
            SecurityProtocol::SaslPlaintext => "SASL_PLAINTEXT",
            SecurityProtocol::SaslSsl => "SASL_SSL",
        }
    }

    pub fn uses_tls(self) -> bool {
        matches!(self, SecurityProtocol::Ssl | SecurityProtocol::SaslSsl)
    }

    pub fn uses_sasl(self) -> bool {
        matches!(
            self,
            SecurityProtocol::SaslPlaintext | SecurityProtocol::SaslSsl
        )
    }
}

impl fmt::Display for SecurityProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How to secure and authenticate every connection to the cluster. Cheap to clone.
#[derive(Clone)]
pub struct ClientSecurity {
    protocol: SecurityProtocol,
    sasl: Option<SaslConfig>,
    tls: Option<tls::TlsSettings>,
    ignored: Vec<String>,
}

impl fmt::Debug for ClientSecurity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // SaslConfig's Debug shows the password as `***`; TlsSettings' shows no key material.
        f.debug_struct("ClientSecurity")
            .field("protocol", &self.protocol)
            .field("sasl", &self.sasl)
            .field("tls", &self.tls)
            .field("ignored", &self.ignored)
            .finish()
    }
}

const SECURITY_PROTOCOL: &str = "security.protocol";
const SASL_MECHANISM: &str = "sasl.mechanism";
const SASL_JAAS_CONFIG: &str = "sasl.jaas.config";

const PLAIN_MODULE: &str = "org.apache.kafka.common.security.plain.PlainLoginModule";
const SCRAM_MODULE: &str = "org.apache.kafka.common.security.scram.ScramLoginModule";
const KERBEROS_MODULE: &str = "com.sun.security.auth.module.Krb5LoginModule";
const OAUTH_MODULE: &str = "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule";

const USE_INSTEAD: &str = "use PLAIN or SCRAM-SHA-256/512";

impl ClientSecurity {
    /// No TLS, no SASL: what Kafka does without a `--command-config`.
    pub fn plaintext() -> Self {
        ClientSecurity {
            protocol: SecurityProtocol::Plaintext,
            sasl: None,
            tls: None,
            ignored: Vec::new(),
        }
    }

    /// Reads a Java .properties text (Kafka's client.properties). `base_dir` resolves relative
    /// file paths (`ssl.truststore.location`, `ssl.keystore.location`).
    pub fn from_properties(text: &str, base_dir: &Path) -> Result<Self, SecurityError> {
        Self::parse(text, base_dir, None)
    }

    /// Reads `path`. Relative store paths in it resolve from the current directory, as they do
    /// for Kafka's own tools given the same file.
    pub fn from_file(path: &Path) -> Result<Self, SecurityError> {
        let text = std::fs::read_to_string(path).map_err(|source| SecurityError::ReadConfig {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, Path::new(""), Some(path))
    }

    fn parse(text: &str, base_dir: &Path, file: Option<&Path>) -> Result<Self, SecurityError> {
        let mut props = Props::parse(text, file)?;
        let protocol = match props.get(SECURITY_PROTOCOL) {
            None => SecurityProtocol::Plaintext,
            Some(value) => [
                SecurityProtocol::Plaintext,
                SecurityProtocol::Ssl,
                SecurityProtocol::SaslPlaintext,
                SecurityProtocol::SaslSsl,
            ]
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(&value.text))
            .ok_or_else(|| SecurityError::InvalidValue {
                at: props.at(SECURITY_PROTOCOL),
                value: Some(value.text),
                expected: "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL",
            })?,
        };
        // As in Kafka, the sasl.* keys mean nothing without SASL, nor ssl.* without TLS: they
        // stay unread and are reported as ignored.
        let sasl = match protocol.uses_sasl() {
            true => Some(sasl_config(&mut props, protocol)?),
            false => None,
        };
        let tls = match protocol.uses_tls() {
            true => Some(tls::settings(&mut props, base_dir)?),
            false => None,
        };
        Ok(ClientSecurity {
            protocol,
            sasl,
            tls,
            ignored: props.unused(),
        })
    }

    pub fn protocol(&self) -> SecurityProtocol {
        self.protocol
    }

    /// Keys read but ignored (names only), for the CLI to print as a note.
    pub fn ignored_keys(&self) -> &[String] {
        &self.ignored
    }

    /// The SASL credentials, if `security.protocol` is SASL_*.
    pub fn sasl(&self) -> Option<&SaslConfig> {
        self.sasl.as_ref()
    }

    /// The mechanism name for SaslHandshake ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"), if SASL.
    pub fn sasl_mechanism(&self) -> Option<&str> {
        self.sasl.as_ref().map(|s| s.mechanism().name())
    }

    /// A fresh exchange for one connection.
    pub fn sasl_session(&self) -> Option<SaslSession> {
        self.sasl.as_ref().map(SaslConfig::session)
    }

    /// Where the trusted CAs come from, if TLS.
    pub fn trust_source(&self) -> Option<TrustSource> {
        self.tls.as_ref().map(|t| t.trust)
    }

    /// Whether a client certificate (mTLS) is configured.
    pub fn has_client_certificate(&self) -> bool {
        self.tls.as_ref().is_some_and(|t| t.client_certificate)
    }

    /// Whether broker host names are checked against their certificates (TLS only).
    pub fn verifies_hostname(&self) -> bool {
        self.tls.as_ref().is_some_and(|t| t.verify_hostname)
    }

    /// Plain TCP or TLS over it (rustls, handshake completed eagerly with the stream's timeouts).
    /// `host` is the name the broker was reached by; its certificate must be valid for it.
    pub fn wrap(&self, tcp: TcpStream, host: &str) -> Result<Stream, SecurityError> {
        match &self.tls {
            None => Ok(Stream::Plain(tcp)),
            Some(tls) => tls.connect(tcp, host).map(|s| Stream::Tls(Box::new(s))),
        }
    }
}

fn sasl_config(props: &mut Props, protocol: SecurityProtocol) -> Result<SaslConfig, SecurityError> {
    // Kafka's default mechanism is GSSAPI (Kerberos).
    let name = props
        .get(SASL_MECHANISM)
        .map(|v| v.text)
        .unwrap_or_else(|| "GSSAPI".to_owned());
    let explicit = props.at(SASL_MECHANISM).line.is_some();
    let detail = match name.to_ascii_uppercase().as_str() {
        "GSSAPI" if explicit => " (Kerberos)",
        "GSSAPI" => " (Kerberos, Kafka's default sasl.mechanism)",
        "OAUTHBEARER" => " (OAuth 2 tokens)",
        _ => "",
    };
    let mechanism =
        SaslMechanism::from_name(&name).ok_or_else(|| SecurityError::UnsupportedMechanism {
            at: props.at(SASL_MECHANISM),
            mechanism: name.clone(),
            detail,
        })?;

    let at = props.at(SASL_JAAS_CONFIG);
    let jaas = props
        .get(SASL_JAAS_CONFIG)
        .filter(|v| !v.text.is_empty())
        .ok_or_else(|| SecurityError::MissingKey {
            at: at.clone(),
            reason: format!(
                "with security.protocol={protocol} and sasl.mechanism={mechanism}, e.g. \
                 sasl.jaas.config={} required username=\"...\" password=\"...\"; (tierlens does \
                 not read JAAS files named by java.security.auth.login.config)",
                if mechanism == SaslMechanism::Plain {
                    PLAIN_MODULE
                } else {
                    SCRAM_MODULE
                }
            ),
        })?;
    let module = jaas::parse(&jaas.text).map_err(|problem| SecurityError::Jaas {
        at: at.clone(),
        problem,
    })?;
    // Kafka's PLAIN and SCRAM clients take the credentials either module puts in the Subject,
    // so both modules work with both mechanisms.
    match module.class.as_str() {
        PLAIN_MODULE | SCRAM_MODULE => {}
        KERBEROS_MODULE => {
            return Err(SecurityError::Jaas {
                at,
                problem: format!(
                "Krb5LoginModule (Kerberos) is not supported by tierlens collect; {USE_INSTEAD}"
            ),
            })
        }
        OAUTH_MODULE => {
            return Err(SecurityError::Jaas {
                at,
                problem: format!(
                    "OAuthBearerLoginModule is not supported by tierlens collect; {USE_INSTEAD}"
                ),
            })
        }
        // The class name is part of a sensitive value, so it is not repeated.
        _ => {
            return Err(SecurityError::Jaas {
                at,
                problem: "the login module is neither PlainLoginModule nor ScramLoginModule \
                          (org.apache.kafka.common.security.plain/scram)"
                    .into(),
            })
        }
    }
    let option = |option: &'static str| {
        module
            .option(option)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| SecurityError::JaasMissingOption {
                at: at.clone(),
                option,
                mechanism: mechanism.name(),
            })
    };
    let username = option("username")?;
    let password = Secret::new(option("password")?);
    let token_auth = mechanism != SaslMechanism::Plain
        && module
            .option("tokenauth")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    Ok(SaslConfig {
        mechanism,
        username,
        password,
        token_auth,
    })
}

#[cfg(test)]
mod tests;
