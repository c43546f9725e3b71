//! Kafka's binary `__remote_log_metadata` record values (`RemoteLogMetadataSerde`), decoded
//! and encoded without the JVM.
//!
//! Framing (`AbstractApiMessageSerde`): an unsigned varint frame version (1; 0 and others are
//! refused), the unsigned varint `apiKey`, the unsigned varint record `version`, then the
//! record in Kafka's "flexible" encoding, and nothing after it. Records (the JSON definitions
//! in `storage/src/main/resources/message/`, all `validVersions 0-1`, `flexibleVersions 0+`):
//!
//! | apiKey | record | tagged fields |
//! |---|---|---|
//! | 0 | `RemoteLogSegmentMetadataRecord` | 0 `TxnIndexEmpty` bool (0+), 1 `BrokerLeaderEpoch` int32 (1+) |
//! | 1 | `RemoteLogSegmentMetadataUpdateRecord` | 0 `BrokerLeaderEpoch` int32, 1 `EndOffset` int64 (1+) |
//! | 2 | `RemotePartitionDeleteMetadataRecord` | 0 `BrokerLeaderEpoch` int32, 1 `EndOffset` int64 (1+) |
//! | 3 | `RemoteLogSegmentMetadataSnapshotRecord` | 0 `TxnIndexEmpty` bool (0+), 1 `BrokerLeaderEpoch` int32 (1+) |
//!
//! The flexible encoding: integers big-endian, `uuid` 16 bytes (most significant half first),
//! strings and arrays with an unsigned varint length + 1 (0: null), nullable bytes likewise,
//! and after every struct (the record, each nested struct, each array element) a tagged-field
//! section: an unsigned varint count, then per field its tag, its size and its bytes. Unknown
//! tags are skipped, as Kafka's generated readers skip them; known tags are read only in the
//! versions that define them.
//!
//! [`MetadataRecord::formatter_line`] prints a record as `RemoteLogMetadataFormatter` does, so
//! a binary dump becomes the text the formatter-dump reader already replays.

use crate::leaks::layout::uuid_to_base64;
use crate::model::SegmentState;
use std::fmt::Write as _;

/// Why a value could not be decoded; `at` is the byte offset in the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the value is empty")]
    Empty,
    #[error("the value ends at byte {at} in the middle of {what}")]
    Truncated { at: usize, what: &'static str },
    #[error(
        "frame version {found} at byte 0 is not supported (only 1; 0 was KRaft's 2.8 preview)"
    )]
    FrameVersion { found: u64 },
    #[error("apiKey {found} is not a remote log metadata record (0–3)")]
    UnknownApiKey { found: u64 },
    #[error("{record} version {version} is not supported (this tierlens reads 0–1)")]
    UnsupportedVersion { record: &'static str, version: u64 },
    #[error("{count} byte(s) of garbage after the {record} that ends at byte {at}")]
    TrailingBytes {
        count: usize,
        record: &'static str,
        at: usize,
    },
    #[error("a varint at byte {at} is longer than 5 bytes")]
    VarintTooLong { at: usize },
    #[error("{what} at byte {at} is not UTF-8")]
    NotUtf8 { at: usize, what: &'static str },
    #[error("{what} at byte {at} is null, which the record does not allow")]
    UnexpectedNull { at: usize, what: &'static str },
    #[error("tagged field {tag} at byte {at} is {size} bytes, expected {expected}")]
    TagSize {
        at: usize,
        tag: u64,
        size: usize,
        expected: usize,
    },
    #[error("state {found} at byte {at} is not a {what}")]
    BadState {
        at: usize,
        found: i8,
        what: &'static str,
    },
}

/// `RemoteLogSegmentId`'s partition: name, topic id, partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicIdPartition {
    pub topic: String,
    pub topic_id: [u8; 16],
    pub partition: i32,
}

/// The state of a partition's deletion (`RemotePartitionDeleteState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartitionDeleteState {
    Marked,
    Started,
    Finished,
}

impl PartitionDeleteState {
    fn id(self) -> i8 {
        match self {
            PartitionDeleteState::Marked => 0,
            PartitionDeleteState::Started => 1,
            PartitionDeleteState::Finished => 2,
        }
    }

    fn name(self) -> &'static str {
        match self {
            PartitionDeleteState::Marked => "DELETE_PARTITION_MARKED",
            PartitionDeleteState::Started => "DELETE_PARTITION_STARTED",
            PartitionDeleteState::Finished => "DELETE_PARTITION_FINISHED",
        }
    }
}

/// `RemoteLogSegmentState.id()`.
fn segment_state_id(s: SegmentState) -> i8 {
    match s {
        SegmentState::CopySegmentStarted => 0,
        SegmentState::CopySegmentFinished => 1,
        SegmentState::DeleteSegmentStarted => 2,
        SegmentState::DeleteSegmentFinished => 3,
    }
}

/// The segment fields records 0 and 3 share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentFields {
    pub start_offset: i64,
    pub end_offset: i64,
    pub broker_id: i32,
    pub max_timestamp_ms: i64,
    pub event_timestamp_ms: i64,
    pub segment_leader_epochs: Vec<(i32, i64)>,
    pub segment_size_in_bytes: i32,
    pub custom_metadata: Option<Vec<u8>>,
    pub state: SegmentState,
    /// Tagged field 0 (4.0+ writes it).
    pub txn_index_empty: Option<bool>,
    /// Tagged field 1, version 1+.
    pub broker_leader_epoch: Option<i32>,
}

/// One decoded record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetadataRecord {
    /// apiKey 0.
    Segment {
        partition: TopicIdPartition,
        id: [u8; 16],
        fields: SegmentFields,
    },
    /// apiKey 1.
    Update {
        partition: TopicIdPartition,
        id: [u8; 16],
        broker_id: i32,
        event_timestamp_ms: i64,
        custom_metadata: Option<Vec<u8>>,
        state: SegmentState,
        /// Tagged fields 0 and 1, version 1+.
        broker_leader_epoch: Option<i32>,
        end_offset: Option<i64>,
    },
    /// apiKey 2.
    PartitionDelete {
        partition: TopicIdPartition,
        broker_id: i32,
        event_timestamp_ms: i64,
        state: PartitionDeleteState,
        broker_leader_epoch: Option<i32>,
        end_offset: Option<i64>,
    },
    /// apiKey 3 (the 3.5–3.7 snapshot file's entries; never on the topic).
    Snapshot { id: [u8; 16], fields: SegmentFields },
}

/// A decoded value with its framing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub api_key: u16,
    pub version: u16,
    pub record: MetadataRecord,
    /// Tags skipped as unknown (in the record or its structs).
    pub unknown_tags: Vec<u64>,
}

const FRAME_VERSION: u64 = 1;

fn record_name(api_key: u64) -> &'static str {
    match api_key {
        0 => "RemoteLogSegmentMetadataRecord",
        1 => "RemoteLogSegmentMetadataUpdateRecord",
        2 => "RemotePartitionDeleteMetadataRecord",
        _ => "RemoteLogSegmentMetadataSnapshotRecord",
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
    unknown: Vec<u64>,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.b.len());
        let Some(end) = end else {
            return Err(DecodeError::Truncated {
                at: self.b.len(),
                what,
            });
        };
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn varint(&mut self, what: &'static str) -> Result<u64, DecodeError> {
        let start = self.at;
        let mut v = 0u64;
        for i in 0..5 {
            let b = self.take(1, what)?[0];
            v |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(DecodeError::VarintTooLong { at: start })
    }

    fn i8(&mut self, what: &'static str) -> Result<i8, DecodeError> {
        Ok(self.take(1, what)?[0] as i8)
    }

    fn i32(&mut self, what: &'static str) -> Result<i32, DecodeError> {
        Ok(i32::from_be_bytes(
            self.take(4, what)?.try_into().expect("4"),
        ))
    }

    fn i64(&mut self, what: &'static str) -> Result<i64, DecodeError> {
        Ok(i64::from_be_bytes(
            self.take(8, what)?.try_into().expect("8"),
        ))
    }

    fn uuid(&mut self, what: &'static str) -> Result<[u8; 16], DecodeError> {
        Ok(self.take(16, what)?.try_into().expect("16"))
    }

    /// A compact nullable length: `None` for null.
    fn length(&mut self, what: &'static str) -> Result<Option<usize>, DecodeError> {
        let n = self.varint(what)?;
        Ok((n > 0).then(|| (n - 1) as usize))
    }

    fn string(&mut self, what: &'static str) -> Result<String, DecodeError> {
        let at = self.at;
        let n = self
            .length(what)?
            .ok_or(DecodeError::UnexpectedNull { at, what })?;
        let bytes = self.take(n, what)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| DecodeError::NotUtf8 { at, what })
    }

    fn nullable_bytes(&mut self, what: &'static str) -> Result<Option<Vec<u8>>, DecodeError> {
        match self.length(what)? {
            None => Ok(None),
            Some(n) => Ok(Some(self.take(n, what)?.to_vec())),
        }
    }

    /// A tagged-field section; `known(tag, bytes)` reads the tags it knows (returning false
    /// for the others, which are skipped).
    fn tags(
        &mut self,
        mut known: impl FnMut(u64, &'a [u8], usize) -> Result<bool, DecodeError>,
    ) -> Result<(), DecodeError> {
        let count = self.varint("a tagged-field count")?;
        for _ in 0..count {
            let tag = self.varint("a tag")?;
            let size = self.varint("a tagged field's size")? as usize;
            let at = self.at;
            let bytes = self.take(size, "a tagged field")?;
            if !known(tag, bytes, at)? {
                self.unknown.push(tag);
            }
        }
        Ok(())
    }

    /// A struct that carries no known tagged fields: its section, skipped.
    fn end_struct(&mut self) -> Result<(), DecodeError> {
        self.tags(|_, _, _| Ok(false))
    }

    fn topic_id_partition(&mut self) -> Result<TopicIdPartition, DecodeError> {
        let topic = self.string("the topic name")?;
        let topic_id = self.uuid("the topic id")?;
        let partition = self.i32("the partition")?;
        self.end_struct()?;
        Ok(TopicIdPartition {
            topic,
            topic_id,
            partition,
        })
    }

    /// `RemoteLogSegmentIdEntry`.
    fn segment_id(&mut self) -> Result<(TopicIdPartition, [u8; 16]), DecodeError> {
        let tip = self.topic_id_partition()?;
        let id = self.uuid("the segment id")?;
        self.end_struct()?;
        Ok((tip, id))
    }

    fn epochs(&mut self) -> Result<Vec<(i32, i64)>, DecodeError> {
        let at = self.at;
        let n = self
            .length("the leader epochs")?
            .ok_or(DecodeError::UnexpectedNull {
                at,
                what: "the leader epochs",
            })?;
        // Each entry is at least 13 bytes: a huge count in a short value is truncation.
        if n > (self.b.len() - self.at) / 13 {
            return Err(DecodeError::Truncated {
                at: self.b.len(),
                what: "the leader epochs",
            });
        }
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let e = self.i32("a leader epoch")?;
            let o = self.i64("a leader epoch's offset")?;
            self.end_struct()?;
            out.push((e, o));
        }
        Ok(out)
    }

    fn segment_state(&mut self) -> Result<SegmentState, DecodeError> {
        let at = self.at;
        let v = self.i8("the segment state")?;
        match v {
            0 => Ok(SegmentState::CopySegmentStarted),
            1 => Ok(SegmentState::CopySegmentFinished),
            2 => Ok(SegmentState::DeleteSegmentStarted),
            3 => Ok(SegmentState::DeleteSegmentFinished),
            _ => Err(DecodeError::BadState {
                at,
                found: v,
                what: "RemoteLogSegmentState",
            }),
        }
    }

    fn segment_fields(&mut self, version: u64) -> Result<SegmentFields, DecodeError> {
        let start_offset = self.i64("the start offset")?;
        let end_offset = self.i64("the end offset")?;
        let broker_id = self.i32("the broker id")?;
        let max_timestamp_ms = self.i64("the max timestamp")?;
        let event_timestamp_ms = self.i64("the event timestamp")?;
        let segment_leader_epochs = self.epochs()?;
        let segment_size_in_bytes = self.i32("the segment size")?;
        let custom_metadata = self.nullable_bytes("the custom metadata")?;
        let state = self.segment_state()?;
        let mut txn_index_empty = None;
        let mut broker_leader_epoch = None;
        self.tags(|tag, b, at| match tag {
            0 => {
                txn_index_empty = Some(fixed::<1>(b, tag, at)?[0] != 0);
                Ok(true)
            }
            1 if version >= 1 => {
                broker_leader_epoch = Some(i32::from_be_bytes(fixed::<4>(b, tag, at)?));
                Ok(true)
            }
            _ => Ok(false),
        })?;
        Ok(SegmentFields {
            start_offset,
            end_offset,
            broker_id,
            max_timestamp_ms,
            event_timestamp_ms,
            segment_leader_epochs,
            segment_size_in_bytes,
            custom_metadata,
            state,
            txn_index_empty,
            broker_leader_epoch,
        })
    }

    /// Tags 0 `BrokerLeaderEpoch` and 1 `EndOffset` of records 1 and 2 (version 1+).
    fn epoch_and_end_tags(
        &mut self,
        version: u64,
    ) -> Result<(Option<i32>, Option<i64>), DecodeError> {
        let (mut epoch, mut end) = (None, None);
        self.tags(|tag, b, at| match tag {
            0 if version >= 1 => {
                epoch = Some(i32::from_be_bytes(fixed::<4>(b, tag, at)?));
                Ok(true)
            }
            1 if version >= 1 => {
                end = Some(i64::from_be_bytes(fixed::<8>(b, tag, at)?));
                Ok(true)
            }
            _ => Ok(false),
        })?;
        Ok((epoch, end))
    }
}

fn fixed<const N: usize>(b: &[u8], tag: u64, at: usize) -> Result<[u8; N], DecodeError> {
    b.try_into().map_err(|_| DecodeError::TagSize {
        at,
        tag,
        size: b.len(),
        expected: N,
    })
}

/// Decodes one record value.
pub fn decode(value: &[u8]) -> Result<Decoded, DecodeError> {
    if value.is_empty() {
        return Err(DecodeError::Empty);
    }
    let mut r = Reader {
        b: value,
        at: 0,
        unknown: Vec::new(),
    };
    let frame = r.varint("the frame version")?;
    if frame != FRAME_VERSION {
        return Err(DecodeError::FrameVersion { found: frame });
    }
    let api_key = r.varint("the apiKey")?;
    if api_key > 3 {
        return Err(DecodeError::UnknownApiKey { found: api_key });
    }
    let version = r.varint("the version")?;
    if version > 1 {
        return Err(DecodeError::UnsupportedVersion {
            record: record_name(api_key),
            version,
        });
    }
    let record = match api_key {
        0 => {
            let (partition, id) = r.segment_id()?;
            let fields = r.segment_fields(version)?;
            MetadataRecord::Segment {
                partition,
                id,
                fields,
            }
        }
        1 => {
            let (partition, id) = r.segment_id()?;
            let broker_id = r.i32("the broker id")?;
            let event_timestamp_ms = r.i64("the event timestamp")?;
            let custom_metadata = r.nullable_bytes("the custom metadata")?;
            let state = r.segment_state()?;
            let (broker_leader_epoch, end_offset) = r.epoch_and_end_tags(version)?;
            MetadataRecord::Update {
                partition,
                id,
                broker_id,
                event_timestamp_ms,
                custom_metadata,
                state,
                broker_leader_epoch,
                end_offset,
            }
        }
        2 => {
            let partition = r.topic_id_partition()?;
            let broker_id = r.i32("the broker id")?;
            let event_timestamp_ms = r.i64("the event timestamp")?;
            let at = r.at;
            let s = r.i8("the partition deletion state")?;
            let state = match s {
                0 => PartitionDeleteState::Marked,
                1 => PartitionDeleteState::Started,
                2 => PartitionDeleteState::Finished,
                _ => {
                    return Err(DecodeError::BadState {
                        at,
                        found: s,
                        what: "RemotePartitionDeleteState",
                    })
                }
            };
            let (broker_leader_epoch, end_offset) = r.epoch_and_end_tags(version)?;
            MetadataRecord::PartitionDelete {
                partition,
                broker_id,
                event_timestamp_ms,
                state,
                broker_leader_epoch,
                end_offset,
            }
        }
        _ => {
            let id = r.uuid("the segment id")?;
            let fields = r.segment_fields(version)?;
            MetadataRecord::Snapshot { id, fields }
        }
    };
    if r.at < value.len() {
        return Err(DecodeError::TrailingBytes {
            count: value.len() - r.at,
            record: record_name(api_key),
            at: r.at,
        });
    }
    Ok(Decoded {
        api_key: api_key as u16,
        version: version as u16,
        record,
        unknown_tags: r.unknown,
    })
}

// ---------------------------------------------------------------------------------------------
// Encoding (tests, and seeding a broker with real-format records)

struct Writer(Vec<u8>);

impl Writer {
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8 & 0x7f) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    fn bytes(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
    }

    fn string(&mut self, s: &str) {
        self.varint(s.len() as u64 + 1);
        self.bytes(s.as_bytes());
    }

    fn nullable_bytes(&mut self, b: &Option<Vec<u8>>) {
        match b {
            None => self.varint(0),
            Some(b) => {
                self.varint(b.len() as u64 + 1);
                self.bytes(b);
            }
        }
    }

    fn no_tags(&mut self) {
        self.varint(0);
    }

    /// A tagged-field section of `(tag, bytes)`, ascending tags.
    fn tags(&mut self, fields: &[(u64, Vec<u8>)]) {
        self.varint(fields.len() as u64);
        for (tag, b) in fields {
            self.varint(*tag);
            self.varint(b.len() as u64);
            self.bytes(b);
        }
    }

    fn tip(&mut self, t: &TopicIdPartition) {
        self.string(&t.topic);
        self.bytes(&t.topic_id);
        self.bytes(&t.partition.to_be_bytes());
        self.no_tags();
    }

    fn segment_fields(&mut self, f: &SegmentFields, version: u16) {
        self.bytes(&f.start_offset.to_be_bytes());
        self.bytes(&f.end_offset.to_be_bytes());
        self.bytes(&f.broker_id.to_be_bytes());
        self.bytes(&f.max_timestamp_ms.to_be_bytes());
        self.bytes(&f.event_timestamp_ms.to_be_bytes());
        self.varint(f.segment_leader_epochs.len() as u64 + 1);
        for (e, o) in &f.segment_leader_epochs {
            self.bytes(&e.to_be_bytes());
            self.bytes(&o.to_be_bytes());
            self.no_tags();
        }
        self.bytes(&f.segment_size_in_bytes.to_be_bytes());
        self.nullable_bytes(&f.custom_metadata);
        self.bytes(&[segment_state_id(f.state) as u8]);
        let mut tags = Vec::new();
        if let Some(t) = f.txn_index_empty {
            tags.push((0, vec![u8::from(t)]));
        }
        if let (Some(e), true) = (f.broker_leader_epoch, version >= 1) {
            tags.push((1, e.to_be_bytes().to_vec()));
        }
        self.tags(&tags);
    }
}

fn epoch_and_end(epoch: Option<i32>, end: Option<i64>, version: u16) -> Vec<(u64, Vec<u8>)> {
    let mut tags = Vec::new();
    if version >= 1 {
        if let Some(e) = epoch {
            tags.push((0, e.to_be_bytes().to_vec()));
        }
        if let Some(o) = end {
            tags.push((1, o.to_be_bytes().to_vec()));
        }
    }
    tags
}

impl MetadataRecord {
    pub fn api_key(&self) -> u16 {
        match self {
            MetadataRecord::Segment { .. } => 0,
            MetadataRecord::Update { .. } => 1,
            MetadataRecord::PartitionDelete { .. } => 2,
            MetadataRecord::Snapshot { .. } => 3,
        }
    }

    /// The user topic the record is about (`None` for the snapshot file's entries).
    pub fn topic(&self) -> Option<&str> {
        match self {
            MetadataRecord::Segment { partition, .. }
            | MetadataRecord::Update { partition, .. }
            | MetadataRecord::PartitionDelete { partition, .. } => Some(&partition.topic),
            MetadataRecord::Snapshot { .. } => None,
        }
    }

    /// The value Kafka's serde writes for this record at `version` (0 or 1; fields of later
    /// versions are left out of earlier ones).
    pub fn encode(&self, version: u16) -> Vec<u8> {
        let mut w = Writer(Vec::with_capacity(128));
        w.varint(FRAME_VERSION);
        w.varint(u64::from(self.api_key()));
        w.varint(u64::from(version));
        match self {
            MetadataRecord::Segment {
                partition,
                id,
                fields,
            } => {
                w.tip(partition);
                w.bytes(id);
                w.no_tags();
                w.segment_fields(fields, version);
            }
            MetadataRecord::Update {
                partition,
                id,
                broker_id,
                event_timestamp_ms,
                custom_metadata,
                state,
                broker_leader_epoch,
                end_offset,
            } => {
                w.tip(partition);
                w.bytes(id);
                w.no_tags();
                w.bytes(&broker_id.to_be_bytes());
                w.bytes(&event_timestamp_ms.to_be_bytes());
                w.nullable_bytes(custom_metadata);
                w.bytes(&[segment_state_id(*state) as u8]);
                w.tags(&epoch_and_end(*broker_leader_epoch, *end_offset, version));
            }
            MetadataRecord::PartitionDelete {
                partition,
                broker_id,
                event_timestamp_ms,
                state,
                broker_leader_epoch,
                end_offset,
            } => {
                w.tip(partition);
                w.bytes(&broker_id.to_be_bytes());
                w.bytes(&event_timestamp_ms.to_be_bytes());
                w.bytes(&[state.id() as u8]);
                w.tags(&epoch_and_end(*broker_leader_epoch, *end_offset, version));
            }
            MetadataRecord::Snapshot { id, fields } => {
                w.bytes(id);
                w.segment_fields(fields, version);
            }
        }
        w.0
    }

    /// The record as `RemoteLogMetadataFormatter` prints it (`partition: P, offset: O, value:
    /// …`), for the metadata topic's partition `p` and offset `o`. The snapshot record has no
    /// line of its own on the topic: `None`.
    pub fn formatter_line(&self, p: i32, o: i64) -> Option<String> {
        let tip = |t: &TopicIdPartition| {
            format!(
                "{}:{}-{}",
                uuid_to_base64(&t.topic_id),
                t.topic,
                t.partition
            )
        };
        let seg_id = |t: &TopicIdPartition, id: &[u8; 16]| {
            format!(
                "RemoteLogSegmentId{{topicIdPartition={}, id={}}}",
                tip(t),
                uuid_to_base64(id)
            )
        };
        let custom = |c: &Option<Vec<u8>>| match c {
            None => "Optional.empty".to_string(),
            Some(b) => format!("Optional[CustomMetadata{{{} bytes}}]", b.len()),
        };
        let mut s = format!("partition: {p}, offset: {o}, value: ");
        match self {
            MetadataRecord::Segment {
                partition,
                id,
                fields: f,
            } => {
                let mut epochs = String::new();
                for (i, (e, off)) in f.segment_leader_epochs.iter().enumerate() {
                    let _ = write!(epochs, "{}{e}={off}", if i > 0 { ", " } else { "" });
                }
                let _ = write!(
                    s,
                    "RemoteLogSegmentMetadata{{remoteLogSegmentId={}, startOffset={}, endOffset={}, brokerId={}, maxTimestampMs={}, eventTimestampMs={}, segmentLeaderEpochs={{{epochs}}}, segmentSizeInBytes={}, customMetadata={}, state={}",
                    seg_id(partition, id),
                    f.start_offset,
                    f.end_offset,
                    f.broker_id,
                    f.max_timestamp_ms,
                    f.event_timestamp_ms,
                    f.segment_size_in_bytes,
                    custom(&f.custom_metadata),
                    f.state
                );
                if let Some(t) = f.txn_index_empty {
                    let _ = write!(s, ", txnIdxEmpty={t}");
                }
                s.push('}');
            }
            MetadataRecord::Update {
                partition,
                id,
                broker_id,
                event_timestamp_ms,
                custom_metadata,
                state,
                ..
            } => {
                let _ = write!(
                    s,
                    "RemoteLogSegmentMetadataUpdate{{remoteLogSegmentId={}, customMetadata={}, state={state}, eventTimestampMs={event_timestamp_ms}, brokerId={broker_id}}}",
                    seg_id(partition, id),
                    custom(custom_metadata)
                );
            }
            MetadataRecord::PartitionDelete {
                partition,
                broker_id,
                event_timestamp_ms,
                state,
                ..
            } => {
                let _ = write!(
                    s,
                    "RemotePartitionDeleteMetadata{{topicPartition={}, state={}, eventTimestampMs={event_timestamp_ms}, brokerId={broker_id}}}",
                    tip(partition),
                    state.name()
                );
            }
            MetadataRecord::Snapshot { .. } => return None,
        }
        Some(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tip() -> TopicIdPartition {
        TopicIdPartition {
            topic: "foo".into(),
            topic_id: [1; 16],
            partition: 3,
        }
    }

    fn fields() -> SegmentFields {
        SegmentFields {
            start_offset: 0,
            end_offset: 100,
            broker_id: 1,
            max_timestamp_ms: -1,
            event_timestamp_ms: 123,
            segment_leader_epochs: vec![(0, 0), (1, 20), (2, 80)],
            segment_size_in_bytes: 1024,
            custom_metadata: Some(vec![7; 10]),
            state: SegmentState::CopySegmentStarted,
            txn_index_empty: None,
            broker_leader_epoch: None,
        }
    }

    /// Hand-encoded: every byte written out from the record definitions.
    #[test]
    fn partition_delete_v0_by_hand() {
        let mut b = vec![1, 2, 0]; // frame 1, apiKey 2, version 0
        b.extend([4, b'f', b'o', b'o']); // compact string "foo"
        b.extend([1; 16]); // topic id
        b.extend([0, 0, 0, 3]); // partition 3
        b.push(0); // TopicIdPartition's tags
        b.extend([0, 0, 0, 5]); // broker 5
        b.extend(1_718_700_000_000i64.to_be_bytes());
        b.push(0); // DELETE_PARTITION_MARKED
        b.push(0); // record tags
        let d = decode(&b).unwrap();
        assert_eq!((d.api_key, d.version), (2, 0));
        let MetadataRecord::PartitionDelete {
            partition,
            state,
            broker_id,
            ..
        } = &d.record
        else {
            panic!("{d:?}")
        };
        assert_eq!(
            (partition, *state, *broker_id),
            (&tip(), PartitionDeleteState::Marked, 5)
        );
        assert_eq!(d.record.encode(0), b);
        assert_eq!(
            d.record.formatter_line(17, 9100).unwrap(),
            "partition: 17, offset: 9100, value: RemotePartitionDeleteMetadata{topicPartition=AQEBAQEBAQEBAQEBAQEBAQ:foo-3, state=DELETE_PARTITION_MARKED, eventTimestampMs=1718700000000, brokerId=5}"
        );
    }

    #[test]
    fn segment_record_by_hand_with_the_formatter_test_line() {
        let mut b = vec![1, 0, 0];
        b.extend([4, b'f', b'o', b'o']);
        b.extend([1; 16]);
        b.extend([0, 0, 0, 3, 0]);
        b.extend([2; 16]); // segment id
        b.push(0); // RemoteLogSegmentId's tags
        b.extend(0i64.to_be_bytes());
        b.extend(100i64.to_be_bytes());
        b.extend(1i32.to_be_bytes());
        b.extend((-1i64).to_be_bytes());
        b.extend(123i64.to_be_bytes());
        b.push(4); // three epochs
        for (e, o) in [(0i32, 0i64), (1, 20), (2, 80)] {
            b.extend(e.to_be_bytes());
            b.extend(o.to_be_bytes());
            b.push(0);
        }
        b.extend(1024i32.to_be_bytes());
        b.push(11); // 10 bytes of custom metadata
        b.extend([7; 10]);
        b.push(0); // COPY_SEGMENT_STARTED
        b.push(0); // no tags (before 4.0)
        let d = decode(&b).unwrap();
        let expected = MetadataRecord::Segment {
            partition: tip(),
            id: [2; 16],
            fields: fields(),
        };
        assert_eq!(d.record, expected);
        assert_eq!(expected.encode(0), b);
        // RemoteLogMetadataFormatterTest's expected text, with these ids.
        assert_eq!(
            d.record.formatter_line(0, 0).unwrap(),
            "partition: 0, offset: 0, value: RemoteLogSegmentMetadata{remoteLogSegmentId=RemoteLogSegmentId{topicIdPartition=AQEBAQEBAQEBAQEBAQEBAQ:foo-3, id=AgICAgICAgICAgICAgICAg}, startOffset=0, endOffset=100, brokerId=1, maxTimestampMs=-1, eventTimestampMs=123, segmentLeaderEpochs={0=0, 1=20, 2=80}, segmentSizeInBytes=1024, customMetadata=Optional[CustomMetadata{10 bytes}], state=COPY_SEGMENT_STARTED}"
        );
        // 4.0+: the TxnIndexEmpty tag, and the text gains txnIdxEmpty.
        let mut with_tag = b.clone();
        with_tag.pop();
        with_tag.extend([1, 0, 1, 1]); // one tag: 0, size 1, true
        let d = decode(&with_tag).unwrap();
        let MetadataRecord::Segment { fields: f, .. } = &d.record else {
            panic!()
        };
        assert_eq!(f.txn_index_empty, Some(true));
        assert!(d
            .record
            .formatter_line(0, 0)
            .unwrap()
            .ends_with("state=COPY_SEGMENT_STARTED, txnIdxEmpty=true}"));
    }

    #[test]
    fn version_1_tags_and_unknown_tags() {
        let update = MetadataRecord::Update {
            partition: tip(),
            id: [2; 16],
            broker_id: 1,
            event_timestamp_ms: 9,
            custom_metadata: None,
            state: SegmentState::CopySegmentFinished,
            broker_leader_epoch: Some(7),
            end_offset: Some(99),
        };
        let v1 = update.encode(1);
        assert_eq!(decode(&v1).unwrap().record, update);
        // The same tags in a version-0 value are not that version's fields: skipped.
        let mut v0 = v1.clone();
        v0[2] = 0;
        let d = decode(&v0).unwrap();
        assert_eq!(d.unknown_tags, vec![0, 1]);
        let MetadataRecord::Update {
            broker_leader_epoch,
            end_offset,
            ..
        } = d.record
        else {
            panic!()
        };
        assert_eq!((broker_leader_epoch, end_offset), (None, None));
        // A tag from the future is skipped too.
        let mut future = update.encode(0);
        future.pop();
        future.extend([1, 9, 2, 0xaa, 0xbb]);
        assert_eq!(decode(&future).unwrap().unknown_tags, vec![9]);
    }

    #[test]
    fn typed_errors() {
        let good = MetadataRecord::Snapshot {
            id: [3; 16],
            fields: fields(),
        }
        .encode(1);
        assert!(decode(&good).is_ok());
        assert_eq!(decode(&[]), Err(DecodeError::Empty));
        assert!(matches!(
            decode(&good[..good.len() - 3]),
            Err(DecodeError::Truncated { .. })
        ));
        let mut wrong_frame = good.clone();
        wrong_frame[0] = 0;
        assert_eq!(
            decode(&wrong_frame),
            Err(DecodeError::FrameVersion { found: 0 })
        );
        let mut wrong_key = good.clone();
        wrong_key[1] = 9;
        assert_eq!(
            decode(&wrong_key),
            Err(DecodeError::UnknownApiKey { found: 9 })
        );
        let mut wrong_version = good.clone();
        wrong_version[2] = 2;
        assert!(matches!(
            decode(&wrong_version),
            Err(DecodeError::UnsupportedVersion { version: 2, .. })
        ));
        let mut trailing = good.clone();
        trailing.extend([0, 0]);
        let e = decode(&trailing).unwrap_err();
        assert!(matches!(e, DecodeError::TrailingBytes { count: 2, .. }));
        assert!(e.to_string().contains("2 byte(s) of garbage"), "{e}");
        let mut bad_state = MetadataRecord::PartitionDelete {
            partition: tip(),
            broker_id: 1,
            event_timestamp_ms: 1,
            state: PartitionDeleteState::Finished,
            broker_leader_epoch: None,
            end_offset: None,
        }
        .encode(0);
        let n = bad_state.len();
        bad_state[n - 2] = 7;
        assert!(matches!(
            decode(&bad_state),
            Err(DecodeError::BadState { found: 7, .. })
        ));
        assert!(matches!(
            decode(&[1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            Err(DecodeError::VarintTooLong { .. })
        ));
    }

    /// Binary records → their formatter lines → the formatter-dump reader: the same snapshot
    /// as the records describe.
    #[test]
    fn binary_records_replay_through_the_formatter_dump_reader() {
        let seg = |id: u8, start: i64, state| MetadataRecord::Segment {
            partition: tip(),
            id: [id; 16],
            fields: SegmentFields {
                start_offset: start,
                end_offset: start + 99,
                custom_metadata: None,
                state,
                ..fields()
            },
        };
        let update = |id: u8, state, ts| MetadataRecord::Update {
            partition: tip(),
            id: [id; 16],
            broker_id: 2,
            event_timestamp_ms: ts,
            custom_metadata: None,
            state,
            broker_leader_epoch: Some(4),
            end_offset: None,
        };
        use SegmentState::*;
        let records = [
            (seg(10, 0, CopySegmentStarted), 0),
            (update(10, CopySegmentFinished, 200), 1),
            (seg(11, 100, CopySegmentStarted), 1),
            (update(11, CopySegmentFinished, 300), 0),
            (update(10, DeleteSegmentStarted, 400), 1),
            (update(10, DeleteSegmentFinished, 500), 0),
        ];
        let text: String = records
            .iter()
            .enumerate()
            .map(|(o, (r, v))| {
                let value = r.encode(*v);
                let d = decode(&value).unwrap();
                // Version 0 has no place for version 1's tagged fields.
                assert_eq!(d.record.encode(*v), value);
                if *v == 1 {
                    assert_eq!(&d.record, r);
                }
                d.record.formatter_line(7, o as i64).unwrap() + "\n"
            })
            .collect();
        let loaded = crate::ingest::formatter_dump::parse(&text).unwrap();
        // The same records as a raw dump, `PARTITION OFFSET BASE64` per value (URL-safe and
        // standard base64 both read), through the loader every input goes through: the same
        // snapshot.
        use base64::Engine;
        let raw: String = records
            .iter()
            .enumerate()
            .map(|(o, (r, v))| {
                let engine = if o % 2 == 0 {
                    base64::engine::general_purpose::STANDARD
                } else {
                    base64::engine::general_purpose::URL_SAFE_NO_PAD
                };
                format!("7 {o} {}\n", engine.encode(r.encode(*v)))
            })
            .collect();
        let from_raw = crate::ingest::load(raw.as_bytes()).unwrap();
        assert_eq!(from_raw.snapshot, loaded.snapshot);
        assert!(from_raw.problems.is_empty());
        // A value that is not a record is a problem of its line, named.
        let bad = format!(
            "{raw}7 9 {}\n",
            base64::engine::general_purpose::STANDARD.encode([1u8, 9, 0, 0])
        );
        let with_bad = crate::ingest::load(bad.as_bytes()).unwrap();
        assert_eq!(with_bad.problems.len(), 1);
        assert_eq!(with_bad.problems[0].line, Some(7));
        assert!(
            with_bad.problems[0].to_string().contains("apiKey 9"),
            "{}",
            with_bad.problems[0]
        );
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let t = loaded.snapshot.topic("foo").unwrap();
        assert_eq!(t.topic_id.as_deref(), Some("AQEBAQEBAQEBAQEBAQEBAQ"));
        let p = &t.partitions[0];
        assert_eq!(p.partition, 3);
        let listed: Vec<_> = p
            .segments
            .iter()
            .filter(|s| s.state != DeleteSegmentFinished)
            .map(|s| (s.id.to_string(), s.state, s.start_offset))
            .collect();
        assert_eq!(
            listed,
            vec![(uuid_to_base64(&[11; 16]), CopySegmentFinished, 100)]
        );
    }

    #[test]
    fn never_panics_on_any_prefix_or_flip() {
        let value = MetadataRecord::Segment {
            partition: tip(),
            id: [2; 16],
            fields: fields(),
        }
        .encode(1);
        for n in 0..value.len() {
            let _ = decode(&value[..n]);
            for bit in 0..8 {
                let mut v = value.clone();
                v[n] ^= 1 << bit;
                let _ = decode(&v);
            }
        }
    }
}
