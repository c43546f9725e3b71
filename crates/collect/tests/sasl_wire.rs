//! SASL over the wire, against an in-process broker that speaks just enough Kafka (ApiVersions,
//! SaslHandshake, SaslAuthenticate with PLAIN, Metadata), over plain TCP and over TLS. (tansu
//! 0.6, the end-to-end broker, cannot be used here: it offers no PLAIN, SCRAM users can only be
//! created through an authenticated connection, and its TLS flags exclude each other.)
mod common;

use common::{api_versions, reply, request};
use kafka_protocol::messages::metadata_response::MetadataResponseBroker;
use kafka_protocol::messages::{
    ApiKey, BrokerId, MetadataResponse, SaslAuthenticateRequest, SaslAuthenticateResponse,
    SaslHandshakeRequest, SaslHandshakeResponse,
};
use kafka_protocol::protocol::{Decodable, StrBytes};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tierlens_collect::cluster::Cluster;
use tierlens_collect::kafka::{KafkaCluster, Settings};
use tierlens_collect::security::ClientSecurity;

const USER: &str = "alice";
const PASSWORD: &str = "pa55-W0rd-never-printed";

/// Serves one connection: PLAIN with `USER`/`PASSWORD` only, Metadata only once authenticated
/// (this broker, its only node, and no topics). Returns when the client goes or fails auth.
fn serve_connection(mut s: impl Read + Write, port: u16) {
    let mut authenticated = false;
    while let Some((key, version, id, mut body)) = request(&mut s) {
        match key {
            ApiKey::ApiVersions => {
                let keys = [
                    (ApiKey::ApiVersions, 0, 3),
                    (ApiKey::SaslHandshake, 0, 1),
                    (ApiKey::SaslAuthenticate, 0, 2),
                    (ApiKey::Metadata, 0, 12),
                ];
                let r = api_versions(&keys);
                reply(&mut s, key, version, id, &r);
            }
            ApiKey::SaslHandshake => {
                let req = SaslHandshakeRequest::decode(&mut body, version).unwrap();
                let code = if req.mechanism.as_str() == "PLAIN" {
                    0
                } else {
                    33
                };
                let r = SaslHandshakeResponse::default()
                    .with_error_code(code)
                    .with_mechanisms(vec![StrBytes::from_static_str("PLAIN")]);
                reply(&mut s, key, version, id, &r);
            }
            ApiKey::SaslAuthenticate => {
                let req = SaslAuthenticateRequest::decode(&mut body, version).unwrap();
                let expected = format!("\0{USER}\0{PASSWORD}");
                authenticated = req.auth_bytes[..] == *expected.as_bytes();
                let r = if authenticated {
                    SaslAuthenticateResponse::default()
                } else {
                    // Kafka's own message for a bad PLAIN password.
                    SaslAuthenticateResponse::default()
                        .with_error_code(58)
                        .with_error_message(Some(StrBytes::from_static_str(
                            "Authentication failed: Invalid username or password",
                        )))
                };
                reply(&mut s, key, version, id, &r);
                if !authenticated {
                    return;
                }
            }
            ApiKey::Metadata if authenticated => {
                let r = MetadataResponse::default()
                    .with_cluster_id(Some(StrBytes::from_static_str("sasl-test")))
                    .with_brokers(vec![MetadataResponseBroker::default()
                        .with_node_id(BrokerId(1))
                        .with_host(StrBytes::from_static_str("localhost"))
                        .with_port(i32::from(port))]);
                reply(&mut s, key, version, id, &r);
            }
            _ => return, // as Kafka does before authentication: close
        }
    }
}

/// A listener on 127.0.0.1 serving connections in threads, TLS-wrapped when `tls` is given.
fn broker(tls: Option<Arc<rustls::ServerConfig>>) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            let tls = tls.clone();
            std::thread::spawn(move || match tls {
                None => serve_connection(s, port),
                Some(config) => {
                    let conn = rustls::ServerConnection::new(config).unwrap();
                    serve_connection(rustls::StreamOwned::new(conn, s), port);
                }
            });
        }
    });
    port
}

fn settings(port: u16, properties: &str) -> Settings {
    Settings {
        bootstrap: vec![format!("localhost:{port}")],
        security: ClientSecurity::from_properties(properties, Path::new(".")).unwrap(),
        timeout: Duration::from_secs(5),
        client_id: "sasl-test".into(),
    }
}

fn plain(protocol: &str, password: &str, extra: &str) -> String {
    format!(
        "security.protocol={protocol}\nsasl.mechanism=PLAIN\n\
         sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \
         username=\"{USER}\" password=\"{password}\";\n{extra}"
    )
}

#[test]
fn sasl_plaintext_plain_authenticates_and_a_wrong_password_is_refused_without_echo() {
    let port = broker(None);
    let mut cluster =
        KafkaCluster::connect(settings(port, &plain("SASL_PLAINTEXT", PASSWORD, ""))).unwrap();
    let info = cluster.metadata().unwrap();
    assert_eq!(info.cluster_id.as_deref(), Some("sasl-test"));

    let wrong = "wrong-Pa55word";
    let e = KafkaCluster::connect(settings(port, &plain("SASL_PLAINTEXT", wrong, "")))
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains(
            "PLAIN authentication failed: Authentication failed: Invalid username or password"
        ),
        "{e}"
    );
    assert!(!e.contains(wrong) && !e.contains(PASSWORD), "{e}");

    // A mechanism the listener does not enable: said, with what it offers.
    let scram = format!(
        "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-256\n\
         sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \
         username=\"{USER}\" password=\"{PASSWORD}\";\n"
    );
    let e = KafkaCluster::connect(settings(port, &scram))
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("the listener does not enable SCRAM-SHA-256 (it offers PLAIN)"),
        "{e}"
    );
    assert!(!e.contains(PASSWORD));

    // No SASL at all: the broker closes the connection at the first request after ApiVersions.
    let mut cluster = KafkaCluster::connect(settings(port, "")).unwrap();
    let e = cluster.metadata().unwrap_err().to_string();
    assert!(e.contains("closed the connection during Metadata"), "{e}");
}

#[test]
fn sasl_ssl_plain_over_tls_with_a_pem_truststore() {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "test CA");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .unwrap();
    let port = broker(Some(Arc::new(config)));
    let truststore = format!(
        "ssl.truststore.type=PEM\nssl.truststore.certificates={}\n",
        ca.pem()
            .trim_end()
            .lines()
            .collect::<Vec<_>>()
            .join(" \\\n    ")
    );
    let mut cluster =
        KafkaCluster::connect(settings(port, &plain("SASL_SSL", PASSWORD, &truststore))).unwrap();
    assert_eq!(
        cluster.metadata().unwrap().cluster_id.as_deref(),
        Some("sasl-test")
    );
    // The same listener without TLS: the handshake never starts, and the client says so in time.
    let e = KafkaCluster::connect(settings(port, &plain("SASL_PLAINTEXT", PASSWORD, "")))
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("the listener answered with TLS: set security.protocol=SSL"),
        "{e}"
    );
    assert!(!e.contains(PASSWORD), "{e}");
}
