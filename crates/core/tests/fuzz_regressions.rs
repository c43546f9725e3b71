//! Inputs the fuzzers (`fuzz/`, README "Fuzzing") found, replayed: each file of
//! `tests/data/fuzz-regressions/` is named after its target and holds the input as the target
//! reads it; the target's property must hold. Plus the minimal forms of each finding.

use std::path::PathBuf;
use tierlens_core::{load, LoadError, Loaded, StreamLoader};

fn regressions(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz-regressions");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&format!("{target}-")))
        })
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    out
}

fn fed_in(bytes: &[u8], size: usize) -> Result<Loaded, LoadError> {
    let mut loader = StreamLoader::new();
    bytes.chunks(size).try_for_each(|c| loader.feed(c))?;
    loader.finish()
}

/// `stream_loader`: two bytes of chunking seed, then the document; whole == chunked.
#[test]
fn stream_loader_findings_read_the_same_in_any_chunks() {
    let found = regressions("stream_loader");
    assert!(!found.is_empty());
    for (name, data) in found {
        let doc = &data[data.len().min(2)..];
        let whole = load(doc);
        for size in [1, 2, 3, 7, 64, 1000] {
            assert_eq!(fed_in(doc, size), whole, "{name}, chunks of {size}");
        }
    }
}

/// Found by `stream_loader`: a syntax error before a byte that is not UTF-8 was reported as
/// the bad byte when the whole input was at hand, and as the syntax error when the bad byte had
/// not arrived yet. The earlier problem is the one reported, however the input is cut.
#[test]
fn a_syntax_error_before_a_bad_byte_is_reported_first() {
    let doc = b"{\"format\": \x01, \"x\": \"\xff\"}";
    let err = load(doc).unwrap_err();
    assert!(
        matches!(
            &err,
            LoadError::Json {
                line: 1,
                column: 12,
                ..
            }
        ),
        "{err:?}"
    );
    for size in 1..doc.len() {
        assert_eq!(fed_in(doc, size).unwrap_err(), err, "chunks of {size}");
    }
    // With nothing wrong before it, the bad byte is the error, located.
    let doc = b"{\"format\": \"tierlens-snapshot\", \"x\": \"\xff\"}";
    assert_eq!(load(doc).unwrap_err(), LoadError::NotUtf8 { offset: 38 });
    assert_eq!(
        fed_in(doc, 5).unwrap_err(),
        LoadError::NotUtf8 { offset: 38 }
    );
    // Top-level JSON that is no object is judged whole, bad byte included, however cut (it was
    // "not UTF-8" whole and "not a snapshot" in chunks).
    let doc = b"[1, \"\xff\"]";
    let err = load(doc).unwrap_err();
    assert_eq!(err, LoadError::NotASnapshot { found: None });
    for size in 1..doc.len() {
        assert_eq!(fed_in(doc, size).unwrap_err(), err, "chunks of {size}");
    }
}
