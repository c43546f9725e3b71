//! Seeds a test broker (tansu) with a synthetic cluster's tiered-storage metadata
//! (`tierlens_core::synth`, the same spec as `gen_synth`): the collector's benchmark input.
//!
//! ```text
//! cargo run --release -p tierlens-collect --example seed_broker -- HOST:PORT [TOPICS PARTITIONS SEGMENTS]
//! ```
//!
//! Writes 50 metadata partitions as Kafka's default `rlmm.config.remote.log.metadata.topic.num.partitions`.
use std::time::{Duration, Instant};
use tierlens_collect::kafka::Connection;
use tierlens_collect::security::ClientSecurity;
use tierlens_core::synth::{snapshot, SynthSpec};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((host, port)) = args
        .first()
        .and_then(|b| b.rsplit_once(':'))
        .and_then(|(h, p)| Some((h.to_string(), p.parse::<u16>().ok()?)))
    else {
        eprintln!(
            "usage: seed_broker HOST:PORT [TOPICS PARTITIONS_PER_TOPIC SEGMENTS_PER_PARTITION]"
        );
        std::process::exit(2);
    };
    let spec = SynthSpec::from_args(&args[1..]);
    let mut snap = snapshot(&spec);
    let started = Instant::now();
    let mut conn = Connection::open(
        &host,
        port,
        &ClientSecurity::plaintext(),
        Duration::from_secs(30),
        "tierlens-seed",
    )
    .unwrap_or_else(|e| {
        eprintln!("seed_broker: {e}");
        std::process::exit(1)
    });
    let text = tierlens_collect::seed::seed(&mut conn, &mut snap, 50, 10, |n| {
        if n % 100_000 < 500 {
            eprintln!("seed_broker: {n} records");
        }
    })
    .unwrap_or_else(|e| {
        eprintln!("seed_broker: {e}");
        std::process::exit(1)
    });
    eprintln!(
        "seed_broker: {} segments as {} records in {:.1} s",
        snap.segment_count(),
        text.lines().count(),
        started.elapsed().as_secs_f64()
    );
}
