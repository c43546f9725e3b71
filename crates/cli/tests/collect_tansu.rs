//! `tierlens collect` end to end against a real Kafka-protocol broker on loopback: tansu
//! (crates.io, in-memory storage), started and stopped by PID by each test. The test seeds it
//! with real-format `__remote_log_metadata` records (Kafka's serde encoding, through Produce)
//! and user topics with retention configs, runs the CLI, and compares the snapshot with the one
//! the formatter-dump path gives for the same records.
//!
//! These tests need the broker binary: `TANSU=/path/to/tansu`. `scripts/test.sh` installs it
//! (cached) and runs them with `--ignored`; plain `cargo test` leaves them out.
mod common;

use common::tierlens;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tierlens_collect::kafka::Connection;
use tierlens_collect::security::ClientSecurity;
use tierlens_core::demo::demo_snapshot;
use tierlens_core::ingest::snapshot_v1::to_json;
use tierlens_core::ingest::{formatter_dump, load};
use tierlens_core::model::TopicConfig;
use tierlens_core::{Snapshot, SnapshotSource};

const METADATA_PARTITIONS: i32 = 5;

/// A tansu broker on a free loopback port, killed (by PID) when dropped.
struct Broker {
    child: Child,
    port: u16,
}

impl Broker {
    fn start() -> Broker {
        let bin = std::env::var("TANSU")
            .expect("TANSU must name the tansu binary (scripts/test.sh installs it and sets it)");
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("tcp://127.0.0.1:{port}");
        let log = scratch(&format!("tansu-{port}.log"));
        let child = Command::new(&bin)
            .args([
                "broker",
                "--listener-url",
                &url,
                "--advertised-listener-url",
                &url,
                "--storage-engine",
                "memory://tansu/",
            ])
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(std::fs::File::create(log.with_extension("err")).unwrap())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {bin}: {e}"));
        let broker = Broker { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tansu did not listen on {port} within 30 s (log: {})",
                log.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        broker
    }

    fn bootstrap(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn connect(&self) -> Connection {
        Connection::open(
            "127.0.0.1",
            self.port,
            &ClientSecurity::plaintext(),
            Duration::from_secs(10),
            "tierlens-test-seeder",
        )
        .unwrap()
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("collect-tansu");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// The seeded cluster: the demo's segments as metadata records, its topics with some retention
/// configs, and 3 records in each topic's partition 0. Returns the formatter text of the
/// metadata records as the console consumer would print it.
fn seed(broker: &Broker) -> String {
    let mut demo = demo_snapshot();
    tierlens_collect::seed::seed(
        &mut broker.connect(),
        &mut demo,
        METADATA_PARTITIONS,
        3,
        |_| {},
    )
    .unwrap()
}

/// What the formatter-dump path can know: no configs, offsets, cluster or capture time.
fn metadata_only(s: &Snapshot) -> Snapshot {
    let mut s = s.clone();
    s.cluster = None;
    s.kafka_version = None;
    s.captured_at_ms = 0;
    s.source = SnapshotSource::FormatterDump;
    for t in &mut s.topics {
        t.config = TopicConfig::default();
        for p in &mut t.partitions {
            p.log_start_offset = None;
            p.log_end_offset = None;
            p.local_log_start_offset = None;
        }
    }
    s
}

#[test]
#[ignore = "needs a tansu broker (TANSU=path): scripts/test.sh runs it"]
fn collect_from_a_broker_equals_the_formatter_dump_of_the_same_records() {
    let broker = Broker::start();
    let text = seed(&broker);
    let out = scratch("collected.json.gz");
    let run = tierlens(&[
        "collect",
        "--bootstrap-server",
        &broker.bootstrap(),
        "--out",
        out.to_str().unwrap(),
        "--timeout",
        "10s",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    eprintln!(
        "tierlens collect took {:?}; it said:\n{}",
        run.elapsed, run.stderr
    );
    let collected = load(&std::fs::read(&out).unwrap()).unwrap();
    let dump = formatter_dump::parse(&text).unwrap();
    // Nothing dropped; the JSON reader's warnings (the demo's deliberate overlaps) are those
    // the dump's snapshot gets as JSON.
    assert!(dump.problems.is_empty(), "{:?}", dump.problems);
    let dump_as_json = load(to_json(&dump.snapshot, false).as_bytes()).unwrap();
    assert_eq!(collected.problems, dump_as_json.problems);
    assert!(collected.problems.iter().all(|p| !p.kind.drops_data()));
    let s = &collected.snapshot;
    assert_eq!(metadata_only(s), metadata_only(&dump.snapshot));
    let segments = s.segment_count();
    assert!(segments > 100, "{segments} segments");
    assert!(
        run.stderr.contains(&format!("{segments} segment(s)")),
        "{}",
        run.stderr
    );

    // What only the cluster knows: configs (one key left for Kafka's default, and said so),
    // offsets, the cluster id, the capture time.
    let demo = demo_snapshot();
    for t in &s.topics {
        let d = demo.topics.iter().find(|d| d.name == t.name).unwrap();
        assert_eq!(t.config.retention_ms, d.config.retention_ms, "{}", t.name);
        assert_eq!(t.config.retention_bytes, d.config.retention_bytes);
        assert_eq!(t.config.local_retention_ms, d.config.local_retention_ms);
        assert_eq!(t.config.segment_bytes, d.config.segment_bytes);
        assert_eq!(t.config.local_retention_bytes, -2);
        let p0 = t.partitions.iter().find(|p| p.partition == 0);
        if let Some(p0) = p0 {
            assert_eq!(p0.log_start_offset, Some(0), "{}", t.name);
            assert_eq!(p0.log_end_offset, Some(3), "{}", t.name);
            // earliest-local: tansu has no tiered storage; either an offset or "unknown", said.
            assert!(
                p0.local_log_start_offset.is_some()
                    || run.stderr.contains("earliest-local offsets of"),
                "{}",
                run.stderr
            );
        }
    }
    assert!(
        run.stderr.contains(&format!(
            "local.retention.bytes was not returned by DescribeConfigs for {} topics (",
            s.topics.len()
        )) && run.stderr.contains("Kafka's default -2 is used"),
        "{}",
        run.stderr
    );
    assert!(s.cluster.is_some());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    assert!(
        (now - s.captured_at_ms).abs() < 600_000,
        "{}",
        s.captured_at_ms
    );
    assert!(
        run.stderr.contains("kafkaVersion is not set"),
        "{}",
        run.stderr
    );
    // The records name each topic by the cluster's own id: no "re-created" note.
    assert!(!run.stderr.contains("re-created"), "{}", run.stderr);

    // --topics: one topic only; --kafka-version and --cluster recorded; standard output.
    let only = &demo.topics[1].name;
    let run = tierlens(&[
        "collect",
        "--bootstrap",
        &broker.bootstrap(),
        "--topics",
        &format!("^{only}$"),
        "--kafka-version",
        "3.9.0",
        "--cluster",
        "test-cluster",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let one = load(run.stdout.as_bytes()).unwrap().snapshot;
    let names: Vec<&str> = one.topics.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, [only.as_str()]);
    assert_eq!(one.kafka_version.as_deref(), Some("3.9.0"));
    assert_eq!(one.cluster.as_deref(), Some("test-cluster"));
    assert_eq!(
        metadata_only(&one).topics[0],
        metadata_only(s)
            .topics
            .iter()
            .find(|t| t.name == *only)
            .unwrap()
            .clone()
    );
}

#[test]
#[ignore = "needs a tansu broker (TANSU=path): scripts/test.sh runs it"]
fn a_broker_without_the_metadata_topic_and_a_stopped_broker_are_clear_errors() {
    let broker = Broker::start();
    let run = tierlens(&[
        "collect",
        "--bootstrap",
        &broker.bootstrap(),
        "--timeout",
        "10s",
    ]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("no __remote_log_metadata topic"),
        "{}",
        run.stderr
    );
    let bootstrap = broker.bootstrap();
    drop(broker);
    let run = tierlens(&["collect", "--bootstrap", &bootstrap, "--timeout", "5s"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("cannot connect"), "{}", run.stderr);
    assert!(run.elapsed < Duration::from_secs(10), "{:?}", run.elapsed);
}
