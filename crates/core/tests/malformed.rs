//! Every file of `tests/malformed/` gives the outcome `tests/malformed/expected.json` names, fed
//! at once and in small random chunks alike, without a panic; and inputs that are only large
//! (whitespace, one endless line, endless bad lines) end quickly in a clear error without being
//! held.

use serde_json::Value;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tierlens_core::{load, LoadError, Loaded, StreamLoader};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/malformed")
}

/// Chunk sizes 1..=max from a xorshift seeded with `seed`.
fn chunked(bytes: &[u8], seed: u32, max: usize) -> Result<Loaded, LoadError> {
    let mut state = seed | 1;
    let mut loader = StreamLoader::new();
    let mut at = 0;
    while at < bytes.len() {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = (state as usize % max + 1).min(bytes.len() - at);
        loader.feed(&bytes[at..at + n])?;
        at += n;
    }
    loader.finish()
}

/// The variant's name and where it is located, as the manifest writes them.
fn describe(e: &LoadError) -> Value {
    let (name, line, column, offset) = match e {
        LoadError::Empty => ("Empty", None, None, None),
        LoadError::OnlyWhitespace { .. } => ("OnlyWhitespace", None, None, None),
        LoadError::TooLarge { .. } => ("TooLarge", None, None, None),
        LoadError::Gzip(_) => ("Gzip", None, None, None),
        LoadError::NotUtf8 { offset } => ("NotUtf8", None, None, Some(*offset)),
        LoadError::Json { line, column, .. } => ("Json", Some(*line), Some(*column), None),
        LoadError::NotASnapshot { .. } => ("NotASnapshot", None, None, None),
        LoadError::UnsupportedVersion { line, column, .. } => {
            ("UnsupportedVersion", Some(*line), Some(*column), None)
        }
        LoadError::Schema { line, column, .. } => ("Schema", Some(*line), Some(*column), None),
        LoadError::NoRecords { .. } => ("NoRecords", None, None, None),
    };
    let mut v = serde_json::json!({ "error": name, "message": e.to_string() });
    for (k, x) in [("line", line), ("column", column), ("offset", offset)] {
        if let Some(x) = x {
            v[k] = x.into();
        }
    }
    v
}

fn check(name: &str, want: &Value, got: &Result<Loaded, LoadError>) {
    match (want.get("refused"), want.get("partial"), got) {
        (Some(r), None, Err(e)) => {
            let d = describe(e);
            assert_eq!(d["error"], r["error"], "{name}: {e:?}");
            for k in ["line", "column", "offset"] {
                assert_eq!(d.get(k), r.get(k), "{name}: {k} of {e:?}");
            }
            let needle = r["message"].as_str().unwrap();
            assert!(
                e.to_string().contains(needle),
                "{name}: {e} lacks {needle:?}"
            );
        }
        (None, Some(p), Ok(loaded)) => {
            let problems: Vec<Value> = loaded
                .problems
                .iter()
                .map(|p| serde_json::to_value(p).unwrap())
                .collect();
            let expected = p["problems"].as_array().unwrap();
            assert_eq!(problems.len(), expected.len(), "{name}: {problems:#?}");
            for (got, want) in problems.iter().zip(expected) {
                for (k, v) in want.as_object().unwrap() {
                    assert_eq!(&got[k], v, "{name}: {k} of {got}");
                }
            }
            let dropped = loaded
                .problems
                .iter()
                .filter(|p| p.kind.drops_data())
                .count();
            assert_eq!(dropped as u64, p["dropped"].as_u64().unwrap(), "{name}");
            let mut kept = serde_json::Map::new();
            for t in &loaded.snapshot.topics {
                for part in &t.partitions {
                    let ids: Vec<Value> = part
                        .segments
                        .iter()
                        .map(|s| s.id.to_string().into())
                        .collect();
                    kept.insert(format!("{}-{}", t.name, part.partition), ids.into());
                }
            }
            assert_eq!(Value::Object(kept), p["kept"], "{name}");
        }
        _ => panic!("{name}: expected {want}, got {got:?}"),
    }
}

#[test]
fn every_malformed_file_has_its_expected_outcome_whole_and_chunked() {
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir().join("expected.json")).unwrap()).unwrap();
    let files = manifest["files"].as_object().unwrap();
    let mut on_disk: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "expected.json" && n != "README.md")
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = files.keys().cloned().collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "every file has an expected outcome, and only files do"
    );
    assert!(listed.len() >= 20, "{listed:?}");
    for (name, want) in files {
        let bytes = std::fs::read(dir().join(name)).unwrap();
        let whole = load(&bytes);
        check(name, want, &whole);
        for seed in 1..=12u32 {
            for max in [1, 3, 17, 256] {
                assert_eq!(
                    chunked(&bytes, seed * 7919, max),
                    whole,
                    "{name}: chunks up to {max} bytes, seed {seed}"
                );
            }
        }
    }
}

/// 200 MiB of blanks, fed in 1 MiB chunks to a loader allowed to hold 1 MiB: read, not held, and
/// refused as holding no data.
#[test]
fn two_hundred_megabytes_of_whitespace_is_no_data_quickly() {
    let chunk: Vec<u8> = b" \n\t\r\n  "
        .iter()
        .copied()
        .cycle()
        .take(1 << 20)
        .collect();
    let started = Instant::now();
    let mut loader = StreamLoader::with_limit(1 << 20);
    for _ in 0..200 {
        loader.feed(&chunk).expect("blanks are not held");
    }
    assert_eq!(loader.progress().bytes, 200 << 20);
    let err = loader.finish().unwrap_err();
    assert_eq!(err, LoadError::OnlyWhitespace { bytes: 200 << 20 });
    assert_eq!(
        err.to_string(),
        "the input holds no data: 200.00 MiB of whitespace and nothing else"
    );
    // Even unoptimised this is a scan; far below this bound.
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    // Whitespace then a snapshot still loads (the blanks only shift locations).
    let mut loader = StreamLoader::with_limit(1 << 20);
    loader.feed(&chunk).unwrap();
    loader.feed(b"[1]").unwrap();
    assert!(matches!(
        loader.finish(),
        Err(LoadError::NotASnapshot { .. })
    ));
}

/// One line with no end is held until its newline: the limit counts it.
#[test]
fn an_endless_line_hits_the_limit_instead_of_memory() {
    let mut loader = StreamLoader::with_limit(1 << 20);
    let chunk = vec![b'x'; 64 << 10];
    let refused = (0..64).try_for_each(|_| loader.feed(&chunk));
    match refused {
        Err(LoadError::TooLarge { read, max }) => {
            assert_eq!(max, 1 << 20);
            assert!(read > 1 << 20 && read <= 2 << 20, "{read}");
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

/// Every bad line is a problem held until the end: the limit counts problems too.
#[test]
fn endless_bad_lines_hit_the_limit_instead_of_memory() {
    let mut loader = StreamLoader::with_limit(1 << 20);
    let chunk = b"garbage\n".repeat(8 << 10);
    let refused = (0..64).try_for_each(|_| loader.feed(&chunk));
    assert!(
        matches!(refused, Err(LoadError::TooLarge { max, .. }) if max == 1 << 20),
        "{refused:?}"
    );
    // Within the default limit the same lines are read, and are no records.
    let err = load(&b"garbage\n".repeat(1000)).unwrap_err();
    match err {
        LoadError::NoRecords { problems } => {
            assert_eq!(problems.len(), 1000);
            assert_eq!(problems[999].line, Some(1000));
        }
        other => panic!("expected NoRecords, got {other:?}"),
    }
}

/// Snapshot segments that are all dropped are held as problems: counted against the limit.
#[test]
fn endless_dropped_segments_hit_the_limit() {
    let seg = br#"{"id": "x", "startOffset": 0, "endOffset": 1, "maxTimestampMs": 1, "sizeBytes": -1, "leaderEpochs": [[0, 0]], "state": "COPY_SEGMENT_FINISHED"},"#;
    let mut loader = StreamLoader::with_limit(64 << 10);
    loader
        .feed(br#"{"format": "tierlens-snapshot", "version": 1, "capturedAtMs": 1, "topics": [{"name": "t", "partitions": [{"partition": 0, "segments": ["#)
        .unwrap();
    let refused = (0..10_000).try_for_each(|_| loader.feed(seg));
    assert!(
        matches!(refused, Err(LoadError::TooLarge { .. })),
        "{refused:?}"
    );
}
