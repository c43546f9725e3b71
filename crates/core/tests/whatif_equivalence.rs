//! Property: the fast what-if index gives exactly the reference plan, for every profile, on
//! random snapshots (multi-epoch segments, gaps, overlaps, every state, random
//! `copyInProgress`, random lineages including ones starting above the segments' epochs,
//! random log start / end offsets) and random policies and `now`.

use proptest::prelude::*;
use tierlens_core::explain::explain_segment;
use tierlens_core::model::*;
use tierlens_core::profile::KafkaVersion;
use tierlens_core::retention::{reference, PlanIndex, Policy, WalkStopCause};
use tierlens_core::size::sizes;

fn state() -> impl Strategy<Value = SegmentState> {
    prop_oneof![
        6 => Just(SegmentState::CopySegmentFinished),
        2 => Just(SegmentState::CopySegmentStarted),
        2 => Just(SegmentState::DeleteSegmentStarted),
        1 => Just(SegmentState::DeleteSegmentFinished),
    ]
}

/// An ascending epoch map starting at `start`, offsets non-decreasing (equal offsets make
/// empty epochs that the filter drops).
fn epochs(start: i64, max_len: i64) -> impl Strategy<Value = EpochMap> {
    (
        0i32..8,
        prop::collection::vec((1i32..3, 0i64..=max_len.max(0)), 0..3),
    )
        .prop_map(move |(e0, rest)| {
            let mut m = vec![(e0, start)];
            let mut e = e0;
            let mut offs: Vec<i64> = rest.iter().map(|&(_, o)| start + o).collect();
            offs.sort();
            for ((de, _), o) in rest.iter().zip(offs) {
                e += de;
                m.push((e, o));
            }
            m
        })
}

fn segment(idx: usize) -> impl Strategy<Value = Segment> {
    (
        0i64..400,
        0i64..80,
        prop_oneof![3 => 0i64..300, 1 => Just(0i64), 1 => 1000i64..5000],
        0i64..3000,
        state(),
        prop_oneof![4 => Just(None), 1 => Just(Some(true)), 1 => Just(Some(false))],
    )
        .prop_flat_map(move |(start, len, size, ts, st, cip)| {
            epochs(start, len).prop_map(move |eps| Segment {
                id: format!("s{idx}"),
                start_offset: start,
                end_offset: start + len,
                max_timestamp_ms: ts,
                event_timestamp_ms: None,
                size_bytes: size,
                segment_leader_epochs: eps,
                state: st,
                broker_id: None,
                copy_in_progress: cip,
            })
        })
}

fn segments() -> impl Strategy<Value = Vec<Segment>> {
    (0usize..22)
        .prop_flat_map(|n| (0..n).map(segment).collect::<Vec<_>>())
        .prop_map(|mut v| {
            // Mostly ascending start offsets (Kafka's listing order), sometimes not.
            if v.len() % 3 != 0 {
                v.sort_by_key(|s| s.start_offset);
            }
            v
        })
}

prop_compose! {
    fn partition(p: i32)(
        segs in segments(),
        lineage in prop_oneof![1 => Just(None), 4 => epochs(0, 300).prop_map(Some)],
        lso in prop::option::of(0i64..350),
        leo in prop::option::of(0i64..500),
        only_local in prop::option::of(prop_oneof![0i64..500, 1000i64..4000]),
        local in prop::option::of((0i64..6000, 0i64..400)),
    ) -> Partition {
        Partition {
            partition: p,
            log_start_offset: lso,
            log_end_offset: leo,
            local_log_start_offset: local.map(|l| l.1),
            local_size_bytes: local.map(|l| l.0),
            only_local_size_bytes: only_local,
            leader_epochs: lineage,
            segments: segs.into(),
        }
    }
}

/// A partition whose segments follow one leader-epoch lineage (so most are valid candidates),
/// with random sizes, states and non-monotonic timestamps.
fn coherent_partition(p: i32) -> impl Strategy<Value = Partition> {
    (
        prop::collection::vec(
            (
                1i64..50,
                prop_oneof![3 => 0i64..300, 1 => Just(0i64), 1 => 1000i64..5000],
                0i64..3000,
                prop_oneof![8 => Just(SegmentState::CopySegmentFinished), 1 => state()],
                prop_oneof![6 => Just(false), 1 => Just(true)],
                prop_oneof![4 => Just(None), 1 => Just(Some(true)), 1 => Just(Some(false))],
            ),
            0..30,
        ),
        0i64..4,
        prop::option::of(0i64..600),
        prop::option::of(prop_oneof![0i64..500, 1000i64..4000]),
        prop::option::of((0i64..8000, 0i64..300)),
        prop_oneof![3 => Just(true), 1 => Just(false)],
    )
        .prop_map(
            move |(specs, first_epoch, lso, only_local, local, monotonic)| {
                let mut segments = Vec::new();
                let mut lineage = vec![(first_epoch as i32, 0i64)];
                let mut epoch = first_epoch as i32;
                let mut off = 0i64;
                let mut ts_base = 0i64;
                for (i, &(len, size, ts, st, bump, cip)) in specs.iter().enumerate() {
                    let start = off;
                    let end = off + len - 1;
                    let mut eps = vec![(epoch, start)];
                    if bump {
                        epoch += 1;
                        let at = start + len / 2;
                        lineage.push((epoch, at));
                        if at > start {
                            eps.push((epoch, at));
                        } else {
                            eps = vec![(epoch, start)];
                        }
                    }
                    ts_base += 100;
                    segments.push(Segment {
                        id: format!("c{i}"),
                        start_offset: start,
                        end_offset: end,
                        max_timestamp_ms: if monotonic { ts_base + ts % 150 } else { ts },
                        event_timestamp_ms: None,
                        size_bytes: size,
                        segment_leader_epochs: eps,
                        state: st,
                        broker_id: None,
                        copy_in_progress: cip,
                    });
                    off = end + 1;
                }
                Partition {
                    partition: p,
                    log_start_offset: lso,
                    log_end_offset: Some(off + 5),
                    local_log_start_offset: local.map(|l| l.1),
                    local_size_bytes: local.map(|l| l.0),
                    only_local_size_bytes: only_local,
                    leader_epochs: Some(lineage),
                    segments: segments.into(),
                }
            },
        )
}

fn retention_ms() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(-1i64),
        Just(0i64),
        0i64..3000,
        Just(1_000_000i64),
        Just(i64::MAX),
    ]
}

fn retention_bytes() -> impl Strategy<Value = i64> {
    prop_oneof![Just(-1i64), Just(0i64), 0i64..3000, 0i64..20000]
}

fn local_limit(base: BoxedStrategy<i64>) -> impl Strategy<Value = i64> {
    prop_oneof![Just(-2i64), Just(-1i64), base]
}

prop_compose! {
    fn config()(
        rms in retention_ms(),
        rb in retention_bytes(),
        lms in local_limit(retention_ms().boxed()),
        lb in local_limit(retention_bytes().boxed()),
    ) -> TopicConfig {
        TopicConfig {
            retention_ms: rms,
            retention_bytes: rb,
            local_retention_ms: lms,
            local_retention_bytes: lb,
            ..TopicConfig::default()
        }
    }
}

prop_compose! {
    fn topic(t: usize)(
        cfg in config(),
        parts in (1usize..4).prop_flat_map(|n| {
            (0..n)
                .map(|p| prop_oneof![partition(p as i32), coherent_partition(p as i32)].boxed())
                .collect::<Vec<_>>()
        }),
    ) -> Topic {
        Topic { name: format!("t{t}"), topic_id: None, config: cfg, partitions: parts }
    }
}

fn snapshot() -> impl Strategy<Value = Snapshot> {
    (1usize..3)
        .prop_flat_map(|n| (0..n).map(topic).collect::<Vec<_>>())
        .prop_map(|topics| Snapshot {
            cluster: None,
            kafka_version: None,
            captured_at_ms: 2000,
            source: SnapshotSource::SnapshotJson,
            topics,
        })
}

fn overrides() -> impl Strategy<Value = Vec<(usize, ConfigKey, i64)>> {
    prop::collection::vec(
        (
            0usize..3,
            prop_oneof![
                Just(ConfigKey::RetentionMs),
                Just(ConfigKey::RetentionBytes),
                Just(ConfigKey::LocalRetentionMs),
                Just(ConfigKey::LocalRetentionBytes),
            ],
            prop_oneof![retention_ms(), retention_bytes(), Just(-2i64)],
        ),
        0..4,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn index_plan_equals_reference_plan(
        snap in snapshot(),
        ov in overrides(),
        now in prop_oneof![0i64..3500, Just(1_000_000i64)],
    ) {
        for profile in KafkaVersion::ALL {
            let mut policy = Policy::new(profile);
            for &(t, k, v) in &ov {
                if let Some(topic) = snap.topics.get(t) {
                    policy.set(&topic.name, k, v);
                }
            }
            let want = reference::plan(&snap, &policy, now);
            let ix = PlanIndex::build(&snap, profile);
            let got = ix.plan(&policy, now);
            prop_assert_eq!(&got, &want, "profile {}", profile);
            // One topic's index at a time gives the same plan, and each topic's own index
            // plans exactly that topic's partitions.
            prop_assert_eq!(&PlanIndex::plan_by_topic(&snap, &policy, now), &want, "by topic, {}", profile);
            prop_assert_eq!(&PlanIndex::summary_by_topic(&snap, &policy, now), &want.summary(), "summary by topic, {}", profile);
            if let Some(t) = snap.topics.first() {
                let one = PlanIndex::build_topics(&snap, profile, |x| x.name == t.name).plan(&policy, now);
                let theirs: Vec<_> = want.partitions.iter().filter(|p| p.topic == t.name).cloned().collect();
                prop_assert_eq!(&one.partitions, &theirs);
                prop_assert_eq!(&one.topics[..], &want.topics[..1]);
            }
            let summary = ix.summary(&policy, now);
            prop_assert_eq!(&summary, &want.summary(), "summary, profile {}", profile);
            // The summary's keys line up with the plan's partitions.
            let keys: Vec<(String, i32)> = ix.partition_keys().map(|(t, p)| (t.to_string(), p)).collect();
            let plan_keys: Vec<(String, i32)> = want.partitions.iter().map(|p| (p.topic.clone(), p.partition)).collect();
            prop_assert_eq!(keys, plan_keys);
            // Totals add up.
            let freed: i64 = want.partitions.iter().map(|p| p.bytes_freed).sum();
            prop_assert_eq!(want.totals.bytes_freed, freed);
            for p in &want.partitions {
                let del: i64 = p.deletions.iter().map(|d| d.size_bytes).sum();
                prop_assert_eq!(p.bytes_freed, del);
                prop_assert!(p.log_start_offset_after >= p.log_start_offset_before);
            }
            // The size report and the plan agree on the starting sizes.
            let report = sizes(&snap, profile);
            for (s, p) in report.partitions.iter().zip(&want.partitions) {
                prop_assert_eq!(s.sizes.remote_log_size_bytes, p.remote_log_size_bytes);
                prop_assert_eq!(s.sizes.remote_log_metadata_count, p.remote_log_metadata_count);
                prop_assert_eq!(s.sizes.retention_size_bytes, p.retention_size_bytes);
            }
            // Every segment gets an explanation whose verdict matches the plan.
            for t in &snap.topics {
                for part in &t.partitions {
                    let pp = want.partition(&t.name, part.partition).unwrap();
                    for i in 0..part.segments.len() {
                        let e = explain_segment(&snap, &want, &t.name, part.partition, i).unwrap();
                        let is_deleted = pp.deletions.iter().any(|d| d.segment_index == i);
                        prop_assert_eq!(e.deleted, is_deleted, "{}", e.text);
                        prop_assert!(e.text.starts_with(if is_deleted { "deleted: " } else { "kept: " })
                            || e.text.starts_with("gone: "), "{}", e.text);
                    }
                }
            }
        }
    }
}

/// A realistic synthetic cluster (leader changes, dangling uploads, retried deletes, uploads in
/// flight, local data) under a grid of policies and instants.
#[test]
fn index_equals_reference_on_a_synthetic_cluster() {
    use tierlens_core::synth::{snapshot as synth, SynthSpec};
    let spec = SynthSpec {
        topics: 3,
        partitions_per_topic: 4,
        segments_per_partition: 120,
        seed: 7,
        ..SynthSpec::default()
    };
    let snap = synth(&spec);
    let hour = 3_600_000i64;
    let mut checked = 0;
    let (mut deleted, mut stopped_by_upload) = (0u64, 0usize);
    for profile in KafkaVersion::ALL {
        let ix = PlanIndex::build(&snap, profile);
        for (ms, bytes) in [
            (-1, -1),
            (24 * hour, -1),
            (-1, 60i64 << 30),
            (72 * hour, 90 << 30),
            (0, 0),
        ] {
            for now in [spec.now_ms, spec.now_ms + 48 * hour] {
                let mut policy = Policy::new(profile);
                for t in &snap.topics {
                    policy.set(&t.name, ConfigKey::RetentionMs, ms);
                    policy.set(&t.name, ConfigKey::RetentionBytes, bytes);
                }
                let want = reference::plan(&snap, &policy, now);
                assert_eq!(ix.plan(&policy, now), want, "{profile} {ms} {bytes} {now}");
                assert_eq!(PlanIndex::plan_by_topic(&snap, &policy, now), want);
                assert_eq!(
                    PlanIndex::summary_by_topic(&snap, &policy, now),
                    want.summary()
                );
                assert_eq!(ix.summary(&policy, now), want.summary());
                deleted += want.totals.segments_deleted;
                stopped_by_upload += want
                    .partitions
                    .iter()
                    .filter(|p| {
                        p.walk_stop
                            .as_ref()
                            .is_some_and(|w| w.cause == WalkStopCause::UploadInProgress)
                    })
                    .count();
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 6 * 5 * 2);
    assert!(deleted > 1000, "the grid deletes: {deleted}");
    assert!(
        stopped_by_upload > 0,
        "some walks stop at the upload in flight"
    );
}
