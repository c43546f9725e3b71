//! Messages between a host page and an embedded tierlens (`docs/embed-api.md`).
//!
//! Every message is an object with `"tierlens": 1` (the protocol version) and a `"type"`.
//! Requests carry an `"id"` (a string or number) that the reply repeats. Replies are
//! `{"tierlens": 1, "type": "reply", "id", "request", "ok": true, "result"}` or, on failure,
//! `"ok": false` with `"error": {"code", "message"}`. Events (`ready`, `settingsChanged`) are
//! `{"tierlens": 1, "type": "event", "event", "data"}`.
//!
//! [`parse`] takes the message as JSON text (the browser half stringifies the structured
//! clone) and never panics: whatever it is given becomes a [`Parsed`].

use crate::settings::{config_value, kafka_version, kind, SettingsPatch};
use crate::PROTOCOL;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use tierlens_core::ConfigKey;

/// A request's correlation id: a string or a number, repeated in the reply (`null` if absent).
pub type Id = Value;

/// The longest id accepted, in characters: ids are echoed, not stored.
pub const MAX_ID_CHARS: usize = 256;

/// What went wrong, as a stable code a host can switch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    /// Not a well-formed request: a missing or mistyped field, an unknown key.
    BadMessage,
    /// `tierlens` is not a protocol version this build speaks.
    UnsupportedVersion,
    /// `type` names no request.
    UnknownType,
    /// A value is out of range or not understood (`retention.ms: "soon"`).
    BadValue,
    /// A topic the loaded snapshot does not have.
    UnknownTopic,
    /// Nothing is loaded yet.
    NoSnapshot,
    /// The snapshot could not be fetched or read; `detail` says how (the dataset shown before
    /// stays).
    LoadFailed,
    /// The load was cancelled or replaced by a newer one before it finished.
    Cancelled,
    /// A bug: the reply could not be built.
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadMessage => "bad-message",
            ErrorCode::UnsupportedVersion => "unsupported-version",
            ErrorCode::UnknownType => "unknown-type",
            ErrorCode::BadValue => "bad-value",
            ErrorCode::UnknownTopic => "unknown-topic",
            ErrorCode::NoSnapshot => "no-snapshot",
            ErrorCode::LoadFailed => "load-failed",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::Internal => "internal",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `error` of a failed reply.
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct EmbedError {
    pub code: ErrorCode,
    /// For people: what was wrong and what to do.
    pub message: String,
    /// Structured particulars, e.g. `{"kind": "status", "url": …, "status": 404}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<Value>,
}

impl EmbedError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> EmbedError {
        EmbedError {
            code,
            message: message.into(),
            detail: None,
        }
    }

    pub fn with_detail(mut self, detail: Value) -> EmbedError {
        self.detail = Some(detail);
        self
    }
}

/// Where a `load` request's snapshot comes from.
#[derive(Debug, Clone)]
pub enum LoadSource {
    /// Fetched (and parsed as it streams) relative to the tierlens page.
    Url(String),
    /// Snapshot JSON or formatter dump text.
    Text(String),
    /// A snapshot object, kept as its JSON text.
    Json(Box<RawValue>),
}

/// The proposed policy of a `plan` request, validated except for topic names (checked
/// against the snapshot by [`crate::compute`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicySpec {
    /// topic → config → value (Kafka's encoding).
    pub overrides: BTreeMap<String, BTreeMap<ConfigKey, i64>>,
    /// A profile label (normalised); `None`: the snapshot's own version.
    pub kafka_version: Option<String>,
    /// Epoch ms of the expiration run; `None`: the snapshot's capture time.
    pub now: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRequest {
    pub policy: PolicySpec,
    /// Show the policy on the page too (when it names at most one topic).
    pub apply: bool,
    /// Partitions of these topics only in `partitions` (all when `None`).
    pub topics: Option<Vec<String>>,
    /// Include each partition's deletion list.
    pub deletions: bool,
}

#[derive(Debug, Clone)]
pub enum Request {
    /// The page's state: dataset, load status, settings, counters.
    Status,
    Load(LoadSource),
    Plan(PlanRequest),
    Settings(SettingsPatch),
}

impl Request {
    /// The request's `type`.
    pub fn kind(&self) -> &'static str {
        match self {
            Request::Status => "status",
            Request::Load(_) => "load",
            Request::Plan(_) => "plan",
            Request::Settings(_) => "settings",
        }
    }
}

/// The request types, as `type` names them.
pub const REQUEST_TYPES: [&str; 4] = ["status", "load", "plan", "settings"];

/// What a message turned out to be.
#[derive(Debug)]
pub enum Parsed {
    /// Not a tierlens message (no `tierlens` key, or not an object): someone else's; no reply.
    NotOurs,
    Request {
        id: Id,
        request: Request,
    },
    /// A tierlens message that cannot be handled: reply with `error`.
    Invalid {
        id: Id,
        /// The request's `type`, when it had a string one.
        request: Option<String>,
        error: EmbedError,
    },
}

#[derive(Deserialize)]
struct Head {
    tierlens: Option<Value>,
    #[serde(rename = "type")]
    kind: Option<Value>,
    id: Option<Value>,
}

// The envelope's fields, accepted (and skipped) by each request's strict body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusBody {
    #[serde(default, rename = "tierlens")]
    _v: IgnoredAny,
    #[serde(default, rename = "type")]
    _t: IgnoredAny,
    #[serde(default, rename = "id")]
    _id: IgnoredAny,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoadBody {
    #[serde(default, rename = "tierlens")]
    _v: IgnoredAny,
    #[serde(default, rename = "type")]
    _t: IgnoredAny,
    #[serde(default, rename = "id")]
    _id: IgnoredAny,
    url: Option<String>,
    text: Option<String>,
    snapshot: Option<Box<RawValue>>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanBody {
    #[serde(default, rename = "tierlens")]
    _v: IgnoredAny,
    #[serde(default, rename = "type")]
    _t: IgnoredAny,
    #[serde(default, rename = "id")]
    _id: IgnoredAny,
    #[serde(default)]
    policy: Option<Map<String, Value>>,
    #[serde(default = "yes")]
    apply: bool,
    #[serde(default)]
    topics: Option<Vec<String>>,
    #[serde(default = "yes")]
    deletions: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsBody {
    #[serde(default, rename = "tierlens")]
    _v: IgnoredAny,
    #[serde(default, rename = "type")]
    _t: IgnoredAny,
    #[serde(default, rename = "id")]
    _id: IgnoredAny,
    settings: Map<String, Value>,
}

fn bad_message(e: impl fmt::Display) -> EmbedError {
    EmbedError::new(ErrorCode::BadMessage, e.to_string())
}

/// Reads one message (its JSON text).
pub fn parse(json: &str) -> Parsed {
    let Ok(head) = serde_json::from_str::<Head>(json) else {
        return Parsed::NotOurs;
    };
    let Some(version) = head.tierlens else {
        return Parsed::NotOurs;
    };
    let request = match &head.kind {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    let invalid = |id: Id, error: EmbedError| Parsed::Invalid {
        id,
        request: request.clone(),
        error,
    };
    let id = match head.id {
        None | Some(Value::Null) => Value::Null,
        Some(Value::String(s)) if s.chars().count() <= MAX_ID_CHARS => Value::String(s),
        Some(Value::Number(n)) => Value::Number(n),
        Some(other) => {
            return invalid(
                Value::Null,
                bad_message(format!(
                    "id must be a string (at most {MAX_ID_CHARS} characters) or a number, got {}",
                    kind(&other)
                )),
            )
        }
    };
    if version.as_u64() != Some(u64::from(PROTOCOL)) {
        return invalid(
            id,
            EmbedError::new(
                ErrorCode::UnsupportedVersion,
                format!(
                    "this tierlens speaks protocol version {PROTOCOL}, the message says {version}"
                ),
            )
            .with_detail(serde_json::json!({ "supported": [PROTOCOL] })),
        );
    }
    let Some(kind_name) = request.as_deref() else {
        return invalid(id, bad_message("type must be text naming the request"));
    };
    let parsed = match kind_name {
        "status" => serde_json::from_str::<StatusBody>(json)
            .map_err(bad_message)
            .map(|_| Request::Status),
        "load" => serde_json::from_str::<LoadBody>(json)
            .map_err(bad_message)
            .and_then(load_request),
        "plan" => serde_json::from_str::<PlanBody>(json)
            .map_err(bad_message)
            .and_then(plan_request),
        "settings" => serde_json::from_str::<SettingsBody>(json)
            .map_err(bad_message)
            .and_then(|b| SettingsPatch::from_map(&b.settings).map(Request::Settings)),
        other => Err(EmbedError::new(
            ErrorCode::UnknownType,
            format!(
                "unknown request type {other:?}; the types are {}",
                REQUEST_TYPES.join(", ")
            ),
        )),
    };
    match parsed {
        Ok(request) => Parsed::Request { id, request },
        Err(error) => invalid(id, error),
    }
}

fn load_request(b: LoadBody) -> Result<Request, EmbedError> {
    match (b.url, b.text, b.snapshot) {
        (Some(url), None, None) => {
            if url.trim().is_empty() {
                return Err(EmbedError::new(ErrorCode::BadValue, "url is empty"));
            }
            Ok(Request::Load(LoadSource::Url(url)))
        }
        (None, Some(text), None) => Ok(Request::Load(LoadSource::Text(text))),
        (None, None, Some(raw)) => match raw.get().trim_start().as_bytes().first() {
            Some(b'{') => Ok(Request::Load(LoadSource::Json(raw))),
            // JSON text inside a string: the same as `text`.
            Some(b'"') => serde_json::from_str::<String>(raw.get())
                .map(|t| Request::Load(LoadSource::Text(t)))
                .map_err(bad_message),
            _ => Err(EmbedError::new(
                ErrorCode::BadValue,
                "snapshot must be a snapshot object (or its JSON text)",
            )),
        },
        _ => Err(bad_message(
            "a load request needs exactly one of url, text (snapshot JSON or formatter dump) \
             or snapshot (a snapshot object)",
        )),
    }
}

fn plan_request(b: PlanBody) -> Result<Request, EmbedError> {
    let policy = match &b.policy {
        None => PolicySpec::default(),
        Some(m) => policy_spec(m)?,
    };
    Ok(Request::Plan(PlanRequest {
        policy,
        apply: b.apply,
        topics: b.topics,
        deletions: b.deletions,
    }))
}

/// `{"topics": {"orders": {"retention.ms": "1d"}}, "kafka.version": "3.9.0", "now": …}`.
pub fn policy_spec(m: &Map<String, Value>) -> Result<PolicySpec, EmbedError> {
    let mut spec = PolicySpec::default();
    for (key, v) in m {
        match key.as_str() {
            "topics" => {
                let Value::Object(topics) = v else {
                    return Err(bad_message(
                        "policy.topics must map topic names to their configs",
                    ));
                };
                for (topic, configs) in topics {
                    let Value::Object(configs) = configs else {
                        return Err(bad_message(format!(
                            "policy.topics[{topic:?}] must map config names to values"
                        )));
                    };
                    let entry = spec.overrides.entry(topic.clone()).or_default();
                    for (name, value) in configs {
                        let k: ConfigKey = name.parse().map_err(|_| {
                            EmbedError::new(
                                ErrorCode::BadValue,
                                format!(
                                    "{name:?} is not a retention config; use retention.ms, \
                                     retention.bytes, local.retention.ms or local.retention.bytes"
                                ),
                            )
                        })?;
                        entry.insert(k, config_value(k, value)?);
                    }
                }
            }
            "kafka.version" => match v {
                Value::Null => {}
                Value::String(s) => spec.kafka_version = Some(kafka_version(s)?),
                _ => {
                    return Err(EmbedError::new(
                        ErrorCode::BadValue,
                        "kafka.version must be text such as \"3.9.0\"",
                    ))
                }
            },
            "now" => match v {
                Value::Null => {}
                _ => {
                    spec.now = Some(v.as_i64().ok_or_else(|| {
                        EmbedError::new(ErrorCode::BadValue, "now must be epoch milliseconds")
                    })?)
                }
            },
            other => {
                return Err(bad_message(format!(
                    "unknown policy key {other:?}; the keys are topics, kafka.version and now"
                )))
            }
        }
    }
    Ok(spec)
}

#[derive(Serialize)]
struct ReplyOut<'a, T: Serialize> {
    tierlens: u32,
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a Id,
    request: Option<&'a str>,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<&'a T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a EmbedError>,
}

#[derive(Serialize)]
struct EventOut<'a, T: Serialize> {
    tierlens: u32,
    #[serde(rename = "type")]
    kind: &'static str,
    event: &'a str,
    data: &'a T,
}

/// The JSON of a reply; built without panicking whatever `result` holds.
pub struct Reply;

const INTERNAL: &str = r#"{"tierlens":1,"type":"reply","id":null,"request":null,"ok":false,"error":{"code":"internal","message":"the reply could not be encoded"}}"#;

impl Reply {
    pub fn ok<T: Serialize>(id: &Id, request: &str, result: &T) -> String {
        serde_json::to_string(&ReplyOut {
            tierlens: PROTOCOL,
            kind: "reply",
            id,
            request: Some(request),
            ok: true,
            result: Some(result),
            error: None,
        })
        .unwrap_or_else(|_| INTERNAL.to_string())
    }

    pub fn err(id: &Id, request: Option<&str>, error: &EmbedError) -> String {
        serde_json::to_string(&ReplyOut::<()> {
            tierlens: PROTOCOL,
            kind: "reply",
            id,
            request,
            ok: false,
            result: None,
            error: Some(error),
        })
        .unwrap_or_else(|_| INTERNAL.to_string())
    }
}

/// The JSON of an event.
pub struct Event;

impl Event {
    pub fn encode<T: Serialize>(event: &str, data: &T) -> Option<String> {
        serde_json::to_string(&EventOut {
            tierlens: PROTOCOL,
            kind: "event",
            event,
            data,
        })
        .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse_v(v: Value) -> Parsed {
        parse(&v.to_string())
    }

    fn err_of(p: Parsed) -> (Id, Option<String>, ErrorCode) {
        match p {
            Parsed::Invalid { id, request, error } => (id, request, error.code),
            other => panic!("expected an invalid message, got {other:?}"),
        }
    }

    #[test]
    fn other_peoples_messages_are_not_ours() {
        for m in [
            "",
            "null",
            "42",
            "\"hello\"",
            "[1,2]",
            "{\"type\":\"status\"}",
            "{\"source\":\"react-devtools\",\"payload\":{}}",
            "{not json",
        ] {
            assert!(matches!(parse(m), Parsed::NotOurs), "{m}");
        }
    }

    #[test]
    fn requests_parse() {
        match parse_v(json!({"tierlens": 1, "type": "status", "id": "a1"})) {
            Parsed::Request {
                id,
                request: Request::Status,
            } => assert_eq!(id, json!("a1")),
            other => panic!("{other:?}"),
        }
        match parse_v(json!({"tierlens": 1, "type": "load", "id": 7, "url": "s.json"})) {
            Parsed::Request {
                id,
                request: Request::Load(LoadSource::Url(u)),
            } => {
                assert_eq!((id, u.as_str()), (json!(7), "s.json"))
            }
            other => panic!("{other:?}"),
        }
        match parse_v(
            json!({"tierlens": 1, "type": "load", "snapshot": {"format": "tierlens-snapshot", "topics": []}}),
        ) {
            Parsed::Request {
                id,
                request: Request::Load(LoadSource::Json(raw)),
            } => {
                assert_eq!(id, Value::Null);
                let back: Value = serde_json::from_str(raw.get()).unwrap();
                assert_eq!(back["format"], "tierlens-snapshot");
            }
            other => panic!("{other:?}"),
        }
        match parse_v(json!({"tierlens": 1, "type": "load", "snapshot": "{\"a\":1}"})) {
            Parsed::Request {
                request: Request::Load(LoadSource::Text(t)),
                ..
            } => assert_eq!(t, "{\"a\":1}"),
            other => panic!("{other:?}"),
        }
        match parse_v(json!({"tierlens": 1, "type": "plan", "id": "p", "policy": {
            "topics": {"orders": {"retention.ms": "1d", "local.retention.bytes": -2}},
            "kafka.version": "4.1", "now": 1_764_000_000_000i64
        }, "deletions": false, "topics": ["orders"]}))
        {
            Parsed::Request {
                request: Request::Plan(p),
                ..
            } => {
                assert_eq!(
                    p.policy.overrides["orders"][&ConfigKey::RetentionMs],
                    86_400_000
                );
                assert_eq!(
                    p.policy.overrides["orders"][&ConfigKey::LocalRetentionBytes],
                    -2
                );
                assert_eq!(p.policy.kafka_version.as_deref(), Some("4.0-4.2"));
                assert_eq!(p.policy.now, Some(1_764_000_000_000));
                assert!(p.apply && !p.deletions);
                assert_eq!(p.topics, Some(vec!["orders".to_string()]));
            }
            other => panic!("{other:?}"),
        }
        match parse_v(
            json!({"tierlens": 1, "type": "settings", "settings": {"view": "topic", "topic": "orders"}}),
        ) {
            Parsed::Request {
                request: Request::Settings(s),
                ..
            } => assert_eq!(s.topic, Some(Some("orders".into()))),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_requests_are_typed_errors_with_their_id() {
        let (id, req, code) = err_of(parse_v(json!({"tierlens": 2, "type": "status", "id": "x"})));
        assert_eq!(
            (id, req.as_deref(), code),
            (json!("x"), Some("status"), ErrorCode::UnsupportedVersion)
        );
        let (_, _, code) = err_of(parse_v(json!({"tierlens": "1", "type": "status"})));
        assert_eq!(code, ErrorCode::UnsupportedVersion);
        let (id, _, code) = err_of(parse_v(json!({"tierlens": 1, "type": "explode", "id": 3})));
        assert_eq!((id, code), (json!(3), ErrorCode::UnknownType));
        let (_, _, code) = err_of(parse_v(json!({"tierlens": 1, "id": 3})));
        assert_eq!(code, ErrorCode::BadMessage);
        let (id, _, code) = err_of(parse_v(
            json!({"tierlens": 1, "type": "status", "id": {"a": 1}}),
        ));
        assert_eq!((id, code), (Value::Null, ErrorCode::BadMessage));
        let long = "x".repeat(MAX_ID_CHARS + 1);
        let (_, _, code) = err_of(parse_v(
            json!({"tierlens": 1, "type": "status", "id": long}),
        ));
        assert_eq!(code, ErrorCode::BadMessage);
        let bad = |v| err_of(parse_v(v)).2;
        assert_eq!(
            bad(json!({"tierlens": 1, "type": "status", "extra": 1})),
            ErrorCode::BadMessage
        );
        assert_eq!(
            bad(json!({"tierlens": 1, "type": "load"})),
            ErrorCode::BadMessage
        );
        assert_eq!(
            bad(json!({"tierlens": 1, "type": "load", "url": "a", "text": "b"})),
            ErrorCode::BadMessage
        );
        assert_eq!(
            bad(json!({"tierlens": 1, "type": "load", "url": "  "})),
            ErrorCode::BadValue
        );
        assert_eq!(
            bad(json!({"tierlens": 1, "type": "load", "snapshot": [1]})),
            ErrorCode::BadValue
        );
        assert_eq!(
            bad(json!({"tierlens": 1, "type": "load", "url": 5})),
            ErrorCode::BadMessage
        );
        assert_eq!(
            bad(
                json!({"tierlens": 1, "type": "plan", "policy": {"topics": {"t": {"retention.ms": "soon"}}}})
            ),
            ErrorCode::BadValue
        );
        assert_eq!(
            bad(
                json!({"tierlens": 1, "type": "plan", "policy": {"topics": {"t": {"segment.bytes": 1}}}})
            ),
            ErrorCode::BadValue
        );
        assert_eq!(
            bad(json!({"tierlens": 1, "type": "plan", "policy": {"topics": ["t"]}})),
            ErrorCode::BadMessage
        );
        assert_eq!(
            bad(json!({"tierlens": 1, "type": "plan", "policy": {"retention.ms": 1}})),
            ErrorCode::BadMessage
        );
        assert_eq!(
            bad(json!({"tierlens": 1, "type": "plan", "policy": {"now": "later"}})),
            ErrorCode::BadValue
        );
        assert_eq!(
            bad(json!({"tierlens": 1, "type": "plan", "policy": {"kafka.version": "1.0"}})),
            ErrorCode::BadValue
        );
        assert_eq!(
            bad(json!({"tierlens": 1, "type": "plan", "apply": "yes"})),
            ErrorCode::BadMessage
        );
        assert_eq!(
            bad(json!({"tierlens": 1, "type": "settings"})),
            ErrorCode::BadMessage
        );
        assert_eq!(
            bad(json!({"tierlens": 1, "type": "settings", "settings": {"view": "nope"}})),
            ErrorCode::BadValue
        );
    }

    #[test]
    fn parsing_never_panics_on_mangled_messages() {
        let base = json!({"tierlens": 1, "type": "plan", "id": "q", "policy": {
            "topics": {"orders": {"retention.ms": "1d"}}, "kafka.version": "3.9.0", "now": 5}})
        .to_string();
        // Every prefix, and every single-byte change to a few characters.
        for i in 0..=base.len() {
            if base.is_char_boundary(i) {
                let _ = parse(&base[..i]);
            }
        }
        for i in 0..base.len() {
            for c in ["\"", "{", "}", "[", "1", "-", "null", "\\u0000", "é"] {
                if base.is_char_boundary(i) && base.is_char_boundary(i + 1) {
                    let mut s = base.clone();
                    s.replace_range(i..i + 1, c);
                    let _ = parse(&s);
                }
            }
        }
        let deep = format!(
            "{{\"tierlens\":1,\"type\":\"plan\",\"policy\":{}{}}}",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        assert!(matches!(
            parse(&deep),
            Parsed::NotOurs | Parsed::Invalid { .. }
        ));
    }

    #[test]
    fn replies_and_events_are_versioned_json() {
        let ok: Value =
            serde_json::from_str(&Reply::ok(&json!("a"), "status", &json!({"ready": true})))
                .unwrap();
        assert_eq!(
            ok,
            json!({"tierlens": 1, "type": "reply", "id": "a", "request": "status", "ok": true, "result": {"ready": true}})
        );
        let e = EmbedError::new(ErrorCode::UnknownTopic, "no topic \"x\"")
            .with_detail(json!({"topic": "x"}));
        let err: Value = serde_json::from_str(&Reply::err(&json!(2), Some("plan"), &e)).unwrap();
        assert_eq!(
            err,
            json!({"tierlens": 1, "type": "reply", "id": 2, "request": "plan", "ok": false,
            "error": {"code": "unknown-topic", "message": "no topic \"x\"", "detail": {"topic": "x"}}})
        );
        let ev: Value = serde_json::from_str(&Event::encode("ready", &json!({})).unwrap()).unwrap();
        assert_eq!(
            ev,
            json!({"tierlens": 1, "type": "event", "event": "ready", "data": {}})
        );
        assert_eq!(
            serde_json::from_str::<Value>(INTERNAL).unwrap()["error"]["code"],
            "internal"
        );
    }
}
