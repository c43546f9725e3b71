//! The committed `public/demo-snapshot.json` is what the demo generator writes today, and the
//! demo holds every situation the dashboard is meant to show.

use std::collections::HashSet;
use tierlens_core::demo::{demo_snapshot, DEMO_CAPTURED_AT_MS, DEMO_CLUSTER};
use tierlens_core::ingest::{load_text, snapshot_v1::to_json};
use tierlens_core::{SegmentState, Snapshot};

fn committed_json() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../public/demo-snapshot.json"
    );
    std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("cannot read {path}: {e}; run `cargo run -p tierlens-core --example gen_demo` from the workspace root")
    })
}

#[test]
fn committed_file_matches_the_generator() {
    let expected = to_json(&demo_snapshot(), true);
    let actual = committed_json();
    assert!(
        actual == expected,
        "public/demo-snapshot.json is stale ({} bytes, generator writes {} bytes): run `cargo run -p tierlens-core --example gen_demo` from the workspace root",
        actual.len(),
        expected.len()
    );
}

#[test]
fn committed_file_loads_without_errors_and_round_trips() {
    let loaded = load_text(&committed_json()).expect("the demo loads");
    let errors: Vec<String> = loaded
        .problems
        .iter()
        .filter(|p| !p.kind.is_warning_only())
        .map(|p| p.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(loaded.snapshot, demo_snapshot());
}

#[test]
fn demo_has_the_advertised_shape() {
    let s = demo_snapshot();
    assert_eq!(s.cluster.as_deref(), Some(DEMO_CLUSTER));
    assert_eq!(s.kafka_version, None);
    assert_eq!(s.captured_at_ms, DEMO_CAPTURED_AT_MS);
    assert!(s.topics.len() >= 5, "{} topics", s.topics.len());
    assert!(
        s.partition_count() >= 30,
        "{} partitions",
        s.partition_count()
    );
    let n = s.segment_count();
    assert!((2000..=8000).contains(&n), "{n} segments");
    let names: Vec<&str> = s.topics.iter().map(|t| t.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "topics sorted by name");

    let states: HashSet<SegmentState> = segments(&s).map(|(_, _, g)| g.state).collect();
    for st in [
        SegmentState::CopySegmentStarted,
        SegmentState::CopySegmentFinished,
        SegmentState::DeleteSegmentStarted,
    ] {
        assert!(states.contains(&st), "no {st} segment");
    }
    assert!(!states.contains(&SegmentState::DeleteSegmentFinished));
}

#[test]
fn demo_is_internally_consistent() {
    let s = demo_snapshot();
    let mut ids = HashSet::new();
    for t in &s.topics {
        assert_eq!(t.topic_id.as_ref().map(String::len), Some(22));
        let parts: Vec<i32> = t.partitions.iter().map(|p| p.partition).collect();
        assert_eq!(parts, (0..parts.len() as i32).collect::<Vec<_>>());
        for p in &t.partitions {
            let (lso, leo) = (p.log_start_offset.unwrap(), p.log_end_offset.unwrap());
            let local = p.local_log_start_offset.unwrap();
            assert!(lso <= local && local < leo, "{}-{}", t.name, p.partition);
            assert!(p.only_local_size_bytes.unwrap() <= p.local_size_bytes.unwrap());
            let lineage = p.leader_epochs.as_ref().expect("lineage");
            assert_eq!(
                lineage[0].1, lso,
                "lineage truncated at the log start offset"
            );
            assert!(lineage
                .windows(2)
                .all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1));
            let mut previous_start = i64::MIN;
            for g in &p.segments {
                assert!(ids.insert(g.id), "duplicate id {}", g.id);
                assert!(
                    matches!(g.id, tierlens_core::SegmentId::Uuid(_)),
                    "demo ids are Kafka UUIDs: {}",
                    g.id
                );
                assert!(g.start_offset >= previous_start, "listing order");
                previous_start = g.start_offset;
                assert!(g.start_offset <= g.end_offset && g.end_offset < leo);
                assert!(g.size_bytes > 0 && g.size_bytes <= t.config.segment_bytes);
                let e = &g.segment_leader_epochs;
                assert!(!e.is_empty() && e[0].1 == g.start_offset);
                assert!(e.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1));
                assert!(e.iter().all(|&(_, o)| o <= g.end_offset));
                let event = g.event_timestamp_ms.unwrap();
                assert!(g.max_timestamp_ms <= event && event <= s.captured_at_ms);
            }
        }
    }
}

#[test]
fn demo_contains_each_retention_situation() {
    let s = demo_snapshot();
    let now = s.captured_at_ms;
    use SegmentState::*;

    // Already past retention.ms, waiting for the next expiration run.
    let expired = segments(&s)
        .filter(|(t, _, g)| {
            let ms = t.config.retention_ms;
            ms >= 0 && g.state == CopySegmentFinished && g.max_timestamp_ms < now - ms
        })
        .count();
    assert!(expired >= 3, "{expired} expired segments");

    // Beyond retention.bytes by at least the head segment (so Kafka deletes it).
    let over_bytes = s
        .topics
        .iter()
        .filter(|t| t.config.retention_bytes >= 0)
        .flat_map(|t| t.partitions.iter().map(move |p| (t, p)))
        .filter(|(t, p)| {
            let finished: Vec<_> = p
                .segments
                .iter()
                .filter(|g| g.state == CopySegmentFinished)
                .collect();
            let total: i64 = finished.iter().map(|g| g.size_bytes).sum::<i64>()
                + p.only_local_size_bytes.unwrap();
            total - t.config.retention_bytes >= finished[0].size_bytes
        })
        .count();
    assert!(
        over_bytes >= 3,
        "{over_bytes} partitions over retention.bytes"
    );

    // Stuck deletions sit below the log start offset.
    let stuck: Vec<_> = segments(&s)
        .filter(|(_, _, g)| g.state == DeleteSegmentStarted)
        .collect();
    assert!(stuck.len() >= 2);
    assert!(stuck
        .iter()
        .all(|(_, p, g)| g.end_offset < p.log_start_offset.unwrap()));

    // deleteRecords: a live segment entirely below the log start offset.
    assert!(segments(&s)
        .any(|(_, p, g)| g.state == CopySegmentFinished
            && g.end_offset < p.log_start_offset.unwrap()));

    // One upload in flight (the partition's newest) and one dangling older upload.
    let copy_started: Vec<_> = segments(&s)
        .filter(|(_, _, g)| g.state == CopySegmentStarted)
        .collect();
    let newest = |p: &tierlens_core::Partition, start: i64| {
        !p.segments
            .iter()
            .any(|o| o.state == CopySegmentFinished && o.start_offset > start)
    };
    assert_eq!(
        copy_started
            .iter()
            .filter(|(_, p, g)| newest(p, g.start_offset))
            .count(),
        1
    );
    assert_eq!(
        copy_started
            .iter()
            .filter(|(_, p, g)| !newest(p, g.start_offset))
            .count(),
        1
    );

    // Unclean leader election: segments whose epochs are all below the lineage's first epoch,
    // although they are not below the log start offset, plus a divergent duplicate.
    let unclean: Vec<_> = s
        .topics
        .iter()
        .flat_map(|t| &t.partitions)
        .filter(|p| {
            let first = p.leader_epochs.as_ref().unwrap()[0].0;
            p.segments.iter().any(|g| {
                g.segment_leader_epochs.iter().all(|&(e, _)| e < first)
                    && g.end_offset >= p.log_start_offset.unwrap()
            })
        })
        .collect();
    assert_eq!(unclean.len(), 1);
    let p = unclean[0];
    let lineage = p.leader_epochs.as_ref().unwrap();
    let divergent = p.segments.iter().filter(|g| {
        g.segment_leader_epochs.len() > 1
            && g.segment_leader_epochs[1..]
                .iter()
                .any(|&(e, o)| lineage.iter().any(|&(le, lo)| le == e && lo != o))
    });
    assert_eq!(divergent.count(), 1);

    // Segments spanning two epochs, and an empty epoch in some lineage.
    assert!(segments(&s).any(|(_, _, g)| g.segment_leader_epochs.len() > 1));
    assert!(s.topics.iter().flat_map(|t| &t.partitions).any(|p| p
        .leader_epochs
        .as_ref()
        .unwrap()
        .windows(2)
        .any(|w| w[0].1 == w[1].1)));
}

fn segments(
    s: &Snapshot,
) -> impl Iterator<
    Item = (
        &tierlens_core::Topic,
        &tierlens_core::Partition,
        tierlens_core::SegmentRef<'_>,
    ),
> {
    s.topics.iter().flat_map(|t| {
        t.partitions
            .iter()
            .flat_map(move |p| p.segments.iter().map(move |g| (t, p, g)))
    })
}
