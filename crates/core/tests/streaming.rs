//! The streaming loader gives exactly what a whole-input parse gives, however the input is cut
//! into chunks: the same snapshot and problems, or the same error at the same line and column.

use proptest::prelude::*;
use std::io::Write;
use tierlens_core::demo::demo_snapshot;
use tierlens_core::ingest::snapshot_v1::to_json;
use tierlens_core::synth::{snapshot, SynthSpec};
use tierlens_core::{load, LoadError, Loaded, StreamLoader};

/// Feeds `bytes` in chunks whose sizes cycle through `cuts` (each ≥ 1).
fn chunked(bytes: &[u8], cuts: &[usize]) -> Result<Loaded, LoadError> {
    let mut loader = StreamLoader::new();
    let mut at = 0;
    let mut i = 0;
    while at < bytes.len() {
        let n = cuts[i % cuts.len()].max(1).min(bytes.len() - at);
        loader.feed(&bytes[at..at + n])?;
        at += n;
        i += 1;
    }
    loader.finish()
}

fn small_synth() -> String {
    to_json(
        &snapshot(&SynthSpec {
            topics: 3,
            partitions_per_topic: 2,
            segments_per_partition: 12,
            ..SynthSpec::default()
        }),
        true,
    )
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

const DUMP: &str = include_str!("../../../tests/data/formatter-10-lines.txt");

#[test]
fn one_byte_chunks_equal_the_whole_parse() {
    for text in [small_synth(), to_json(&demo_snapshot(), false)] {
        let whole = load(text.as_bytes()).expect("loads");
        assert!(whole.snapshot.segment_count() > 0);
        assert_eq!(chunked(text.as_bytes(), &[1]).unwrap(), whole);
    }
    let whole = load(DUMP.as_bytes()).expect("the dump loads");
    assert_eq!(chunked(DUMP.as_bytes(), &[1]).unwrap(), whole);
}

#[test]
fn multibyte_text_cut_anywhere_reads_the_same() {
    let mut snap = snapshot(&SynthSpec {
        topics: 2,
        partitions_per_topic: 1,
        segments_per_partition: 3,
        ..SynthSpec::default()
    });
    snap.topics[0].name = "zahlungen-ü-日本-\u{202e}".into();
    let text = to_json(&snap, false);
    let whole = load(text.as_bytes()).unwrap();
    assert_eq!(whole.snapshot.topics[1].name, "zahlungen-ü-日本-\u{202e}");
    assert_eq!(chunked(text.as_bytes(), &[1]).unwrap(), whole);
    assert_eq!(chunked(text.as_bytes(), &[2, 3]).unwrap(), whole);
    // A byte that is not UTF-8 is named by its offset, however the input is cut.
    let mut bad = text.into_bytes();
    let at = bad.len() / 2;
    bad[at] = 0xff;
    let err = load(&bad).unwrap_err();
    assert_eq!(err, LoadError::NotUtf8 { offset: at });
    assert_eq!(chunked(&bad, &[1]).unwrap_err(), err);
    assert_eq!(chunked(&bad, &[7, 1000]).unwrap_err(), err);
}

#[test]
fn gzip_streams_in_chunks() {
    let text = small_synth();
    let gz = gzip(text.as_bytes());
    let whole = load(text.as_bytes()).unwrap();
    assert_eq!(load(&gz).unwrap(), whole);
    assert_eq!(chunked(&gz, &[1, 7, 300]).unwrap(), whole);
    // Cut short: a gzip error or a truncated-JSON error, never a panic or a snapshot.
    assert!(chunked(&gz[..gz.len() / 2], &[100]).is_err());
}

#[test]
fn progress_counts_bytes_and_segments() {
    let text = small_synth();
    let mut loader = StreamLoader::new();
    let half = text.len() / 2;
    loader.feed(&text.as_bytes()[..half]).unwrap();
    let p = loader.progress();
    assert_eq!(p.bytes, half as u64);
    assert!(p.segments > 0 && p.segments < 72, "{p:?}");
    loader.feed(&text.as_bytes()[half..]).unwrap();
    assert_eq!(loader.progress().segments, 72);
}

#[test]
fn errors_are_located_the_same_whatever_the_chunks() {
    let good = to_json(&demo_snapshot(), true);
    let cases = [
        good.replacen("\"startOffset\"", "\"startOffset\" 1", 1),
        good.replacen("\"sizeBytes\": ", "\"sizeBytes\": \"x", 1),
        good.replacen("\"partition\": 0", "\"partition\": true", 1),
        good.replacen("\"name\"", "\"nom\"", 1),
        good.replacen("\"segments\": [", "\"segments\": 5, \"x\": [", 1),
        good.replacen("\"topics\": [", "\"topics\": [7, ", 1),
        format!("{good} trailing"),
        "  \n ".to_string(),
        "[1, 2]".to_string(),
        "{\"format\": \"tierlens-snapshot\", \"version\": 1, \"capturedAtMs\": 1}".to_string(),
    ];
    for (i, text) in cases.iter().enumerate() {
        let whole = load(text.as_bytes()).expect_err(&format!("case {i} must fail"));
        for cuts in [&[1][..], &[3, 5], &[4096]] {
            assert_eq!(
                chunked(text.as_bytes(), cuts).unwrap_err(),
                whole,
                "case {i}, cuts {cuts:?}"
            );
        }
    }
}

#[test]
fn the_memory_limit_counts_what_is_held_not_what_is_read() {
    let text = small_synth();
    // Room for about 20 segments: the 72 of this snapshot do not fit.
    let mut loader = StreamLoader::with_limit(20 * 200);
    let refused = text.as_bytes().chunks(256).try_for_each(|c| loader.feed(c));
    assert!(
        matches!(refused, Err(LoadError::TooLarge { .. })),
        "{refused:?}"
    );
    // Blanks 16 times the limit are read, not held.
    let mut loader = StreamLoader::with_limit(1 << 20);
    let blanks = vec![b' '; 1 << 20];
    for _ in 0..16 {
        loader.feed(&blanks).unwrap();
    }
    loader.feed(text.as_bytes()).unwrap();
    assert_eq!(loader.finish().unwrap(), load(text.as_bytes()).unwrap());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_chunking_equals_the_whole_parse(cuts in prop::collection::vec(1usize..400, 1..8), gz in any::<bool>()) {
        let text = small_synth();
        let bytes = if gz { gzip(text.as_bytes()) } else { text.clone().into_bytes() };
        prop_assert_eq!(chunked(&bytes, &cuts).unwrap(), load(text.as_bytes()).unwrap());
    }

    #[test]
    fn any_truncation_fails_the_same_chunked_or_whole(cut in 0usize..4000, cuts in prop::collection::vec(1usize..64, 1..4)) {
        let text = small_synth();
        let cut = cut.min(text.len() - 1);
        let bytes = &text.as_bytes()[..cut];
        let whole = load(bytes);
        prop_assert!(whole.is_err(), "a cut snapshot never loads");
        prop_assert_eq!(chunked(bytes, &cuts), whole);
    }

    #[test]
    fn dumps_stream_line_by_line(cuts in prop::collection::vec(1usize..200, 1..6)) {
        prop_assert_eq!(chunked(DUMP.as_bytes(), &cuts).unwrap(), load(DUMP.as_bytes()).unwrap());
    }
}
