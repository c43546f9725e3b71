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

/// Found by `stream_loader`: top-level JSON that is not an object is parsed whole at the end,
/// and its errors were located from the end of the first chunk rather than from its own first
/// byte (line 22 whole, line 7 in chunks, for an error on line 7). It is also counted against
/// the memory limit now, and in the progress.
#[test]
fn errors_in_a_top_level_non_object_are_located_from_its_start() {
    let doc = b"\n\n  [1,\n 2,\n \"a\x01\"]\n\n\n";
    let err = load(doc).unwrap_err();
    assert!(
        matches!(&err, LoadError::Json { line: 5, column: 3, message } if message.contains("control character")),
        "{err:?}"
    );
    for size in 1..doc.len() {
        assert_eq!(fed_in(doc, size).unwrap_err(), err, "chunks of {size}");
    }
    let mut loader = StreamLoader::with_limit(1 << 20);
    loader.feed(b"[").unwrap();
    let refused = (0..64).try_for_each(|_| loader.feed(&[b' '; 64 << 10]));
    assert!(
        matches!(refused, Err(LoadError::TooLarge { .. })),
        "{refused:?}"
    );
    let mut loader = StreamLoader::new();
    loader.feed(b"[1, ").unwrap();
    loader.feed(b"2, 3]").unwrap();
    assert_eq!(loader.progress().bytes, 9);
}

/// Found by `whatif_index`: a segment ending at `i64::MAX` (which the loader used to admit)
/// overflowed `end + 1` when the log end offset was inferred. The loaders now admit offsets up
/// to `MAX_OFFSET` and sizes up to Kafka's int; at those edges the index still equals the
/// reference walk.
#[test]
fn values_at_the_loaders_bounds_plan_without_overflow() {
    use tierlens_core::model::*;
    use tierlens_core::profile::KafkaVersion;
    use tierlens_core::retention::{reference, PlanIndex, Policy};
    let seg = |id: &str, start: i64, end: i64, ts: i64| Segment {
        id: id.into(),
        start_offset: start,
        end_offset: end,
        max_timestamp_ms: ts,
        event_timestamp_ms: None,
        size_bytes: MAX_SEGMENT_SIZE,
        segment_leader_epochs: vec![(0, start)],
        state: SegmentState::CopySegmentFinished,
        broker_id: None,
        copy_in_progress: None,
    };
    let snap = Snapshot {
        cluster: None,
        kafka_version: None,
        captured_at_ms: 0,
        source: SnapshotSource::SnapshotJson,
        topics: vec![Topic {
            name: "t".into(),
            topic_id: None,
            config: TopicConfig {
                retention_ms: i64::MAX,
                retention_bytes: 0,
                ..TopicConfig::default()
            },
            partitions: vec![Partition {
                partition: 0,
                segments: vec![
                    seg("a", 0, MAX_OFFSET - 1, -MAX_TIMESTAMP_MS),
                    seg("b", MAX_OFFSET, MAX_OFFSET, MAX_TIMESTAMP_MS),
                ]
                .into(),
                ..Partition::default()
            }],
        }],
    };
    assert_eq!(
        snap.topics[0].partitions[0].log_end_offset_or_inferred(),
        MAX_OFFSET + 1
    );
    for profile in KafkaVersion::ALL {
        for now in [i64::MIN, -1, 0, MAX_TIMESTAMP_MS, i64::MAX] {
            let policy = Policy::new(profile);
            let want = reference::plan(&snap, &policy, now);
            assert_eq!(PlanIndex::build(&snap, profile).plan(&policy, now), want);
            assert_eq!(
                want.partitions[0].remote_log_size_bytes,
                2 * MAX_SEGMENT_SIZE
            );
        }
    }
    // Through the loaders: past the bounds, dropped with a problem.
    let dump = "RemoteLogSegmentMetadata{remoteLogSegmentId=RemoteLogSegmentId{topicIdPartition=M1z1YtfhQ5i7oqLNve_0UQ:t-0, id=x}, startOffset=0, endOffset=9, brokerId=0, maxTimestampMs=1, eventTimestampMs=1, segmentLeaderEpochs={0=0}, segmentSizeInBytes=SIZE, customMetadata=Optional.empty, state=COPY_SEGMENT_STARTED}";
    let ok = load(dump.replace("SIZE", "2147483647").as_bytes()).unwrap();
    assert_eq!(ok.snapshot.segment_count(), 1);
    let err = load(dump.replace("SIZE", "2147483648").as_bytes()).unwrap_err();
    assert!(err.to_string().contains("segmentSizeInBytes"), "{err}");
}

/// Found by `stream_loader`: serde calls a number cut right after `e`, `-` or `.` invalid
/// rather than cut short, so a chunk ending there reported "invalid number" where the whole
/// input reports the real error further on.
#[test]
fn a_number_cut_by_a_chunk_is_waited_for() {
    for doc in [
        &b"{\"x\": 1e308r}"[..],
        b"{\"x\": [1, -2.5e-3, 7]}",
        b"{\"format\": \"tierlens-snapshot\", \"version\": 1, \"capturedAtMs\": -1.0e3, \"topics\": []}",
        b"{\"format\": \"tierlens-snapshot\", \"version\": 1, \"capturedAtMs\": 1.5e, \"topics\": []}",
    ] {
        let whole = load(doc);
        for size in 1..doc.len() {
            assert_eq!(fed_in(doc, size), whole, "{:?}, chunks of {size}", String::from_utf8_lossy(doc));
        }
    }
    // Waiting applies to a number cut at the end only: an error earlier in bytes that happen to
    // end in a digit (here: before a byte that is not UTF-8) is reported, as in chunks.
    let doc = b"{\"topics\": [{\"config\": \"12\", \"x\": 1\xc9}]}";
    let err = load(doc).unwrap_err();
    assert!(
        matches!(&err, LoadError::Schema { line: 1, message, .. } if message.contains("expected a map")),
        "{err:?}"
    );
    for size in 1..doc.len() {
        assert_eq!(fed_in(doc, size).unwrap_err(), err, "chunks of {size}");
    }
    assert!(matches!(
        load(b"{\"x\": 1e308r}"),
        Err(LoadError::Json {
            line: 1,
            column: 12,
            ..
        })
    ));
    let ok = load(b"{\"format\": \"tierlens-snapshot\", \"version\": 1, \"capturedAtMs\": -1.0e3, \"topics\": []}").unwrap();
    assert_eq!(ok.snapshot.captured_at_ms, -1000);
}

/// Found by `stream_loader`: a number followed by a multi-byte character cut by the chunk's end
/// was taken as complete (the partial character was not yet text), so the character was then
/// read as the next token: "expected `,` or `}`" in chunks, "trailing characters" whole.
#[test]
fn a_number_before_a_cut_multibyte_character_is_waited_for() {
    for doc in [
        "{\"capturedAtMs\": 17\u{feff}, \"x\": 1}".as_bytes(),
        "{\"format\": \"tierlens-snapshot\", \"version\": 1, \"capturedAtMs\": 5日}".as_bytes(),
        "{\"x\": [1, 2€]}".as_bytes(),
    ] {
        let whole = load(doc).unwrap_err();
        // serde's wording: after a number on its own, or inside an array.
        assert!(
            matches!(&whole, LoadError::Json { message, .. }
                if message == "trailing characters" || message == "expected `,` or `]`"),
            "{whole:?}"
        );
        for size in 1..doc.len() {
            assert_eq!(fed_in(doc, size).unwrap_err(), whole, "chunks of {size}");
        }
    }
}

/// Found by `stream_loader`: gzip whose text goes wrong (not UTF-8) before its compressed
/// stream breaks. Fed at once, the inflater met the break before handing over the text before
/// it ("corrupt deflate stream"); in chunks the text error came first. The text inflated before
/// the break is now read first either way.
#[test]
fn gzip_text_errors_before_a_corrupt_stream_come_first() {
    use std::io::Write;
    let mut text = b"{\"format\": \"tierlens-snapshot\", \"x\": \"".to_vec();
    text.push(0xff);
    // Text that does not compress much, so the break is far from the bad byte.
    let mut x = 7u32;
    text.extend((0..20_000).map(|_| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b'a' + (x % 26) as u8
    }));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&text).unwrap();
    let mut gz = gz.finish().unwrap();
    // Break the compressed stream well after the bad byte.
    let n = gz.len();
    for b in &mut gz[n / 2..n / 2 + 16] {
        *b = 0xff;
    }
    let whole = load(&gz).unwrap_err();
    assert_eq!(whole, LoadError::NotUtf8 { offset: 38 });
    for size in [1, 2, 5, 64, 1000] {
        assert_eq!(fed_in(&gz, size).unwrap_err(), whole, "chunks of {size}");
    }
}

/// Found by `stream_loader`: a value that starts with a multi-byte character cut by the chunk's
/// end was parsed from no text at all, a schema error "EOF" in chunks where the whole input
/// says "expected value".
#[test]
fn a_value_starting_with_a_cut_multibyte_character_is_waited_for() {
    let doc = "{\"topics\": [{\"name\": \"t\", \"partitions\": [{\"partition\": \u{feff}1}]}]}"
        .as_bytes();
    let whole = load(doc).unwrap_err();
    assert!(
        matches!(&whole, LoadError::Json { line: 1, message, .. } if message == "expected value"),
        "{whole:?}"
    );
    for size in 1..doc.len() {
        assert_eq!(fed_in(doc, size).unwrap_err(), whole, "chunks of {size}");
    }
}

/// Found by `stream_loader`: where a `:` was expected came a byte that starts a multi-byte
/// character but is not followed by one. Fed at once that is "not UTF-8"; when a chunk ended
/// right after it, the walker read the lone byte as a token ("expected `:`"). Nothing past the
/// whole characters is looked at now until the rest arrives.
#[test]
fn a_lone_lead_byte_is_not_read_as_a_token() {
    for doc in [
        &b"{\"topics\": [{\"name\"\xd9\xd9: \"t\"}]}"[..],
        b"{\"format\" \xe2\x82",
        b"{\"topics\" \xe2\x82\xac}",
        b"[1, 2]\xd9",
    ] {
        let whole = load(doc).unwrap_err();
        for size in 1..doc.len() {
            assert_eq!(
                fed_in(doc, size).unwrap_err(),
                whole,
                "{doc:?}, chunks of {size}"
            );
        }
    }
    assert_eq!(
        load(b"{\"topics\": [{\"name\"\xd9\xd9: \"t\"}]}").unwrap_err(),
        LoadError::NotUtf8 { offset: 19 }
    );
}

/// Found by `stream_loader`: like a number, a literal glued to what follows (`trueptured`) is
/// "trailing characters" to serde; a chunk ending right after `true` hid that, and the walker
/// then said "expected `,` or `}`".
#[test]
fn a_literal_is_complete_only_once_something_follows() {
    for doc in [
        &b"{\"copyInProgress\":trueptured}"[..],
        b"{\"x\": nullx, \"y\": 1}",
        b"{\"x\": false}",
        b"{\"cluster\": null, \"kafkaVersion\": null}",
    ] {
        let whole = load(doc).unwrap_err();
        for size in 1..doc.len() {
            assert_eq!(
                fed_in(doc, size).unwrap_err(),
                whole,
                "{doc:?}, chunks of {size}"
            );
        }
    }
    assert!(matches!(
        load(b"{\"copyInProgress\":trueptured}").unwrap_err(),
        LoadError::Json { message, .. } if message == "trailing characters"
    ));
}

/// Found by `stream_loader`: serde locates some type errors as far as it has read (here past
/// the carriage returns after `[`), so a chunk ending inside them moved the reported column.
/// An error at the last byte that has arrived is now retried once more arrives.
#[test]
fn an_error_at_the_end_of_a_chunk_waits_for_more() {
    let doc = b"{\"format\": \"tierlens-snapshot\", \"version\": 1,\n  \"capturedAtMs\": [\r\r\r\r\r\r\r\r\r\r\x0b\x0b]}";
    let whole = load(doc).unwrap_err();
    assert!(
        matches!(&whole, LoadError::Schema { line: 2, .. }),
        "{whole:?}"
    );
    for size in 1..doc.len() {
        assert_eq!(fed_in(doc, size).unwrap_err(), whole, "chunks of {size}");
    }
}
