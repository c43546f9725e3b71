//! `synth::metadata_records` is the inverse of the replay: the records it gives, encoded as
//! Kafka's serde writes them, replay to the snapshot they came from, both as a raw dump and as
//! the formatter's text (the collector's seeding and its equality test rest on this).
use base64::Engine;
use tierlens_core::demo::demo_snapshot;
use tierlens_core::ingest::load_text;
use tierlens_core::synth::metadata_records;
use tierlens_core::{SegmentState, Snapshot};

/// A segment as a replay can know it: topic, partition, id, offsets, max timestamp, size,
/// epochs, state.
type SegmentRow = (
    String,
    i32,
    String,
    i64,
    i64,
    i64,
    i64,
    Vec<(i32, i64)>,
    SegmentState,
);

/// Each partition's segments as comparable rows.
fn segments(s: &Snapshot) -> Vec<SegmentRow> {
    let mut out = Vec::new();
    for t in &s.topics {
        for p in &t.partitions {
            for g in p.segments.iter() {
                out.push((
                    t.name.clone(),
                    p.partition,
                    g.id.to_string(),
                    g.start_offset,
                    g.end_offset,
                    g.max_timestamp_ms,
                    g.size_bytes,
                    g.segment_leader_epochs.to_vec(),
                    g.state,
                ));
            }
        }
    }
    out.sort_by(|a, b| (&a.0, a.1, a.3, &a.2).cmp(&(&b.0, b.1, b.3, &b.2)));
    out
}

#[test]
fn demo_records_replay_to_the_demo_segments_as_raw_values_and_as_formatter_text() {
    let demo = demo_snapshot();
    let records = metadata_records(&demo);
    let expected: Vec<_> = segments(&demo)
        .into_iter()
        .filter(|s| s.8 != SegmentState::DeleteSegmentFinished)
        .collect();
    assert!(expected.len() > 100, "the demo has segments");
    // Updates follow their segment: more records than segments.
    assert!(records.len() > expected.len());

    let b64 = base64::engine::general_purpose::STANDARD;
    let mut raw = String::new();
    let mut text = String::new();
    for (o, r) in records.iter().enumerate() {
        // Alternate the record versions Kafka writes (0 before 4.0, 1 after).
        let value = r.encode((o % 2) as u16);
        raw.push_str(&format!("3 {o} {}\n", b64.encode(&value)));
        text.push_str(&r.formatter_line(3, o as i64).unwrap());
        text.push('\n');
    }
    let from_raw = load_text(&raw).unwrap();
    let from_text = load_text(&text).unwrap();
    assert!(from_raw.problems.is_empty(), "{:?}", from_raw.problems);
    assert_eq!(segments(&from_raw.snapshot), expected);
    assert_eq!(segments(&from_text.snapshot), expected);
    for (a, b) in from_raw.snapshot.topics.iter().zip(&demo.topics) {
        assert_eq!(a.name, b.name);
        assert_eq!(a.topic_id, b.topic_id);
    }
}
