//! A snapshot from a cluster: consume `__remote_log_metadata` from its start to the end it had
//! when collection began, replay it exactly as a formatter dump of the same records replays
//! (one [`DumpStream`]), then add each topic's retention configs (DescribeConfigs) and each
//! partition's offsets (ListOffsets).
//!
//! Everything here goes through [`Cluster`], so it is tested against an in-memory cluster; the
//! wire client is tested end to end against a real broker (`crates/cli/tests/collect_tansu.rs`).
use crate::cluster::{Cluster, ClusterInfo, OffsetSpec, TopicInfo};
use std::collections::BTreeMap;
use tierlens_core::ingest::formatter_dump::DumpStream;
use tierlens_core::ingest::{LoadError, Loaded};
use tierlens_core::leaks::layout::uuid_to_base64;
use tierlens_core::model::TopicConfig;

/// The topic `TopicBasedRemoteLogMetadataManager` writes (Kafka's default RLMM).
pub const METADATA_TOPIC: &str = "__remote_log_metadata";

/// Fetches of a partition that return nothing before its end is reached, in a row, before the
/// collector gives up on it; it waits 50, 100, 200, 400 ms between them.
const MAX_EMPTY_FETCHES: u32 = 5;

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only topics whose names match (the whole name or a part: a regex as `--topics`).
    pub topics: Option<regex::Regex>,
    /// The snapshot's `cluster`; default: the cluster id.
    pub cluster_name: Option<String>,
    /// The snapshot's `kafkaVersion` (Kafka does not tell its release over the protocol).
    pub kafka_version: Option<String>,
    /// `capturedAtMs`: when collection began.
    pub now_ms: i64,
}

/// Told how collection goes (the CLI draws bars; tests count).
pub trait Progress {
    fn phase(&mut self, _what: &str) {}
    /// Records of the metadata topic to read in all.
    fn records_total(&mut self, _total: u64) {}
    fn records_read(&mut self, _n: u64) {}
}

/// Something the operator should know about the collected snapshot; never fatal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Note {
    #[error("{METADATA_TOPIC}-{partition} starts at offset {start}: earlier records were deleted, so segments copied before them may be missing")]
    MetadataTruncated { partition: i32, start: i64 },
    #[error(
        "{key} was not returned by DescribeConfigs for {}; Kafka's default {default} is used",
        named(topics)
    )]
    ConfigDefault {
        key: &'static str,
        default: i64,
        topics: Vec<String>,
    },
    #[error("{topic}: {key} = {value:?} is not a number; Kafka's default {default} is used")]
    ConfigUnreadable {
        topic: String,
        key: &'static str,
        value: String,
        default: i64,
    },
    #[error("{topic}: DescribeConfigs failed ({reason}); Kafka's defaults are used")]
    ConfigsFailed { topic: String, reason: String },
    #[error("{topic}: the topic is not in the cluster's metadata any more (deleted?); its offsets are unknown")]
    TopicGone { topic: String },
    #[error("{topic}: the cluster's topic id is {cluster_id}, the metadata's segments belong to {snapshot_id} (the topic was re-created?)")]
    TopicIdDiffers {
        topic: String,
        cluster_id: String,
        snapshot_id: String,
    },
    #[error(
        "{spec} offsets of {partitions} partition(s) of {} are unknown: {reason}",
        named(topics)
    )]
    OffsetsUnknown {
        spec: &'static str,
        reason: String,
        partitions: usize,
        topics: Vec<String>,
    },
    #[error("kafkaVersion is not set: Kafka does not report its release over the protocol{level}; pass --kafka-version (the dashboard assumes the newest profile)")]
    KafkaVersionUnknown { level: String },
}

/// `topic orders`, or `3 topics (a, b, c)`, or `12 topics (a, b, c, d, e, …)`: a note about a
/// thousand topics stays one line.
fn named(topics: &[String]) -> String {
    const SHOWN: usize = 5;
    match topics {
        [one] => format!("topic {one}"),
        _ => {
            let mut list = topics[..topics.len().min(SHOWN)].join(", ");
            if topics.len() > SHOWN {
                list.push_str(", …");
            }
            format!("{} topics ({list})", topics.len())
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CollectError<E: std::error::Error + 'static> {
    #[error(transparent)]
    Cluster(E),
    #[error("the cluster has no {METADATA_TOPIC} topic: is remote.log.storage.system.enable=true, with Kafka's TopicBasedRemoteLogMetadataManager?")]
    NoMetadataTopic,
    #[error("{METADATA_TOPIC}-{partition} has no leader right now; try again when it has one")]
    NoLeader { partition: i32 },
    #[error("{METADATA_TOPIC}-{partition}: the {spec} offset is unknown ({reason})")]
    MetadataOffset {
        partition: i32,
        spec: &'static str,
        reason: String,
    },
    #[error("{METADATA_TOPIC}-{partition}: no records at offset {offset} after {fetches} fetches, though the partition ends at {end}")]
    Stalled {
        partition: i32,
        offset: i64,
        end: i64,
        fetches: u32,
    },
    #[error("no segment records{filter} in {records} record(s) of {METADATA_TOPIC}")]
    NothingCollected { records: u64, filter: String },
    #[error("the metadata records do not replay: {0}")]
    Replay(LoadError),
}

/// A collected snapshot, the replay's problems (in `loaded`) and the notes.
#[derive(Debug)]
pub struct Collected {
    pub loaded: Loaded,
    pub notes: Vec<Note>,
    /// Metadata records read (all topics).
    pub records: u64,
}

pub fn collect<C: Cluster>(
    cluster: &mut C,
    options: &Options,
    progress: &mut dyn Progress,
) -> Result<Collected, CollectError<C::Error>> {
    let mut notes = Vec::new();
    progress.phase("metadata");
    let info = cluster.metadata().map_err(CollectError::Cluster)?;
    let metadata_topic = info
        .topic(METADATA_TOPIC)
        .ok_or(CollectError::NoMetadataTopic)?
        .clone();

    let (read, records) = read_metadata(cluster, &metadata_topic, options, progress, &mut notes)?;
    let mut loaded = records.finish().map_err(|e| match e {
        LoadError::NoRecords { .. } => CollectError::NothingCollected {
            records: read,
            filter: options
                .topics
                .as_ref()
                .map(|r| format!(" for topics matching {:?}", r.as_str()))
                .unwrap_or_default(),
        },
        e => CollectError::Replay(e),
    })?;

    progress.phase("configs");
    add_configs(cluster, &mut loaded, &mut notes)?;
    progress.phase("offsets");
    add_offsets(cluster, &info, &mut loaded, &mut notes)?;

    let snapshot = &mut loaded.snapshot;
    snapshot.cluster = options.cluster_name.clone().or(info.cluster_id.clone());
    snapshot.kafka_version = options.kafka_version.clone();
    snapshot.captured_at_ms = options.now_ms;
    if snapshot.kafka_version.is_none() {
        notes.push(Note::KafkaVersionUnknown {
            level: info
                .metadata_version_level
                .map(|l| format!(" (its metadata.version feature level is {l})"))
                .unwrap_or_default(),
        });
    }
    Ok(Collected {
        loaded,
        notes,
        records: read,
    })
}

/// Reads every partition of the metadata topic from its start to the end it has now, into one
/// replay. Returns the records read.
fn read_metadata<C: Cluster>(
    cluster: &mut C,
    topic: &TopicInfo,
    options: &Options,
    progress: &mut dyn Progress,
    notes: &mut Vec<Note>,
) -> Result<(u64, DumpStream), CollectError<C::Error>> {
    if let Some(p) = topic.partitions.iter().find(|p| p.leader < 0) {
        return Err(CollectError::NoLeader {
            partition: p.partition,
        });
    }
    let starts = metadata_offsets(cluster, topic, OffsetSpec::Earliest)?;
    let ends = metadata_offsets(cluster, topic, OffsetSpec::Latest)?;
    let total: i64 = ends
        .iter()
        .map(|(p, end)| (end - starts.get(p).copied().unwrap_or(0)).max(0))
        .sum();
    progress.phase("reading");
    progress.records_total(total as u64);

    let keep = |t: &str| options.topics.as_ref().is_none_or(|r| r.is_match(t));
    let mut stream = DumpStream::default();
    let mut read = 0u64;
    for (&partition, &end) in &ends {
        let start = starts.get(&partition).copied().unwrap_or(0);
        if start > 0 {
            notes.push(Note::MetadataTruncated { partition, start });
        }
        let mut offset = start;
        let mut empty = 0;
        while offset < end {
            let fetched = cluster
                .fetch(topic, partition, offset)
                .map_err(CollectError::Cluster)?;
            let mut n = 0u64;
            for r in fetched.records.iter().filter(|r| r.offset < end) {
                if let Some(v) = &r.value {
                    stream.value(partition, r.offset, v, &keep);
                }
                n += 1;
            }
            if fetched.next_offset <= offset {
                empty += 1;
                if empty >= MAX_EMPTY_FETCHES {
                    return Err(CollectError::Stalled {
                        partition,
                        offset,
                        end,
                        fetches: empty,
                    });
                }
                std::thread::sleep(std::time::Duration::from_millis(25 << empty));
                continue;
            }
            empty = 0;
            offset = fetched.next_offset;
            read += n;
            progress.records_read(n);
        }
    }
    Ok((read, stream))
}

fn metadata_offsets<C: Cluster>(
    cluster: &mut C,
    topic: &TopicInfo,
    spec: OffsetSpec,
) -> Result<BTreeMap<i32, i64>, CollectError<C::Error>> {
    let answers = cluster
        .list_offsets(topic, spec)
        .map_err(CollectError::Cluster)?;
    let mut out = BTreeMap::new();
    for p in &topic.partitions {
        match answers.get(&p.partition) {
            Some(Ok(o)) => {
                out.insert(p.partition, *o);
            }
            Some(Err(reason)) => {
                return Err(CollectError::MetadataOffset {
                    partition: p.partition,
                    spec: spec.name(),
                    reason: reason.clone(),
                })
            }
            None => {
                return Err(CollectError::MetadataOffset {
                    partition: p.partition,
                    spec: spec.name(),
                    reason: "the broker did not answer for it".into(),
                })
            }
        }
    }
    Ok(out)
}

/// Each topic's retention configs; a key the broker did not return takes Kafka's default, and a
/// note says so.
fn add_configs<C: Cluster>(
    cluster: &mut C,
    loaded: &mut Loaded,
    notes: &mut Vec<Note>,
) -> Result<(), CollectError<C::Error>> {
    let names: Vec<String> = loaded
        .snapshot
        .topics
        .iter()
        .map(|t| t.name.clone())
        .collect();
    let described = cluster
        .topic_configs(&names, &TopicConfig::KEYS)
        .map_err(CollectError::Cluster)?;
    let defaults = TopicConfig::default().by_name();
    // key → its default and the topics that did not return it (one note per key).
    let mut defaulted: BTreeMap<&'static str, (i64, Vec<String>)> = BTreeMap::new();
    for topic in &mut loaded.snapshot.topics {
        let configs = match described.get(&topic.name) {
            Some(Ok(c)) => c,
            Some(Err(reason)) => {
                notes.push(Note::ConfigsFailed {
                    topic: topic.name.clone(),
                    reason: reason.clone(),
                });
                continue;
            }
            None => {
                notes.push(Note::ConfigsFailed {
                    topic: topic.name.clone(),
                    reason: "the broker did not answer for it".into(),
                });
                continue;
            }
        };
        for ((key, slot), (_, default)) in topic.config.by_name_mut().into_iter().zip(defaults) {
            *slot = default;
            let value = match configs.get(key) {
                Some(Some(v)) => v,
                _ => {
                    let d = defaulted.entry(key).or_insert((default, Vec::new()));
                    d.1.push(topic.name.clone());
                    continue;
                }
            };
            match value.trim().parse::<i64>() {
                Ok(v) => *slot = v,
                Err(_) => notes.push(Note::ConfigUnreadable {
                    topic: topic.name.clone(),
                    key,
                    value: value.clone(),
                    default,
                }),
            }
        }
    }
    for (key, (default, topics)) in defaulted {
        notes.push(Note::ConfigDefault {
            key,
            default,
            topics,
        });
    }
    Ok(())
}

/// Each partition's log start, log end and local log start offsets, from its leader.
fn add_offsets<C: Cluster>(
    cluster: &mut C,
    info: &ClusterInfo,
    loaded: &mut Loaded,
    notes: &mut Vec<Note>,
) -> Result<(), CollectError<C::Error>> {
    // (kind, reason) → (partitions, topics): a broker without earliest-local says so for
    // every partition alike, which is one note.
    let mut unknown: BTreeMap<(OffsetSpec, String), (usize, Vec<String>)> = BTreeMap::new();
    for topic in &mut loaded.snapshot.topics {
        let Some(live) = info.topic(&topic.name) else {
            notes.push(Note::TopicGone {
                topic: topic.name.clone(),
            });
            continue;
        };
        if let (Some(cluster_id), Some(snapshot_id)) = (live.topic_id, topic.topic_id.as_deref()) {
            let cluster_id = uuid_to_base64(&cluster_id);
            if cluster_id != snapshot_id {
                notes.push(Note::TopicIdDiffers {
                    topic: topic.name.clone(),
                    cluster_id,
                    snapshot_id: snapshot_id.to_string(),
                });
            }
        }
        for spec in [
            OffsetSpec::Earliest,
            OffsetSpec::Latest,
            OffsetSpec::EarliestLocal,
        ] {
            let answers = cluster
                .list_offsets(live, spec)
                .map_err(CollectError::Cluster)?;
            for p in &mut topic.partitions {
                let answer = answers.get(&p.partition).cloned().unwrap_or_else(|| {
                    Err("the partition is not in the cluster's metadata".into())
                });
                match answer {
                    Ok(o) => match spec {
                        OffsetSpec::Earliest => p.log_start_offset = Some(o),
                        OffsetSpec::Latest => p.log_end_offset = Some(o),
                        OffsetSpec::EarliestLocal => p.local_log_start_offset = Some(o),
                    },
                    Err(reason) => {
                        let u = unknown.entry((spec, reason)).or_default();
                        u.0 += 1;
                        if u.1.last() != Some(&topic.name) {
                            u.1.push(topic.name.clone());
                        }
                    }
                }
            }
        }
    }
    for ((spec, reason), (partitions, topics)) in unknown {
        notes.push(Note::OffsetsUnknown {
            spec: spec.name(),
            reason,
            partitions,
            topics,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::named;

    #[test]
    fn notes_name_a_few_topics_and_count_the_rest() {
        let t = |n: usize| (0..n).map(|i| format!("t{i}")).collect::<Vec<_>>();
        assert_eq!(named(&t(1)), "topic t0");
        assert_eq!(named(&t(2)), "2 topics (t0, t1)");
        assert_eq!(named(&t(5)), "5 topics (t0, t1, t2, t3, t4)");
        assert_eq!(named(&t(1000)), "1000 topics (t0, t1, t2, t3, t4, …)");
    }
}
