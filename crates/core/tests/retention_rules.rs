//! Hand-worked scenarios, one per retention rule. Every plan is computed by the reference walk
//! and by the what-if index, which must agree.

use tierlens_core::explain::{explain, explain_segment, Why};
use tierlens_core::model::*;
use tierlens_core::profile::KafkaVersion;
use tierlens_core::retention::{
    presumed_in_flight, reference, DeletionReason, Plan, PlanIndex, Policy, WalkStopCause,
};
use tierlens_core::size::{rlmm_remote_log_size, sizes};

const NOW: i64 = 1_700_000_000_000;
const DAY: i64 = 86_400_000;
const FIN: SegmentState = SegmentState::CopySegmentFinished;

fn seg(id: &str, start: i64, end: i64, size: i64, age_ms: i64, epochs: &[(i32, i64)]) -> Segment {
    Segment {
        id: id.to_string(),
        start_offset: start,
        end_offset: end,
        max_timestamp_ms: NOW - age_ms,
        event_timestamp_ms: None,
        size_bytes: size,
        segment_leader_epochs: epochs.to_vec(),
        state: FIN,
        broker_id: None,
        copy_in_progress: None,
    }
}

fn with_state(mut s: Segment, st: SegmentState) -> Segment {
    s.state = st;
    s
}

fn snapshot(config: TopicConfig, p: Partition) -> Snapshot {
    Snapshot {
        cluster: None,
        kafka_version: None,
        captured_at_ms: NOW,
        source: SnapshotSource::SnapshotJson,
        topics: vec![Topic {
            name: "orders".into(),
            topic_id: None,
            config,
            partitions: vec![p],
        }],
    }
}

fn partition(segments: Vec<Segment>, lineage: &[(i32, i64)], lso: i64, leo: i64) -> Partition {
    Partition {
        partition: 0,
        log_start_offset: Some(lso),
        log_end_offset: Some(leo),
        local_log_start_offset: None,
        local_size_bytes: None,
        only_local_size_bytes: Some(0),
        leader_epochs: Some(lineage.to_vec()),
        segments: segments.into(),
    }
}

fn config(retention_ms: i64, retention_bytes: i64) -> TopicConfig {
    TopicConfig {
        retention_ms,
        retention_bytes,
        ..TopicConfig::default()
    }
}

/// The plan of `snap` under `profile` at `now`, checked index == reference.
fn run(snap: &Snapshot, profile: KafkaVersion, now: i64) -> Plan {
    let policy = Policy::new(profile);
    let want = reference::plan(snap, &policy, now);
    let ix = PlanIndex::build(snap, profile);
    assert_eq!(
        ix.plan(&policy, now),
        want,
        "index vs reference ({profile})"
    );
    assert_eq!(
        ix.summary(&policy, now),
        want.summary(),
        "summary ({profile})"
    );
    want
}

fn deleted(plan: &Plan) -> Vec<(String, DeletionReason)> {
    plan.partitions[0]
        .deletions
        .iter()
        .map(|d| (d.id.clone(), d.reason))
        .collect()
}

fn ids(plan: &Plan) -> Vec<String> {
    deleted(plan).into_iter().map(|(id, _)| id).collect()
}

fn why(snap: &Snapshot, plan: &Plan, i: usize) -> (Why, String) {
    let e = explain_segment(snap, plan, "orders", 0, i).expect("segment exists");
    (e.why, e.text)
}

#[test]
fn time_retention_deletes_segments_whose_newest_record_is_older_than_retention_ms() {
    let p = partition(
        vec![
            seg("a", 0, 99, 100, 10 * DAY, &[(0, 0)]),
            seg("b", 100, 199, 100, 8 * DAY, &[(0, 100)]),
            seg("c", 200, 299, 100, 2 * DAY, &[(0, 200)]),
        ],
        &[(0, 0)],
        0,
        300,
    );
    let snap = snapshot(config(7 * DAY, -1), p);
    let plan = run(&snap, KafkaVersion::V4_3Plus, NOW);
    assert_eq!(
        deleted(&plan),
        vec![
            ("a".into(), DeletionReason::RetentionMs),
            ("b".into(), DeletionReason::RetentionMs)
        ]
    );
    let pp = &plan.partitions[0];
    assert_eq!(pp.log_start_offset_after, 200);
    assert_eq!(pp.bytes_freed, 200);
    assert_eq!(pp.remote_size_after, 100);
    assert_eq!(pp.kept_segments, 1);
    assert_eq!(
        why(&snap, &plan, 0).1,
        "deleted: its newest record is 10d old, older than retention.ms (7d)"
    );
    assert_eq!(
        why(&snap, &plan, 2).1,
        "kept: its newest record is 2d old and retention.ms is 7d; retention.bytes is unlimited"
    );
}

#[test]
fn time_boundary_is_strict_only_in_4_3() {
    // maxTimestampMs == now - retention.ms exactly.
    let p = partition(
        vec![seg("a", 0, 99, 100, 7 * DAY, &[(0, 0)])],
        &[(0, 0)],
        0,
        100,
    );
    let snap = snapshot(config(7 * DAY, -1), p);
    assert_eq!(ids(&run(&snap, KafkaVersion::V4_0To4_2, NOW)), vec!["a"]);
    assert!(ids(&run(&snap, KafkaVersion::V4_3Plus, NOW)).is_empty());
}

#[test]
fn size_retention_keeps_a_segment_larger_than_the_remaining_breach_and_stops_there() {
    let p = partition(
        vec![
            seg("a", 0, 99, 100, DAY, &[(0, 0)]),
            seg("b", 100, 199, 300, DAY, &[(0, 100)]),
            seg("c", 200, 299, 100, DAY, &[(0, 200)]),
        ],
        &[(0, 0)],
        0,
        300,
    );
    // total 500, retention.bytes 250: 250 over. a (100) goes, 150 left; b (300) does not fit
    // and ends the walk, although c (100) would fit.
    let snap = snapshot(config(-1, 250), p);
    let plan = run(&snap, KafkaVersion::V4_3Plus, NOW);
    assert_eq!(
        deleted(&plan),
        vec![("a".into(), DeletionReason::RetentionBytes)]
    );
    let pp = &plan.partitions[0];
    assert_eq!(pp.size_breach_bytes, Some(250));
    let stop = pp.walk_stop.as_ref().unwrap();
    assert_eq!(
        (stop.segment_id.as_str(), stop.cause),
        ("b", WalkStopCause::KeptByRetention)
    );
    assert_eq!(
        why(&snap, &plan, 0).1,
        "deleted: the partition is 250 B over retention.bytes (250 B) and this is among the oldest segments"
    );
    assert_eq!(
        why(&snap, &plan, 1).1,
        "kept: retention.ms is unlimited; the partition is only 150 B over retention.bytes (250 B) and deleting this segment (300 B) would take it below"
    );
    assert_eq!(
        why(&snap, &plan, 2),
        (
            Why::AfterWalkStop,
            "kept: the expiration run stops at the first segment it keeps (segment b)".into()
        )
    );
}

#[test]
fn a_time_deletion_lowers_the_remaining_size_breach() {
    let p = partition(
        vec![
            seg("a", 0, 99, 100, 10 * DAY, &[(0, 0)]),
            seg("b", 100, 199, 100, DAY, &[(0, 100)]),
            seg("c", 200, 299, 100, DAY, &[(0, 200)]),
            seg("d", 300, 399, 100, DAY, &[(0, 300)]),
        ],
        &[(0, 0)],
        0,
        400,
    );
    // 400 total, retention.bytes 250: 150 over. a goes by time and uses 100 of it; b (100) no
    // longer fits in the 50 left. Without that, size alone would delete a and b.
    let snap = snapshot(config(7 * DAY, 250), p.clone());
    let plan = run(&snap, KafkaVersion::V4_3Plus, NOW);
    assert_eq!(
        deleted(&plan),
        vec![("a".into(), DeletionReason::RetentionMs)]
    );
    let size_only = run(&snapshot(config(-1, 250), p), KafkaVersion::V4_3Plus, NOW);
    assert_eq!(ids(&size_only), vec!["a"]);
    assert_eq!(
        size_only.partitions[0].deletions[0].reason,
        DeletionReason::RetentionBytes
    );
}

#[test]
fn configs_given_as_strings_are_read_as_numbers() {
    let json = format!(
        r#"{{"format":"tierlens-snapshot","version":1,"capturedAtMs":{NOW},
        "topics":[{{"name":"orders","config":{{"retention.ms":"86400000","retention.bytes":"-1"}},
        "partitions":[{{"partition":0,"logStartOffset":0,"logEndOffset":200,"leaderEpochs":[[0,0]],
        "segments":[
          {{"id":"a","startOffset":0,"endOffset":99,"maxTimestampMs":{},"sizeBytes":10,"leaderEpochs":[[0,0]],"state":"COPY_SEGMENT_FINISHED"}},
          {{"id":"b","startOffset":100,"endOffset":199,"maxTimestampMs":{},"sizeBytes":10,"leaderEpochs":[[0,100]],"state":"COPY_SEGMENT_FINISHED"}}]}}]}}]}}"#,
        NOW - 2 * DAY,
        NOW - 1000
    );
    let loaded = tierlens_core::load_text(&json).expect("snapshot");
    assert_eq!(loaded.snapshot.topics[0].config.retention_ms, DAY);
    let plan = run(&loaded.snapshot, KafkaVersion::V4_3Plus, NOW);
    assert_eq!(ids(&plan), vec!["a"]);
}

#[test]
fn retention_ms_beyond_now_aborts_up_to_3_9_and_is_ignored_from_4_0() {
    let p = partition(
        vec![
            seg("a", 0, 99, 100, DAY, &[(0, 0)]),
            seg("b", 100, 199, 100, DAY, &[(0, 100)]),
        ],
        &[(0, 0)],
        0,
        200,
    );
    let snap = snapshot(config(NOW + 1, 0), p);
    for v in [KafkaVersion::V3_6_1To3_7_0, KafkaVersion::V3_8_1To3_9] {
        let plan = run(&snap, v, NOW);
        assert!(ids(&plan).is_empty(), "{v}");
        assert!(plan.partitions[0].error.is_some(), "{v}");
        assert_eq!(plan.totals.partitions_with_errors, 1);
        assert_eq!(why(&snap, &plan, 0).0, Why::RunAborted);
    }
    for v in [KafkaVersion::V4_0To4_2, KafkaVersion::V4_3Plus] {
        let plan = run(&snap, v, NOW);
        assert_eq!(ids(&plan), vec!["a", "b"], "{v}: size retention still runs");
        assert!(plan.partitions[0].error.is_none());
        assert_eq!(plan.partitions[0].cleanup_until_ms, None);
    }
}

#[test]
fn the_walk_stops_at_the_first_valid_segment_it_keeps() {
    let p = partition(
        vec![
            seg("a", 0, 99, 100, 10 * DAY, &[(0, 0)]),
            seg("b", 100, 199, 100, DAY, &[(0, 100)]),
            seg("c", 200, 299, 100, 10 * DAY, &[(0, 200)]),
        ],
        &[(0, 0)],
        0,
        300,
    );
    let snap = snapshot(config(7 * DAY, -1), p);
    let plan = run(&snap, KafkaVersion::V4_3Plus, NOW);
    assert_eq!(ids(&plan), vec!["a"], "c is old but after the kept b");
    assert_eq!(why(&snap, &plan, 2).0, Why::AfterWalkStop);
}

#[test]
fn delete_segment_started_is_retried_from_4_0_and_re_evaluated_before() {
    let p = partition(
        vec![
            with_state(
                seg("a", 0, 99, 100, DAY, &[(0, 0)]),
                SegmentState::DeleteSegmentStarted,
            ),
            seg("b", 100, 199, 100, DAY, &[(0, 100)]),
        ],
        &[(0, 0)],
        0,
        200,
    );
    let snap = snapshot(config(7 * DAY, -1), p);
    let plan = run(&snap, KafkaVersion::V4_0To4_2, NOW);
    assert_eq!(deleted(&plan), vec![("a".into(), DeletionReason::Retry)]);
    assert_eq!(
        plan.partitions[0].log_start_offset_after, 0,
        "a retry does not move the LSO"
    );
    assert_eq!(
        why(&snap, &plan, 0).1,
        "deleted: stuck in DELETE_SEGMENT_STARTED; Kafka retries the delete"
    );
    let old = run(&snap, KafkaVersion::V3_8_1To3_9, NOW);
    assert!(ids(&old).is_empty(), "3.9 keeps it while within retention");
    assert_eq!(
        old.partitions[0].walk_stop.as_ref().unwrap().segment_id,
        "a"
    );
}

#[test]
fn copy_segment_started_upload_in_flight_and_dangling_uploads() {
    let segments = vec![
        with_state(
            seg("dangling", 0, 99, 100, 10 * DAY, &[(0, 0)]),
            SegmentState::CopySegmentStarted,
        ),
        seg("a", 100, 199, 100, 10 * DAY, &[(0, 100)]),
        seg("b", 200, 299, 100, 10 * DAY, &[(0, 200)]),
        with_state(
            seg("uploading", 300, 399, 100, 10 * DAY, &[(0, 300)]),
            SegmentState::CopySegmentStarted,
        ),
    ];
    let p = partition(segments, &[(0, 0)], 0, 500);
    assert_eq!(presumed_in_flight(&p), vec![false, false, false, true]);
    let snap = snapshot(config(7 * DAY, -1), p.clone());
    // 3.9+: the walk stops at the upload in flight; the dangling upload goes by time.
    let plan = run(&snap, KafkaVersion::V4_3Plus, NOW);
    assert_eq!(ids(&plan), vec!["dangling", "a", "b"]);
    let stop = plan.partitions[0].walk_stop.as_ref().unwrap();
    assert_eq!(
        (stop.segment_id.as_str(), stop.cause),
        ("uploading", WalkStopCause::UploadInProgress)
    );
    assert_eq!(
        why(&snap, &plan, 3).1,
        "kept: upload in progress; the expiration run stops here"
    );
    // 4.3+ metric excludes COPY_SEGMENT_STARTED; 4.0-4.2 counts it.
    assert_eq!(plan.partitions[0].remote_log_size_bytes, 200);
    assert_eq!(
        run(&snap, KafkaVersion::V4_0To4_2, NOW).partitions[0].remote_log_size_bytes,
        400
    );
    // 3.8.0 has no such stop: the old upload is deleted like any other segment.
    assert_eq!(
        ids(&run(&snap, KafkaVersion::V3_8_0, NOW)),
        vec!["dangling", "a", "b", "uploading"]
    );
    // The exporter says nothing is in flight: a dangling upload like the other.
    let mut p2 = p;
    let mut segs = p2.segments.to_vec();
    segs[3].copy_in_progress = Some(false);
    p2.segments = segs.into();
    let plan2 = run(
        &snapshot(config(7 * DAY, -1), p2),
        KafkaVersion::V4_3Plus,
        NOW,
    );
    assert_eq!(ids(&plan2), vec!["dangling", "a", "b", "uploading"]);
}

#[test]
fn a_dangling_upload_uses_size_budget_without_being_counted() {
    // 4.0+: retention total counts COPY_SEGMENT_FINISHED only (200 + 0 local = 200 > 100, so
    // 100 over); the COPY_SEGMENT_STARTED segment first in the walk fits and uses it up.
    let p = partition(
        vec![
            with_state(
                seg("dangling", 0, 99, 100, DAY, &[(0, 0)]),
                SegmentState::CopySegmentStarted,
            ),
            seg("a", 0, 99, 100, DAY, &[(0, 0)]),
            seg("b", 100, 199, 100, DAY, &[(0, 100)]),
        ],
        &[(0, 0)],
        0,
        300,
    );
    let snap = snapshot(config(-1, 100), p);
    let plan = run(&snap, KafkaVersion::V4_3Plus, NOW);
    assert_eq!(plan.partitions[0].retention_size_bytes, 200);
    assert_eq!(ids(&plan), vec!["dangling"]);
    // 3.8.0 counts every listed state: total 300, 200 over: dangling and a go.
    assert_eq!(
        ids(&run(&snap, KafkaVersion::V3_8_0, NOW)),
        vec!["dangling", "a"]
    );
}

#[test]
fn segments_below_a_moved_log_start_offset_go_without_using_the_budget() {
    let p = partition(
        vec![
            seg("a", 0, 99, 100, DAY, &[(0, 0)]),
            seg("b", 100, 199, 100, DAY, &[(0, 100)]),
            seg("c", 200, 299, 100, DAY, &[(0, 200)]),
        ],
        &[(0, 150)],
        150,
        300,
    );
    let snap = snapshot(config(-1, -1), p);
    let plan = run(&snap, KafkaVersion::V4_3Plus, NOW);
    assert_eq!(
        deleted(&plan),
        vec![("a".into(), DeletionReason::LogStartOffset)]
    );
    assert_eq!(plan.partitions[0].log_start_offset_after, 150);
    assert!(why(&snap, &plan, 0)
        .1
        .starts_with("deleted: it ends at offset 99, below the log start offset 150"));
}

#[test]
fn segments_from_before_an_unclean_election_are_deleted_as_unreferenced() {
    let p = partition(
        vec![
            seg("old1", 0, 99, 100, DAY, &[(2, 0)]),
            seg("old2", 100, 199, 100, DAY, &[(3, 100), (4, 150)]),
            seg("new", 300, 399, 100, DAY, &[(7, 300)]),
        ],
        &[(7, 300)],
        300,
        400,
    );
    let snap = snapshot(config(-1, -1), p);
    let plan = run(&snap, KafkaVersion::V4_3Plus, NOW);
    assert_eq!(
        deleted(&plan),
        vec![
            ("old1".into(), DeletionReason::UnreferencedEpoch),
            ("old2".into(), DeletionReason::UnreferencedEpoch)
        ]
    );
    assert_eq!(plan.partitions[0].log_start_offset_after, 300);
    assert_eq!(
        why(&snap, &plan, 1).1,
        "deleted: left over from before an unclean leader election (epoch 4 is older than the earliest leader epoch 7)"
    );
}

#[test]
fn a_divergent_segment_is_skipped_and_does_not_stop_the_walk() {
    let p = partition(
        vec![
            seg("a", 0, 99, 100, DAY, &[(0, 0)]),
            // Epoch 2 starts at 120 here but at 100 in the lineage: another leader's copy.
            seg("div", 50, 149, 100, DAY, &[(0, 50), (2, 120)]),
            seg("b", 100, 199, 100, DAY, &[(2, 100)]),
        ],
        &[(0, 0), (2, 100)],
        0,
        200,
    );
    let snap = snapshot(config(-1, 0), p);
    let plan = run(&snap, KafkaVersion::V4_3Plus, NOW);
    assert_eq!(ids(&plan), vec!["a", "b"]);
    assert_eq!(
        plan.partitions[0].retention_size_bytes, 200,
        "div is not counted"
    );
    assert_eq!(
        why(&snap, &plan, 1),
        (
            Why::OutsideLineage,
            "kept: outside the leader-epoch lineage, retention skips it".into()
        )
    );
    let r = sizes(&snap, KafkaVersion::V4_3Plus);
    assert_eq!(r.cluster.outside_lineage.bytes, 100);
}

#[test]
fn a_multi_epoch_segment_is_counted_and_deleted_once() {
    let p = partition(
        vec![
            seg("multi", 0, 99, 100, DAY, &[(0, 0), (1, 30), (2, 60)]),
            seg("b", 100, 199, 100, DAY, &[(2, 100)]),
        ],
        &[(0, 0), (1, 30), (2, 60)],
        0,
        200,
    );
    let snap = snapshot(config(-1, 100), p);
    let r = sizes(&snap, KafkaVersion::V4_3Plus);
    assert_eq!(r.cluster.retention_remote_bytes, 200);
    let per_epoch: i64 = (0..3)
        .map(|e| rlmm_remote_log_size(&snap.topics[0].partitions[0], e))
        .sum();
    assert_eq!(
        per_epoch, 400,
        "remoteLogSize summed over epochs double-counts"
    );
    let plan = run(&snap, KafkaVersion::V4_3Plus, NOW);
    assert_eq!(ids(&plan), vec!["multi"]);
}

#[test]
fn empty_epochs_of_the_leader_epoch_cache_are_filtered() {
    // Epochs 0 and 1 hold no records (same start offset as epoch 2).
    let p = partition(
        vec![
            seg("a", 0, 49, 100, DAY, &[(2, 0)]),
            seg("b", 50, 99, 100, DAY, &[(3, 50)]),
        ],
        &[(0, 0), (1, 0), (2, 0), (3, 50)],
        0,
        100,
    );
    let snap = snapshot(config(-1, 100), p);
    let plan = run(&snap, KafkaVersion::V4_3Plus, NOW);
    assert_eq!(plan.partitions[0].retention_size_bytes, 200);
    assert_eq!(ids(&plan), vec!["a"]);
}

#[test]
fn a_segment_ending_past_the_log_end_offset_is_outside_the_lineage() {
    let p = partition(
        vec![
            seg("a", 0, 99, 100, DAY, &[(0, 0)]),
            seg("b", 100, 199, 100, DAY, &[(0, 100)]),
        ],
        &[(0, 0)],
        0,
        150,
    );
    let snap = snapshot(config(-1, 0), p);
    let plan = run(&snap, KafkaVersion::V4_3Plus, NOW);
    assert_eq!(ids(&plan), vec!["a"]);
    assert_eq!(
        why(&snap, &plan, 1).1,
        "kept: outside the leader-epoch lineage, retention skips it (it ends at offset 199, at or past the log end offset 150)"
    );
}

#[test]
fn kafka_defaults_keep_seven_days_and_unlimited_bytes() {
    let p = partition(
        vec![
            seg("a", 0, 99, 1 << 40, 8 * DAY, &[(0, 0)]),
            seg("b", 100, 199, 1 << 40, 6 * DAY, &[(0, 100)]),
        ],
        &[(0, 0)],
        0,
        200,
    );
    let snap = snapshot(TopicConfig::default(), p);
    let plan = run(&snap, KafkaVersion::default(), NOW);
    assert_eq!(ids(&plan), vec!["a"]);
    assert_eq!(plan.partitions[0].retention_ms, DEFAULT_RETENTION_MS);
    assert_eq!(plan.partitions[0].size_breach_bytes, None);
}

#[test]
fn policy_overrides_apply_per_topic() {
    let p = partition(
        vec![seg("a", 0, 99, 100, 2 * DAY, &[(0, 0)])],
        &[(0, 0)],
        0,
        100,
    );
    let snap = snapshot(TopicConfig::default(), p);
    let policy = Policy::new(KafkaVersion::V4_3Plus).with("orders", ConfigKey::RetentionMs, DAY);
    let plan = reference::plan(&snap, &policy, NOW);
    assert_eq!(ids(&plan), vec!["a"]);
    assert_eq!(
        PlanIndex::build(&snap, KafkaVersion::V4_3Plus).plan(&policy, NOW),
        plan
    );
    let e = explain(&snap, &policy, NOW, "orders", 0, "a").unwrap();
    assert!(e.deleted);
    assert_eq!(
        e.text,
        "deleted: its newest record is 2d old, older than retention.ms (1d)"
    );
    assert!(explain(&snap, &policy, NOW, "orders", 0, "nope").is_none());
}

#[test]
fn local_retention_frees_only_copied_bytes_and_honours_the_minus_two_bug() {
    let mut p = partition(
        vec![
            seg("a", 0, 99, 100, 5 * DAY, &[(0, 0)]),
            seg("b", 100, 199, 100, 4 * DAY, &[(0, 100)]),
            seg("c", 200, 299, 100, 3 * DAY, &[(0, 200)]),
            seg("d", 300, 399, 100, 2 * DAY, &[(0, 300)]),
        ],
        &[(0, 0)],
        0,
        450,
    );
    // Local log: b, c, d (copied) plus 100 bytes not uploaded yet.
    p.local_log_start_offset = Some(100);
    p.local_size_bytes = Some(400);
    let cfg = TopicConfig {
        retention_ms: -1,
        retention_bytes: 250,
        local_retention_ms: -2,
        local_retention_bytes: -2,
        ..TopicConfig::default()
    };
    let snap = snapshot(cfg, p);
    // retention.bytes 250: remote total 400 (no local-only bytes), 150 over: a goes, b (100)
    // does not fit in the 50 left; log start offset 100. Local (local.retention.bytes -2 =
    // 250): 400 local bytes, excess 150: b (copied) goes, c does not fit.
    let plan = run(&snap, KafkaVersion::V4_3Plus, NOW);
    assert_eq!(ids(&plan), vec!["a"]);
    let l = &plan.partitions[0].local;
    assert_eq!(l.local_retention_bytes, 250);
    assert_eq!(l.local_bytes_freed, Some(100));
    assert_eq!(l.local_log_start_offset_after, Some(200));
    // Explicit local.retention.bytes 120: excess 280 → c and d (copied) go, the 100 bytes not
    // uploaded stay.
    let mut snap2 = snap.clone();
    snap2.topics[0].config.local_retention_bytes = 120;
    snap2.topics[0].config.retention_bytes = -1;
    let plan2 = run(&snap2, KafkaVersion::V4_3Plus, NOW);
    assert!(ids(&plan2).is_empty());
    let l2 = &plan2.partitions[0].local;
    assert_eq!(
        l2.local_bytes_freed,
        Some(200),
        "b and c: 100 + 100, then d does not fit"
    );
    assert_eq!(l2.local_log_start_offset_after, Some(300));
    // 3.8.0: local.retention.bytes = -2 meant no local limit. retention.bytes 300: remote
    // deletes a (100 over); locally 100 over as well, which only 3.8.1+ acts on.
    let mut snap3 = snap.clone();
    snap3.topics[0].config.retention_bytes = 300;
    let plan3 = run(&snap3, KafkaVersion::V3_8_0, NOW);
    assert_eq!(ids(&plan3), vec!["a"]);
    assert_eq!(plan3.partitions[0].local.local_bytes_freed, Some(0));
    assert_eq!(plan3.partitions[0].local.local_retention_bytes, -2);
    let plan3b = run(&snap3, KafkaVersion::V3_8_1To3_9, NOW);
    assert_eq!(plan3b.partitions[0].local.local_bytes_freed, Some(100));
    // Remote time retention moving the log start offset frees the local copies below it,
    // whatever the local limits.
    let mut snap5 = snap.clone();
    snap5.topics[0].config.retention_bytes = -1;
    snap5.topics[0].config.retention_ms = 3 * DAY + 1;
    let plan5 = run(&snap5, KafkaVersion::V3_8_0, NOW);
    assert_eq!(ids(&plan5), vec!["a", "b"]);
    assert_eq!(plan5.partitions[0].local.local_bytes_freed, Some(100));
    // No local data in the snapshot: nothing to say.
    let mut snap4 = snap;
    snap4.topics[0].partitions[0].local_size_bytes = None;
    assert_eq!(
        run(&snap4, KafkaVersion::V4_3Plus, NOW).partitions[0]
            .local
            .local_bytes_freed,
        None
    );
}

#[test]
fn plans_serialize_with_kafka_reason_names() {
    let p = partition(
        vec![seg("a", 0, 99, 100, 10 * DAY, &[(0, 0)])],
        &[(0, 0)],
        0,
        100,
    );
    let plan = run(&snapshot(config(DAY, -1), p), KafkaVersion::V4_3Plus, NOW);
    let v = serde_json::to_value(&plan).unwrap();
    assert_eq!(v["profile"], "4.3+");
    assert_eq!(v["partitions"][0]["deletions"][0]["reason"], "retention.ms");
    assert_eq!(v["partitions"][0]["logStartOffsetAfter"], 100);
    assert_eq!(v["totals"]["bytesFreed"], 100);
}
