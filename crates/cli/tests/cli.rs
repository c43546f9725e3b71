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
