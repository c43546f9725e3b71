//! The tierlens snapshot JSON contract, version 1 (`shared/spec/snapshot-v1.md`).
//!
//! The wire types below mirror the JSON exactly (camelCase, numbers-or-strings) and are kept
//! apart from the model so the contract can evolve without touching the engine.

use super::{LoadError, Loaded, Problem, ProblemKind};
use crate::model::{
    EpochMap, Partition, SegmentId, SegmentRef, SegmentState, Segments, Snapshot, SnapshotSource,
    Topic, TopicConfig, MAX_OFFSET, MAX_SEGMENT_SIZE, MAX_TIMESTAMP_MS,
};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const FORMAT: &str = "tierlens-snapshot";
pub const VERSION: u64 = 1;

/// A 64-bit integer given as a JSON number or a numeric string (values above 2^53, or configs
/// as `kafka-configs --describe` prints them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Int(pub i64);

impl Serialize for Int {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Above 2^53 JavaScript would round a number, so such values travel as strings.
        if self.0.unsigned_abs() > (1u64 << 53) {
            s.serialize_str(&self.0.to_string())
        } else {
            s.serialize_i64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Int;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a 64-bit integer or a string holding one")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Int, E> {
                Ok(Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Int, E> {
                i64::try_from(v)
                    .map(Int)
                    .map_err(|_| E::custom(format!("{v} does not fit in 64 bits")))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Int, E> {
                if v.fract() == 0.0 && v.abs() < 9.0e15 {
                    Ok(Int(v as i64))
                } else {
                    Err(E::custom(format!("{v} is not an integer")))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Int, E> {
                v.trim()
                    .parse::<i64>()
                    .map(Int)
                    .map_err(|_| E::custom(format!("{v:?} is not an integer")))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotJson {
    pub format: String,
    pub version: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kafka_version: Option<String>,
    pub captured_at_ms: Int,
    pub topics: Vec<TopicJson>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicJson {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic_id: Option<String>,
    /// Kafka config name -> number or string; unknown names are kept and ignored.
    #[serde(default)]
    pub config: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub partitions: Vec<PartitionJson>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartitionJson {
    pub partition: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_start_offset: Option<Int>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_end_offset: Option<Int>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_log_start_offset: Option<Int>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_size_bytes: Option<Int>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_local_size_bytes: Option<Int>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leader_epochs: Option<Vec<(i32, Int)>>,
    #[serde(default)]
    pub segments: Vec<SegmentJson>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentJson {
    pub id: String,
    pub start_offset: Int,
    pub end_offset: Int,
    pub max_timestamp_ms: Int,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_timestamp_ms: Option<Int>,
    pub size_bytes: Int,
    pub leader_epochs: Vec<(i32, Int)>,
    pub state: SegmentState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broker_id: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_in_progress: Option<bool>,
}

/// A segment as the streaming reader parses it: the id borrowed from the input and a short
/// epoch list kept inline, so reading a segment allocates nothing.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SegmentWire<'a> {
    #[serde(borrow)]
    pub id: std::borrow::Cow<'a, str>,
    pub start_offset: Int,
    pub end_offset: Int,
    pub max_timestamp_ms: Int,
    #[serde(default)]
    pub event_timestamp_ms: Option<Int>,
    pub size_bytes: Int,
    pub leader_epochs: smallvec::SmallVec<[(i32, Int); 2]>,
    pub state: SegmentState,
    #[serde(default)]
    pub broker_id: Option<i32>,
    #[serde(default)]
    pub copy_in_progress: Option<bool>,
}

/// Parses snapshot JSON held whole (the streaming reader fed at once). Structural errors (not
/// JSON, wrong format or version, a missing required field) refuse the whole input; bad
/// segments are dropped and reported.
pub fn parse(text: &str) -> Result<Loaded, LoadError> {
    let mut stream = super::snapshot_stream::SnapshotStream::new();
    stream.feed(text.as_bytes())?;
    stream.finish()
}

fn epochs(v: &[(i32, Int)]) -> EpochMap {
    let mut m: EpochMap = v.iter().map(|&(e, o)| (e, o.0)).collect();
    m.sort_by_key(|&(e, _)| e);
    m.dedup_by_key(|&mut (e, _)| e);
    m
}

fn config_from_wire(
    topic: &str,
    raw: &BTreeMap<String, serde_json::Value>,
) -> (TopicConfig, Vec<Problem>) {
    let mut config = TopicConfig::default();
    let mut problems = Vec::new();
    for (key, slot) in config.by_name_mut() {
        let Some(v) = raw.get(key) else { continue };
        match serde_json::from_value::<Int>(v.clone()) {
            Ok(Int(n)) => *slot = n,
            Err(_) => problems.push(Problem {
                line: None,
                offset: None,
                kind: ProblemKind::BadConfig {
                    topic: topic.to_string(),
                    key: key.to_string(),
                    value: match v.as_str() {
                        Some(s) => s.to_string(),
                        None => v.to_string(),
                    },
                },
            }),
        }
    }
    (config, problems)
}

/// Builds the model as the streaming reader walks the input: one segment at a time, one
/// partition and topic at a time. Problems are labelled with the topic and partition once those
/// are known (a key may follow the segments in its object).
#[derive(Default)]
pub(super) struct SnapshotBuilder {
    format_ok: bool,
    version_ok: bool,
    pub topics_seen: bool,
    pub cluster: Option<String>,
    pub kafka_version: Option<String>,
    pub captured_at_ms: Option<i64>,
    topics: BTreeMap<String, Topic>,
    problems: Vec<Problem>,
    pub topic: Option<TopicBuilder>,
    pub partition: Option<PartitionBuilder>,
    pub segments_seen: u64,
    pub segments_kept: u64,
    /// Segments dropped (each held as a problem until the end).
    pub segments_dropped: u64,
    /// The current partition's segments, grown here and copied out at exact size when the
    /// partition ends: one allocation per column per partition instead of a dozen regrowths.
    scratch: Segments,
    /// Ids seen in the current partition, to drop a repeated one: UUIDs by their bytes, other
    /// ids by text (kept across partitions for their capacity, cleared between).
    seen: std::collections::HashSet<[u8; 16]>,
    seen_text: std::collections::HashSet<String>,
}

#[derive(Default)]
pub(super) struct TopicBuilder {
    pub name: Option<String>,
    pub topic_id: Option<String>,
    pub config: BTreeMap<String, serde_json::Value>,
    partitions: Vec<Partition>,
    /// Problems of its partitions, labelled with the topic name at its end.
    problems: Vec<Problem>,
}

#[derive(Default)]
pub(super) struct PartitionBuilder {
    pub partition: Option<i32>,
    pub log_start_offset: Option<i64>,
    pub log_end_offset: Option<i64>,
    pub local_log_start_offset: Option<i64>,
    pub local_size_bytes: Option<i64>,
    pub only_local_size_bytes: Option<i64>,
    pub leader_epochs: Option<Vec<(i32, Int)>>,
    /// Segment problems with the input offset of their segment, labelled with the partition
    /// number at its end.
    problems: Vec<(ProblemKind, Option<u64>)>,
}

impl SnapshotBuilder {
    pub fn topic_mut(&mut self) -> &mut TopicBuilder {
        self.topic.get_or_insert_with(Default::default)
    }

    pub fn partition_mut(&mut self) -> &mut PartitionBuilder {
        self.partition.get_or_insert_with(Default::default)
    }

    pub fn format(&mut self, v: serde_json::Value) -> Result<(), LoadError> {
        if v.as_str() != Some(FORMAT) {
            return Err(LoadError::NotASnapshot {
                found: Some(match v.as_str() {
                    Some(s) => s.to_string(),
                    None => v.to_string(),
                }),
            });
        }
        self.format_ok = true;
        Ok(())
    }

    /// The `version` value, at `line` and `column` of the input.
    pub fn version(
        &mut self,
        v: serde_json::Value,
        (line, column): (usize, usize),
    ) -> Result<(), LoadError> {
        if v.as_u64() != Some(VERSION) && v.as_str() != Some("1") {
            return Err(LoadError::UnsupportedVersion {
                found: v.to_string(),
                line,
                column,
            });
        }
        self.version_ok = true;
        Ok(())
    }

    /// One segment of the current partition, validated as it arrives; `offset`: where its
    /// object starts in the input.
    pub fn segment(&mut self, s: SegmentWire<'_>, offset: u64) -> Result<(), LoadError> {
        self.segments_seen += 1;
        let p = self.partition.get_or_insert_with(Default::default);
        let (start, end, size) = (s.start_offset.0, s.end_offset.0, s.size_bytes.0);
        let id = SegmentId::parse(&s.id);
        let (seen, seen_text) = (&mut self.seen, &mut self.seen_text);
        let mut repeated = || match id {
            SegmentId::Uuid(b) => !seen.insert(b),
            SegmentId::Text(t) => !seen_text.insert(t.to_string()),
        };
        // Topic and partition are filled in by `end_partition` / `end_topic`.
        let (topic, partition) = (String::new(), 0);
        let in_range = |o: i64| (0..=MAX_OFFSET).contains(&o);
        let ts_in_range = |t: i64| (-MAX_TIMESTAMP_MS..=MAX_TIMESTAMP_MS).contains(&t);
        let bad_ts = [Some(s.max_timestamp_ms), s.event_timestamp_ms]
            .into_iter()
            .flatten()
            .map(|t| t.0)
            .find(|&t| !ts_in_range(t));
        let problem = if size < 0 {
            Some(ProblemKind::NegativeSize {
                topic,
                partition,
                id: s.id.into_owned(),
                size_bytes: size,
            })
        } else if size > MAX_SEGMENT_SIZE {
            Some(ProblemKind::SizeTooLarge {
                topic,
                partition,
                id: s.id.into_owned(),
                size_bytes: size,
            })
        } else if !in_range(start)
            || !in_range(end)
            || end < start
            || s.leader_epochs.iter().any(|&(_, o)| !in_range(o.0))
        {
            Some(ProblemKind::BadOffsets {
                topic,
                partition,
                id: s.id.into_owned(),
                start_offset: start,
                end_offset: end,
            })
        } else if let Some(value) = bad_ts {
            Some(ProblemKind::TimestampOutOfRange {
                topic,
                partition,
                id: s.id.into_owned(),
                value,
            })
        } else if s.leader_epochs.is_empty() {
            Some(ProblemKind::EmptyLeaderEpochs {
                topic,
                partition,
                id: s.id.into_owned(),
            })
        } else if repeated() {
            Some(ProblemKind::DuplicateSegmentId {
                topic,
                partition,
                id: s.id.into_owned(),
            })
        } else {
            let mut epochs: smallvec::SmallVec<[(i32, i64); 2]> =
                s.leader_epochs.iter().map(|&(e, o)| (e, o.0)).collect();
            if !epochs.is_sorted_by_key(|&(e, _)| e) {
                epochs.sort_by_key(|&(e, _)| e);
            }
            epochs.dedup_by_key(|&mut (e, _)| e);
            self.scratch.push(SegmentRef {
                id,
                start_offset: start,
                end_offset: end,
                max_timestamp_ms: s.max_timestamp_ms.0,
                event_timestamp_ms: s.event_timestamp_ms.map(|i| i.0),
                size_bytes: size,
                segment_leader_epochs: &epochs,
                state: s.state,
                broker_id: s.broker_id,
                copy_in_progress: s.copy_in_progress,
            });
            None
        };
        match problem {
            Some(kind) => {
                p.problems.push((kind, Some(offset)));
                self.segments_dropped += 1;
            }
            None => self.segments_kept += 1,
        }
        Ok(())
    }

    /// The current partition's `}`; `Err` names a missing required field.
    pub fn end_partition(&mut self) -> Result<(), &'static str> {
        let b = self.partition.take().unwrap_or_default();
        let Some(partition) = b.partition else {
            return Err("partition");
        };
        let mut kinds = b.problems;
        // Partition-level values out of range are ignored (the engine infers what it needs).
        let mut checked = |field: &'static str, v: Option<i64>| match v {
            Some(x) if !(-1..=MAX_OFFSET).contains(&x) => {
                kinds.push((
                    ProblemKind::PartitionFieldOutOfRange {
                        topic: String::new(),
                        partition,
                        field,
                        value: x,
                    },
                    None,
                ));
                None
            }
            v => v,
        };
        let log_start_offset = checked("logStartOffset", b.log_start_offset);
        let log_end_offset = checked("logEndOffset", b.log_end_offset);
        let local_log_start_offset = checked("localLogStartOffset", b.local_log_start_offset);
        let local_size_bytes = checked("localSizeBytes", b.local_size_bytes);
        let only_local_size_bytes = checked("onlyLocalSizeBytes", b.only_local_size_bytes);
        let lineage = b.leader_epochs.as_deref().map(epochs);
        let bad_epoch = lineage
            .iter()
            .flatten()
            .map(|&(_, o)| o)
            .find(|o| !(0..=MAX_OFFSET).contains(o));
        let leader_epochs = match bad_epoch {
            Some(value) => {
                kinds.push((
                    ProblemKind::PartitionFieldOutOfRange {
                        topic: String::new(),
                        partition,
                        field: "leaderEpochs",
                        value,
                    },
                    None,
                ));
                None
            }
            None => lineage,
        };
        let mut overlaps = Vec::new();
        report_overlaps(partition, &self.scratch, &mut overlaps);
        kinds.extend(overlaps.into_iter().map(|k| (k, None)));
        let segments = self.scratch.compacted();
        self.scratch.clear();
        self.seen.clear();
        self.seen_text.clear();
        let t = self.topic_mut();
        t.problems
            .extend(kinds.into_iter().map(|(mut kind, offset)| {
                label(&mut kind, None, Some(partition));
                Problem {
                    line: None,
                    offset,
                    kind,
                }
            }));
        t.partitions.push(Partition {
            partition,
            log_start_offset,
            log_end_offset,
            local_log_start_offset,
            local_size_bytes,
            only_local_size_bytes,
            leader_epochs,
            segments,
        });
        Ok(())
    }

    /// The current topic's `}`: its config is read, its problems named, and it is merged with
    /// an earlier topic of the same name.
    pub fn end_topic(&mut self) -> Result<(), &'static str> {
        let t = self.topic.take().unwrap_or_default();
        let Some(name) = t.name else {
            return Err("name");
        };
        let (config, mut problems) = config_from_wire(&name, &t.config);
        self.problems.append(&mut problems);
        self.problems.extend(t.problems.into_iter().map(|mut p| {
            label(&mut p.kind, Some(&name), None);
            p
        }));
        match self.topics.get_mut(&name) {
            Some(existing) => {
                self.problems.push(Problem {
                    line: None,
                    offset: None,
                    kind: ProblemKind::DuplicateTopic {
                        topic: name.clone(),
                    },
                });
                existing.partitions.extend(t.partitions);
            }
            None => {
                self.topics.insert(
                    name.clone(),
                    Topic {
                        name,
                        topic_id: t.topic_id,
                        config,
                        partitions: t.partitions,
                    },
                );
            }
        }
        Ok(())
    }

    /// The snapshot's `}`: an envelope error, or the first missing required field, if any.
    pub fn missing_in_root(&self) -> Result<Option<&'static str>, LoadError> {
        if !self.format_ok {
            return Err(LoadError::NotASnapshot { found: None });
        }
        Ok(if !self.version_ok {
            Some("version")
        } else if self.captured_at_ms.is_none() {
            Some("capturedAtMs")
        } else if !self.topics_seen {
            Some("topics")
        } else {
            None
        })
    }

    pub fn finish(self) -> Result<Loaded, LoadError> {
        let mut topics: Vec<Topic> = self.topics.into_values().collect();
        for t in &mut topics {
            t.partitions.sort_by_key(|p| p.partition);
        }
        Ok(Loaded {
            snapshot: Snapshot {
                cluster: self.cluster,
                kafka_version: self.kafka_version,
                captured_at_ms: self.captured_at_ms.unwrap_or_default(),
                source: SnapshotSource::SnapshotJson,
                topics,
            },
            problems: self.problems,
        })
    }
}

/// Fills in the topic and / or partition of a segment problem.
fn label(kind: &mut ProblemKind, name: Option<&str>, number: Option<i32>) {
    use ProblemKind::*;
    let (topic, partition) = match kind {
        NegativeSize {
            topic, partition, ..
        }
        | BadOffsets {
            topic, partition, ..
        }
        | SizeTooLarge {
            topic, partition, ..
        }
        | PartitionFieldOutOfRange {
            topic, partition, ..
        }
        | TimestampOutOfRange {
            topic, partition, ..
        }
        | EmptyLeaderEpochs {
            topic, partition, ..
        }
        | DuplicateSegmentId {
            topic, partition, ..
        }
        | Overlap {
            topic, partition, ..
        } => (topic, partition),
        _ => return,
    };
    if let Some(n) = name {
        *topic = n.to_string();
    }
    if let Some(n) = number {
        *partition = n;
    }
}

/// Overlapping live segments are legal in Kafka (a duplicate upload after a leader change) but
/// worth telling the operator about; one warning per overlapping pair of neighbours.
fn report_overlaps(partition: i32, segments: &Segments, problems: &mut Vec<ProblemKind>) {
    let mut live: Vec<SegmentRef<'_>> = segments
        .iter()
        .filter(|s| s.state != SegmentState::DeleteSegmentFinished)
        .collect();
    live.sort_by_key(|s| (s.start_offset, s.end_offset));
    let mut reach: Option<SegmentRef<'_>> = None;
    for s in live {
        if let Some(r) = reach {
            if s.start_offset <= r.end_offset {
                problems.push(ProblemKind::Overlap {
                    topic: String::new(),
                    partition,
                    first: r.id.to_string(),
                    second: s.id.to_string(),
                    from: s.start_offset,
                    to: s.end_offset.min(r.end_offset),
                });
            }
            if s.end_offset > r.end_offset {
                reach = Some(s);
            }
        } else {
            reach = Some(s);
        }
    }
}

/// Writes a snapshot in the version-1 JSON contract (pretty when `pretty`).
pub fn to_json(snapshot: &Snapshot, pretty: bool) -> String {
    let wire = to_wire(snapshot);
    let out = if pretty {
        serde_json::to_string_pretty(&wire)
    } else {
        serde_json::to_string(&wire)
    };
    // Serializing plain structs with string keys cannot fail.
    out.unwrap_or_default()
}

fn wire_epochs(m: &[(i32, i64)]) -> Vec<(i32, Int)> {
    m.iter().map(|&(e, o)| (e, Int(o))).collect()
}

fn to_wire(s: &Snapshot) -> SnapshotJson {
    SnapshotJson {
        format: FORMAT.into(),
        version: VERSION.into(),
        cluster: s.cluster.clone(),
        kafka_version: s.kafka_version.clone(),
        captured_at_ms: Int(s.captured_at_ms),
        topics: s
            .topics
            .iter()
            .map(|t| TopicJson {
                name: t.name.clone(),
                topic_id: t.topic_id.clone(),
                config: t
                    .config
                    .by_name()
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), serde_json::Value::from(v)))
                    .collect(),
                partitions: t
                    .partitions
                    .iter()
                    .map(|p| PartitionJson {
                        partition: p.partition,
                        log_start_offset: p.log_start_offset.map(Int),
                        log_end_offset: p.log_end_offset.map(Int),
                        local_log_start_offset: p.local_log_start_offset.map(Int),
                        local_size_bytes: p.local_size_bytes.map(Int),
                        only_local_size_bytes: p.only_local_size_bytes.map(Int),
                        leader_epochs: p.leader_epochs.as_deref().map(wire_epochs),
                        segments: p
                            .segments
                            .iter()
                            .map(|g| SegmentJson {
                                id: g.id.to_string(),
                                start_offset: Int(g.start_offset),
                                end_offset: Int(g.end_offset),
                                max_timestamp_ms: Int(g.max_timestamp_ms),
                                event_timestamp_ms: g.event_timestamp_ms.map(Int),
                                size_bytes: Int(g.size_bytes),
                                leader_epochs: wire_epochs(g.segment_leader_epochs),
                                state: g.state,
                                broker_id: g.broker_id,
                                copy_in_progress: g.copy_in_progress,
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::load_text;

    const EXAMPLE: &str = r#"{
      "format": "tierlens-snapshot", "version": 1, "cluster": "prod-eu-1", "kafkaVersion": "3.9.0",
      "capturedAtMs": 1732480000000,
      "topics": [{
        "name": "orders", "topicId": "M1z1YtfhQ5i7oqLNve_0UQ",
        "config": {"retention.ms": "604800000", "retention.bytes": -1, "local.retention.ms": -2,
                   "local.retention.bytes": -2, "segment.bytes": 1073741824, "cleanup.policy": "delete"},
        "partitions": [{
          "partition": 0, "logStartOffset": 0, "logEndOffset": 98468, "localLogStartOffset": 90000,
          "localSizeBytes": 4194304, "onlyLocalSizeBytes": 1048576,
          "leaderEpochs": [[0, 0], [3, 51200]],
          "segments": [{
            "id": "iWtc1Z6xQu2_DJXTklzKxQ", "startOffset": 0, "endOffset": "511",
            "maxTimestampMs": 1678292889855, "eventTimestampMs": 1678292938280,
            "sizeBytes": 511460, "leaderEpochs": [[0, 0]], "state": "COPY_SEGMENT_FINISHED",
            "brokerId": 0, "someFutureField": {"x": 1}
          }]
        }]
      }]
    }"#;

    #[test]
    fn reads_the_contract_example() {
        let loaded = load_text(EXAMPLE).unwrap();
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let s = &loaded.snapshot;
        assert_eq!(s.kafka_version.as_deref(), Some("3.9.0"));
        assert_eq!(s.captured_at_ms, 1732480000000);
        let t = s.topic("orders").unwrap();
        assert_eq!(t.config.retention_ms, 604_800_000, "numeric string config");
        assert_eq!(t.config.local_retention_ms, -2);
        let p = &t.partitions[0];
        assert_eq!(p.leader_epochs, Some(vec![(0, 0), (3, 51200)]));
        assert_eq!(p.only_local_size_bytes, Some(1048576));
        let g = p.segments.at(0);
        assert_eq!(
            (g.start_offset, g.end_offset),
            (0, 511),
            "offset given as string"
        );
        assert_eq!(g.size_bytes, 511460);
        assert_eq!(g.state, SegmentState::CopySegmentFinished);
    }

    #[test]
    fn round_trips_through_to_json() {
        let a = load_text(EXAMPLE).unwrap().snapshot;
        let b = load_text(&to_json(&a, false)).unwrap().snapshot;
        assert_eq!(a, b);
    }

    #[test]
    fn big_offsets_travel_as_strings() {
        let mut s = load_text(EXAMPLE).unwrap().snapshot;
        let p = &mut s.topics[0].partitions[0];
        let mut v = p.segments.to_vec();
        v[0].end_offset = MAX_OFFSET;
        p.segments = v.clone().into();
        let json = to_json(&s, false);
        assert!(json.contains(&format!("\"{MAX_OFFSET}\"")));
        assert_eq!(load_text(&json).unwrap().snapshot, s);
        // Past MAX_OFFSET (i64::MAX, where `end + 1` overflows: found by the whatif_index
        // fuzzer) the segment is dropped, not read.
        v[0].end_offset = i64::MAX;
        s.topics[0].partitions[0].segments = v.into();
        let loaded = load_text(&to_json(&s, false)).unwrap();
        assert!(loaded.snapshot.topics[0].partitions[0].segments.is_empty());
        assert!(matches!(
            loaded.problems[0].kind,
            ProblemKind::BadOffsets {
                end_offset: i64::MAX,
                ..
            }
        ));
    }

    #[test]
    fn missing_configs_take_kafka_defaults() {
        let text = EXAMPLE.replace(r#""config": {"#, r#""ignored": {"#);
        let s = load_text(&text).unwrap().snapshot;
        assert_eq!(s.topics[0].config, TopicConfig::default());
    }

    #[test]
    fn refuses_an_unknown_version_clearly() {
        let text = EXAMPLE.replace(r#""version": 1"#, r#""version": 2"#);
        let err = load_text(&text).unwrap_err();
        assert_eq!(
            err,
            LoadError::UnsupportedVersion {
                found: "2".into(),
                line: 2,
                column: 49
            }
        );
        assert!(err.to_string().contains("version 2 is not supported"));
    }

    #[test]
    fn refuses_other_json() {
        let err = load_text(r#"{"hello": 1}"#).unwrap_err();
        assert_eq!(err, LoadError::NotASnapshot { found: None });
        // Valid JSON that is no object at all.
        assert_eq!(
            parse(r#""tierlens-snapshot""#).unwrap_err(),
            LoadError::NotASnapshot { found: None }
        );
        assert_eq!(
            parse("42").unwrap_err(),
            LoadError::NotASnapshot { found: None }
        );
        assert_eq!(
            load_text(r#"{"format": 7}"#).unwrap_err(),
            LoadError::NotASnapshot {
                found: Some("7".into())
            }
        );
    }

    #[test]
    fn malformed_json_names_line_and_column() {
        let err = load_text("{\n  \"format\": \"tierlens-snapshot\",\n  oops\n}").unwrap_err();
        match err {
            LoadError::Json {
                line,
                column,
                message,
            } => {
                assert_eq!((line, column), (3, 3));
                // The location is in the fields, not repeated in the message.
                assert!(!message.contains("line"), "{message}");
            }
            other => panic!("expected a JSON error, got {other:?}"),
        }
    }

    #[test]
    fn missing_required_field_is_a_schema_error() {
        let text = EXAMPLE.replace(r#""sizeBytes": 511460,"#, "");
        let err = load_text(&text).unwrap_err();
        match err {
            // Located in the input: the typed parse runs on the text itself.
            LoadError::Schema {
                message,
                line,
                column,
            } => {
                assert!(message.contains("sizeBytes"), "{message}");
                assert!(!message.contains(" at line "), "{message}");
                // The end of the segment object that lacks it.
                assert_eq!((line, column), (17, 11));
            }
            other => panic!("expected a schema error, got {other:?}"),
        }
    }

    #[test]
    fn bad_segments_are_dropped_and_reported() {
        let text = EXAMPLE.replace(r#""sizeBytes": 511460"#, r#""sizeBytes": -5"#);
        let loaded = load_text(&text).unwrap();
        assert!(loaded.snapshot.topics[0].partitions[0].segments.is_empty());
        assert!(matches!(
            loaded.problems[0].kind,
            ProblemKind::NegativeSize { size_bytes: -5, .. }
        ));

        let text = EXAMPLE.replace(r#""endOffset": "511""#, r#""endOffset": -1"#);
        let loaded = load_text(&text).unwrap();
        assert!(matches!(
            loaded.problems[0].kind,
            ProblemKind::BadOffsets { .. }
        ));
    }

    #[test]
    fn bad_config_is_reported_and_defaulted() {
        let text = EXAMPLE.replace(
            r#""retention.ms": "604800000""#,
            r#""retention.ms": "7 days""#,
        );
        let loaded = load_text(&text).unwrap();
        assert_eq!(loaded.snapshot.topics[0].config.retention_ms, 604_800_000);
        assert!(matches!(
            loaded.problems[0].kind,
            ProblemKind::BadConfig { .. }
        ));
    }

    #[test]
    fn overlapping_segments_are_a_warning() {
        let text = EXAMPLE.replace(
            r#""segments": [{"#,
            r#""segments": [{"id": "dup", "startOffset": 0, "endOffset": 104, "maxTimestampMs": 1,
               "sizeBytes": 10, "leaderEpochs": [[0, 0]], "state": "COPY_SEGMENT_FINISHED"}, {"#,
        );
        let loaded = load_text(&text).unwrap();
        assert_eq!(loaded.snapshot.topics[0].partitions[0].segments.len(), 2);
        assert_eq!(loaded.problems.len(), 1);
        assert!(loaded.problems[0].kind.is_warning_only());
    }
}
