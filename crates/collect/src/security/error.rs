//! What can go wrong between `client.properties` and an authenticated connection.
//!
//! No variant ever holds the value of a sensitive key (see [`is_sensitive`]): such values are
//! never copied into an error, so neither `Display` nor `Debug` can show them.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Where a problem is: the properties file (when read from one), the line, and the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: Option<PathBuf>,
    /// The line the key is set on; `None` when the key is missing (its default applies).
    pub line: Option<usize>,
    pub key: String,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{}:{line}: {}", file.display(), self.key),
            (Some(file), None) => write!(f, "{}: {} (not set)", file.display(), self.key),
            (None, Some(line)) => write!(f, "line {line}: {}", self.key),
            (None, None) => write!(f, "{} (not set)", self.key),
        }
    }
}

/// Which store a conversion hint is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    Truststore,
    Keystore,
}

impl fmt::Display for StoreKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StoreKind::Truststore => "truststore",
            StoreKind::Keystore => "keystore",
        })
    }
}

/// Keys whose values are never shown: anything that may hold a credential (and, to keep the rule
/// mechanical, every key with `key` in its name, such as `ssl.keystore.location`).
pub fn is_sensitive(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["password", "secret", "jaas", "key", "token"]
        .iter()
        .any(|word| key.contains(word))
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SecurityError {
    #[error("cannot read {}: {source}", path.display())]
    ReadConfig {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    /// Java `.properties` syntax (a malformed `\uXXXX` escape).
    #[error("{at}: {problem}")]
    Syntax {
        at: Box<Origin>,
        problem: &'static str,
    },

    /// `value` is `None` for sensitive keys.
    #[error("{at}: unsupported value{}; expected {expected}", shown(value))]
    InvalidValue {
        at: Box<Origin>,
        value: Option<String>,
        expected: &'static str,
    },

    #[error("{at}: {mechanism}{detail} is not supported by tierlens collect; use PLAIN or SCRAM-SHA-256/512")]
    UnsupportedMechanism {
        at: Box<Origin>,
        mechanism: String,
        /// What the mechanism is, e.g. ` (Kerberos)`.
        detail: &'static str,
    },

    #[error("{at}: required {reason}")]
    MissingKey { at: Box<Origin>, reason: String },

    /// `sasl.jaas.config` does not parse or names a login module tierlens cannot use.
    #[error("{at}: {problem}")]
    Jaas { at: Box<Origin>, problem: String },

    #[error("{at}: the login module has no {option}=\"...\" option, which SASL {mechanism} needs")]
    JaasMissingOption {
        at: Box<Origin>,
        option: &'static str,
        mechanism: &'static str,
    },

    #[error(
        "{at}: {format} {store}s are not supported by tierlens collect; convert to PEM: {hint}"
    )]
    StoreFormat {
        at: Box<Origin>,
        store: StoreKind,
        format: &'static str,
        hint: String,
    },

    #[error(
        "{at}: encrypted private keys are not supported by tierlens collect; decrypt it with \
         `openssl pkcs8 -in client-key.pem -out client-key-decrypted.pem` (asks for the \
         passphrase), use that file and remove ssl.key.password"
    )]
    EncryptedKey { at: Box<Origin> },

    /// `path` is `None` when the key is sensitive (for example `ssl.keystore.location`).
    #[error("{at}: cannot read{}: {source}", path.as_ref().map(|p| format!(" {}", p.display())).unwrap_or_default())]
    StoreFile {
        at: Box<Origin>,
        path: Option<PathBuf>,
        #[source]
        source: io::Error,
    },

    #[error("{at}: {problem}")]
    Pem { at: Box<Origin>, problem: String },

    #[error("{at}: cannot be set together with {other}")]
    Conflict {
        at: Box<Origin>,
        other: &'static str,
    },

    #[error(
        "no truststore is configured (ssl.truststore.location or ssl.truststore.certificates with \
         ssl.truststore.type=PEM) and no system root certificates were found{detail}"
    )]
    NoSystemRoots { detail: String },

    /// rustls refused the configuration (for example a client key that does not match its
    /// certificate, or a key type it cannot sign with).
    #[error("{at}: {source}")]
    TlsConfig {
        at: Box<Origin>,
        #[source]
        source: rustls::Error,
    },

    #[error("`{host}` is not a host name or IP address that TLS can verify")]
    InvalidHost { host: String },

    #[error(
        "TLS to {host}: the broker's certificate is not signed by a trusted CA (check \
         ssl.truststore.location / ssl.truststore.certificates)"
    )]
    UnknownCa { host: String },

    #[error(
        "TLS to {host}: the broker's certificate is not valid for the name `{host}` (set \
         ssl.endpoint.identification.algorithm= to an empty value to skip host-name checks)"
    )]
    HostnameMismatch { host: String },

    #[error("TLS to {host}: the broker's certificate was rejected: {reason}")]
    CertificateRejected { host: String, reason: String },

    #[error(
        "TLS to {host}: the broker did not answer with TLS; is this a PLAINTEXT or \
         SASL_PLAINTEXT listener? (check security.protocol)"
    )]
    NotTls { host: String },

    #[error(
        "TLS to {host}: the broker closed the connection during the handshake; is this a \
         PLAINTEXT or SASL_PLAINTEXT listener, or does it refuse this client? (check \
         security.protocol and the port)"
    )]
    ClosedDuringHandshake { host: String },

    #[error("TLS to {host}: the handshake timed out")]
    TlsTimeout { host: String },

    #[error("TLS to {host}: handshake failed: {source}")]
    TlsHandshake {
        host: String,
        #[source]
        source: io::Error,
    },

    /// The server answered `e=...` in a SCRAM exchange (for example `invalid-proof`).
    #[error("SASL {mechanism}: the broker refused the authentication: {error}")]
    ScramServerError {
        mechanism: &'static str,
        error: String,
    },

    #[error(
        "SASL {mechanism}: the broker's signature does not match: it does not know this \
         password, or something between us and it is not the broker"
    )]
    ServerSignatureMismatch { mechanism: &'static str },

    #[error("SASL {mechanism}: {problem}")]
    SaslProtocol {
        mechanism: &'static str,
        problem: String,
    },
}

fn shown(value: &Option<String>) -> String {
    value
        .as_ref()
        .map(|v| format!(" `{v}`"))
        .unwrap_or_default()
}
