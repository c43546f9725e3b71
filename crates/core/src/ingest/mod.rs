//! Turning bytes into a [`Snapshot`]: the snapshot JSON contract and Kafka's own text dumps.
//!
//! Every entry point returns [`Loaded`]: the data that could be read *and* the list of
//! [`Problem`]s met on the way, so one bad line or segment never loses the good ones. Only input
//! that yields nothing usable is a [`LoadError`].

pub mod formatter_dump;
pub mod metadata_serde;
pub mod snapshot_stream;
pub mod snapshot_v1;
pub mod stream;

pub use snapshot_stream::Progress;
pub use stream::{StreamLoader, DEFAULT_MAX_HELD_BYTES, MAX_HELD_BYTES};

use crate::model::{SegmentState, Snapshot};
use std::fmt;

/// A snapshot plus what was wrong with parts of the input.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub snapshot: Snapshot,
    pub problems: Vec<Problem>,
}

/// One thing wrong with one place of the input; the rest was still read. Serialized (for the
/// CLI's JSON) as `{"line"?, "offset"?, "kind": "NegativeSize", ...the kind's fields}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// 1-based line of a text dump, when the problem is tied to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Byte offset in the (decompressed) input where the offending value starts (a snapshot
    /// segment object), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    #[serde(flatten)]
    pub kind: ProblemKind,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.offset) {
            (Some(l), _) => write!(f, "line {l}: {}", self.kind),
            (None, Some(o)) => write!(f, "byte {o}: {}", self.kind),
            (None, None) => write!(f, "{}", self.kind),
        }
    }
}

/// What was wrong. Dump-line problems and snapshot-validation problems share this type so the
/// UI and the CLI render them the same way. Where a problem is tied to a partition or a segment,
/// its fields say which: `topic`, `partition`, `id` (the segment).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[serde(tag = "kind", rename_all_fields = "camelCase")]
pub enum ProblemKind {
    // ---- text dumps ----
    #[error("not a remote log metadata record: {excerpt}")]
    NotARecord { excerpt: String },
    #[error("{record} is cut off (no closing brace); the dump may be truncated")]
    Truncated { record: String },
    #[error("{record} has no `{key}=` field")]
    MissingField { record: String, key: String },
    #[error("`{key}={value}` is not a valid {expected}")]
    BadValue {
        key: String,
        value: String,
        expected: &'static str,
    },
    #[error("kafka-dump-log could not decode the record at offset {offset}: {message}")]
    DumpLogError { offset: i64, message: String },
    /// A base64 record value (a raw `__remote_log_metadata` dump) that is not a record.
    #[error("binary record value: {message}")]
    BinaryRecord { message: String },
    #[error("{topic}-{partition}: update for segment {id}, which no earlier record created; update ignored")]
    UnknownSegment {
        topic: String,
        partition: i32,
        id: String,
    },
    #[error("{topic}-{partition}: segment {id}: invalid transition {from} -> {to} (Kafka drops this event)")]
    InvalidTransition {
        topic: String,
        partition: i32,
        id: String,
        from: SegmentState,
        to: SegmentState,
    },
    #[error("{topic}-{partition}: segment {id} was created twice; the later record replaces the earlier")]
    DuplicateSegment {
        topic: String,
        partition: i32,
        id: String,
    },
    #[error("partition {topic}-{partition} is marked {state}")]
    PartitionDeleteMarked {
        topic: String,
        partition: i32,
        state: String,
    },
    #[error("topic {topic}: {} of an earlier topic id {topic_id} (the topic was recreated) left out; topic id {kept_topic_id} is shown", crate::units::counted(*segments as u64, "live segment"))]
    StaleTopicId {
        topic: String,
        topic_id: String,
        kept_topic_id: String,
        segments: usize,
    },
    // ---- snapshot validation ----
    #[error("{topic}-{partition}: segment {id} has a negative size ({size_bytes} bytes); segment ignored")]
    NegativeSize {
        topic: String,
        partition: i32,
        id: String,
        size_bytes: i64,
    },
    #[error("{topic}-{partition}: segment {id} has startOffset {start_offset} > endOffset {end_offset} (or an offset outside 0..=2^62, also for a leader epoch); segment ignored")]
    BadOffsets {
        topic: String,
        partition: i32,
        id: String,
        start_offset: i64,
        end_offset: i64,
    },
    #[error("{topic}-{partition}: segment {id} has a size of {size_bytes} bytes, more than Kafka's int segmentSizeInBytes holds; segment ignored")]
    SizeTooLarge {
        topic: String,
        partition: i32,
        id: String,
        size_bytes: i64,
    },
    #[error("{topic}-{partition}: {field} = {value} is outside -1..=2^62; ignored (as if absent)")]
    PartitionFieldOutOfRange {
        topic: String,
        partition: i32,
        field: &'static str,
        value: i64,
    },
    #[error("{topic}-{partition}: segment {id} has a timestamp ({value}) outside ±2^62 ms; segment ignored")]
    TimestampOutOfRange {
        topic: String,
        partition: i32,
        id: String,
        value: i64,
    },
    #[error("{topic}-{partition}: segment {id} has no leader epochs; segment ignored")]
    EmptyLeaderEpochs {
        topic: String,
        partition: i32,
        id: String,
    },
    #[error("{topic}-{partition}: segment {id} appears twice; the second entry is ignored")]
    DuplicateSegmentId {
        topic: String,
        partition: i32,
        id: String,
    },
    #[error("{topic}-{partition}: segments {first} and {second} overlap at offsets {from}..={to} (a duplicate upload; Kafka keeps both until retention removes them)")]
    Overlap {
        topic: String,
        partition: i32,
        first: String,
        second: String,
        from: i64,
        to: i64,
    },
    #[error("topic {topic}: config {key} = {value:?} is not a number; Kafka's default is used")]
    BadConfig {
        topic: String,
        key: String,
        value: String,
    },
    #[error("topic {topic} appears twice; its partitions were merged")]
    DuplicateTopic { topic: String },
}

impl ProblemKind {
    /// Overlaps are legitimate in Kafka (duplicate uploads after a leader change): they inform,
    /// they do not mean data was dropped.
    pub fn is_warning_only(&self) -> bool {
        matches!(
            self,
            ProblemKind::Overlap { .. } | ProblemKind::PartitionDeleteMarked { .. }
        )
    }

    /// Whether something of the input was left out of (or replaced in) the snapshot: a
    /// segment, a line, an update, a config value, an earlier topic incarnation. Totals computed
    /// from the snapshot may then be short; the CLI exits 3 unless told to accept it.
    pub fn drops_data(&self) -> bool {
        !self.is_warning_only() && !matches!(self, ProblemKind::DuplicateTopic { .. })
    }
}

/// Input that yields no snapshot at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("the input is empty")]
    Empty,
    #[error("the input holds no data: {} of whitespace and nothing else", crate::units::format_bytes(i64::try_from(*bytes).unwrap_or(i64::MAX)))]
    OnlyWhitespace { bytes: u64 },
    #[error("holding this input would take more than the input size limit of {} of memory (stopped after reading {}); raise the limit or load a subset of its topics", crate::units::format_bytes(i64::try_from(*max).unwrap_or(i64::MAX)), crate::units::format_bytes(i64::try_from(*read).unwrap_or(i64::MAX)))]
    TooLarge { read: u64, max: u64 },
    #[error("the input looks gzip-compressed but could not be decompressed: {0}")]
    Gzip(String),
    #[error("the input is not UTF-8 text (byte {offset})")]
    NotUtf8 { offset: usize },
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("this JSON is not a tierlens snapshot ({}, expected \"tierlens-snapshot\")", match found { Some(f) => format!("\"format\" is {f:?}"), None => "no \"format\" field".to_string() })]
    NotASnapshot { found: Option<String> },
    /// Located at the `version` value.
    #[error("snapshot version {found} is not supported (this tierlens reads version 1), at line {line}, column {column}")]
    UnsupportedVersion {
        found: String,
        line: usize,
        column: usize,
    },
    /// Valid JSON, but not the contract's shape or types; located at the offending value (or at
    /// the end of the object missing a required field).
    #[error(
        "the snapshot does not follow the contract at line {line}, column {column}: {message}"
    )]
    Schema {
        message: String,
        line: usize,
        column: usize,
    },
    #[error("no remote log metadata records found ({}; first: {})", crate::units::counted(problems.len() as u64, "problem"), problems.first().map(|p| p.to_string()).unwrap_or_default())]
    NoRecords { problems: Vec<Problem> },
}

/// Reads any supported input held whole: snapshot JSON or a formatter / dump-log text, either
/// optionally gzip-compressed. The format is sniffed from the content, not the file name.
pub fn load(bytes: &[u8]) -> Result<Loaded, LoadError> {
    load_with_limit(bytes, DEFAULT_MAX_HELD_BYTES)
}

/// [`load`] with another limit on the memory the load may hold ([`StreamLoader::with_limit`]).
pub fn load_with_limit(bytes: &[u8], max_held: u64) -> Result<Loaded, LoadError> {
    let mut loader = StreamLoader::with_limit(max_held);
    loader.feed(bytes)?;
    loader.finish()
}

/// Reads text that is either snapshot JSON (starts with `{`) or a formatter / dump-log text.
pub fn load_text(text: &str) -> Result<Loaded, LoadError> {
    load(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_a_snapshot_names_what_was_found_plainly() {
        let e = LoadError::NotASnapshot {
            found: Some("grafana-dashboard".into()),
        };
        assert_eq!(
            e.to_string(),
            "this JSON is not a tierlens snapshot (\"format\" is \"grafana-dashboard\", expected \"tierlens-snapshot\")"
        );
        let e = LoadError::NotASnapshot { found: None };
        assert!(
            e.to_string().contains("(no \"format\" field, expected"),
            "{e}"
        );
    }

    #[test]
    fn load_with_limit_applies_the_limit() {
        let text = crate::ingest::snapshot_v1::to_json(&crate::demo::demo_snapshot(), false);
        assert!(load(text.as_bytes()).is_ok());
        assert!(matches!(
            load_with_limit(text.as_bytes(), 4096),
            Err(LoadError::TooLarge { max: 4096, .. })
        ));
        assert_eq!(StreamLoader::with_limit(4096).limit(), 4096);
        assert_eq!(StreamLoader::new().limit(), DEFAULT_MAX_HELD_BYTES);
    }

    #[test]
    fn limits_and_blank_input_say_what_to_do() {
        let e = LoadError::TooLarge {
            read: 3 << 30,
            max: 2 << 30,
        };
        let m = e.to_string();
        assert!(
            m.contains("input size limit of 2.00 GiB") && m.contains("raise the limit"),
            "{m}"
        );
        assert!(m.contains("after reading 3.00 GiB"), "{m}");
        // u64 values past i64 do not wrap into negative sizes.
        let m = LoadError::TooLarge {
            read: u64::MAX,
            max: u64::MAX,
        }
        .to_string();
        assert!(!m.contains('-'), "{m}");
        let m = LoadError::OnlyWhitespace { bytes: 200 << 20 }.to_string();
        assert_eq!(
            m,
            "the input holds no data: 200.00 MiB of whitespace and nothing else"
        );
    }

    #[test]
    fn problems_serialize_with_their_location() {
        let p = Problem {
            line: None,
            offset: Some(748),
            kind: ProblemKind::NegativeSize {
                topic: "orders".into(),
                partition: 0,
                id: "neg".into(),
                size_bytes: -5,
            },
        };
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            serde_json::json!({"offset": 748, "kind": "NegativeSize", "topic": "orders",
                "partition": 0, "id": "neg", "sizeBytes": -5})
        );
        assert!(p.kind.drops_data());
        assert_eq!(
            p.to_string(),
            "byte 748: orders-0: segment neg has a negative size (-5 bytes); segment ignored"
        );
    }
}
