//! The `ssl.*` keys as Kafka's `DefaultSslEngineFactory` reads them, turned into a rustls client
//! configuration, and the stream that wraps a broker connection.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, ClientConnection, DigitallySignedStruct, RootCertStore,
    SignatureScheme, StreamOwned,
};

use super::error::{is_sensitive, Origin, SecurityError, StoreKind};
use super::properties::{Props, Value};

const TRUSTSTORE_TYPE: &str = "ssl.truststore.type";
const TRUSTSTORE_LOCATION: &str = "ssl.truststore.location";
const TRUSTSTORE_CERTIFICATES: &str = "ssl.truststore.certificates";
const KEYSTORE_TYPE: &str = "ssl.keystore.type";
const KEYSTORE_LOCATION: &str = "ssl.keystore.location";
const KEYSTORE_KEY: &str = "ssl.keystore.key";
const KEYSTORE_CHAIN: &str = "ssl.keystore.certificate.chain";
const KEY_PASSWORD: &str = "ssl.key.password";
const ENDPOINT_IDENTIFICATION: &str = "ssl.endpoint.identification.algorithm";

/// Where the trusted CAs come from (for `Debug` and the CLI).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrustSource {
    /// `ssl.truststore.location` / `ssl.truststore.certificates`, with how many CA certificates.
    Pem(usize),
    /// No truststore configured: the operating system's roots.
    System(usize),
}

/// A ready rustls configuration and what it was made of.
#[derive(Clone)]
pub(crate) struct TlsSettings {
    config: Arc<ClientConfig>,
    pub trust: TrustSource,
    pub client_certificate: bool,
    pub verify_hostname: bool,
}

impl fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsSettings")
            .field("trust", &self.trust)
            .field("client_certificate", &self.client_certificate)
            .field("verify_hostname", &self.verify_hostname)
            .finish()
    }
}

/// The store formats Kafka knows; only PEM can be read without a Java keystore parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StoreType {
    Pem,
    Jks,
    Pkcs12,
}

fn store_type(
    props: &mut Props,
    key: &str,
    default: StoreType,
) -> Result<StoreType, SecurityError> {
    let Some(value) = props.get(key) else {
        return Ok(default);
    };
    match value.text.to_ascii_uppercase().as_str() {
        "PEM" => Ok(StoreType::Pem),
        "JKS" => Ok(StoreType::Jks),
        "PKCS12" => Ok(StoreType::Pkcs12),
        _ => Err(SecurityError::InvalidValue {
            at: props.at(key),
            value: (!is_sensitive(key)).then_some(value.text),
            expected: "PEM (JKS and PKCS12 must be converted to PEM)",
        }),
    }
}

fn truststore_hint(format: StoreType) -> String {
    let export = match format {
        StoreType::Pkcs12 => "`openssl pkcs12 -in truststore.p12 -nokeys -out ca.pem`",
        _ => "`keytool -exportcert -rfc -keystore truststore.jks -alias CARoot > ca.pem`",
    };
    format!("{export}, then set ssl.truststore.type=PEM and ssl.truststore.location=ca.pem")
}

fn keystore_hint(format: StoreType) -> String {
    let to_p12 = match format {
        StoreType::Jks => {
            "`keytool -importkeystore -srckeystore keystore.jks -destkeystore keystore.p12 \
             -deststoretype PKCS12`, then "
        }
        _ => "",
    };
    format!(
        "{to_p12}`openssl pkcs12 -in keystore.p12 -nodes -out client.pem` (key and certificate \
         chain in one file), then set ssl.keystore.type=PEM and ssl.keystore.location=client.pem \
         and remove ssl.keystore.password and ssl.key.password"
    )
}

fn format_name(format: StoreType) -> &'static str {
    match format {
        StoreType::Pem => "PEM",
        StoreType::Jks => "JKS",
        StoreType::Pkcs12 => "PKCS12",
    }
}

/// A store's PEM text, from its file or inline; the origin blames the key it came from.
fn read_store(
    props: &Props,
    key: &str,
    value: &Value,
    base_dir: &Path,
) -> Result<String, SecurityError> {
    let path = base_dir.join(&value.text);
    let bytes = std::fs::read(&path).map_err(|source| SecurityError::StoreFile {
        at: props.at(key),
        path: (!is_sensitive(key)).then(|| path.clone()),
        source,
    })?;
    // A Java keystore begins 0xFEEDFEED; PKCS12 is DER (a SEQUENCE, 0x30): neither is PEM.
    if bytes.starts_with(&[0xFE, 0xED, 0xFE, 0xED]) || bytes.first() == Some(&0x30) {
        return Err(SecurityError::Pem {
            at: props.at(key),
            problem: "the file is a binary JKS or PKCS12 store, not PEM text; convert it to PEM"
                .into(),
        });
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Rebuilds every `-----BEGIN X----- ... -----END X-----` block with one base64 line: inline PEM
/// in a properties file usually arrives on one line (continuations join lines with blanks),
/// which the line-based PEM reader would not accept.
fn normalize_pem(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = &rest[start + "-----BEGIN ".len()..];
        let Some(label_len) = after.find("-----") else {
            break;
        };
        let label = &after[..label_len];
        let body = &after[label_len + 5..];
        let end = format!("-----END {label}-----");
        let Some(body_len) = body.find(&end) else {
            break;
        };
        let base64: String = body[..body_len]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        out.push_str(&format!("-----BEGIN {label}-----\n{base64}\n{end}\n"));
        rest = &body[body_len + end.len()..];
    }
    out
}

/// A PEM error as text without the offending line (it may be part of a private key).
fn pem_problem(what: &str, error: &pem::Error) -> String {
    match error {
        pem::Error::NoItemsFound => format!("no {what} block found"),
        pem::Error::MissingSectionEnd { .. } => {
            format!("a PEM block is not closed (looking for {what})")
        }
        pem::Error::IllegalSectionStart { .. } => "a malformed -----BEGIN line".into(),
        pem::Error::Base64Decode(_) => "a PEM block is not valid base64".into(),
        _ => format!("not valid PEM (looking for {what})"),
    }
}

fn certificates(
    props: &Props,
    key: &str,
    pem_text: &str,
) -> Result<Vec<CertificateDer<'static>>, SecurityError> {
    let certs = CertificateDer::pem_slice_iter(normalize_pem(pem_text).as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| SecurityError::Pem {
            at: props.at(key),
            problem: pem_problem("CERTIFICATE", &e),
        })?;
    if certs.is_empty() {
        return Err(SecurityError::Pem {
            at: props.at(key),
            problem: "no -----BEGIN CERTIFICATE----- block found".into(),
        });
    }
    Ok(certs)
}

fn is_encrypted(pem_text: &str) -> bool {
    // PKCS#8 encrypted, or a traditional OpenSSL key with a `Proc-Type: 4,ENCRYPTED` header.
    pem_text.contains("ENCRYPTED PRIVATE KEY") || pem_text.contains("Proc-Type: 4,ENCRYPTED")
}

fn truststore(
    props: &mut Props,
    base_dir: &Path,
) -> Result<(RootCertStore, TrustSource), SecurityError> {
    let location = props
        .get(TRUSTSTORE_LOCATION)
        .filter(|v| !v.text.is_empty());
    let inline = props
        .get(TRUSTSTORE_CERTIFICATES)
        .filter(|v| !v.text.is_empty());
    let (key, value) = match (location, inline) {
        (Some(_), Some(_)) => {
            return Err(SecurityError::Conflict {
                at: props.at(TRUSTSTORE_CERTIFICATES),
                other: TRUSTSTORE_LOCATION,
            })
        }
        (None, None) => return system_roots(),
        (Some(location), None) => (TRUSTSTORE_LOCATION, location),
        (None, Some(inline)) => (TRUSTSTORE_CERTIFICATES, inline),
    };
    // Kafka's default type is JKS; inline certificates can only be PEM, so they imply it.
    let default = if key == TRUSTSTORE_LOCATION {
        StoreType::Jks
    } else {
        StoreType::Pem
    };
    let kind = store_type(props, TRUSTSTORE_TYPE, default)?;
    let text = if key == TRUSTSTORE_LOCATION {
        if kind != StoreType::Pem {
            let mut hint = truststore_hint(kind);
            if props.get(TRUSTSTORE_TYPE).is_none() {
                hint = format!(
                    "ssl.truststore.type is not set, and Kafka's default is JKS; if the file is PEM \
                     already, set ssl.truststore.type=PEM, otherwise {hint}"
                );
            }
            return Err(SecurityError::StoreFormat {
                at: props.at(TRUSTSTORE_TYPE),
                store: StoreKind::Truststore,
                format: format_name(kind),
                hint,
            });
        }
        read_store(props, key, &value, base_dir)?
    } else {
        if kind != StoreType::Pem {
            return Err(SecurityError::InvalidValue {
                at: props.at(TRUSTSTORE_TYPE),
                value: Some(format_name(kind).into()),
                expected: "PEM, the only type ssl.truststore.certificates can have",
            });
        }
        value.text
    };
    let mut roots = RootCertStore::empty();
    let certs = certificates(props, key, &text)?;
    let count = certs.len();
    for cert in certs {
        roots.add(cert).map_err(|e| SecurityError::Pem {
            at: props.at(key),
            problem: format!("a certificate cannot be used as a trust anchor: {e}"),
        })?;
    }
    Ok((roots, TrustSource::Pem(count)))
}

fn system_roots() -> Result<(RootCertStore, TrustSource), SecurityError> {
    let found = rustls_native_certs::load_native_certs();
    let mut roots = RootCertStore::empty();
    let (added, _unparsable) = roots.add_parsable_certificates(found.certs);
    if added == 0 {
        return Err(SecurityError::NoSystemRoots {
            detail: found
                .errors
                .first()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default(),
        });
    }
    Ok((roots, TrustSource::System(added)))
}

type ClientCertificate = (
    Vec<CertificateDer<'static>>,
    PrivateKeyDer<'static>,
    Box<Origin>,
);

fn keystore(
    props: &mut Props,
    base_dir: &Path,
) -> Result<Option<ClientCertificate>, SecurityError> {
    let location = props.get(KEYSTORE_LOCATION).filter(|v| !v.text.is_empty());
    let key = props.get(KEYSTORE_KEY).filter(|v| !v.text.is_empty());
    let chain = props.get(KEYSTORE_CHAIN).filter(|v| !v.text.is_empty());
    if location.is_none() && key.is_none() && chain.is_none() {
        return Ok(None);
    }
    let default = if location.is_some() {
        StoreType::Jks
    } else {
        StoreType::Pem
    };
    let kind = store_type(props, KEYSTORE_TYPE, default)?;
    if kind != StoreType::Pem {
        return Err(SecurityError::StoreFormat {
            at: props.at(KEYSTORE_TYPE),
            store: StoreKind::Keystore,
            format: format_name(kind),
            hint: keystore_hint(kind),
        });
    }
    // Kafka uses ssl.key.password to decrypt a PEM key: set means encrypted.
    if props.get(KEY_PASSWORD).is_some_and(|v| !v.text.is_empty()) {
        return Err(SecurityError::EncryptedKey {
            at: props.at(KEY_PASSWORD),
        });
    }
    let (origin_key, text) = match (location, key, chain) {
        (Some(_), Some(_), _) => {
            return Err(SecurityError::Conflict {
                at: props.at(KEYSTORE_KEY),
                other: KEYSTORE_LOCATION,
            })
        }
        (Some(_), None, Some(_)) => {
            return Err(SecurityError::Conflict {
                at: props.at(KEYSTORE_CHAIN),
                other: KEYSTORE_LOCATION,
            })
        }
        (Some(location), None, None) => (
            KEYSTORE_LOCATION,
            read_store(props, KEYSTORE_LOCATION, &location, base_dir)?,
        ),
        (None, Some(key), Some(chain)) => (KEYSTORE_KEY, format!("{}\n{}", key.text, chain.text)),
        (None, Some(_), None) => {
            return Err(SecurityError::MissingKey {
                at: props.at(KEYSTORE_CHAIN),
                reason: "with ssl.keystore.key (the client certificate chain)".into(),
            })
        }
        (None, None, _) => {
            return Err(SecurityError::MissingKey {
                at: props.at(KEYSTORE_KEY),
                reason: "with ssl.keystore.certificate.chain (the client private key)".into(),
            })
        }
    };
    if is_encrypted(&text) {
        return Err(SecurityError::EncryptedKey {
            at: props.at(origin_key),
        });
    }
    let normalized = normalize_pem(&text);
    let private_key =
        PrivateKeyDer::from_pem_slice(normalized.as_bytes()).map_err(|e| SecurityError::Pem {
            at: props.at(origin_key),
            problem: pem_problem("PRIVATE KEY", &e),
        })?;
    let chain_key = if origin_key == KEYSTORE_KEY {
        KEYSTORE_CHAIN
    } else {
        KEYSTORE_LOCATION
    };
    let chain = certificates(props, chain_key, &text)?;
    Ok(Some((chain, private_key, props.at(origin_key))))
}

fn verify_hostname(props: &mut Props) -> Result<bool, SecurityError> {
    match props.get(ENDPOINT_IDENTIFICATION) {
        None => Ok(true),
        Some(v) if v.text.is_empty() => Ok(false),
        Some(v) if v.text.eq_ignore_ascii_case("https") => Ok(true),
        Some(v) => Err(SecurityError::InvalidValue {
            at: props.at(ENDPOINT_IDENTIFICATION),
            value: Some(v.text),
            expected: "https, or an empty value to skip host-name verification",
        }),
    }
}

/// Reads the `ssl.*` keys and builds the rustls configuration once for all connections.
pub(crate) fn settings(props: &mut Props, base_dir: &Path) -> Result<TlsSettings, SecurityError> {
    let verify_hostname = verify_hostname(props)?;
    let (roots, trust) = truststore(props, base_dir)?;
    let client = keystore(props, base_dir)?;

    // An explicit provider: no dependence on a process-wide default (or on aws-lc).
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let protocol_at = props.at("security.protocol");
    let config_error = |source| SecurityError::TlsConfig {
        at: protocol_at.clone(),
        source,
    };
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| config_error(rustls::Error::General(e.to_string())))?;
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(config_error)?;
    let builder = if verify_hostname {
        builder.with_webpki_verifier(webpki)
    } else {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(ChainOnlyVerifier(webpki)))
    };
    let client_certificate = client.is_some();
    let config = match client {
        Some((chain, key, at)) => builder
            .with_client_auth_cert(chain, key)
            .map_err(|source| SecurityError::TlsConfig { at, source })?,
        None => builder.with_no_client_auth(),
    };
    Ok(TlsSettings {
        config: Arc::new(config),
        trust,
        client_certificate,
        verify_hostname,
    })
}

/// `ssl.endpoint.identification.algorithm=` (empty): the chain is verified against the
/// truststore as usual; only a certificate issued for another name is let through.
#[derive(Debug)]
struct ChainOnlyVerifier(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnlyVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // WebPkiServerVerifier checks the chain (and expiry) first and the name last, so a
        // name error means everything before it passed.
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

impl TlsSettings {
    /// Runs the whole handshake now, under the socket's own read/write timeouts, so that a bad
    /// certificate is reported here rather than as a failed first request.
    pub fn connect(
        &self,
        mut tcp: TcpStream,
        host: &str,
    ) -> Result<StreamOwned<ClientConnection, TcpStream>, SecurityError> {
        // Brokers may advertise IPv6 literals in brackets.
        let bare = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        let name =
            ServerName::try_from(bare.to_owned()).map_err(|_| SecurityError::InvalidHost {
                host: host.to_owned(),
            })?;
        let mut conn = ClientConnection::new(self.config.clone(), name).map_err(|e| {
            SecurityError::TlsHandshake {
                host: host.to_owned(),
                source: io::Error::other(e),
            }
        })?;
        while conn.is_handshaking() {
            conn.complete_io(&mut tcp)
                .map_err(|e| handshake_error(host, e))?;
        }
        // The client's last flight (TLS 1.3 Finished, a certificate) may still be queued.
        while conn.wants_write() {
            conn.write_tls(&mut tcp)
                .map_err(|e| handshake_error(host, e))?;
        }
        Ok(StreamOwned::new(conn, tcp))
    }
}

fn handshake_error(host: &str, error: io::Error) -> SecurityError {
    let host = host.to_owned();
    let tls = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    match tls {
        Some(rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)) => {
            SecurityError::UnknownCa { host }
        }
        Some(rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        )) => SecurityError::HostnameMismatch { host },
        Some(rustls::Error::InvalidCertificate(other)) => SecurityError::CertificateRejected {
            host,
            reason: other.to_string(),
        },
        Some(rustls::Error::InvalidMessage(_)) => SecurityError::NotTls { host },
        _ if matches!(
            error.kind(),
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
        ) =>
        {
            SecurityError::TlsTimeout { host }
        }
        // A plaintext broker reads a ClientHello as an absurd request size and hangs up.
        _ if matches!(
            error.kind(),
            io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset
        ) =>
        {
            SecurityError::ClosedDuringHandshake { host }
        }
        _ => SecurityError::TlsHandshake {
            host,
            source: error,
        },
    }
}

/// A broker connection: plain TCP or TLS over it.
pub enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

impl Stream {
    /// The socket underneath (for timeouts, shutdown, addresses).
    pub fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(tcp) => tcp,
            Stream::Tls(tls) => tls.get_ref(),
        }
    }

    pub fn is_tls(&self) -> bool {
        matches!(self, Stream::Tls(_))
    }
}

impl fmt::Debug for Stream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.is_tls() { "Tls" } else { "Plain" };
        f.debug_tuple(kind)
            .field(&self.tcp().peer_addr().ok())
            .finish()
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(tcp) => tcp.read(buf),
            Stream::Tls(tls) => tls.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(tcp) => tcp.write(buf),
            Stream::Tls(tls) => tls.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(tcp) => tcp.flush(),
            Stream::Tls(tls) => tls.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_rebuilds_one_line_pem() {
        let one_line = "-----BEGIN CERTIFICATE----- QUJD REVG -----END CERTIFICATE----- \
                        junk -----BEGIN PRIVATE KEY-----R0hJ-----END PRIVATE KEY-----";
        assert_eq!(
            normalize_pem(one_line),
            "-----BEGIN CERTIFICATE-----\nQUJDREVG\n-----END CERTIFICATE-----\n\
             -----BEGIN PRIVATE KEY-----\nR0hJ\n-----END PRIVATE KEY-----\n"
        );
        assert_eq!(normalize_pem("no pem here"), "");
        assert_eq!(
            normalize_pem("-----BEGIN CERTIFICATE-----\nQUJD\n"),
            "",
            "unclosed"
        );
    }

    #[test]
    fn encrypted_keys_are_recognised() {
        assert!(is_encrypted(
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nx\n-----END ENCRYPTED PRIVATE KEY-----"
        ));
        assert!(is_encrypted(
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n"
        ));
        assert!(!is_encrypted(
            "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----"
        ));
    }
}
