//! One connection to one broker: blocking socket with read/write timeouts (so nothing waits
//! forever), TLS when configured, ApiVersions, then SASL when configured; then framed
//! request/response calls with the versions both sides support.
use super::KafkaError;
use crate::security::{ClientSecurity, SecurityProtocol, Stream};
use bytes::{BufMut, Bytes, BytesMut};
use kafka_protocol::messages::{
    ApiKey, ApiVersionsRequest, RequestHeader, ResponseHeader, SaslAuthenticateRequest,
    SaslHandshakeRequest,
};
use kafka_protocol::protocol::{Decodable, Encodable, HeaderVersion, Request, StrBytes};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// Largest response accepted (a fetch asks for at most 32 MiB).
const MAX_RESPONSE_BYTES: usize = 256 << 20;

/// Public so tests (and tools) can send any request: the collector itself only uses
/// [`super::KafkaCluster`].
pub struct Connection {
    stream: Stream,
    /// `host:port`, for messages.
    pub(crate) broker: String,
    correlation_id: i32,
    client_id: StrBytes,
    /// API key → the broker's (min, max) version.
    versions: HashMap<i16, (i16, i16)>,
    pub(crate) metadata_version_level: Option<i16>,
}

impl Connection {
    pub fn open(
        host: &str,
        port: u16,
        security: &ClientSecurity,
        timeout: Duration,
        client_id: &str,
    ) -> Result<Self, KafkaError> {
        let broker = format!("{host}:{port}");
        let addrs: Vec<_> = (host, port)
            .to_socket_addrs()
            .map_err(|e| KafkaError::Resolve {
                broker: broker.clone(),
                source: e,
            })?
            .collect();
        let mut last = None;
        let mut tcp = None;
        for addr in &addrs {
            match TcpStream::connect_timeout(addr, timeout) {
                Ok(s) => {
                    tcp = Some(s);
                    break;
                }
                Err(e) => last = Some(e),
            }
        }
        let tcp = tcp.ok_or_else(|| KafkaError::Connect {
            broker: broker.clone(),
            source: last.unwrap_or_else(|| std::io::Error::other("no address")),
        })?;
        let io = |e| KafkaError::io(&broker, "connecting", e);
        tcp.set_read_timeout(Some(timeout)).map_err(io)?;
        tcp.set_write_timeout(Some(timeout)).map_err(io)?;
        tcp.set_nodelay(true).map_err(io)?;
        let stream = security.wrap(tcp, host).map_err(|e| KafkaError::Security {
            broker: broker.clone(),
            source: e,
        })?;
        let mut conn = Connection {
            stream,
            broker,
            correlation_id: 0,
            client_id: StrBytes::from_string(client_id.to_string()),
            versions: HashMap::new(),
            metadata_version_level: None,
        };
        conn.api_versions(security)?;
        if let Some(session) = security.sasl_session() {
            conn.authenticate(session)?;
        }
        Ok(conn)
    }

    fn api_versions(&mut self, security: &ClientSecurity) -> Result<(), KafkaError> {
        let req = ApiVersionsRequest::default()
            .with_client_software_name(StrBytes::from_static_str("tierlens"))
            .with_client_software_version(StrBytes::from_static_str(env!("CARGO_PKG_VERSION")));
        // v3 is in every broker since Kafka 2.4, far older than tiered storage (3.6).
        let resp = self
            .call(&req, 3)
            .map_err(|e| match (&e, security.protocol()) {
                // A TLS listener answering a plaintext client closes the connection.
                (KafkaError::Closed { .. }, SecurityProtocol::Plaintext)
                | (KafkaError::Closed { .. }, SecurityProtocol::SaslPlaintext) => {
                    KafkaError::ClosedAtStart {
                        broker: self.broker.clone(),
                    }
                }
                _ => e,
            })?;
        if resp.error_code != 0 {
            return Err(KafkaError::broker_code(
                &self.broker,
                "ApiVersions",
                resp.error_code,
                None,
            ));
        }
        self.versions = resp
            .api_keys
            .iter()
            .map(|k| (k.api_key, (k.min_version, k.max_version)))
            .collect();
        self.metadata_version_level = resp
            .finalized_features
            .iter()
            .find(|f| f.name.as_str() == "metadata.version")
            .map(|f| f.max_version_level);
        Ok(())
    }

    fn authenticate(
        &mut self,
        mut session: crate::security::SaslSession,
    ) -> Result<(), KafkaError> {
        let mechanism = session.mechanism().to_string();
        let v = self.version::<SaslHandshakeRequest>(1)?;
        if v < 1 {
            return Err(KafkaError::Sasl {
                broker: self.broker.clone(),
                message: "the broker's SaslHandshake is v0 (Kafka < 1.0); not supported".into(),
            });
        }
        let req = SaslHandshakeRequest::default()
            .with_mechanism(StrBytes::from_string(mechanism.clone()));
        let resp = self.call(&req, v)?;
        if resp.error_code != 0 {
            let offered: Vec<&str> = resp.mechanisms.iter().map(|m| m.as_str()).collect();
            return Err(KafkaError::Sasl {
                broker: self.broker.clone(),
                message: format!(
                    "the listener does not enable {mechanism} (it offers {})",
                    if offered.is_empty() {
                        "none".to_string()
                    } else {
                        offered.join(", ")
                    }
                ),
            });
        }
        let v = self.version::<SaslAuthenticateRequest>(2)?;
        let mut message = session.initial();
        loop {
            let req = SaslAuthenticateRequest::default().with_auth_bytes(Bytes::from(message));
            let resp = self.call(&req, v)?;
            if resp.error_code != 0 {
                return Err(KafkaError::Sasl {
                    broker: self.broker.clone(),
                    message: format!(
                        "{mechanism} authentication failed: {}",
                        resp.error_message
                            .as_ref()
                            .map(|m| m.as_str().to_string())
                            .unwrap_or_else(|| super::code_name(resp.error_code))
                    ),
                });
            }
            match session
                .respond(&resp.auth_bytes)
                .map_err(|e| KafkaError::Security {
                    broker: self.broker.clone(),
                    source: e,
                })? {
                Some(next) => message = next,
                None => return Ok(()),
            }
        }
    }

    /// The broker's highest version of `R`, capped at `cap` (the newest this client fills in).
    pub fn version<R: Request>(&self, cap: i16) -> Result<i16, KafkaError> {
        let api = api_name(R::KEY);
        let Some(&(lo, hi)) = self.versions.get(&R::KEY) else {
            return Err(KafkaError::Unsupported {
                broker: self.broker.clone(),
                api,
                detail: "the broker does not offer it".into(),
            });
        };
        let top = hi.min(cap).min(R::VERSIONS.max);
        let bottom = lo.max(R::VERSIONS.min);
        if top < bottom {
            return Err(KafkaError::Unsupported {
                broker: self.broker.clone(),
                api,
                detail: format!("the broker offers v{lo}–v{hi}, tierlens speaks v{bottom}–v{cap}"),
            });
        }
        Ok(top)
    }

    /// The broker's highest version of an API (any), if it offers it.
    pub fn max_version(&self, key: i16) -> Option<i16> {
        self.versions.get(&key).map(|&(_, hi)| hi)
    }

    /// One request and its response.
    pub fn call<R: Request>(&mut self, req: &R, version: i16) -> Result<R::Response, KafkaError> {
        let api = api_name(R::KEY);
        self.correlation_id = self.correlation_id.wrapping_add(1);
        let header = RequestHeader::default()
            .with_request_api_key(R::KEY)
            .with_request_api_version(version)
            .with_correlation_id(self.correlation_id)
            .with_client_id(Some(self.client_id.clone()));
        let mut buf = BytesMut::with_capacity(256);
        buf.put_i32(0);
        let encoded = header
            .encode(&mut buf, R::header_version(version))
            .and_then(|()| req.encode(&mut buf, version));
        encoded.map_err(|e| KafkaError::Protocol {
            broker: self.broker.clone(),
            api,
            message: format!("encoding v{version}: {e}"),
        })?;
        let len = (buf.len() - 4) as i32;
        buf[..4].copy_from_slice(&len.to_be_bytes());
        self.stream
            .write_all(&buf)
            .and_then(|()| self.stream.flush())
            .map_err(|e| KafkaError::io(&self.broker, api, e))?;

        let mut size = [0u8; 4];
        self.read_exact(&mut size, api)?;
        // A TLS record (alert or handshake, version 3.x) where a Kafka size should be: a TLS
        // listener answering a plaintext client.
        if matches!(size[0], 0x15 | 0x16) && size[1] == 0x03 && !self.stream.is_tls() {
            return Err(KafkaError::TlsListener {
                broker: self.broker.clone(),
            });
        }
        let size = i32::from_be_bytes(size);
        if size < 0 || size as usize > MAX_RESPONSE_BYTES {
            return Err(KafkaError::Protocol {
                broker: self.broker.clone(),
                api,
                message: format!("a response of {size} bytes (not a Kafka broker?)"),
            });
        }
        let mut body = vec![0u8; size as usize];
        self.read_exact(&mut body, api)?;
        let mut body = Bytes::from(body);
        let decoded = ResponseHeader::decode(
            &mut body,
            <R::Response as HeaderVersion>::header_version(version),
        )
        .and_then(|h| Ok((h, R::Response::decode(&mut body, version)?)));
        let (h, resp) = decoded.map_err(|e| KafkaError::Protocol {
            broker: self.broker.clone(),
            api,
            message: format!("decoding v{version}: {e}"),
        })?;
        if h.correlation_id != self.correlation_id {
            return Err(KafkaError::Protocol {
                broker: self.broker.clone(),
                api,
                message: format!(
                    "response to request {} while waiting for {}",
                    h.correlation_id, self.correlation_id
                ),
            });
        }
        Ok(resp)
    }

    fn read_exact(&mut self, buf: &mut [u8], api: &'static str) -> Result<(), KafkaError> {
        self.stream
            .read_exact(buf)
            .map_err(|e| KafkaError::io(&self.broker, api, e))
    }
}

pub(crate) fn api_name(key: i16) -> &'static str {
    match ApiKey::try_from(key) {
        Ok(ApiKey::Fetch) => "Fetch",
        Ok(ApiKey::ListOffsets) => "ListOffsets",
        Ok(ApiKey::Metadata) => "Metadata",
        Ok(ApiKey::DescribeConfigs) => "DescribeConfigs",
        Ok(ApiKey::ApiVersions) => "ApiVersions",
        Ok(ApiKey::SaslHandshake) => "SaslHandshake",
        Ok(ApiKey::SaslAuthenticate) => "SaslAuthenticate",
        Ok(ApiKey::CreateTopics) => "CreateTopics",
        Ok(ApiKey::Produce) => "Produce",
        _ => "request",
    }
}
