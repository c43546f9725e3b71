//! The what-if index against the oracle: for an arbitrary small snapshot (anything the loaders
//! admit: offsets in 0..=MAX_OFFSET with end ≥ start, sizes in 0..=MAX_SEGMENT_SIZE, timestamps
//! within ±MAX_TIMESTAMP_MS, partition fields in -1..=MAX_OFFSET, any epochs and configs) and an
//! arbitrary policy and instant, `PlanIndex` plans exactly what
//! `retention::reference::plan` (the literal walk of Kafka's cleanup) plans, for every profile
//! (the approach of crates/core/tests/whatif_equivalence.rs).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use tierlens_core::model::*;
use tierlens_core::profile::KafkaVersion;
use tierlens_core::retention::{reference, PlanIndex, Policy};

/// A 64-bit value, mostly small so that segments meet, sometimes an edge.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Num {
    Small(u8),
    Mid(u16),
    MinusOne,
    MinusTwo,
    Max,
    Min,
    Any(i64),
}

impl Num {
    fn get(self) -> i64 {
        match self {
            Num::Small(v) => v.into(),
            Num::Mid(v) => v.into(),
            Num::MinusOne => -1,
            Num::MinusTwo => -2,
            Num::Max => i64::MAX,
            Num::Min => i64::MIN,
            Num::Any(v) => v,
        }
    }

    /// Folded into `lo..=hi`, as the loaders admit (edges kept: `Max` is `hi`, `Min` is `lo`).
    fn within(self, lo: i64, hi: i64) -> i64 {
        match self {
            Num::Max => hi,
            Num::Min => lo,
            n => {
                let v = n.get();
                if (lo..=hi).contains(&v) {
                    v
                } else {
                    lo + (v.unsigned_abs() % (hi.abs_diff(lo) + 1)) as i64
                }
            }
        }
    }

    fn offset(self) -> i64 {
        self.within(0, MAX_OFFSET)
    }

    fn partition_field(self) -> i64 {
        self.within(-1, MAX_OFFSET)
    }

    fn timestamp(self) -> i64 {
        self.within(-MAX_TIMESTAMP_MS, MAX_TIMESTAMP_MS)
    }
}

#[derive(Arbitrary, Debug)]
struct SegmentIn {
    start: Num,
    len: Num,
    size: Num,
    max_ts: Num,
    epochs: Vec<(u8, Num)>,
    state: u8,
    copy_in_progress: Option<bool>,
}

#[derive(Arbitrary, Debug)]
struct PartitionIn {
    number: u8,
    log_start: Option<Num>,
    log_end: Option<Num>,
    local_log_start: Option<Num>,
    local_size: Option<Num>,
    only_local_size: Option<Num>,
    lineage: Option<Vec<(u8, Num)>>,
    segments: Vec<SegmentIn>,
}

#[derive(Arbitrary, Debug)]
struct TopicIn {
    config: [Num; 4],
    partitions: Vec<PartitionIn>,
}

#[derive(Arbitrary, Debug)]
struct Input {
    topics: Vec<TopicIn>,
    overrides: Vec<(u8, u8, Num)>,
    now: Num,
}

fn epochs(v: &[(u8, Num)]) -> EpochMap {
    let mut m: EpochMap = v.iter().map(|&(e, o)| (i32::from(e % 12), o.offset())).collect();
    m.sort_by_key(|&(e, _)| e);
    m.dedup_by_key(|&mut (e, _)| e);
    m
}

fn snapshot(input: &Input) -> Snapshot {
    let topics = input
        .topics
        .iter()
        .take(3)
        .enumerate()
        .map(|(t, ti)| {
            let mut partitions: Vec<Partition> = ti
                .partitions
                .iter()
                .take(4)
                .map(|p| {
                    let segments: Vec<Segment> = p
                        .segments
                        .iter()
                        .take(24)
                        .enumerate()
                        .map(|(i, s)| {
                            let start = s.start.offset();
                            let mut eps = epochs(&s.epochs);
                            if eps.is_empty() {
                                eps.push((0, start));
                            }
                            Segment {
                                id: format!("s{i}"),
                                start_offset: start,
                                end_offset: start.saturating_add(s.len.offset()).min(MAX_OFFSET),
                                max_timestamp_ms: s.max_ts.timestamp(),
                                event_timestamp_ms: None,
                                size_bytes: s.size.within(0, MAX_SEGMENT_SIZE),
                                segment_leader_epochs: eps,
                                state: SegmentState::ALL[usize::from(s.state % 4)],
                                broker_id: None,
                                copy_in_progress: s.copy_in_progress,
                            }
                        })
                        .collect();
                    Partition {
                        partition: i32::from(p.number % 6),
                        log_start_offset: p.log_start.map(Num::partition_field),
                        log_end_offset: p.log_end.map(Num::partition_field),
                        local_log_start_offset: p.local_log_start.map(Num::partition_field),
                        local_size_bytes: p.local_size.map(Num::partition_field),
                        only_local_size_bytes: p.only_local_size.map(Num::partition_field),
                        leader_epochs: p.lineage.as_deref().map(epochs),
                        segments: segments.into(),
                    }
                })
                .collect();
            partitions.sort_by_key(|p| p.partition);
            let [rms, rb, lms, lb] = ti.config.map(Num::get);
            Topic {
                name: format!("t{t}"),
                topic_id: None,
                config: TopicConfig {
                    retention_ms: rms,
                    retention_bytes: rb,
                    local_retention_ms: lms,
                    local_retention_bytes: lb,
                    ..TopicConfig::default()
                },
                partitions,
            }
        })
        .collect();
    Snapshot {
        cluster: None,
        kafka_version: None,
        captured_at_ms: 2000,
        source: SnapshotSource::SnapshotJson,
        topics,
    }
}

fuzz_target!(|input: Input| {
    let snap = snapshot(&input);
    let now = input.now.get();
    for profile in KafkaVersion::ALL {
        let mut policy = Policy::new(profile);
        for &(t, k, v) in input.overrides.iter().take(4) {
            if let Some(topic) = snap.topics.get(usize::from(t % 3)) {
                policy.set(&topic.name, ConfigKey::ALL[usize::from(k % 4)], v.get());
            }
        }
        let want = reference::plan(&snap, &policy, now);
        let ix = PlanIndex::build(&snap, profile);
        assert_eq!(ix.plan(&policy, now), want, "index vs reference, {profile}");
        assert_eq!(
            PlanIndex::plan_by_topic(&snap, &policy, now),
            want,
            "by topic, {profile}"
        );
        assert_eq!(ix.summary(&policy, now), want.summary(), "summary, {profile}");
    }
});
