//! The collector against an in-memory cluster: what it reads, what it adds, what it says, and
//! that a stuck partition ends in an error rather than a hang.
use std::collections::BTreeMap;
use tierlens_collect::cluster::{
    Cluster, ClusterInfo, Fetched, FetchedRecord, OffsetAnswer, OffsetSpec, PartitionInfo,
    TopicConfigs, TopicInfo,
};
use tierlens_collect::collect::{collect, CollectError, Note, Options, Progress, METADATA_TOPIC};
use tierlens_core::demo::demo_snapshot;
use tierlens_core::ingest::formatter_dump;
use tierlens_core::leaks::layout::uuid_from_base64;
use tierlens_core::synth::metadata_records;
use tierlens_core::Snapshot;

#[derive(Debug, thiserror::Error)]
#[error("fake: {0}")]
struct FakeError(String);

/// A cluster held in memory: the metadata topic's partitions as encoded values, the user
/// topics' configs and offsets; fetches return at most `batch` records.
struct Fake {
    info: ClusterInfo,
    metadata: BTreeMap<i32, Vec<Option<Vec<u8>>>>,
    /// Records deleted from the start of each metadata partition.
    metadata_start: BTreeMap<i32, i64>,
    configs: BTreeMap<String, TopicConfigs>,
    earliest_local_supported: bool,
    batch: usize,
    /// A partition whose fetches return nothing.
    stuck: Option<i32>,
    fetches: usize,
}

impl Fake {
    /// The demo's segments as records in 3 metadata partitions (a user partition's records all
    /// in one, as Kafka's partitioner places them), with configs for some keys of each topic.
    fn demo() -> (Fake, Vec<String>) {
        let demo = demo_snapshot();
        let mut metadata: BTreeMap<i32, Vec<Option<Vec<u8>>>> = BTreeMap::new();
        let mut lines = Vec::new();
        for r in metadata_records(&demo) {
            let tip = match &r {
                tierlens_core::ingest::metadata_serde::MetadataRecord::Segment {
                    partition,
                    ..
                }
                | tierlens_core::ingest::metadata_serde::MetadataRecord::Update {
                    partition, ..
                } => partition.clone(),
                _ => unreachable!(),
            };
            let p = (tip.topic.len() as i32 + tip.partition) % 3;
            let part = metadata.entry(p).or_default();
            lines.push(r.formatter_line(p, part.len() as i64).unwrap());
            part.push(Some(r.encode(1)));
        }
        let mut topics = vec![TopicInfo {
            name: METADATA_TOPIC.into(),
            topic_id: Some([9; 16]),
            partitions: (0..3)
                .map(|p| PartitionInfo {
                    partition: p,
                    leader: p % 2,
                })
                .collect(),
        }];
        let mut configs = BTreeMap::new();
        for t in &demo.topics {
            topics.push(TopicInfo {
                name: t.name.clone(),
                topic_id: t.topic_id.as_deref().and_then(uuid_from_base64),
                partitions: t
                    .partitions
                    .iter()
                    .map(|p| PartitionInfo {
                        partition: p.partition,
                        leader: 1,
                    })
                    .collect(),
            });
            let mut c = BTreeMap::new();
            c.insert(
                "retention.ms".to_string(),
                Some(t.config.retention_ms.to_string()),
            );
            c.insert(
                "retention.bytes".to_string(),
                Some(t.config.retention_bytes.to_string()),
            );
            c.insert(
                "local.retention.ms".to_string(),
                Some(t.config.local_retention_ms.to_string()),
            );
            c.insert(
                "segment.bytes".to_string(),
                Some(t.config.segment_bytes.to_string()),
            );
            configs.insert(t.name.clone(), Ok(c));
        }
        let fake = Fake {
            info: ClusterInfo {
                cluster_id: Some("fake-cluster".into()),
                topics,
                metadata_version_level: Some(19),
            },
            metadata,
            metadata_start: BTreeMap::new(),
            configs,
            earliest_local_supported: false,
            batch: 7,
            stuck: None,
            fetches: 0,
        };
        (fake, lines)
    }
}

impl Cluster for Fake {
    type Error = FakeError;

    fn metadata(&mut self) -> Result<ClusterInfo, FakeError> {
        Ok(self.info.clone())
    }

    fn topic_configs(
        &mut self,
        topics: &[String],
        keys: &[&str],
    ) -> Result<BTreeMap<String, TopicConfigs>, FakeError> {
        assert!(keys.contains(&"retention.ms") && keys.contains(&"local.retention.bytes"));
        Ok(topics
            .iter()
            .map(|t| {
                (
                    t.clone(),
                    self.configs
                        .get(t)
                        .cloned()
                        .unwrap_or_else(|| Err("UNKNOWN_TOPIC_OR_PARTITION".into())),
                )
            })
            .collect())
    }

    fn list_offsets(
        &mut self,
        topic: &TopicInfo,
        spec: OffsetSpec,
    ) -> Result<BTreeMap<i32, OffsetAnswer>, FakeError> {
        Ok(topic
            .partitions
            .iter()
            .map(|p| {
                let answer = if topic.name == METADATA_TOPIC {
                    let start = self.metadata_start.get(&p.partition).copied().unwrap_or(0);
                    let end = self.metadata.get(&p.partition).map_or(0, |v| v.len()) as i64;
                    match spec {
                        OffsetSpec::Earliest => Ok(start),
                        OffsetSpec::Latest => Ok(end),
                        OffsetSpec::EarliestLocal => Ok(start),
                    }
                } else {
                    match spec {
                        OffsetSpec::Earliest => Ok(100 + i64::from(p.partition)),
                        OffsetSpec::Latest => Ok(1_000_000 + i64::from(p.partition)),
                        OffsetSpec::EarliestLocal if self.earliest_local_supported => Ok(500_000),
                        OffsetSpec::EarliestLocal => Err("ListOffsets up to v7".into()),
                    }
                };
                (p.partition, answer)
            })
            .collect())
    }

    fn fetch(
        &mut self,
        topic: &TopicInfo,
        partition: i32,
        offset: i64,
    ) -> Result<Fetched, FakeError> {
        assert_eq!(topic.name, METADATA_TOPIC);
        self.fetches += 1;
        let values = &self.metadata[&partition];
        let start = self.metadata_start.get(&partition).copied().unwrap_or(0);
        if offset < start {
            return Err(FakeError(format!("offset {offset} out of range")));
        }
        if self.stuck == Some(partition) {
            return Ok(Fetched {
                records: vec![],
                next_offset: offset,
                high_watermark: values.len() as i64,
            });
        }
        let records: Vec<FetchedRecord> = values
            .iter()
            .enumerate()
            .skip(offset as usize)
            .take(self.batch)
            .map(|(o, v)| FetchedRecord {
                offset: o as i64,
                value: v.clone(),
            })
            .collect();
        Ok(Fetched {
            next_offset: records.last().map_or(offset, |r| r.offset + 1),
            records,
            high_watermark: values.len() as i64,
        })
    }
}

#[derive(Default)]
struct Count {
    phases: Vec<String>,
    total: u64,
    read: u64,
}

impl Progress for Count {
    fn phase(&mut self, what: &str) {
        self.phases.push(what.to_string());
    }
    fn records_total(&mut self, total: u64) {
        self.total = total;
    }
    fn records_read(&mut self, n: u64) {
        self.read += n;
    }
}

fn options() -> Options {
    Options {
        now_ms: 1_700_000_000_000,
        ..Options::default()
    }
}

/// The segments of each partition, in a comparable form.
fn segment_view(s: &Snapshot) -> Vec<(String, Option<String>, i32, Vec<String>)> {
    s.topics
        .iter()
        .flat_map(|t| {
            t.partitions.iter().map(move |p| {
                (
                    t.name.clone(),
                    t.topic_id.clone(),
                    p.partition,
                    p.segments.iter().map(|g| format!("{g:?}")).collect(),
                )
            })
        })
        .collect()
}

#[test]
fn collects_what_the_formatter_dump_of_the_same_records_gives_plus_configs_and_offsets() {
    let (mut fake, lines) = Fake::demo();
    let mut progress = Count::default();
    let got = collect(&mut fake, &options(), &mut progress).unwrap();
    let dump = formatter_dump::parse(&(lines.join("\n") + "\n")).unwrap();
    assert_eq!(
        segment_view(&got.loaded.snapshot),
        segment_view(&dump.snapshot)
    );
    assert_eq!(got.loaded.problems, dump.problems);
    let total: usize = fake.metadata.values().map(|v| v.len()).sum();
    assert_eq!(got.records, total as u64);
    assert_eq!(
        (progress.total, progress.read),
        (total as u64, total as u64)
    );
    assert_eq!(
        progress.phases,
        ["metadata", "reading", "configs", "offsets"]
    );
    // Several fetches per partition: the loop follows next_offset.
    assert!(fake.fetches > total / 7);

    let s = &got.loaded.snapshot;
    assert_eq!(s.cluster.as_deref(), Some("fake-cluster"));
    assert_eq!(s.captured_at_ms, 1_700_000_000_000);
    assert_eq!(s.kafka_version, None);
    let demo = demo_snapshot();
    for t in &s.topics {
        let d = demo.topics.iter().find(|d| d.name == t.name).unwrap();
        assert_eq!(t.config.retention_ms, d.config.retention_ms, "{}", t.name);
        assert_eq!(t.config.retention_bytes, d.config.retention_bytes);
        assert_eq!(t.config.local_retention_ms, d.config.local_retention_ms);
        // Not returned: Kafka's default, and a note says so.
        assert_eq!(t.config.local_retention_bytes, -2);
        for p in &t.partitions {
            assert_eq!(p.log_start_offset, Some(100 + i64::from(p.partition)));
            assert_eq!(p.log_end_offset, Some(1_000_000 + i64::from(p.partition)));
            assert_eq!(p.local_log_start_offset, None);
        }
    }
    // One note per key and one per kind of unknown offset, naming every topic.
    let names: Vec<String> = s.topics.iter().map(|t| t.name.clone()).collect();
    let partitions: usize = s.topics.iter().map(|t| t.partitions.len()).sum();
    assert!(got.notes.contains(&Note::ConfigDefault {
        key: "local.retention.bytes",
        default: -2,
        topics: names.clone(),
    }));
    let unknown = Note::OffsetsUnknown {
        spec: "earliest-local",
        reason: "ListOffsets up to v7".into(),
        partitions,
        topics: names.clone(),
    };
    assert!(got.notes.contains(&unknown), "{:?}", got.notes);
    assert_eq!(
        unknown.to_string(),
        format!(
            "earliest-local offsets of {partitions} partition(s) of 5 topics ({}) are unknown: ListOffsets up to v7",
            names.join(", ")
        )
    );
    assert_eq!(got.notes.len(), 3, "{:?}", got.notes);
    assert!(got
        .notes
        .iter()
        .any(|n| matches!(n, Note::KafkaVersionUnknown { level } if level.contains("19"))));
}

#[test]
fn options_name_the_cluster_and_version_and_filter_topics() {
    let (mut fake, _) = Fake::demo();
    fake.earliest_local_supported = true;
    let first = fake.info.topics[1].name.clone();
    let options = Options {
        topics: Some(regex::Regex::new(&format!("^{}$", regex::escape(&first))).unwrap()),
        cluster_name: Some("prod-eu".into()),
        kafka_version: Some("3.9.0".into()),
        now_ms: 5,
    };
    let got = collect(&mut fake, &options, &mut Count::default()).unwrap();
    let s = &got.loaded.snapshot;
    let names: Vec<&str> = s.topics.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, [first.as_str()]);
    assert_eq!(s.cluster.as_deref(), Some("prod-eu"));
    assert_eq!(s.kafka_version.as_deref(), Some("3.9.0"));
    assert!(s.topics[0]
        .partitions
        .iter()
        .all(|p| p.local_log_start_offset == Some(500_000)));
    assert!(!got.notes.iter().any(|n| matches!(
        n,
        Note::KafkaVersionUnknown { .. } | Note::OffsetsUnknown { .. }
    )));

    // A regex nothing matches: a clear error, not an empty snapshot.
    let (mut fake, _) = Fake::demo();
    let options = Options {
        topics: Some(regex::Regex::new("^nope$").unwrap()),
        ..self::options()
    };
    let e = collect(&mut fake, &options, &mut Count::default()).unwrap_err();
    assert!(e.to_string().contains("\"^nope$\""), "{e}");
}

#[test]
fn a_partition_that_returns_nothing_ends_in_an_error_not_a_hang() {
    let (mut fake, _) = Fake::demo();
    fake.stuck = Some(1);
    let e = collect(&mut fake, &options(), &mut Count::default()).unwrap_err();
    assert!(
        matches!(
            e,
            CollectError::Stalled {
                partition: 1,
                offset: 0,
                fetches: 5,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn a_cluster_without_the_metadata_topic_or_leader_says_so() {
    let (mut fake, _) = Fake::demo();
    fake.info.topics.retain(|t| t.name != METADATA_TOPIC);
    let e = collect(&mut fake, &options(), &mut Count::default()).unwrap_err();
    assert!(matches!(e, CollectError::NoMetadataTopic), "{e}");
    assert!(e.to_string().contains("remote.log.storage.system.enable"));

    let (mut fake, _) = Fake::demo();
    fake.info.topics[0].partitions[2].leader = -1;
    let e = collect(&mut fake, &options(), &mut Count::default()).unwrap_err();
    assert!(matches!(e, CollectError::NoLeader { partition: 2 }), "{e}");
}

#[test]
fn deleted_metadata_bad_values_re_created_and_gone_topics_are_noted() {
    let (mut fake, _) = Fake::demo();
    // The first 2 records of partition 0 were deleted by the metadata topic's retention.
    fake.metadata_start.insert(0, 2);
    // A value that does not decode, and a tombstone.
    fake.metadata.get_mut(&1).unwrap().push(Some(vec![1, 9, 0]));
    fake.metadata.get_mut(&1).unwrap().push(None);
    let gone = fake.info.topics.remove(1).name;
    fake.info.topics[1].topic_id = Some([1; 16]);
    let recreated = fake.info.topics[1].name.clone();
    let got = collect(&mut fake, &options(), &mut Count::default()).unwrap();
    assert!(got.notes.contains(&Note::MetadataTruncated {
        partition: 0,
        start: 2
    }));
    assert!(got.notes.contains(&Note::TopicGone { topic: gone }));
    assert!(got
        .notes
        .iter()
        .any(|n| matches!(n, Note::TopicIdDiffers { topic, .. } if *topic == recreated)));
    let bad: Vec<String> = got
        .loaded
        .problems
        .iter()
        .map(|p| p.to_string())
        .filter(|m| m.contains("binary record"))
        .collect();
    assert_eq!(bad.len(), 1, "{:?}", got.loaded.problems);
    assert!(bad[0].contains("partition 1, offset"), "{}", bad[0]);
    assert!(bad[0].contains("apiKey 9"), "{}", bad[0]);
}
