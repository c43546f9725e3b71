//! A broker that speaks just enough Kafka, for the wire client's tests: frames in, responses
//! out, encoded by the same protocol crate.
#![allow(dead_code)] // each test binary uses a part

use bytes::{Buf, BufMut, Bytes, BytesMut};
use kafka_protocol::messages::api_versions_response::ApiVersion;
use kafka_protocol::messages::{ApiKey, ApiVersionsResponse, RequestHeader, ResponseHeader};
use kafka_protocol::protocol::{Decodable, Encodable};
use std::io::{Read, Write};

/// The next request on `stream`: its api key, version, correlation id and body (after the
/// header), or `None` when the client went away.
pub fn request(stream: &mut impl Read) -> Option<(ApiKey, i16, i32, Bytes)> {
    let mut body = frame(stream)?;
    let key = ApiKey::try_from((&body[..2]).get_i16()).ok()?;
    let version = (&body[2..4]).get_i16();
    let header = RequestHeader::decode(&mut body, key.request_header_version(version)).ok()?;
    Some((key, version, header.correlation_id, body))
}

pub fn frame(stream: &mut impl Read) -> Option<Bytes> {
    let mut len = [0u8; 4];
    stream.read_exact(&mut len).ok()?;
    let mut body = vec![0u8; i32::from_be_bytes(len) as usize];
    stream.read_exact(&mut body).ok()?;
    Some(Bytes::from(body))
}

pub fn reply<R: Encodable>(
    stream: &mut impl Write,
    key: ApiKey,
    version: i16,
    correlation_id: i32,
    r: &R,
) {
    let mut buf = BytesMut::new();
    buf.put_i32(0);
    ResponseHeader::default()
        .with_correlation_id(correlation_id)
        .encode(&mut buf, key.response_header_version(version))
        .unwrap();
    r.encode(&mut buf, version).unwrap();
    let n = (buf.len() - 4) as i32;
    buf[..4].copy_from_slice(&n.to_be_bytes());
    stream.write_all(&buf).unwrap();
    stream.flush().unwrap();
}

/// An ApiVersions answer offering `(api, min, max)` each.
pub fn api_versions(keys: &[(ApiKey, i16, i16)]) -> ApiVersionsResponse {
    ApiVersionsResponse::default().with_api_keys(
        keys.iter()
            .map(|&(k, lo, hi)| {
                ApiVersion::default()
                    .with_api_key(k as i16)
                    .with_min_version(lo)
                    .with_max_version(hi)
            })
            .collect(),
    )
}
