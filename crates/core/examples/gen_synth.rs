//! Writes a large synthetic snapshot (`tierlens_core::synth`) as compact snapshot-v1 JSON, for
//! trying tierlens at scale (the CLI, or the dashboard with `?snapshot=`).
//!
//! ```text
//! cargo run --release -p tierlens-core --example gen_synth -- PATH [TOPICS PARTITIONS SEGMENTS]
//! ```
//!
//! Defaults: 100 topics × 100 partitions × 100 segments (1,000,000 segments), the shape of the
//! what-if benchmark.

use tierlens_core::ingest::snapshot_v1::to_json;
use tierlens_core::synth::{snapshot, SynthSpec};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: gen_synth PATH [TOPICS PARTITIONS_PER_TOPIC SEGMENTS_PER_PARTITION]");
        std::process::exit(2);
    };
    let spec = SynthSpec::from_args(&args[1..]);
    let snap = snapshot(&spec);
    let json = to_json(&snap, false);
    std::fs::write(path, &json)?;
    eprintln!(
        "wrote {path}: {} bytes, {} partitions, {} segments",
        json.len(),
        snap.partition_count(),
        snap.segment_count()
    );
    Ok(())
}
