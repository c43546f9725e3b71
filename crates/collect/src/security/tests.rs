//! `client.properties` end to end: configurations and their errors, and TLS against an
//! in-process rustls server (rcgen CAs and certificates, a 127.0.0.1 listener in a thread).

use std::fs;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig, ServerConnection, StreamOwned};

use super::*;

const TIMEOUT: Duration = Duration::from_secs(10);
const SENTINEL: &str = "S3CR3T-sentinel";

fn parse(text: &str) -> Result<ClientSecurity, SecurityError> {
    ClientSecurity::from_properties(text, Path::new("/nonexistent-base"))
}

fn parse_err(text: &str) -> SecurityError {
    match parse(text) {
        Ok(security) => panic!("expected an error, got {security:?}"),
        Err(e) => e,
    }
}

/// A scratch directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("tierlens-security-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

// ---- PKI ----

type Ca = CertifiedIssuer<'static, KeyPair>;

fn ca(name: &str) -> Ca {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

struct Leaf {
    cert_pem: String,
    key_pem: String,
    cert: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
}

fn leaf(ca: &Ca, names: &[&str], usage: ExtendedKeyUsagePurpose) -> Leaf {
    let key = KeyPair::generate().unwrap();
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(DnType::CommonName, names[0]);
    params.extended_key_usages = vec![usage];
    let cert = params.signed_by(&key, ca).unwrap();
    Leaf {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
        cert: cert.der().clone(),
        key: PrivateKeyDer::Pkcs8(key.serialize_der().into()),
    }
}

fn server_leaf(ca: &Ca, names: &[&str]) -> Leaf {
    leaf(ca, names, ExtendedKeyUsagePurpose::ServerAuth)
}

/// PEM as a Java property value spread over lines with `\` continuations, as Kafka's docs show
/// `ssl.truststore.certificates` and `ssl.keystore.key`.
fn continued(pem: &str) -> String {
    pem.trim_end().lines().collect::<Vec<_>>().join(" \\\n    ")
}

// ---- an in-process TLS server ----

fn server_config(cert: &Leaf, client_ca: Option<&Ca>) -> Arc<ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap();
    let builder = match client_ca {
        Some(ca) => {
            let mut roots = RootCertStore::empty();
            roots.add(ca.der().clone()).unwrap();
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .unwrap();
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    Arc::new(
        builder
            .with_single_cert(vec![cert.cert.clone()], cert.key.clone_key())
            .unwrap(),
    )
}

/// Accepts one connection and answers its first five bytes reversed.
fn serve(config: Arc<ServerConfig>) -> (SocketAddr, JoinHandle<io::Result<Vec<u8>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = thread::spawn(move || {
        let (tcp, _) = listener.accept()?;
        tcp.set_read_timeout(Some(TIMEOUT))?;
        tcp.set_write_timeout(Some(TIMEOUT))?;
        let conn = ServerConnection::new(config).map_err(io::Error::other)?;
        let mut tls = StreamOwned::new(conn, tcp);
        let mut got = [0u8; 5];
        tls.read_exact(&mut got)?;
        let mut reply = got;
        reply.reverse();
        tls.write_all(&reply)?;
        tls.flush()?;
        Ok(got.to_vec())
    });
    (addr, handle)
}

/// A listener that is not TLS: it sends `reply` (if any) and hangs up.
fn serve_raw(reply: &'static [u8]) -> (SocketAddr, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = thread::spawn(move || {
        if let Ok((mut tcp, _)) = listener.accept() {
            let _ = tcp.set_read_timeout(Some(TIMEOUT));
            let mut hello = [0u8; 5];
            let _ = tcp.read_exact(&mut hello);
            let _ = tcp.write_all(reply);
            // Dropping closes the connection.
        }
    });
    (addr, handle)
}

fn connect(
    security: &ClientSecurity,
    addr: SocketAddr,
    host: &str,
) -> Result<Stream, SecurityError> {
    let tcp = TcpStream::connect_timeout(&addr, TIMEOUT).unwrap();
    tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
    tcp.set_write_timeout(Some(TIMEOUT)).unwrap();
    security.wrap(tcp, host)
}

fn round_trip(stream: &mut Stream) -> io::Result<Vec<u8>> {
    stream.write_all(b"hello")?;
    stream.flush()?;
    let mut reply = [0u8; 5];
    stream.read_exact(&mut reply)?;
    Ok(reply.to_vec())
}

fn ssl_with_ca(ca: &Ca, extra: &str) -> String {
    format!(
        "security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.certificates={}\n{extra}\n",
        continued(&ca.pem())
    )
}

// ---- configuration ----

#[test]
fn plaintext_by_default_and_unused_keys_listed() {
    let security = parse("").unwrap();
    assert_eq!(security.protocol(), SecurityProtocol::Plaintext);
    assert!(security.sasl_mechanism().is_none() && security.sasl_session().is_none());
    assert!(security.ignored_keys().is_empty());

    let text = format!(
        "client.id=tierlens\nrequest.timeout.ms = 30000\nsasl.mechanism=PLAIN\n\
         sasl.jaas.config=x required password=\"{SENTINEL}\";\nssl.truststore.location=/x.jks\n"
    );
    let security = parse(&text).unwrap();
    assert_eq!(
        security.ignored_keys(),
        [
            "client.id",
            "request.timeout.ms",
            "sasl.mechanism",
            "sasl.jaas.config",
            "ssl.truststore.location"
        ]
    );
    assert!(!format!("{security:?}").contains(SENTINEL));
    assert_eq!(ClientSecurity::plaintext().protocol(), security.protocol());
}

#[test]
fn security_protocol_is_case_insensitive_and_unknown_values_fail() {
    let jaas = r#"sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";"#;
    let security = parse(&format!(
        "security.protocol = sasl_plaintext\nsasl.mechanism=PLAIN\n{jaas}"
    ))
    .unwrap();
    assert_eq!(security.protocol(), SecurityProtocol::SaslPlaintext);

    let err = parse_err("# comment\nsecurity.protocol=TLS\n");
    match &err {
        SecurityError::InvalidValue { at, value, .. } => {
            assert_eq!(
                (at.line, at.key.as_str(), value.as_deref()),
                (Some(2), "security.protocol", Some("TLS"))
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "line 2: security.protocol: unsupported value `TLS`; expected PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"
    );
}

#[test]
fn sasl_plain_and_scram_credentials_from_jaas() {
    let security = parse(
        "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\n\
         sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\\n\
         \x20   username=\"alice\" \\\n    password=\"a-\\\\\"secret\";\n",
    )
    .unwrap();
    assert_eq!(security.sasl_mechanism(), Some("SCRAM-SHA-512"));
    let sasl = security.sasl().unwrap();
    assert_eq!(
        (sasl.mechanism(), sasl.username()),
        (SaslMechanism::ScramSha512, "alice")
    );
    assert_eq!(sasl.password.expose(), "a-\"secret");
    assert!(!sasl.token_auth);
    let mut session = security.sasl_session().unwrap();
    assert_eq!(session.mechanism(), "SCRAM-SHA-512");
    assert!(session.initial().starts_with(b"n,,n=alice,r="));

    let security = parse(
        "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n\
         sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule requisite username=bob password=pw ;",
    )
    .unwrap();
    assert_eq!(security.sasl_session().unwrap().initial(), b"\0bob\0pw");

    let security = parse(
        "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-256\n\
         sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \
         username=\"tok\" password=\"hmac\" tokenauth=\"true\";",
    )
    .unwrap();
    assert!(security.sasl().unwrap().token_auth);
}

#[test]
fn gssapi_and_oauthbearer_are_refused_clearly() {
    let jaas =
        r#"sasl.jaas.config=com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true;"#;
    // No sasl.mechanism: Kafka's default, GSSAPI.
    let err = parse_err(&format!("security.protocol=SASL_PLAINTEXT\n{jaas}"));
    assert!(
        matches!(&err, SecurityError::UnsupportedMechanism { mechanism, at, .. }
        if mechanism == "GSSAPI" && at.key == "sasl.mechanism" && at.line.is_none())
    );
    let message = err.to_string();
    assert!(
        message.contains("GSSAPI (Kerberos, Kafka's default sasl.mechanism) is not supported by tierlens collect; use PLAIN or SCRAM-SHA-256/512"),
        "{message}"
    );

    let err = parse_err(&format!(
        "security.protocol=SASL_SSL\nsasl.mechanism=GSSAPI\n{jaas}"
    ));
    assert_eq!(
        err.to_string(),
        "line 2: sasl.mechanism: GSSAPI (Kerberos) is not supported by tierlens collect; use PLAIN or SCRAM-SHA-256/512"
    );

    let err = parse_err("security.protocol=SASL_SSL\nsasl.mechanism=OAUTHBEARER\n");
    assert!(
        err.to_string()
            .contains("OAUTHBEARER (OAuth 2 tokens) is not supported"),
        "{err}"
    );
    let err = parse_err("security.protocol=SASL_SSL\nsasl.mechanism=AWS_MSK_IAM\n");
    assert!(
        matches!(err, SecurityError::UnsupportedMechanism { .. }),
        "{err:?}"
    );

    // A Kerberos or OAuth login module with a supported mechanism.
    let err = parse_err(&format!(
        "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n{jaas}"
    ));
    assert!(
        matches!(&err, SecurityError::Jaas { problem, .. } if problem.contains("Krb5LoginModule")),
        "{err:?}"
    );
    let err = parse_err(
        "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=\
         org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;",
    );
    assert!(
        matches!(&err, SecurityError::Jaas { problem, .. } if problem.contains("OAuthBearerLoginModule")),
        "{err:?}"
    );
}

#[test]
fn missing_jaas_and_credentials_name_the_key() {
    let err = parse_err("security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-256\n");
    assert!(
        matches!(&err, SecurityError::MissingKey { at, .. } if at.key == "sasl.jaas.config"),
        "{err:?}"
    );
    assert!(err.to_string().contains("ScramLoginModule"), "{err}");

    let module = "org.apache.kafka.common.security.plain.PlainLoginModule required";
    for (options, missing) in [
        (r#"password="p""#, "username"),
        (r#"username="u""#, "password"),
        (r#"username="u" password="""#, "password"),
    ] {
        let err = parse_err(&format!(
            "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n\nsasl.jaas.config={module} {options};"
        ));
        match &err {
            SecurityError::JaasMissingOption {
                at,
                option,
                mechanism,
            } => {
                assert_eq!(
                    (at.line, at.key.as_str(), *option, *mechanism),
                    (Some(4), "sasl.jaas.config", missing, "PLAIN")
                );
            }
            other => panic!("{options}: {other:?}"),
        }
    }

    let err = parse_err(
        "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=com.example.Custom required;",
    );
    assert!(
        matches!(&err, SecurityError::Jaas { problem, .. } if problem.contains("neither PlainLoginModule")),
        "{err:?}"
    );
    let err = parse_err(
        "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\"",
    );
    assert!(
        matches!(&err, SecurityError::Jaas { problem, .. } if problem.contains("';'")),
        "{err:?}"
    );
}

#[test]
fn secrets_never_reach_errors_or_debug() {
    let s = SENTINEL;
    let plain = "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=";
    let module = "org.apache.kafka.common.security.plain.PlainLoginModule required";
    let ca = ca("sentinel CA");
    let ssl = ssl_with_ca(&ca, "");
    let failing = [
        format!("{plain}{module} username=\"u\" password=\"{s}"),
        format!("{plain}{module} username=\"u\" password=\"{s}\""),
        format!("{plain}{module} password=\"{s}\";"),
        format!("{plain}{module} username=\"u\" password={s} x;"),
        format!("{plain}{module} username=\"u\" password=\"{s}\\uZZZZ\";"),
        format!("{plain}com.{s}.Module required username=\"u\" password=\"p\";"),
        format!("{plain}{module} username=\"u\" \"{s}\";"),
        format!("{ssl}ssl.keystore.type={s}\nssl.keystore.location=k.pem"),
        format!("{ssl}ssl.keystore.type=PEM\nssl.keystore.location=/nonexistent/{s}.pem"),
        format!("{ssl}ssl.keystore.key=-----BEGIN PRIVATE KEY-----{s}-----END PRIVATE KEY-----\nssl.keystore.certificate.chain={}", continued(&ca.pem())),
        format!("{ssl}ssl.keystore.key={s}\nssl.keystore.certificate.chain={s}"),
        format!("{ssl}ssl.keystore.type=PEM\nssl.keystore.location=k.pem\nssl.key.password={s}"),
        format!("{ssl}ssl.keystore.key={s}"),
    ];
    for text in &failing {
        let err = parse_err(text);
        let shown = format!("{err} / {err:?}");
        assert!(
            !shown.contains(s) && !shown.contains("S3CR3T"),
            "{text}\n=> {shown}"
        );
    }

    let ok = parse(&format!(
        "{plain}{module} username=\"alice\" password=\"{s}\";"
    ))
    .unwrap();
    let shown = format!("{ok:?} {:?} {:?}", ok.sasl(), ok.sasl_session());
    assert!(shown.contains("alice") && !shown.contains(s), "{shown}");
    let secret = Secret::new(s);
    assert_eq!(
        (format!("{secret:?}"), secret.to_string(), secret.expose()),
        ("***".into(), "***".into(), s)
    );
}

#[test]
fn java_stores_need_conversion() {
    // A location without a type is JKS, Kafka's default.
    let err = parse_err("security.protocol=SSL\nssl.truststore.location=/etc/kafka/truststore.jks\nssl.truststore.password=x\n");
    match &err {
        SecurityError::StoreFormat {
            store,
            format,
            hint,
            at,
        } => {
            assert_eq!(
                (*store, *format, at.key.as_str()),
                (StoreKind::Truststore, "JKS", "ssl.truststore.type")
            );
            assert!(
                hint.contains(
                    "keytool -exportcert -rfc -keystore truststore.jks -alias CARoot > ca.pem"
                ),
                "{hint}"
            );
            assert!(
                hint.contains("ssl.truststore.type=PEM") && hint.contains("not set"),
                "{hint}"
            );
        }
        other => panic!("{other:?}"),
    }
    let err = parse_err(
        "security.protocol=SSL\nssl.truststore.type=PKCS12\nssl.truststore.location=t.p12\n",
    );
    assert!(
        matches!(&err, SecurityError::StoreFormat { format: "PKCS12", hint, at, .. }
            if hint.contains("openssl pkcs12") && at.line == Some(2)),
        "{err:?}"
    );
    let err = parse_err("security.protocol=SSL\nssl.truststore.type=JKS\nssl.truststore.certificates=-----BEGIN CERTIFICATE-----\n");
    assert!(matches!(err, SecurityError::InvalidValue { .. }), "{err:?}");

    let ca = ca("CA");
    let err = parse_err(&ssl_with_ca(
        &ca,
        "ssl.keystore.location=client.jks\nssl.keystore.password=x",
    ));
    match &err {
        SecurityError::StoreFormat {
            store,
            format,
            hint,
            ..
        } => {
            assert_eq!((*store, *format), (StoreKind::Keystore, "JKS"));
            assert!(
                hint.contains("keytool -importkeystore") && hint.contains("ssl.keystore.type=PEM"),
                "{hint}"
            );
        }
        other => panic!("{other:?}"),
    }
    let err = parse_err(&ssl_with_ca(
        &ca,
        "ssl.keystore.type=pkcs12\nssl.keystore.location=client.p12",
    ));
    assert!(
        matches!(&err, SecurityError::StoreFormat { store: StoreKind::Keystore, format: "PKCS12", hint, .. }
            if !hint.contains("keytool")),
        "{err:?}"
    );

    // A binary store labelled PEM.
    let dir = TempDir::new("binary-store");
    fs::write(
        dir.0.join("truststore.jks"),
        [0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2],
    )
    .unwrap();
    let err = ClientSecurity::from_properties(
        "security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.location=truststore.jks",
        &dir.0,
    )
    .unwrap_err();
    assert!(
        matches!(&err, SecurityError::Pem { problem, .. } if problem.contains("binary")),
        "{err:?}"
    );
}

#[test]
fn encrypted_keys_are_refused() {
    let ca = ca("CA");
    let client = leaf(&ca, &["client"], ExtendedKeyUsagePurpose::ClientAuth);
    let err = parse_err(&ssl_with_ca(
        &ca,
        &format!(
            "ssl.keystore.type=PEM\nssl.keystore.key={}\nssl.keystore.certificate.chain={}\nssl.key.password=pw",
            continued(&client.key_pem),
            continued(&client.cert_pem)
        ),
    ));
    assert!(
        matches!(&err, SecurityError::EncryptedKey { at } if at.key == "ssl.key.password"),
        "{err:?}"
    );
    assert!(err.to_string().contains("openssl pkcs8"), "{err}");

    let err = parse_err(&ssl_with_ca(
        &ca,
        &format!(
            "ssl.keystore.type=PEM\nssl.keystore.key=-----BEGIN ENCRYPTED PRIVATE KEY----- \\\n  MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI \\\n  -----END ENCRYPTED PRIVATE KEY-----\nssl.keystore.certificate.chain={}",
            continued(&client.cert_pem)
        ),
    ));
    assert!(
        matches!(&err, SecurityError::EncryptedKey { at } if at.key == "ssl.keystore.key"),
        "{err:?}"
    );
}

#[test]
fn store_keys_that_conflict_or_lack_content() {
    let ca = ca("CA");
    let err = parse_err(&ssl_with_ca(&ca, "ssl.truststore.location=ca.pem"));
    assert!(
        matches!(&err, SecurityError::Conflict { at, other: "ssl.truststore.location" }
        if at.key == "ssl.truststore.certificates"),
        "{err:?}"
    );

    let err = parse_err("security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.certificates=not a certificate\n");
    assert!(
        matches!(&err, SecurityError::Pem { at, .. } if at.line == Some(3)),
        "{err:?}"
    );

    let client = leaf(&ca, &["client"], ExtendedKeyUsagePurpose::ClientAuth);
    let err = parse_err(&ssl_with_ca(
        &ca,
        &format!("ssl.keystore.key={}", continued(&client.key_pem)),
    ));
    assert!(
        matches!(&err, SecurityError::MissingKey { at, .. } if at.key == "ssl.keystore.certificate.chain"),
        "{err:?}"
    );

    let err = parse_err(&ssl_with_ca(
        &ca,
        "ssl.endpoint.identification.algorithm=ldaps",
    ));
    assert!(
        matches!(&err, SecurityError::InvalidValue { value: Some(v), .. } if v == "ldaps"),
        "{err:?}"
    );

    // A key that does not belong to the certificate chain.
    let other = leaf(&ca, &["other"], ExtendedKeyUsagePurpose::ClientAuth);
    let err = parse_err(&ssl_with_ca(
        &ca,
        &format!(
            "ssl.keystore.key={}\nssl.keystore.certificate.chain={}",
            continued(&other.key_pem),
            continued(&client.cert_pem)
        ),
    ));
    assert!(
        matches!(&err, SecurityError::TlsConfig { at, .. } if at.key == "ssl.keystore.key"),
        "{err:?}"
    );
}

#[test]
fn errors_from_a_file_name_the_file_line_and_key() {
    let dir = TempDir::new("from-file");
    let missing = ClientSecurity::from_file(&dir.0.join("absent.properties")).unwrap_err();
    assert!(
        matches!(missing, SecurityError::ReadConfig { .. }),
        "{missing:?}"
    );

    let path = dir.write(
        "client.properties",
        "# Kafka client\nbootstrap.servers=b:9092\nsecurity.protocol=SSL\nssl.truststore.location=ca.jks\n",
    );
    let err = ClientSecurity::from_file(&path).unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with(&format!(
            "{}: ssl.truststore.type (not set): JKS truststores are not supported",
            path.display()
        )),
        "{message}"
    );

    let path = dir.write(
        "bad.properties",
        "a=1\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=x\n",
    );
    let err = ClientSecurity::from_file(&path).unwrap_err();
    assert!(
        err.to_string()
            .starts_with(&format!("{}:4: sasl.jaas.config: ", path.display())),
        "{err}"
    );
}

// ---- TLS ----

#[test]
fn tls_round_trip_with_a_pem_truststore_file() {
    let ca = ca("test CA");
    let (addr, server) = serve(server_config(&server_leaf(&ca, &["localhost"]), None));
    let dir = TempDir::new("truststore-file");
    dir.write("ca.pem", &ca.pem());
    // Relative to base_dir.
    let security = ClientSecurity::from_properties(
        "security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.location=ca.pem\nssl.protocol=TLSv1.3\n",
        &dir.0,
    )
    .unwrap();
    assert_eq!(security.trust_source(), Some(TrustSource::Pem(1)));
    assert!(security.verifies_hostname() && !security.has_client_certificate());
    assert_eq!(security.ignored_keys(), ["ssl.protocol"]);

    let mut stream = connect(&security, addr, "localhost").unwrap();
    assert!(stream.is_tls());
    assert_eq!(round_trip(&mut stream).unwrap(), b"olleh");
    assert_eq!(server.join().unwrap().unwrap(), b"hello");
}

#[test]
fn tls_round_trip_with_inline_certificates() {
    let ca = ca("test CA");
    let (addr, server) = serve(server_config(
        &server_leaf(&ca, &["localhost", "127.0.0.1"]),
        None,
    ));
    let other_ca = ca_other();
    // Two CAs inline, joined the way Kafka's docs show it.
    let text = format!(
        "security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.certificates={} \\\n  {}\n",
        continued(&other_ca.pem()),
        continued(&ca.pem())
    );
    let security = parse(&text).unwrap();
    assert_eq!(security.trust_source(), Some(TrustSource::Pem(2)));
    let mut stream = connect(&security, addr, "127.0.0.1").unwrap();
    assert_eq!(round_trip(&mut stream).unwrap(), b"olleh");
    server.join().unwrap().unwrap();
}

fn ca_other() -> Ca {
    ca("some other CA")
}

#[test]
fn tls_unknown_ca_is_reported() {
    let ca = ca("the broker's CA");
    let (addr, server) = serve(server_config(&server_leaf(&ca, &["localhost"]), None));
    let security = parse(&ssl_with_ca(&ca_other(), "")).unwrap();
    let err = connect(&security, addr, "localhost").unwrap_err();
    assert!(
        matches!(&err, SecurityError::UnknownCa { host } if host == "localhost"),
        "{err:?}"
    );
    assert!(server.join().unwrap().is_err());
}

#[test]
fn tls_host_name_mismatch_unless_identification_is_disabled() {
    let ca = ca("test CA");
    let cert = server_leaf(&ca, &["other.example"]);

    let (addr, server) = serve(server_config(&cert, None));
    let security = parse(&ssl_with_ca(&ca, "")).unwrap();
    let err = connect(&security, addr, "127.0.0.1").unwrap_err();
    assert!(
        matches!(&err, SecurityError::HostnameMismatch { host } if host == "127.0.0.1"),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("ssl.endpoint.identification.algorithm="),
        "{err}"
    );
    let _ = server.join();

    let (addr, server) = serve(server_config(&cert, None));
    let security = parse(&ssl_with_ca(&ca, "ssl.endpoint.identification.algorithm=")).unwrap();
    assert!(!security.verifies_hostname());
    let mut stream = connect(&security, addr, "127.0.0.1").unwrap();
    assert_eq!(round_trip(&mut stream).unwrap(), b"olleh");
    server.join().unwrap().unwrap();

    // Disabling host names does not disable the chain check.
    let (addr, server) = serve(server_config(&cert, None));
    let security = parse(&ssl_with_ca(
        &ca_other(),
        "ssl.endpoint.identification.algorithm=",
    ))
    .unwrap();
    let err = connect(&security, addr, "127.0.0.1").unwrap_err();
    assert!(matches!(err, SecurityError::UnknownCa { .. }), "{err:?}");
    let _ = server.join();
}

#[test]
fn mtls_with_a_pem_keystore() {
    let server_ca = ca("server CA");
    let client_ca = ca("client CA");
    let client = leaf(
        &client_ca,
        &["tierlens-client"],
        ExtendedKeyUsagePurpose::ClientAuth,
    );
    let config = server_config(&server_leaf(&server_ca, &["localhost"]), Some(&client_ca));

    // Key and chain in one file (ssl.keystore.location).
    let dir = TempDir::new("keystore");
    dir.write(
        "client.pem",
        &format!(
            "Bag Attributes: from openssl\n{}{}",
            client.key_pem, client.cert_pem
        ),
    );
    dir.write("ca.pem", &server_ca.pem());
    let security = ClientSecurity::from_properties(
        "security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.location=ca.pem\n\
         ssl.keystore.type=PEM\nssl.keystore.location=client.pem\nssl.keystore.password=unused\n",
        &dir.0,
    )
    .unwrap();
    assert!(security.has_client_certificate());
    assert_eq!(security.ignored_keys(), ["ssl.keystore.password"]);
    let (addr, server) = serve(config.clone());
    let mut stream = connect(&security, addr, "localhost").unwrap();
    assert_eq!(round_trip(&mut stream).unwrap(), b"olleh");
    server.join().unwrap().unwrap();

    // Inline key and chain.
    let security = parse(&ssl_with_ca(
        &server_ca,
        &format!(
            "ssl.keystore.type=PEM\nssl.keystore.key={}\nssl.keystore.certificate.chain={}",
            continued(&client.key_pem),
            continued(&client.cert_pem)
        ),
    ))
    .unwrap();
    let (addr, server) = serve(config.clone());
    let mut stream = connect(&security, addr, "localhost").unwrap();
    assert_eq!(round_trip(&mut stream).unwrap(), b"olleh");
    server.join().unwrap().unwrap();

    // Without a client certificate the server refuses (in TLS 1.3 after the client's Finished).
    let security = parse(&ssl_with_ca(&server_ca, "")).unwrap();
    let (addr, server) = serve(config);
    let refused = connect(&security, addr, "localhost")
        .map_err(|e| e.to_string())
        .and_then(|mut s| round_trip(&mut s).map_err(|e| e.to_string()));
    assert!(refused.is_err(), "{refused:?}");
    assert!(server.join().unwrap().is_err());
}

#[test]
fn tls_to_a_listener_that_is_not_tls() {
    let ca = ca("test CA");
    let security = parse(&ssl_with_ca(&ca, "")).unwrap();

    // A Kafka PLAINTEXT listener reads the ClientHello as a request and hangs up.
    let (addr, server) = serve_raw(b"");
    let err = connect(&security, addr, "localhost").unwrap_err();
    assert!(
        matches!(err, SecurityError::ClosedDuringHandshake { .. }),
        "{err:?}"
    );
    server.join().unwrap();

    // Something that answers, but not with TLS records.
    let (addr, server) = serve_raw(b"\x00\x00\x00\x0a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00");
    let err = connect(&security, addr, "localhost").unwrap_err();
    assert!(matches!(err, SecurityError::NotTls { .. }), "{err:?}");
    server.join().unwrap();
}

#[test]
fn without_a_truststore_the_system_roots_are_used() {
    // rustls-native-certs reads SSL_CERT_FILE / SSL_CERT_DIR when set, which makes "the system"
    // ours. This is the only test that touches the environment; it puts back what it found.
    let ca = ca("system CA");
    let dir = TempDir::new("system-roots");
    let bundle = dir.write("bundle.pem", &ca.pem());
    let empty = dir.write("empty.pem", "");
    let no_dir = dir.0.join("certs");
    fs::create_dir(&no_dir).unwrap();
    let text = "security.protocol=SSL\nssl.truststore.password=unused\n";

    let saved: Vec<_> = ["SSL_CERT_FILE", "SSL_CERT_DIR"]
        .map(|k| (k, std::env::var_os(k)))
        .into();
    std::env::set_var("SSL_CERT_DIR", &no_dir);
    std::env::set_var("SSL_CERT_FILE", &bundle);
    let found = parse(text);
    std::env::set_var("SSL_CERT_FILE", &empty);
    let none = parse(text);
    for (key, value) in saved {
        match value {
            Some(value) => std::env::set_var(key, value),
            None => std::env::remove_var(key),
        }
    }

    let security = found.unwrap();
    assert_eq!(security.trust_source(), Some(TrustSource::System(1)));
    assert_eq!(security.ignored_keys(), ["ssl.truststore.password"]);
    let (addr, server) = serve(server_config(&server_leaf(&ca, &["localhost"]), None));
    let mut stream = connect(&security, addr, "localhost").unwrap();
    assert_eq!(round_trip(&mut stream).unwrap(), b"olleh");
    server.join().unwrap().unwrap();

    let err = none.unwrap_err();
    assert!(
        matches!(err, SecurityError::NoSystemRoots { .. }),
        "{err:?}"
    );
}

#[test]
fn plaintext_wrap_passes_bytes_through() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = thread::spawn(move || {
        let (mut tcp, _) = listener.accept().unwrap();
        let mut got = [0u8; 5];
        tcp.read_exact(&mut got).unwrap();
        got.reverse();
        tcp.write_all(&got).unwrap();
    });
    let mut stream = connect(&ClientSecurity::plaintext(), addr, "localhost").unwrap();
    assert!(!stream.is_tls());
    assert_eq!(round_trip(&mut stream).unwrap(), b"olleh");
    server.join().unwrap();
}

#[test]
fn invalid_host_names_are_reported() {
    let ca = ca("test CA");
    let security = parse(&ssl_with_ca(&ca, "")).unwrap();
    let (addr, server) = serve_raw(b"");
    let err = connect(&security, addr, "bad host!").unwrap_err();
    assert!(matches!(err, SecurityError::InvalidHost { .. }), "{err:?}");
    server.join().unwrap();
}

#[test]
fn errors_stay_small_enough_to_embed() {
    // Callers wrap SecurityError in their own errors, next to a broker name or two, and clippy's
    // result_large_err starts at 128 bytes.
    let size = std::mem::size_of::<SecurityError>();
    assert!(size <= 80, "SecurityError is {size} bytes");
}
