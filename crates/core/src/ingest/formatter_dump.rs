//! Kafka's `RemoteLogMetadataFormatter` and `kafka-dump-log.sh --remote-log-metadata-decoder`
//! text (kafka-semantics.md §1, kafka-reference.md §2).
//!
//! Each line is classified without regexes or per-line allocation:
//!
//! - `partition: P, offset: O, value: <record>` (console consumer with the formatter), or a bare
//!   `<record>`;
//! - `| offset: O ... payload: <record>` (dump-log with `--print-data-log`); the other dump-log
//!   lines (`Dumping ...`, `Log starting offset: 0`, `baseOffset: ...` batch headers) are skipped;
//! - `Error at offset O, skipping. <message>` (alone or as a dump-log payload) is a
//!   [`ProblemKind::DumpLogError`].
//!
//! A record is `Name{key=value, ...}` and is read by key, not by position (the key order of
//! `RemoteLogSegmentMetadataUpdate` changed between Kafka versions). The records are then
//! replayed in order the way Kafka's `RemoteLogMetadataCache` folds them: invalid transitions
//! and updates for unknown segments are reported and dropped, `DELETE_SEGMENT_FINISHED`
//! segments are forgotten.

use super::{LoadError, Loaded, Problem, ProblemKind};
use crate::model::{
    EpochMap, Partition, Segment, SegmentState, Snapshot, SnapshotSource, Topic, TopicConfig,
    MAX_OFFSET, MAX_SEGMENT_SIZE, MAX_TIMESTAMP_MS,
};
use std::collections::{BTreeMap, HashMap};

const SEGMENT: &str = "RemoteLogSegmentMetadata";
const UPDATE: &str = "RemoteLogSegmentMetadataUpdate";
const PARTITION_DELETE: &str = "RemotePartitionDeleteMetadata";
const RECORD_NAMES: [&str; 3] = [SEGMENT, UPDATE, PARTITION_DELETE];
const PARTITION_STATES: [&str; 3] = [
    "DELETE_PARTITION_MARKED",
    "DELETE_PARTITION_STARTED",
    "DELETE_PARTITION_FINISHED",
];

/// Longest excerpt of a bad line or value kept in a problem, in characters.
const EXCERPT_CHARS: usize = 80;

/// Reads a formatter or dump-log text. Problems carry 1-based line numbers; only input without a
/// single readable record is an error.
pub fn parse(text: &str) -> Result<Loaded, LoadError> {
    let mut stream = DumpStream::default();
    stream.feed(text.as_bytes())?;
    stream.finish()
}

/// A formatter or dump-log text read as it arrives, line by line: only the line cut by a chunk
/// boundary and the replayed metadata cache are held.
#[derive(Default)]
pub struct DumpStream {
    replay: Replay,
    /// The start of a line whose end has not arrived yet.
    pending: Vec<u8>,
    /// Lines read so far.
    lines: usize,
    /// Input offset of the next line's first byte.
    offset: u64,
}

impl DumpStream {
    /// A reader whose first byte is at input offset `offset`, after `lines` blank lines.
    pub fn starting_at(offset: u64, lines: usize) -> Self {
        DumpStream {
            lines,
            offset,
            ..DumpStream::default()
        }
    }

    /// Bytes read so far.
    pub fn bytes(&self) -> u64 {
        self.offset + self.pending.len() as u64
    }

    /// Segment records read so far.
    pub fn records(&self) -> u64 {
        self.replay.records as u64
    }

    /// Problems met so far (each held until the end).
    pub fn problems(&self) -> u64 {
        self.replay.problems.len() as u64
    }

    /// Bytes of the line not yet ended, held until its newline arrives.
    pub fn pending(&self) -> usize {
        self.pending.capacity()
    }

    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), LoadError> {
        let mut rest = chunk;
        while let Some(nl) = memchr::memchr(b'\n', rest) {
            if self.pending.is_empty() {
                self.line(&rest[..nl])?;
            } else {
                let mut line = std::mem::take(&mut self.pending);
                line.extend_from_slice(&rest[..nl]);
                self.line(&line)?;
                line.clear();
                self.pending = line;
            }
            rest = &rest[nl + 1..];
        }
        self.pending.extend_from_slice(rest);
        Ok(())
    }

    pub fn finish(mut self) -> Result<Loaded, LoadError> {
        let last = std::mem::take(&mut self.pending);
        self.line(&last)?;
        self.replay.finish()
    }

    fn line(&mut self, bytes: &[u8]) -> Result<(), LoadError> {
        let text = std::str::from_utf8(bytes).map_err(|e| LoadError::NotUtf8 {
            offset: (self.offset + e.valid_up_to() as u64) as usize,
        })?;
        self.offset += bytes.len() as u64 + 1;
        self.lines += 1;
        let line_no = self.lines;
        let mut line = text.strip_suffix('\r').unwrap_or(text);
        if line_no == 1 {
            line = line.trim_start_matches('\u{feff}');
        }
        // A raw dump: `[PARTITION OFFSET ]BASE64` of each record value, replayed as the line
        // the formatter prints for it.
        if let Some((p, o, value)) = raw_value(line) {
            self.binary(line_no, p, o, &value, None);
            return Ok(());
        }
        self.text_line(line_no, line);
        Ok(())
    }

    /// One binary record value of `__remote_log_metadata` partition `p` at offset `o`, as a
    /// collector reads it from the cluster: replayed like a raw dump's line (counted as one),
    /// unless `keep` refuses the record's topic. Returns whether it was kept.
    pub fn value(&mut self, p: i32, o: i64, value: &[u8], keep: &dyn Fn(&str) -> bool) -> bool {
        self.lines += 1;
        self.offset += value.len() as u64;
        let line_no = self.lines;
        self.binary(line_no, p, o, value, Some(keep))
    }

    /// Decodes a record value and replays the formatter line it prints; a value that does not
    /// decode is a problem naming where it was read.
    fn binary(
        &mut self,
        line_no: usize,
        p: i32,
        o: i64,
        value: &[u8],
        keep: Option<&dyn Fn(&str) -> bool>,
    ) -> bool {
        match super::metadata_serde::decode(value) {
            Ok(d) => {
                if let (Some(keep), Some(topic)) = (keep, d.record.topic()) {
                    if !keep(topic) {
                        return false;
                    }
                }
                if let Some(text) = d.record.formatter_line(p, o) {
                    self.text_line(line_no, &text);
                }
                true
            }
            Err(e) => {
                self.replay.report(
                    line_no,
                    ProblemKind::BinaryRecord {
                        message: format!("partition {p}, offset {o}: {e}"),
                    },
                );
                false
            }
        }
    }

    fn text_line(&mut self, line_no: usize, line: &str) {
        let record = match classify(line) {
            Line::Skip => return,
            Line::Problem(kind) => {
                self.replay.report(line_no, kind);
                return;
            }
            Line::Record(r) => r,
        };
        let mut fields: Vec<(&str, &str)> = Vec::with_capacity(16);
        match parse_record(record, line, &mut fields) {
            Ok(Some(rec)) => self.replay.apply(line_no, rec),
            Ok(None) => {}
            Err(kind) => self.replay.report(line_no, kind),
        }
    }
}

/// `[PARTITION OFFSET ]BASE64`: a record value of `__remote_log_metadata` in base64 (standard
/// or URL-safe, padded or not), optionally after its partition and offset. Only a value that
/// starts with Kafka's frame version (1) counts: a word of text is not a record.
fn raw_value(line: &str) -> Option<(i32, i64, Vec<u8>)> {
    use base64::Engine;
    let t = line.trim();
    let mut parts = t.split_ascii_whitespace();
    let (p, o, b64) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(b), None, None, None) => (0, 0, b),
        (Some(p), Some(o), Some(b), None) => (p.parse().ok()?, o.parse().ok()?, b),
        _ => return None,
    };
    if b64.len() < 8
        || !b64
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_' | b'='))
    {
        return None;
    }
    let normal: String = b64
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(normal)
        .ok()?;
    (bytes.first() == Some(&1)).then_some((p, o, bytes))
}

// ---------------------------------------------------------------------------------------------
// Lines

enum Line<'a> {
    /// Blank, or dump-log output that is not a record.
    Skip,
    /// The record text (`Name{...}`, or an `Error at offset` message).
    Record(&'a str),
    Problem(ProblemKind),
}

fn classify(line: &str) -> Line<'_> {
    let t = line.trim();
    if t.is_empty() {
        return Line::Skip;
    }
    // kafka-dump-log.sh record line: `| offset: 3 CreateTime: ... payload: <record>`. Without
    // `--print-data-log` (or for a control batch) there is no payload: nothing to read.
    if let Some(rest) = t.strip_prefix('|') {
        return match rest.find("payload: ") {
            Some(i) => Line::Record(rest[i + "payload: ".len()..].trim()),
            None => Line::Skip,
        };
    }
    // Console consumer with RemoteLogMetadataFormatter.
    if let Some(rest) = t.strip_prefix("partition: ") {
        return match rest.find(", value: ") {
            Some(i) => Line::Record(rest[i + ", value: ".len()..].trim()),
            None if rest.starts_with(|c: char| c.is_ascii_digit()) => {
                Line::Problem(ProblemKind::Truncated { record: excerpt(t) })
            }
            None => Line::Problem(ProblemKind::NotARecord {
                excerpt: excerpt(t),
            }),
        };
    }
    if is_tool_chatter(t) {
        return Line::Skip;
    }
    Line::Record(t)
}

/// Lines `kafka-dump-log.sh` and the console consumer print around the records.
fn is_tool_chatter(t: &str) -> bool {
    t.starts_with("Dumping ")
        || t.starts_with("Log starting offset: ")
        || t.starts_with("Starting offset: ")
        || t.starts_with("Snapshot end offset: ")
        || t.starts_with("baseOffset: ")
        || t.starts_with("Processed a total of ")
        || (t.starts_with("offset: ") && t.contains(" position: "))
        || (t.starts_with("Found ") && t.contains(" invalid bytes at the end of "))
}

fn excerpt(s: &str) -> String {
    match s.char_indices().nth(EXCERPT_CHARS) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Records

/// `<topicId>:<topic>-<partition>`.
#[derive(Debug, Clone, Copy)]
struct TopicIdPartition<'a> {
    /// The whole text, the cache key (canonical: the partition has no sign or leading zero).
    raw: &'a str,
    topic_id: &'a str,
    topic: &'a str,
    partition: i32,
}

#[derive(Debug)]
enum Record<'a> {
    Segment {
        tip: TopicIdPartition<'a>,
        id: &'a str,
        start_offset: i64,
        end_offset: i64,
        broker_id: i32,
        max_timestamp_ms: i64,
        event_timestamp_ms: i64,
        epochs: EpochMap,
        size_bytes: i64,
        state: SegmentState,
    },
    Update {
        tip: TopicIdPartition<'a>,
        id: &'a str,
        state: SegmentState,
        event_timestamp_ms: i64,
        broker_id: i32,
    },
    PartitionDelete {
        tip: TopicIdPartition<'a>,
        state: &'a str,
        event_timestamp_ms: i64,
    },
}

/// Parses one record text. `Ok(None)`: nothing to read (a null value).
fn parse_record<'a>(
    rec: &'a str,
    line: &str,
    fields: &mut Vec<(&'a str, &'a str)>,
) -> Result<Option<Record<'a>>, ProblemKind> {
    if rec == "null" {
        return Ok(None);
    }
    if let Some(rest) = rec.strip_prefix("Error at offset ") {
        let (offset, message) = rest.split_once(',').unwrap_or((rest, ""));
        let message = message.trim();
        let message = message.strip_prefix("skipping.").unwrap_or(message).trim();
        return Err(ProblemKind::DumpLogError {
            offset: offset.trim().parse().unwrap_or(-1),
            message: message.to_string(),
        });
    }
    let not_a_record = || ProblemKind::NotARecord {
        excerpt: excerpt(line.trim()),
    };
    let Some(open) = rec.find('{') else {
        // `RemoteLogSegm` at the very end of a cut-off dump.
        if RECORD_NAMES.iter().any(|n| n.starts_with(rec)) {
            return Err(ProblemKind::Truncated { record: rec.into() });
        }
        return Err(not_a_record());
    };
    let name = &rec[..open];
    if !RECORD_NAMES.contains(&name) {
        return Err(not_a_record());
    }
    let Some(close) = matching_brace(rec, open) else {
        return Err(ProblemKind::Truncated {
            record: name.into(),
        });
    };
    if !rec[close + 1..].trim().is_empty() {
        return Err(not_a_record());
    }
    split_fields(&rec[open + 1..close], fields);
    let f = Fields { name, fields };
    let record = match name {
        SEGMENT => {
            let (tip, id) = segment_id(f.required("remoteLogSegmentId")?)?;
            let start_offset: i64 = f.number("startOffset", "offset")?;
            let end_offset: i64 = f.number("endOffset", "offset")?;
            if start_offset < 0 {
                return Err(bad("startOffset", f.get("startOffset"), "offset ≥ 0"));
            }
            if end_offset < start_offset {
                return Err(bad("endOffset", f.get("endOffset"), "offset ≥ startOffset"));
            }
            if end_offset > MAX_OFFSET {
                return Err(bad("endOffset", f.get("endOffset"), "offset ≤ 2^62"));
            }
            let size_bytes: i64 = f.number("segmentSizeInBytes", "size in bytes")?;
            if !(0..=MAX_SEGMENT_SIZE).contains(&size_bytes) {
                return Err(bad(
                    "segmentSizeInBytes",
                    f.get("segmentSizeInBytes"),
                    "size in 0..=2147483647",
                ));
            }
            if let Some(v) = f.get("txnIdxEmpty") {
                if v != "true" && v != "false" {
                    return Err(bad("txnIdxEmpty", Some(v), "boolean"));
                }
            }
            Record::Segment {
                tip,
                id,
                start_offset,
                end_offset,
                broker_id: f.number("brokerId", "broker id")?,
                max_timestamp_ms: f.timestamp("maxTimestampMs")?,
                event_timestamp_ms: f.timestamp("eventTimestampMs")?,
                epochs: epoch_map(f.required("segmentLeaderEpochs")?)?,
                size_bytes,
                state: f.state()?,
            }
        }
        UPDATE => {
            let (tip, id) = segment_id(f.required("remoteLogSegmentId")?)?;
            Record::Update {
                tip,
                id,
                state: f.state()?,
                event_timestamp_ms: f.timestamp("eventTimestampMs")?,
                broker_id: f.number("brokerId", "broker id")?,
            }
        }
        _ => {
            let tip = topic_id_partition("topicPartition", f.required("topicPartition")?)?;
            let state = f.required("state")?;
            if !PARTITION_STATES.contains(&state) {
                return Err(bad("state", Some(state), "partition delete state"));
            }
            // Older Kafka printed `eventTimestamp=`.
            let event_timestamp_ms = match f.get("eventTimestampMs") {
                Some(_) => f.timestamp("eventTimestampMs")?,
                None => f
                    .number("eventTimestamp", "timestamp")
                    .map_err(|e| match e {
                        ProblemKind::MissingField { record, .. } => ProblemKind::MissingField {
                            record,
                            key: "eventTimestampMs".into(),
                        },
                        e => e,
                    })?,
            };
            let _broker: i32 = f.number("brokerId", "broker id")?;
            Record::PartitionDelete {
                tip,
                state,
                event_timestamp_ms,
            }
        }
    };
    Ok(Some(record))
}

/// Index of the `}` closing the `{` at `open`, if the text has it.
fn matching_brace(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, &b) in s.as_bytes().iter().enumerate().skip(open) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits `k1=v1, k2={a=1, b=2}, k3=Optional[X{..}]` at the commas outside any braces or
/// brackets. Pieces without `=` are ignored.
fn split_fields<'a>(body: &'a str, out: &mut Vec<(&'a str, &'a str)>) {
    out.clear();
    let mut push = |piece: &'a str| {
        if let Some((k, v)) = piece.split_once('=') {
            out.push((k.trim(), v.trim()));
        }
    };
    let mut depth = 0i32;
    let mut start = 0;
    for (i, &b) in body.as_bytes().iter().enumerate() {
        match b {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth -= 1,
            b',' if depth == 0 => {
                push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    push(&body[start..]);
}

struct Fields<'r, 'a> {
    name: &'a str,
    fields: &'r [(&'a str, &'a str)],
}

impl<'a> Fields<'_, 'a> {
    fn get(&self, key: &str) -> Option<&'a str> {
        self.fields.iter().find(|(k, _)| *k == key).map(|&(_, v)| v)
    }

    fn required(&self, key: &str) -> Result<&'a str, ProblemKind> {
        self.get(key).ok_or_else(|| ProblemKind::MissingField {
            record: self.name.into(),
            key: key.into(),
        })
    }

    fn number<T: std::str::FromStr>(
        &self,
        key: &str,
        expected: &'static str,
    ) -> Result<T, ProblemKind> {
        let v = self.required(key)?;
        v.parse().map_err(|_| bad(key, Some(v), expected))
    }

    /// A timestamp within ±2^62 ms.
    fn timestamp(&self, key: &str) -> Result<i64, ProblemKind> {
        let t: i64 = self.number(key, "timestamp")?;
        if !(-MAX_TIMESTAMP_MS..=MAX_TIMESTAMP_MS).contains(&t) {
            return Err(bad(key, self.get(key), "timestamp within ±2^62 ms"));
        }
        Ok(t)
    }

    fn state(&self) -> Result<SegmentState, ProblemKind> {
        let v = self.required("state")?;
        v.parse()
            .map_err(|_| bad("state", Some(v), "remote log segment state"))
    }
}

fn bad(key: &str, value: Option<&str>, expected: &'static str) -> ProblemKind {
    ProblemKind::BadValue {
        key: key.into(),
        value: excerpt(value.unwrap_or("")),
        expected,
    }
}

/// A Kafka `Uuid` as printed (22 base64url characters), leniently: any non-empty run of
/// characters that cannot end a field.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && !s.bytes().any(|b| {
            b.is_ascii_whitespace() || matches!(b, b'{' | b'}' | b',' | b'=' | b'[' | b']')
        })
}

/// `RemoteLogSegmentId{topicIdPartition=<id>:<topic>-<partition>, id=<id>}`.
fn segment_id(v: &str) -> Result<(TopicIdPartition<'_>, &str), ProblemKind> {
    const EXPECTED: &str =
        "RemoteLogSegmentId{topicIdPartition=<topicId>:<topic>-<partition>, id=<id>}";
    let inner = v
        .strip_prefix("RemoteLogSegmentId{")
        .and_then(|r| r.strip_suffix('}'))
        .ok_or_else(|| bad("remoteLogSegmentId", Some(v), EXPECTED))?;
    let (mut tip, mut id) = (None, None);
    for piece in inner.split(',') {
        match piece.split_once('=') {
            Some((k, val)) if k.trim() == "topicIdPartition" => tip = Some(val.trim()),
            Some((k, val)) if k.trim() == "id" => id = Some(val.trim()),
            _ => {}
        }
    }
    match (tip, id) {
        (Some(tip), Some(id)) if is_token(id) => {
            Ok((topic_id_partition("topicIdPartition", tip)?, id))
        }
        _ => Err(bad("remoteLogSegmentId", Some(v), EXPECTED)),
    }
}

/// `<topicId>:<topic>-<partition>`: the id is before the first `:`, the partition after the
/// last `-` (topic names may contain `-`, `.` and `_`).
fn topic_id_partition<'a>(key: &str, v: &'a str) -> Result<TopicIdPartition<'a>, ProblemKind> {
    let parsed = (|| {
        let (topic_id, rest) = v.split_once(':')?;
        let (topic, partition) = rest.rsplit_once('-')?;
        let canonical = !partition.is_empty()
            && partition.bytes().all(|b| b.is_ascii_digit())
            && (partition == "0" || !partition.starts_with('0'));
        if !is_token(topic_id) || !is_token(topic) || topic.contains(':') || !canonical {
            return None;
        }
        Some(TopicIdPartition {
            raw: v,
            topic_id,
            topic,
            partition: partition.parse().ok()?,
        })
    })();
    parsed.ok_or_else(|| bad(key, Some(v), "<topicId>:<topic>-<partition>"))
}

/// `{0=0, 1=20, 2=80}`: ascending by epoch, never empty.
fn epoch_map(v: &str) -> Result<EpochMap, ProblemKind> {
    const KEY: &str = "segmentLeaderEpochs";
    const EXPECTED: &str = "non-empty leader epoch map {epoch=offset, ...}";
    let err = || bad(KEY, Some(v), EXPECTED);
    let inner = v
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .ok_or_else(err)?;
    let mut map = EpochMap::new();
    if inner.trim().is_empty() {
        return Err(err());
    }
    for piece in inner.split(',') {
        let (e, o) = piece.split_once('=').ok_or_else(err)?;
        let e: i32 = e.trim().parse().map_err(|_| err())?;
        let o: i64 = o.trim().parse().map_err(|_| err())?;
        if !(0..=MAX_OFFSET).contains(&o) {
            return Err(err());
        }
        map.push((e, o));
    }
    map.sort_by_key(|&(e, _)| e);
    map.dedup_by_key(|&mut (e, _)| e);
    Ok(map)
}

// ---------------------------------------------------------------------------------------------
// Replay (Kafka's RemoteLogMetadataCache, per TopicIdPartition)

struct PartitionCache {
    topic_id: String,
    topic: String,
    partition: i32,
    /// Segments in creation order; `None` once forgotten (DELETE_SEGMENT_FINISHED or replaced).
    slots: Vec<Option<Segment>>,
    /// Segment id -> slot. Forgotten segments stay here so a late repeat is recognised.
    by_id: HashMap<String, usize>,
    /// Line of the latest record about this partition.
    last_line: usize,
}

#[derive(Default)]
struct Replay {
    partitions: Vec<PartitionCache>,
    /// `TopicIdPartition` text -> index in `partitions`.
    index: HashMap<String, usize>,
    problems: Vec<Problem>,
    records: usize,
    newest_event_ms: Option<i64>,
}

impl Replay {
    fn report(&mut self, line: usize, kind: ProblemKind) {
        self.problems.push(Problem {
            line: Some(line),
            offset: None,
            kind,
        });
    }

    fn partition(&mut self, tip: &TopicIdPartition<'_>, line: usize) -> &mut PartitionCache {
        let i = match self.index.get(tip.raw) {
            Some(&i) => i,
            None => {
                self.partitions.push(PartitionCache {
                    topic_id: tip.topic_id.into(),
                    topic: tip.topic.into(),
                    partition: tip.partition,
                    slots: Vec::new(),
                    by_id: HashMap::new(),
                    last_line: line,
                });
                self.index.insert(tip.raw.into(), self.partitions.len() - 1);
                self.partitions.len() - 1
            }
        };
        let p = &mut self.partitions[i];
        p.last_line = line;
        p
    }

    fn apply(&mut self, line: usize, record: Record<'_>) {
        self.records += 1;
        let event = match &record {
            Record::Segment {
                event_timestamp_ms, ..
            }
            | Record::Update {
                event_timestamp_ms, ..
            }
            | Record::PartitionDelete {
                event_timestamp_ms, ..
            } => *event_timestamp_ms,
        };
        self.newest_event_ms = Some(self.newest_event_ms.map_or(event, |n| n.max(event)));
        match record {
            Record::Segment {
                tip,
                id,
                start_offset,
                end_offset,
                broker_id,
                max_timestamp_ms,
                event_timestamp_ms,
                epochs,
                size_bytes,
                state,
            } => {
                let p = self.partition(&tip, line);
                let duplicate = match p.by_id.get(id) {
                    Some(&old) => {
                        p.slots[old] = None;
                        true
                    }
                    None => false,
                };
                // A segment record is COPY_SEGMENT_STARTED; another state is applied as
                // `createWithUpdates` would.
                let segment = (state != SegmentState::DeleteSegmentFinished).then(|| Segment {
                    id: id.into(),
                    start_offset,
                    end_offset,
                    max_timestamp_ms,
                    event_timestamp_ms: Some(event_timestamp_ms),
                    size_bytes,
                    segment_leader_epochs: epochs,
                    state,
                    broker_id: Some(broker_id),
                    copy_in_progress: None,
                });
                p.slots.push(segment);
                let slot = p.slots.len() - 1;
                p.by_id.insert(id.into(), slot);
                if duplicate {
                    self.report(
                        line,
                        ProblemKind::DuplicateSegment {
                            topic: tip.topic.into(),
                            partition: tip.partition,
                            id: id.into(),
                        },
                    );
                }
            }
            Record::Update {
                tip,
                id,
                state: to,
                event_timestamp_ms,
                broker_id,
            } => {
                let unknown = || ProblemKind::UnknownSegment {
                    topic: tip.topic.into(),
                    partition: tip.partition,
                    id: id.into(),
                };
                let Some(&pi) = self.index.get(tip.raw) else {
                    self.report(line, unknown());
                    return;
                };
                let p = &mut self.partitions[pi];
                let Some(&slot) = p.by_id.get(id) else {
                    self.report(line, unknown());
                    return;
                };
                p.last_line = line;
                let mut forget = false;
                let problem = match &mut p.slots[slot] {
                    // Forgotten after DELETE_SEGMENT_FINISHED: a repeated DELETE_SEGMENT_FINISHED
                    // is a retry (4.0+ may delete a multi-epoch segment more than once).
                    None if to == SegmentState::DeleteSegmentFinished => None,
                    None => Some(SegmentState::DeleteSegmentFinished),
                    // An update never carries COPY_SEGMENT_STARTED (Kafka rejects it).
                    Some(seg)
                        if to == SegmentState::CopySegmentStarted || !seg.state.can_become(to) =>
                    {
                        Some(seg.state)
                    }
                    Some(seg) => {
                        seg.state = to;
                        seg.event_timestamp_ms = Some(event_timestamp_ms);
                        seg.broker_id = Some(broker_id);
                        forget = to == SegmentState::DeleteSegmentFinished;
                        None
                    }
                };
                if forget {
                    p.slots[slot] = None;
                }
                if let Some(from) = problem {
                    self.report(
                        line,
                        ProblemKind::InvalidTransition {
                            topic: tip.topic.into(),
                            partition: tip.partition,
                            id: id.into(),
                            from,
                            to,
                        },
                    );
                }
            }
            Record::PartitionDelete { tip, state, .. } => {
                if state == "DELETE_PARTITION_FINISHED" {
                    // Kafka drops the partition's whole segment cache.
                    if let Some(&pi) = self.index.get(tip.raw) {
                        let p = &mut self.partitions[pi];
                        p.slots.clear();
                        p.by_id.clear();
                        p.last_line = line;
                    }
                }
                self.report(
                    line,
                    ProblemKind::PartitionDeleteMarked {
                        topic: tip.topic.into(),
                        partition: tip.partition,
                        state: state.into(),
                    },
                );
            }
        }
    }

    fn finish(mut self) -> Result<Loaded, LoadError> {
        if self.records == 0 {
            return Err(LoadError::NoRecords {
                problems: self.problems,
            });
        }
        let mut by_topic: BTreeMap<String, Vec<PartitionCache>> = BTreeMap::new();
        for p in self.partitions {
            by_topic.entry(p.topic.clone()).or_default().push(p);
        }
        let mut topics = Vec::with_capacity(by_topic.len());
        for (name, parts) in by_topic {
            // A recreated topic has a new topic id. Show the incarnation written to last among
            // those that still have segments; report the segments of any other.
            let live = |p: &PartitionCache| p.slots.iter().flatten().count();
            let mut ids: BTreeMap<&str, (usize, usize)> = BTreeMap::new(); // id -> (live, last line)
            for p in &parts {
                let e = ids.entry(p.topic_id.as_str()).or_default();
                e.0 += live(p);
                e.1 = e.1.max(p.last_line);
            }
            let any_live = ids.values().any(|&(n, _)| n > 0);
            let kept = ids
                .iter()
                .filter(|(_, &(n, _))| n > 0 || !any_live)
                .max_by_key(|(_, &(_, last))| last)
                .map(|(id, _)| id.to_string())
                .unwrap_or_default();
            for (id, &(n, _)) in &ids {
                if *id != kept && n > 0 {
                    self.problems.push(Problem {
                        line: None,
                        offset: None,
                        kind: ProblemKind::StaleTopicId {
                            topic: name.clone(),
                            topic_id: id.to_string(),
                            kept_topic_id: kept.clone(),
                            segments: n,
                        },
                    });
                }
            }
            let mut partitions: Vec<Partition> = parts
                .into_iter()
                .filter(|p| p.topic_id == kept)
                .map(|p| {
                    let mut segments: Vec<Segment> = p.slots.into_iter().flatten().collect();
                    segments.sort_by_key(|s| s.start_offset);
                    Partition {
                        partition: p.partition,
                        segments: segments.into(),
                        ..Partition::default()
                    }
                })
                .collect();
            partitions.sort_by_key(|p| p.partition);
            topics.push(Topic {
                name,
                topic_id: Some(kept),
                config: TopicConfig::default(),
                partitions,
            });
        }
        Ok(Loaded {
            snapshot: Snapshot {
                cluster: None,
                kafka_version: None,
                captured_at_ms: self.newest_event_ms.unwrap_or(0),
                source: SnapshotSource::FormatterDump,
                topics,
            },
            problems: self.problems,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SegmentState::*;

    /// kafka-reference.md §2.3, exactly as RemoteLogMetadataFormatterTest expects (3.6–3.9).
    const OFFICIAL_3_6: &str = "partition: 0, offset: 0, value: RemoteLogSegmentMetadata{remoteLogSegmentId=RemoteLogSegmentId{topicIdPartition=%s:foo-0, id=%s}, startOffset=0, endOffset=100, brokerId=1, maxTimestampMs=-1, eventTimestampMs=123, segmentLeaderEpochs={0=0, 1=20, 2=80}, segmentSizeInBytes=1024, customMetadata=Optional[CustomMetadata{10 bytes}], state=COPY_SEGMENT_STARTED}\n";

    // kafka-reference.md §2.4, literal lines.
    const L_CREATE: &str = "partition: 17, offset: 4521, value: RemoteLogSegmentMetadata{remoteLogSegmentId=RemoteLogSegmentId{topicIdPartition=a04vEDyKT36dIQpb58P00g:orders-3, id=Dh96nFLUS46j9nwtHpuKQA}, startOffset=1200, endOffset=2399, brokerId=1, maxTimestampMs=1718000000123, eventTimestampMs=1718000005000, segmentLeaderEpochs={5=1200, 6=1850}, segmentSizeInBytes=1073741700, customMetadata=Optional.empty, state=COPY_SEGMENT_STARTED}";
    const L_FINISHED: &str = "partition: 17, offset: 4522, value: RemoteLogSegmentMetadataUpdate{remoteLogSegmentId=RemoteLogSegmentId{topicIdPartition=a04vEDyKT36dIQpb58P00g:orders-3, id=Dh96nFLUS46j9nwtHpuKQA}, customMetadata=Optional.empty, state=COPY_SEGMENT_FINISHED, eventTimestampMs=1718000009000, brokerId=1}";
    const L_FINISHED_CUSTOM: &str = "partition: 17, offset: 4522, value: RemoteLogSegmentMetadataUpdate{remoteLogSegmentId=RemoteLogSegmentId{topicIdPartition=a04vEDyKT36dIQpb58P00g:orders-3, id=Dh96nFLUS46j9nwtHpuKQA}, customMetadata=Optional[CustomMetadata{42 bytes}], state=COPY_SEGMENT_FINISHED, eventTimestampMs=1718000009000, brokerId=1}";
    const L_DELETE_STARTED: &str = "partition: 17, offset: 9001, value: RemoteLogSegmentMetadataUpdate{remoteLogSegmentId=RemoteLogSegmentId{topicIdPartition=a04vEDyKT36dIQpb58P00g:orders-3, id=Dh96nFLUS46j9nwtHpuKQA}, customMetadata=Optional.empty, state=DELETE_SEGMENT_STARTED, eventTimestampMs=1718600000000, brokerId=2}";
    const L_DELETE_FINISHED: &str = "partition: 17, offset: 9002, value: RemoteLogSegmentMetadataUpdate{remoteLogSegmentId=RemoteLogSegmentId{topicIdPartition=a04vEDyKT36dIQpb58P00g:orders-3, id=Dh96nFLUS46j9nwtHpuKQA}, customMetadata=Optional.empty, state=DELETE_SEGMENT_FINISHED, eventTimestampMs=1718600000456, brokerId=2}";
    const L_PARTITION_DELETE: &str = "partition: 17, offset: 9100, value: RemotePartitionDeleteMetadata{topicPartition=a04vEDyKT36dIQpb58P00g:orders-3, state=DELETE_PARTITION_MARKED, eventTimestampMs=1718700000000, brokerId=3000}";

    const TID: &str = "M1z1YtfhQ5i7oqLNve_0UQ";

    fn seg_line(
        topic: &str,
        p: i32,
        id: &str,
        start: i64,
        end: i64,
        epochs: &str,
        ts: i64,
    ) -> String {
        format!(
            "RemoteLogSegmentMetadata{{remoteLogSegmentId=RemoteLogSegmentId{{topicIdPartition={TID}:{topic}-{p}, id={id}}}, startOffset={start}, endOffset={end}, brokerId=0, maxTimestampMs={}, eventTimestampMs={ts}, segmentLeaderEpochs={epochs}, segmentSizeInBytes={}, customMetadata=Optional.empty, state=COPY_SEGMENT_STARTED}}",
            ts - 1000,
            (end - start + 1) * 100
        )
    }

    fn upd_line(topic: &str, p: i32, id: &str, state: &str, ts: i64) -> String {
        format!(
            "RemoteLogSegmentMetadataUpdate{{remoteLogSegmentId=RemoteLogSegmentId{{topicIdPartition={TID}:{topic}-{p}, id={id}}}, customMetadata=Optional.empty, state={state}, eventTimestampMs={ts}, brokerId=2}}"
        )
    }

    fn ok(text: &str) -> Loaded {
        match parse(text) {
            Ok(l) => l,
            Err(e) => panic!("expected a snapshot, got {e}"),
        }
    }

    fn only_segments(l: &Loaded) -> Vec<Segment> {
        l.snapshot
            .topics
            .iter()
            .flat_map(|t| &t.partitions)
            .flat_map(|p| p.segments.to_vec())
            .collect()
    }

    #[test]
    fn official_formatter_example_3_6() {
        let l = ok(OFFICIAL_3_6);
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        let s = &l.snapshot;
        assert_eq!(s.source, SnapshotSource::FormatterDump);
        assert_eq!(s.cluster, None);
        assert_eq!(s.kafka_version, None);
        assert_eq!(s.captured_at_ms, 123);
        assert_eq!(s.topics.len(), 1);
        let t = &s.topics[0];
        assert_eq!(t.name, "foo");
        assert_eq!(t.topic_id.as_deref(), Some("%s"));
        assert_eq!(t.config, TopicConfig::default());
        let p = &t.partitions[0];
        assert_eq!(p.partition, 0);
        assert_eq!(p.log_start_offset, None);
        assert_eq!(p.leader_epochs, None);
        assert_eq!(
            p.segments.to_vec(),
            vec![Segment {
                id: "%s".into(),
                start_offset: 0,
                end_offset: 100,
                max_timestamp_ms: -1,
                event_timestamp_ms: Some(123),
                size_bytes: 1024,
                segment_leader_epochs: vec![(0, 0), (1, 20), (2, 80)],
                state: CopySegmentStarted,
                broker_id: Some(1),
                copy_in_progress: None,
            }]
        );
    }

    #[test]
    fn official_formatter_example_with_real_ids_and_txn_idx_empty() {
        // The 2026 trunk version of the same test ends with `txnIdxEmpty=true`.
        let line = OFFICIAL_3_6
            .replacen("%s", TID, 1)
            .replacen("%s", "iWtc1Z6xQu2_DJXTklzKxQ", 1)
            .replace(
                "state=COPY_SEGMENT_STARTED}",
                "state=COPY_SEGMENT_STARTED, txnIdxEmpty=true}",
            );
        assert!(line.contains("txnIdxEmpty=true}"));
        let l = ok(&line);
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        let t = &l.snapshot.topics[0];
        assert_eq!(t.topic_id.as_deref(), Some(TID));
        assert_eq!(t.partitions[0].segments.at(0).id, "iWtc1Z6xQu2_DJXTklzKxQ");
        assert_eq!(t.partitions[0].segments.at(0).size_bytes, 1024);
    }

    #[test]
    fn literal_lines_copy_finished() {
        let l = ok(&format!("{L_CREATE}\n{L_FINISHED}\n"));
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        let t = &l.snapshot.topics[0];
        assert_eq!(t.name, "orders");
        assert_eq!(t.topic_id.as_deref(), Some("a04vEDyKT36dIQpb58P00g"));
        assert_eq!(t.partitions[0].partition, 3);
        let s = &t.partitions[0].segments.at(0);
        // The merged state of kafka-reference.md §2.4.
        assert_eq!(s.id, "Dh96nFLUS46j9nwtHpuKQA");
        assert_eq!((s.start_offset, s.end_offset), (1200, 2399));
        assert_eq!(s.max_timestamp_ms, 1718000000123);
        assert_eq!(s.event_timestamp_ms, Some(1718000009000));
        assert_eq!(s.segment_leader_epochs, vec![(5, 1200), (6, 1850)]);
        assert_eq!(s.size_bytes, 1073741700);
        assert_eq!(s.state, CopySegmentFinished);
        assert_eq!(s.broker_id, Some(1));
        assert_eq!(l.snapshot.captured_at_ms, 1718000009000);
    }

    #[test]
    fn literal_lines_with_custom_metadata_alternative() {
        let l = ok(&format!("{L_CREATE}\n{L_FINISHED_CUSTOM}\n"));
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        assert_eq!(only_segments(&l)[0].state, CopySegmentFinished);
    }

    #[test]
    fn literal_lines_full_lifecycle_then_partition_delete() {
        let text = [L_CREATE, L_FINISHED, L_DELETE_STARTED].join("\n");
        let l = ok(&text);
        let s = only_segments(&l)[0].clone();
        assert_eq!(s.state, DeleteSegmentStarted);
        assert_eq!(s.broker_id, Some(2));
        assert_eq!(s.event_timestamp_ms, Some(1718600000000));

        let text = [
            L_CREATE,
            L_FINISHED,
            L_DELETE_STARTED,
            L_DELETE_FINISHED,
            L_PARTITION_DELETE,
        ]
        .join("\n");
        let l = ok(&text);
        // DELETE_SEGMENT_FINISHED segments are forgotten, as Kafka's listing never returns them.
        assert!(only_segments(&l).is_empty());
        assert_eq!(l.snapshot.topics[0].partitions.len(), 1);
        assert_eq!(l.snapshot.captured_at_ms, 1718700000000);
        assert_eq!(
            l.problems,
            vec![Problem {
                line: Some(5),
                offset: None,
                kind: ProblemKind::PartitionDeleteMarked {
                    topic: "orders".into(),
                    partition: 3,
                    state: "DELETE_PARTITION_MARKED".into(),
                },
            }]
        );
        assert!(l.problems.iter().all(|p| p.kind.is_warning_only()));
    }

    #[test]
    fn partition_delete_finished_drops_the_partition_cache() {
        let text = [
            seg_line("foo", 0, "a", 0, 9, "{0=0}", 1000),
            seg_line("foo", 1, "b", 0, 9, "{0=0}", 1000),
            format!("RemotePartitionDeleteMetadata{{topicPartition={TID}:foo-0, state=DELETE_PARTITION_FINISHED, eventTimestamp=5000, brokerId=1}}"),
            upd_line("foo", 0, "a", "COPY_SEGMENT_FINISHED", 6000),
        ]
        .join("\n");
        let l = ok(&text);
        let t = &l.snapshot.topics[0];
        assert!(t.partitions[0].segments.is_empty());
        assert_eq!(t.partitions[1].segments.len(), 1);
        assert_eq!(l.snapshot.captured_at_ms, 6000);
        assert_eq!(l.problems.len(), 2);
        assert!(
            matches!(&l.problems[0].kind, ProblemKind::PartitionDeleteMarked { state, .. } if state == "DELETE_PARTITION_FINISHED")
        );
        assert_eq!(l.problems[1].line, Some(4));
        assert!(
            matches!(&l.problems[1].kind, ProblemKind::UnknownSegment { id, topic, partition: 0 } if id == "a" && topic == "foo")
        );
    }

    #[test]
    fn update_key_orders_old_and_new() {
        let new = upd_line("foo", 0, "x", "COPY_SEGMENT_FINISHED", 2000);
        let old = format!("RemoteLogSegmentMetadataUpdate{{remoteLogSegmentId=RemoteLogSegmentId{{topicIdPartition={TID}:foo-0, id=x}}, eventTimestampMs=3000, state=DELETE_SEGMENT_STARTED, brokerId=7}}");
        let l = ok(&[seg_line("foo", 0, "x", 0, 9, "{0=0}", 1000), new].join("\n"));
        assert_eq!(only_segments(&l)[0].state, CopySegmentFinished);
        assert_eq!(only_segments(&l)[0].event_timestamp_ms, Some(2000));
        let l = ok(&[seg_line("foo", 0, "x", 0, 9, "{0=0}", 1000), old].join("\n"));
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        let s = only_segments(&l)[0].clone();
        assert_eq!(s.state, DeleteSegmentStarted);
        assert_eq!(s.event_timestamp_ms, Some(3000));
        assert_eq!(s.broker_id, Some(7));
    }

    #[test]
    fn dump_log_output_is_read_and_chatter_skipped() {
        let rec = seg_line("foo", 2, "seg1", 100, 199, "{3=100}", 5000);
        let upd = upd_line("foo", 2, "seg1", "COPY_SEGMENT_FINISHED", 6000);
        let text = format!(
            "Dumping /var/kafka/__remote_log_metadata-7/00000000000000000000.log\n\
             Log starting offset: 0\n\
             baseOffset: 0 lastOffset: 0 count: 1 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: 1718000005000 size: 300 magic: 2 compresscodec: none crc: 1234 isvalid: true\n\
             | offset: 0 CreateTime: 1718000005000 keySize: -1 valueSize: 230 sequence: -1 headerKeys: [] payload: {rec}\n\
             baseOffset: 1 lastOffset: 1 count: 1 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: 300 CreateTime: 1718000009000 size: 200 magic: 2 compresscodec: none crc: 99 isvalid: true\n\
             | offset: 1 CreateTime: 1718000009000 keySize: -1 valueSize: 130 sequence: -1 headerKeys: [] payload: {upd}\n\
             | offset: 2 CreateTime: 1718000009001 keySize: -1 valueSize: 130 sequence: -1 headerKeys: []\n\
             | offset: 3 CreateTime: 1718000009002 keySize: -1 valueSize: 10 sequence: -1 headerKeys: [] payload: Error at offset 3, skipping. Unknown apiKey 9\n\
             Error at offset 4, skipping. Could not read record\n"
        );
        let l = ok(&text);
        let s = only_segments(&l);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].state, CopySegmentFinished);
        assert_eq!(l.snapshot.topics[0].partitions[0].partition, 2);
        assert_eq!(
            l.problems,
            vec![
                Problem {
                    line: Some(8),
                    offset: None,
                    kind: ProblemKind::DumpLogError {
                        offset: 3,
                        message: "Unknown apiKey 9".into()
                    }
                },
                Problem {
                    line: Some(9),
                    offset: None,
                    kind: ProblemKind::DumpLogError {
                        offset: 4,
                        message: "Could not read record".into()
                    }
                },
            ]
        );
    }

    #[test]
    fn truncated_last_line_keeps_the_good_lines() {
        let a = seg_line("foo", 0, "a", 0, 9, "{0=0}", 1000);
        let b = seg_line("foo", 0, "b", 10, 19, "{0=0}", 2000);
        let cut = &b[..b.len() - 40];
        let l = ok(&format!("{a}\npartition: 3, offset: 9, value: {b}\n{cut}"));
        assert_eq!(only_segments(&l).len(), 2);
        assert_eq!(
            l.problems,
            vec![Problem {
                line: Some(3),
                offset: None,
                kind: ProblemKind::Truncated {
                    record: "RemoteLogSegmentMetadata".into()
                }
            }]
        );
        // Cut inside the nested RemoteLogSegmentId, just after a `}`.
        let end_of_id = b.find("}, startOffset").unwrap_or(0) + 1;
        let l = ok(&format!("{a}\n{}", &b[..end_of_id]));
        assert!(matches!(l.problems[0].kind, ProblemKind::Truncated { .. }));
        // Cut inside the record name, or inside the formatter prefix.
        let l = ok(&format!(
            "{a}\npartition: 0, offset: 1, value: RemoteLogSeg"
        ));
        assert!(matches!(l.problems[0].kind, ProblemKind::Truncated { .. }));
        let l = ok(&format!("{a}\npartition: 0, off"));
        assert!(matches!(l.problems[0].kind, ProblemKind::Truncated { .. }));
        assert_eq!(l.problems[0].line, Some(2));
    }

    #[test]
    fn topic_with_dots_underscores_and_dashes() {
        // kafka-reference.md §2.4.
        let id = "RemoteLogSegmentId{topicIdPartition=obLD1OX2R4mKvN7wEjRWeA:my-topic.with_dots-and-dashes-0, id=AAAAAAAAAAAAAAAAAAAAAA}";
        let line = format!("RemoteLogSegmentMetadata{{remoteLogSegmentId={id}, startOffset=5, endOffset=6, brokerId=0, maxTimestampMs=10, eventTimestampMs=20, segmentLeaderEpochs={{0=5}}, segmentSizeInBytes=1, customMetadata=Optional.empty, state=COPY_SEGMENT_STARTED}}");
        let l = ok(&line);
        let t = &l.snapshot.topics[0];
        assert_eq!(t.name, "my-topic.with_dots-and-dashes");
        assert_eq!(t.topic_id.as_deref(), Some("obLD1OX2R4mKvN7wEjRWeA"));
        assert_eq!(t.partitions[0].partition, 0);
        assert_eq!(t.partitions[0].segments.at(0).id, "AAAAAAAAAAAAAAAAAAAAAA");
    }

    #[test]
    fn invalid_transition_is_reported_and_dropped() {
        let text = [
            seg_line("foo", 0, "a", 0, 9, "{0=0}", 1000),
            upd_line("foo", 0, "a", "COPY_SEGMENT_FINISHED", 2000),
            upd_line("foo", 0, "a", "DELETE_SEGMENT_FINISHED", 3000),
        ]
        .join("\n");
        let l = ok(&text);
        let s = only_segments(&l)[0].clone();
        assert_eq!(s.state, CopySegmentFinished);
        assert_eq!(s.event_timestamp_ms, Some(2000));
        assert_eq!(
            l.problems,
            vec![Problem {
                line: Some(3),
                offset: None,
                kind: ProblemKind::InvalidTransition {
                    topic: "foo".into(),
                    partition: 0,
                    id: "a".into(),
                    from: CopySegmentFinished,
                    to: DeleteSegmentFinished
                }
            }]
        );
        assert!(!l.problems[0].kind.is_warning_only());
    }

    /// kafka-test-vectors.json, `segment-state-transitions` (RemoteLogMetadataCacheTest).
    #[test]
    fn cache_transition_vector() {
        let steps: [(&str, bool, Option<SegmentState>); 8] = [
            ("DELETE_SEGMENT_FINISHED", false, Some(CopySegmentStarted)),
            ("COPY_SEGMENT_FINISHED", true, Some(CopySegmentFinished)),
            ("DELETE_SEGMENT_FINISHED", false, Some(CopySegmentFinished)),
            ("COPY_SEGMENT_STARTED", false, Some(CopySegmentFinished)),
            ("DELETE_SEGMENT_STARTED", true, Some(DeleteSegmentStarted)),
            ("COPY_SEGMENT_FINISHED", false, Some(DeleteSegmentStarted)),
            ("COPY_SEGMENT_STARTED", false, Some(DeleteSegmentStarted)),
            ("DELETE_SEGMENT_FINISHED", true, None),
        ];
        let mut lines = vec![seg_line("t", 0, "s", 10, 100, "{5=10}", 1)];
        for (i, (update, valid, after)) in steps.iter().enumerate() {
            lines.push(upd_line("t", 0, "s", update, 2 + i as i64));
            let l = ok(&lines.join("\n"));
            let state = only_segments(&l).first().map(|s| s.state);
            assert_eq!(state, *after, "step {i}");
            let invalid = l
                .problems
                .iter()
                .filter(|p| p.line == Some(i + 2))
                .any(|p| matches!(p.kind, ProblemKind::InvalidTransition { .. }));
            assert_eq!(invalid, !valid, "step {i}");
        }
    }

    #[test]
    fn unknown_segment_is_reported() {
        let text = [
            seg_line("foo", 0, "a", 0, 9, "{0=0}", 1000),
            upd_line("foo", 0, "zzz", "COPY_SEGMENT_FINISHED", 2000),
            upd_line("bar", 0, "a", "COPY_SEGMENT_FINISHED", 2000),
        ]
        .join("\n");
        let l = ok(&text);
        assert_eq!(only_segments(&l)[0].state, CopySegmentStarted);
        let lines: Vec<_> = l.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![Some(2), Some(3)]);
        assert!(l
            .problems
            .iter()
            .all(|p| matches!(p.kind, ProblemKind::UnknownSegment { .. })));
        // An update for an unknown partition does not create the partition.
        assert_eq!(l.snapshot.topics.len(), 1);
    }

    #[test]
    fn repeated_delete_finished_is_a_silent_retry_but_later_updates_are_invalid() {
        let text = [
            seg_line("foo", 0, "a", 0, 9, "{0=0}", 1000),
            upd_line("foo", 0, "a", "DELETE_SEGMENT_STARTED", 2000),
            upd_line("foo", 0, "a", "DELETE_SEGMENT_FINISHED", 3000),
            upd_line("foo", 0, "a", "DELETE_SEGMENT_FINISHED", 3001),
            upd_line("foo", 0, "a", "COPY_SEGMENT_FINISHED", 3002),
        ]
        .join("\n");
        let l = ok(&text);
        assert!(only_segments(&l).is_empty());
        assert_eq!(l.problems.len(), 1);
        assert_eq!(l.problems[0].line, Some(5));
        assert!(matches!(
            l.problems[0].kind,
            ProblemKind::InvalidTransition {
                from: DeleteSegmentFinished,
                ..
            }
        ));
    }

    #[test]
    fn duplicate_segment_is_reported_and_replaced() {
        let text = [
            seg_line("foo", 0, "a", 0, 9, "{0=0}", 1000),
            upd_line("foo", 0, "a", "COPY_SEGMENT_FINISHED", 2000),
            seg_line("foo", 0, "a", 0, 9, "{0=0}", 3000),
        ]
        .join("\n");
        let l = ok(&text);
        let s = only_segments(&l);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].state, CopySegmentStarted);
        assert_eq!(s[0].event_timestamp_ms, Some(3000));
        assert_eq!(
            l.problems,
            vec![Problem {
                line: Some(3),
                offset: None,
                kind: ProblemKind::DuplicateSegment {
                    topic: "foo".into(),
                    partition: 0,
                    id: "a".into()
                }
            }]
        );
    }

    #[test]
    fn segment_record_with_another_state_is_created_in_that_state() {
        let line = seg_line("foo", 0, "a", 0, 9, "{0=0}", 1000)
            .replace("state=COPY_SEGMENT_STARTED", "state=COPY_SEGMENT_FINISHED");
        let l = ok(&line);
        assert_eq!(only_segments(&l)[0].state, CopySegmentFinished);
    }

    #[test]
    fn ten_line_dump_gives_segments_and_states_in_offset_order() {
        let text = [
            seg_line("orders", 0, "s2", 100, 199, "{1=100}", 2000),
            upd_line("orders", 0, "s2", "COPY_SEGMENT_FINISHED", 2100),
            seg_line("orders", 0, "s1", 0, 99, "{0=0, 1=60}", 1000),
            upd_line("orders", 0, "s1", "COPY_SEGMENT_FINISHED", 1100),
            seg_line("orders", 1, "t1", 0, 49, "{0=0}", 1500),
            "".to_string(),
            seg_line("orders", 0, "s3", 200, 299, "{1=200}", 3000),
            upd_line("orders", 0, "s1", "DELETE_SEGMENT_STARTED", 4000),
            seg_line("audit.log", 0, "u1", 0, 9, "{2=0}", 3500),
            upd_line("audit.log", 0, "u1", "COPY_SEGMENT_FINISHED", 3600),
            upd_line("orders", 1, "t1", "DELETE_SEGMENT_STARTED", 3700),
            upd_line("orders", 1, "t1", "DELETE_SEGMENT_FINISHED", 3800),
        ]
        .join("\r\n");
        let l = ok(&text);
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        let snap = &l.snapshot;
        assert_eq!(snap.captured_at_ms, 4000);
        let names: Vec<_> = snap.topics.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, vec!["audit.log", "orders"]);
        assert_eq!(snap.segment_count(), 4);
        let orders = snap.topic("orders").unwrap();
        let parts: Vec<_> = orders.partitions.iter().map(|p| p.partition).collect();
        assert_eq!(parts, vec![0, 1]);
        let p0: Vec<_> = orders.partitions[0]
            .segments
            .iter()
            .map(|s| (s.id.to_string(), s.start_offset, s.state))
            .collect();
        assert_eq!(
            p0,
            vec![
                ("s1".to_string(), 0, DeleteSegmentStarted),
                ("s2".to_string(), 100, CopySegmentFinished),
                ("s3".to_string(), 200, CopySegmentStarted),
            ]
        );
        assert_eq!(
            orders.partitions[0].segments.at(0).segment_leader_epochs,
            vec![(0, 0), (1, 60)]
        );
        assert!(orders.partitions[1].segments.is_empty());
        assert_eq!(
            snap.topic("audit.log").unwrap().partitions[0]
                .segments
                .at(0)
                .state,
            CopySegmentFinished
        );
    }

    #[test]
    fn equal_start_offsets_keep_event_order() {
        let text = [
            seg_line("foo", 0, "first", 0, 9, "{0=0}", 1000),
            seg_line("foo", 0, "second", 0, 9, "{1=0}", 2000),
            seg_line("foo", 0, "early", 0, 4, "{0=0}", 3000),
        ]
        .join("\n");
        let l = ok(&text);
        let segs = only_segments(&l);
        let ids: Vec<_> = segs.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, vec!["first", "second", "early"]);
    }

    #[test]
    fn garbage_lines_are_reported_with_short_excerpts() {
        let long = "x".repeat(500);
        let text = format!(
            "{}\nhello world\n{long}\nSomeOtherRecord{{a=1}}\n\n",
            seg_line("foo", 0, "a", 0, 9, "{0=0}", 1000)
        );
        let l = ok(&text);
        assert_eq!(l.problems.len(), 3);
        assert_eq!(l.problems[0].line, Some(2));
        assert_eq!(l.problems[1].line, Some(3));
        match &l.problems[1].kind {
            ProblemKind::NotARecord { excerpt } => {
                assert!(excerpt.chars().count() <= EXCERPT_CHARS + 1, "{excerpt}");
                assert!(excerpt.ends_with('…'));
            }
            k => panic!("unexpected {k:?}"),
        }
        assert!(matches!(l.problems[2].kind, ProblemKind::NotARecord { .. }));
    }

    #[test]
    fn missing_and_bad_fields_are_reported() {
        let good = seg_line("foo", 0, "a", 0, 9, "{0=0}", 1000);
        let cases: Vec<(String, &str)> = vec![
            (
                good.replace("segmentSizeInBytes=1000, ", ""),
                "segmentSizeInBytes",
            ),
            (
                good.replace("startOffset=0", "startOffset=zero"),
                "startOffset",
            ),
            (good.replace("endOffset=9", "endOffset=-3"), "endOffset"),
            (
                good.replace("segmentLeaderEpochs={0=0}", "segmentLeaderEpochs={}"),
                "segmentLeaderEpochs",
            ),
            (
                good.replace("state=COPY_SEGMENT_STARTED", "state=COPYING"),
                "state",
            ),
            (good.replace(":foo-0", ":foo"), "topicIdPartition"),
            (good.replace(":foo-0", ":foo-01"), "topicIdPartition"),
            (
                good.replace("segmentSizeInBytes=1000", "segmentSizeInBytes=-1"),
                "segmentSizeInBytes",
            ),
        ];
        for (line, key) in cases {
            let err = parse(&line).expect_err(&line);
            let LoadError::NoRecords { problems } = err else {
                panic!("expected NoRecords for {line}");
            };
            assert_eq!(problems.len(), 1, "{line}");
            assert_eq!(problems[0].line, Some(1));
            match &problems[0].kind {
                ProblemKind::MissingField { key: k, record } => {
                    assert_eq!(k, key);
                    assert_eq!(record, "RemoteLogSegmentMetadata");
                }
                ProblemKind::BadValue { key: k, .. } => assert_eq!(k, key, "{line}"),
                k => panic!("unexpected {k:?} for {line}"),
            }
        }
    }

    #[test]
    fn no_records_is_an_error_with_the_problems() {
        match parse("garbage\n\nmore garbage\n") {
            Err(LoadError::NoRecords { problems }) => {
                assert_eq!(problems.len(), 2);
                assert_eq!(problems[1].line, Some(3));
            }
            other => panic!("unexpected {other:?}"),
        }
        // Dump-log chatter alone: nothing to read, nothing wrong.
        match parse("Dumping x.log\nLog starting offset: 0\n") {
            Err(LoadError::NoRecords { problems }) => assert!(problems.is_empty()),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn windows_line_endings_and_bom() {
        let text = format!(
            "\u{feff}{}\r\n{}\r\n",
            seg_line("foo", 0, "a", 0, 9, "{0=0}", 1000),
            upd_line("foo", 0, "a", "COPY_SEGMENT_FINISHED", 2000)
        );
        let l = ok(&text);
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        assert_eq!(only_segments(&l)[0].state, CopySegmentFinished);
    }

    #[test]
    fn recreated_topic_shows_the_newest_incarnation() {
        let old = seg_line("foo", 0, "old", 0, 9, "{0=0}", 1000);
        let new =
            seg_line("foo", 0, "new", 0, 9, "{0=0}", 2000).replace(TID, "NEWIDNEWIDNEWIDNEWID00");
        let l = ok(&[old.clone(), new.clone()].join("\n"));
        let t = &l.snapshot.topics[0];
        assert_eq!(t.topic_id.as_deref(), Some("NEWIDNEWIDNEWIDNEWID00"));
        assert_eq!(t.partitions[0].segments.at(0).id, "new");
        assert!(matches!(
            &l.problems[..],
            [Problem {
                line: None,
                offset: None,
                kind: ProblemKind::StaleTopicId { segments: 1, .. }
            }]
        ));
        // Once the old incarnation's segments are deleted, nothing to report.
        let text = [
            old,
            upd_line("foo", 0, "old", "DELETE_SEGMENT_STARTED", 1500),
            upd_line("foo", 0, "old", "DELETE_SEGMENT_FINISHED", 1600),
            new,
        ]
        .join("\n");
        let l = ok(&text);
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        assert_eq!(l.snapshot.topics[0].partitions.len(), 1);
    }

    #[test]
    fn load_text_routes_dumps_here() {
        let text = format!("{L_CREATE}\n{L_FINISHED}\n");
        let l = crate::ingest::load_text(&text).expect("a dump");
        assert_eq!(l.snapshot.source, SnapshotSource::FormatterDump);
        assert_eq!(l.snapshot.segment_count(), 1);
        let l = crate::ingest::load(text.as_bytes()).expect("a dump");
        assert_eq!(l.snapshot.source, SnapshotSource::FormatterDump);
    }

    mod prop {
        use super::*;
        use proptest::prelude::*;

        fn valid_lines() -> Vec<String> {
            vec![
                OFFICIAL_3_6.trim_end().to_string(),
                L_CREATE.into(),
                L_FINISHED.into(),
                L_FINISHED_CUSTOM.into(),
                L_DELETE_STARTED.into(),
                L_DELETE_FINISHED.into(),
                L_PARTITION_DELETE.into(),
                seg_line("my-topic.with_dots-and-dashes", 4, "abc", 5, 90, "{0=5, 3=40}", 77),
                format!("| offset: 7 CreateTime: 1 keySize: -1 valueSize: 9 sequence: -1 headerKeys: [] payload: {L_CREATE}"),
                "Error at offset 12, skipping. boom".into(),
                "baseOffset: 0 lastOffset: 0 count: 1".into(),
            ]
        }

        fn check(text: &str) {
            let max = text.split('\n').count();
            let problems = match parse(text) {
                Ok(l) => l.problems,
                Err(LoadError::NoRecords { problems }) => problems,
                Err(e) => panic!("unexpected error {e:?}"),
            };
            for p in problems {
                if let Some(line) = p.line {
                    assert!(line >= 1 && line <= max, "line {line} of {max}");
                }
            }
        }

        fn char_floor(s: &str, i: usize) -> usize {
            let mut i = i.min(s.len());
            while !s.is_char_boundary(i) {
                i -= 1;
            }
            i
        }

        proptest! {
            #[test]
            fn arbitrary_text_never_panics(text in any::<String>()) {
                check(&text);
            }

            #[test]
            fn record_like_text_never_panics(text in "[{}=, \\[\\]a-zA-Z0-9_:.|\\-\n\r]{0,200}") {
                check(&text);
                check(&format!("RemoteLogSegmentMetadata{{{text}}}"));
                check(&format!("RemoteLogSegmentMetadataUpdate{{remoteLogSegmentId={text}}}"));
            }

            #[test]
            fn mutated_valid_lines_never_panic(
                picks in proptest::collection::vec((0usize..11, any::<usize>(), any::<usize>(), any::<usize>(), "\\PC{0,3}", 0u8..4), 1..12)
            ) {
                let lines = valid_lines();
                let mut out = Vec::new();
                for (which, a, b, c, insert, op) in picks {
                    let line = &lines[which % lines.len()];
                    let mutated = match op {
                        // truncate
                        0 => line[..char_floor(line, a % (line.len() + 1))].to_string(),
                        // insert a few characters
                        1 => {
                            let i = char_floor(line, a % (line.len() + 1));
                            format!("{}{}{}", &line[..i], insert, &line[i..])
                        }
                        // delete a range
                        2 => {
                            let i = char_floor(line, a % (line.len() + 1));
                            let j = char_floor(line, i + b % 20);
                            format!("{}{}", &line[..i], &line[j..])
                        }
                        // keep, with an optional CR
                        _ => if c % 2 == 0 { line.clone() } else { format!("{line}\r") },
                    };
                    out.push(mutated);
                }
                check(&out.join("\n"));
            }
        }
    }
}
