//! The real `tierlens` binary on small fixtures.
use std::io::Write;
use std::process::{Command, Output};

const SNAPSHOT: &str = r#"{
  "format": "tierlens-snapshot", "version": 1, "capturedAtMs": 1700000000000,
  "topics": [{
    "name": "orders.eu-1", "config": {"retention.ms": "86400000", "retention.bytes": 2500},
    "partitions": [{
      "partition": 0, "logStartOffset": 0, "logEndOffset": 400, "onlyLocalSizeBytes": 0,
      "leaderEpochs": [[0, 0]],
      "segments": [
        {"id": "a", "startOffset": 0, "endOffset": 99, "maxTimestampMs": 1699800000000, "sizeBytes": 1000, "leaderEpochs": [[0, 0]], "state": "COPY_SEGMENT_FINISHED"},
        {"id": "b", "startOffset": 100, "endOffset": 199, "maxTimestampMs": 1699990000000, "sizeBytes": 1000, "leaderEpochs": [[0, 100]], "state": "COPY_SEGMENT_FINISHED"},
        {"id": "c", "startOffset": 200, "endOffset": 299, "maxTimestampMs": 1699995000000, "sizeBytes": 1000, "leaderEpochs": [[0, 200]], "state": "COPY_SEGMENT_FINISHED"}
      ]
    }]
  }]
}"#;

fn tierlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tierlens"))
        .args(args)
        .output()
        .expect("run tierlens")
}

fn fixture(name: &str, bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("tierlens-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON object")
}

#[test]
fn plan_json_has_the_documented_shape() {
    let file = fixture("s.json", SNAPSHOT.as_bytes());
    let v = json(&tierlens(&["plan", &file, "--json"]));
    let p = &v["partitions"][0];
    assert_eq!(p["topic"], "orders.eu-1");
    assert_eq!(p["partition"], 0);
    assert_eq!(p["remoteLogSizeBytes"], 3000);
    assert_eq!(p["retentionSizeBytes"], 3000);
    // 1 day: segment a (2.3 days old) goes by time; that also covers the 500-byte size breach.
    assert_eq!(p["deletions"][0]["id"], "a");
    assert_eq!(p["deletions"][0]["reason"], "retention.ms");
    assert_eq!(p["deletions"][0]["sizeBytes"], 1000);
    assert_eq!(p["deletions"].as_array().unwrap().len(), 1);
    assert_eq!(p["bytesFreed"], 1000);
    assert_eq!(p["logStartOffsetAfter"], 100);
    assert_eq!(v["totals"]["bytesFreed"], 1000);
    assert_eq!(v["profile"], "4.3+");
}

#[test]
fn set_and_now_change_the_plan() {
    let file = fixture("s2.json", SNAPSHOT.as_bytes());
    // retention.bytes 1000: a by time (budget 2000 -> 1000), then b by size, c stays.
    let v = json(&tierlens(&[
        "plan",
        &file,
        "--set",
        "orders.eu-1:retention.bytes=1000",
        "--json",
    ]));
    let ids: Vec<_> = v["partitions"][0]["deletions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["id"].clone(), d["reason"].clone()))
        .collect();
    assert_eq!(
        ids,
        vec![
            ("a".into(), "retention.ms".into()),
            ("b".into(), "retention.bytes".into())
        ]
    );
    // A week later every segment is past retention.ms.
    let v = json(&tierlens(&[
        "plan",
        &file,
        "--now",
        "1700600000000",
        "--json",
    ]));
    assert_eq!(v["partitions"][0]["deletions"].as_array().unwrap().len(), 3);
    // Without time retention the 500-byte breach is smaller than the oldest segment: Kafka
    // keeps it, and the walk stops there.
    let v = json(&tierlens(&[
        "plan",
        &file,
        "--set",
        "orders.eu-1:retention.ms=-1",
        "--json",
    ]));
    assert_eq!(v["partitions"][0]["deletions"].as_array().unwrap().len(), 0);
    // Human units in --set: 0.5 KiB leaves a 2488-byte breach, room for a and b by size.
    let v = json(&tierlens(&[
        "plan",
        &file,
        "--set",
        "orders.eu-1:retention.ms=-1",
        "--set",
        "orders.eu-1:retention.bytes=0.5KiB",
        "--json",
    ]));
    let reasons: Vec<_> = v["partitions"][0]["deletions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["reason"].clone())
        .collect();
    assert_eq!(reasons, vec!["retention.bytes", "retention.bytes"]);
}

#[test]
fn gzip_snapshots_are_read() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(SNAPSHOT.as_bytes()).unwrap();
    let file = fixture("s.json.gz", &gz.finish().unwrap());
    let v = json(&tierlens(&["plan", &file, "--json"]));
    assert_eq!(v["totals"]["bytesFreed"], 1000);
}

#[test]
fn formatter_dumps_need_now_and_then_work() {
    let dump = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/data/formatter-10-lines.txt"
    );
    let out = tierlens(&["plan", dump, "--json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--now"));
    let v = json(&tierlens(&[
        "plan",
        dump,
        "--now",
        "1764000600000",
        "--json",
    ]));
    let total: i64 = v["partitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["remoteLogSizeBytes"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 1000 + 2000 + 500 + 800);
    let size = json(&tierlens(&["size", dump, "--json"]));
    assert_eq!(size["cluster"]["remoteLogSizeBytes"], 4300);
}

#[test]
fn human_table_has_the_totals() {
    let file = fixture("s3.json", SNAPSHOT.as_bytes());
    let out = tierlens(&["plan", &file]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("orders.eu-1-0"), "{text}");
    assert!(
        text.contains("total: 1 partitions, remote 2.93 KiB"),
        "{text}"
    );
    assert!(text.contains("deletes 1 segments, frees 1000 B"), "{text}");
}

#[test]
fn bad_input_exits_2_with_a_message() {
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["plan".into(), "/nonexistent/x.json".into()],
            "cannot read /nonexistent/x.json",
        ),
        (
            vec!["plan".into(), fixture("bad.json", b"{\"format\": ")],
            "not valid JSON",
        ),
        (
            vec![
                "plan".into(),
                fixture(
                    "v9.json",
                    br#"{"format":"tierlens-snapshot","version":9,"capturedAtMs":1,"topics":[]}"#,
                ),
            ],
            "version 9 is not supported",
        ),
        (
            vec![
                "plan".into(),
                fixture("ok.json", SNAPSHOT.as_bytes()),
                "--kafka-version".into(),
                "2.8".into(),
            ],
            "--kafka-version",
        ),
        (
            vec![
                "plan".into(),
                fixture("ok2.json", SNAPSHOT.as_bytes()),
                "--set".into(),
                "nope:retention.ms=1".into(),
            ],
            "no topic \"nope\"",
        ),
        (
            vec![
                "plan".into(),
                fixture("ok3.json", SNAPSHOT.as_bytes()),
                "--set".into(),
                "orders.eu-1:retention.ms=soon".into(),
            ],
            "--set orders.eu-1:retention.ms",
        ),
        (
            vec![
                "plan".into(),
                fixture("ok4.json", SNAPSHOT.as_bytes()),
                "--set".into(),
                "orders.eu-1:segment.ms=1".into(),
            ],
            "not a retention config",
        ),
        // clap's wording (the hand-written parser said "unknown command").
        (
            vec!["frobnicate".into()],
            "unrecognized subcommand 'frobnicate'",
        ),
    ];
    for (args, needle) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = tierlens(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(needle),
            "{args:?}: expected {needle:?} in {err}"
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// The SNAPSHOT with one more segment in orders.eu-1-0 whose size is negative (dropped by the
/// loader) and one overlapping segment (a warning only).
fn snapshot_with_dropped() -> String {
    SNAPSHOT.replace(
        r#"        {"id": "c","#,
        r#"        {"id": "neg", "startOffset": 300, "endOffset": 399, "maxTimestampMs": 1699995000000, "sizeBytes": -7, "leaderEpochs": [[0, 300]], "state": "COPY_SEGMENT_FINISHED"},
        {"id": "c","#,
    )
}

fn stdout_json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn dropped_records_exit_3_and_are_listed_in_the_json() {
    let text = snapshot_with_dropped();
    assert!(text.contains("\"neg\""));
    let file = fixture("dropped.json", text.as_bytes());
    for command in ["plan", "size"] {
        let out = tierlens(&[command, &file, "--json"]);
        assert_eq!(out.status.code(), Some(3), "{command}");
        let v = stdout_json(&out);
        assert_eq!(v["droppedRecords"], 1, "{command}");
        let problems = v["problems"].as_array().unwrap();
        assert_eq!(problems.len(), 1, "{command}: {problems:?}");
        let p = &problems[0];
        assert_eq!(p["kind"], "NegativeSize");
        assert_eq!(p["topic"], "orders.eu-1");
        assert_eq!(p["partition"], 0);
        assert_eq!(p["id"], "neg");
        assert_eq!(p["sizeBytes"], -7);
        assert_eq!(p["dropped"], true);
        // The byte offset of the segment object in the file.
        let at = p["offset"].as_u64().unwrap() as usize;
        assert!(text[at..].starts_with(r#"{"id": "neg""#), "{}", &text[at..]);
        assert!(p["message"].as_str().unwrap().contains("negative size"));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--accept-dropped"), "{err}");
    }
    // The report itself leaves the dropped segment out.
    let v = stdout_json(&tierlens(&["size", &file, "--json"]));
    assert_eq!(v["cluster"]["remoteLogSizeBytes"], 3000);
}

#[test]
fn accept_dropped_exits_0_and_still_lists_them() {
    let file = fixture("dropped2.json", snapshot_with_dropped().as_bytes());
    for command in ["plan", "size"] {
        let out = tierlens(&[command, &file, "--json", "--accept-dropped"]);
        assert_eq!(out.status.code(), Some(0), "{command}");
        let v = stdout_json(&out);
        assert_eq!(v["droppedRecords"], 1);
        assert_eq!(v["problems"][0]["kind"], "NegativeSize");
    }
}

#[test]
fn the_table_output_prints_dropped_records_to_stderr() {
    let file = fixture("dropped3.json", snapshot_with_dropped().as_bytes());
    let out = tierlens(&["plan", &file]);
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("total: 1 partitions"), "{stdout}");
    assert!(!stdout.contains("neg"), "problems go to stderr: {stdout}");
    assert!(
        stderr.contains("dropped: byte ")
            && stderr.contains("orders.eu-1-0: segment neg has a negative size"),
        "{stderr}"
    );
    let out = tierlens(&["size", &file, "--accept-dropped"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("segment neg"));
}

#[test]
fn clean_input_has_an_empty_problem_list_and_warnings_do_not_fail() {
    let file = fixture("clean.json", SNAPSHOT.as_bytes());
    let v = json(&tierlens(&["size", &file, "--json"]));
    assert_eq!(v["problems"], serde_json::json!([]));
    assert_eq!(v["droppedRecords"], 0);
    // An overlapping duplicate upload is legal in Kafka: a warning, exit 0.
    let overlap = SNAPSHOT.replace(
        r#"        {"id": "c","#,
        r#"        {"id": "dup", "startOffset": 150, "endOffset": 199, "maxTimestampMs": 1699995000000, "sizeBytes": 10, "leaderEpochs": [[0, 150]], "state": "COPY_SEGMENT_FINISHED"},
        {"id": "c","#,
    );
    let out = tierlens(&[
        "plan",
        &fixture("overlap.json", overlap.as_bytes()),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v = stdout_json(&out);
    assert_eq!(v["problems"][0]["kind"], "Overlap");
    assert_eq!(v["problems"][0]["dropped"], false);
    assert_eq!(v["droppedRecords"], 0);
}

#[test]
fn a_dump_update_for_an_unknown_segment_exits_3_with_its_line() {
    let dump = include_str!("../../../tests/data/formatter-10-lines.txt").to_string()
        + "RemoteLogSegmentMetadataUpdate{remoteLogSegmentId=RemoteLogSegmentId{topicIdPartition=M1z1YtfhQ5i7oqLNve_0UQ:orders.v1-eu-1, id=ghost00000000000000000}, customMetadata=Optional.empty, state=COPY_SEGMENT_FINISHED, eventTimestampMs=1764000309000, brokerId=1}\n";
    let file = fixture("ghost.txt", dump.as_bytes());
    let out = tierlens(&["size", &file, "--json"]);
    assert_eq!(out.status.code(), Some(3));
    let v = stdout_json(&out);
    let p = &v["problems"][0];
    assert_eq!(p["kind"], "UnknownSegment");
    assert_eq!(p["line"], 11);
    assert_eq!(p["topic"], "orders.v1-eu");
    assert_eq!(p["partition"], 1);
    assert_eq!(p["id"], "ghost00000000000000000");
    // The totals are those of the ten good lines.
    assert_eq!(v["cluster"]["remoteLogSizeBytes"], 4300);
}

#[test]
fn max_input_size_refuses_with_exit_2_and_says_how_to_raise_it() {
    let file = fixture("limit.json", SNAPSHOT.as_bytes());
    let out = tierlens(&["size", &file, "--max-input-size", "100B"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("input size limit of 100 B") && err.contains("--max-input-size"),
        "{err}"
    );
    // Raised, the same file loads.
    let out = tierlens(&["size", &file, "--max-input-size", "1MiB", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let out = tierlens(&["size", &file, "--max-input-size", "many"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a size"));
}

#[test]
fn help_and_version() {
    let out = tierlens(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in ["plan", "size", "Exit status", "--accept-dropped"] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    let out = tierlens(&["plan", "--help"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "--now",
        "--set",
        "--kafka-version",
        "--json",
        "--max-input-size",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    let out = tierlens(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("tierlens "));
    // No arguments: the help, no error.
    let out = tierlens(&[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"));
}

#[test]
fn pipes_see_no_progress_bar() {
    // A file over the progress threshold, stderr a pipe: nothing but the report.
    let mut big = String::from(SNAPSHOT);
    big.push_str(&" ".repeat(9 << 20));
    let file = fixture("big.json", big.as_bytes());
    let out = tierlens(&["size", &file, "--json"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A few files of tests/malformed/ through the binary: refusals exit 2 with their located
/// message, partial loads exit 3 (0 with --accept-dropped), warnings alone exit 0.
#[test]
fn malformed_corpus_exit_codes() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/malformed/");
    let cases = [
        ("truncated.json", 2, "line 12, column 35"),
        ("version-7.json", 2, "snapshot version 7 is not supported"),
        ("nan-string.json", 2, "\"NaN\" is not an integer"),
        ("binary-garbage.bin", 2, "not UTF-8 text (byte 3)"),
        ("empty.json", 2, "the input is empty"),
        ("negative-size.json", 3, "segment neg has a negative size"),
        ("duplicate-segment-ids.json", 3, "segment b appears twice"),
        (
            "dump-unknown-update.txt",
            3,
            "line 9: payments-4: update for segment",
        ),
        ("overlapping-offsets.json", 0, "overlap"),
    ];
    for (file, code, needle) in cases {
        let path = format!("{dir}{file}");
        let out = tierlens(&["size", &path, "--json"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{file}: {err}");
        assert!(err.contains(needle), "{file}: expected {needle:?} in {err}");
        assert!(!err.contains("panicked"), "{file}: {err}");
        if code == 3 {
            let v = stdout_json(&out);
            assert_eq!(v["droppedRecords"], 1, "{file}");
            let out = tierlens(&["size", &path, "--accept-dropped"]);
            assert_eq!(out.status.code(), Some(0), "{file}");
        }
    }
}

#[test]
fn forecast_json_has_the_series_cost_and_sentences() {
    let demo = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../public/demo-snapshot.json"
    );
    let v = json(&tierlens(&[
        "forecast",
        demo,
        "--horizon",
        "30d",
        "--set",
        "orders:retention.ms=3d",
        "--json",
    ]));
    let times = v["forecast"]["timesMs"].as_array().unwrap();
    assert!(
        times.len() >= 30,
        "daily points over 30 days: {}",
        times.len()
    );
    assert_eq!(v["forecast"]["horizonMs"], 30 * 86_400_000i64);
    let orders = v["forecast"]["topics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["topic"] == "orders")
        .unwrap();
    let last = |p: &str| {
        orders[p]["series"]["remoteBytes"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .as_i64()
            .unwrap()
    };
    assert!(last("proposed") < last("current"), "3d holds less than 7d");
    // One cluster sentence, then a current and a proposed one per topic.
    let s = v["summaries"].as_array().unwrap();
    assert!(s[0]["topic"].is_null());
    assert!(s[0]["text"]
        .as_str()
        .unwrap()
        .starts_with("After 30d, the cluster holds"));
    let texts: Vec<&str> = s
        .iter()
        .filter(|x| x["topic"] == "orders")
        .map(|x| x["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts.len(), 2);
    assert!(
        texts[1].starts_with("With retention.ms = 3d, orders will hold"),
        "{}",
        texts[1]
    );
    let cost = v["cost"]["topics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["topic"] == "orders")
        .unwrap();
    assert!(
        cost["proposed"]["atHorizon"]["totalUsd"].as_f64()
            < cost["current"]["atHorizon"]["totalUsd"].as_f64()
    );
    assert!(v["problems"].is_array());
}

#[test]
fn forecast_horizon_is_checked() {
    let out = tierlens(&["forecast", "x.json", "--horizon", "3d"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("from 7d to 2y"));
    let out = tierlens(&["forecast", "--help"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("--horizon"));
}

/// A synthetic snapshot and the listing its plugin would hold, with leaks planted
/// (`synth::bucket_listing`), written as files.
fn leak_fixtures() -> (String, String, tierlens_core::synth::ListingCounts) {
    use tierlens_core::synth::{bucket_listing, snapshot, SynthSpec};
    let spec = SynthSpec {
        topics: 4,
        partitions_per_topic: 5,
        segments_per_partition: 600,
        ..SynthSpec::default()
    };
    let snap = snapshot(&spec);
    let json = tierlens_core::ingest::snapshot_v1::to_json(&snap, false);
    let mut listing = Vec::new();
    let counts = bucket_listing(&snap, &mut listing).unwrap();
    (
        fixture("leaks-snapshot.json", json.as_bytes()),
        fixture("leaks-listing.txt", &listing),
        counts,
    )
}

#[test]
fn reconcile_finds_the_planted_leaks() {
    let (snap, listing, counts) = leak_fixtures();
    let out = tierlens(&["reconcile", &snap, &listing, "--json"]);
    let v = json(&out);
    let r = &v["reconciliation"];
    assert_eq!(r["layout"], "aiven");
    assert_eq!(r["prefix"], "tiered/");
    let totals = &r["totals"];
    assert_eq!(totals["orphan"]["objects"], counts.orphans);
    assert_eq!(totals["orphan"]["objectBytes"], counts.orphans * (1 << 20));
    let objects: u64 = [
        "ok",
        "orphan",
        "missing",
        "dangling",
        "foreign",
        "outside-lineage",
        "in-grace",
    ]
    .iter()
    .map(|c| totals[c]["objects"].as_u64().unwrap())
    .sum();
    assert_eq!(objects, counts.objects);
    assert_eq!(v["listing"]["objects"], counts.objects);
    // Every object not ok is listed with its reason; every missing segment names its object.
    let listed = v["objects"].as_array().unwrap();
    let not_ok = objects - totals["ok"]["objects"].as_u64().unwrap();
    assert_eq!(listed.len() as u64, not_ok);
    assert!(listed
        .iter()
        .all(|o| o["reason"].as_str().is_some_and(|s| !s.is_empty())));
    let missing: Vec<_> = v["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["class"] == "missing")
        .collect();
    assert_eq!(
        missing.len() as u64,
        totals["missing"]["segments"].as_u64().unwrap()
    );
    assert!(missing.len() as u64 <= counts.left_out && !missing.is_empty());
    assert!(missing
        .iter()
        .all(|s| !s["missingObjects"].as_array().unwrap().is_empty()));

    // The table says the same, and the deletion list holds exactly the orphans.
    let del = fixture("deletion-list.txt", b"");
    let out = tierlens(&["reconcile", &snap, &listing, "--deletion-list", &del]);
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("orphan"), "{table}");
    assert!(table.contains("missing (data loss)"), "{table}");
    let list = std::fs::read_to_string(&del).unwrap();
    let keys: Vec<&str> = list.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(keys.len() as u64, counts.orphans);
    assert!(keys
        .iter()
        .all(|k| k.starts_with("tiered/") && k.ends_with(".log")));
    assert!(list.starts_with("# tierlens:"));

    // A chosen prefix nobody uses: everything foreign.
    let v = json(&tierlens(&[
        "reconcile",
        &snap,
        &listing,
        "--prefix",
        "other/",
        "--json",
    ]));
    assert_eq!(
        v["reconciliation"]["totals"]["foreign"]["objects"],
        counts.objects
    );
}

#[test]
fn reconcile_reports_metric_drift_and_refuses_bad_input() {
    let (snap, listing, _) = leak_fixtures();
    let metrics = fixture(
        "metrics.prom",
        b"kafka_server_brokertopicmetrics_remotelogsizebytes{topic=\"topic-0001\"} 12345\n",
    );
    let v = json(&tierlens(&[
        "reconcile",
        &snap,
        &listing,
        "--metrics",
        &metrics,
        "--json",
    ]));
    let d = &v["drift"][0];
    assert_eq!(d["topic"], "topic-0001");
    assert_eq!(d["metricBytes"], 12345);
    let meta = d["metadataBytes"].as_i64().unwrap();
    assert_eq!(d["driftBytes"].as_i64().unwrap(), 12345 - meta);

    let bad = fixture("bad-listing.txt", b"this is not a listing\n");
    let out = tierlens(&["reconcile", &snap, &bad]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad-listing.txt"), "{err}");
    let out = tierlens(&["reconcile", &snap, &listing, "--layout", "hdfs"]);
    assert_eq!(out.status.code(), Some(2));
    let photos = fixture(
        "photos.txt",
        b"2024-01-01 00:00:00        123 photos/cat.jpg\n",
    );
    let out = tierlens(&["reconcile", &snap, &photos]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("photos/cat.jpg"));
}
