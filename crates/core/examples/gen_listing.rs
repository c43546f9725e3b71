//! Writes the bucket listing (`aws s3 ls --recursive` text) that Aiven's plugin would hold
//! for a synthetic snapshot (`tierlens_core::synth`, the same spec as `gen_synth`), with leaks
//! planted (`synth::bucket_listing`): orphans and objects left out (missing). For the leak
//! finder's benchmarks and browser tests.
//!
//! ```text
//! cargo run --release -p tierlens-core --example gen_listing -- PATH [TOPICS PARTITIONS SEGMENTS]
//! ```
//!
//! Defaults: 100 × 100 × 100 (1,000,000 segments, 3,000,000 objects under `tiered/`).

use tierlens_core::synth::{bucket_listing, snapshot, SynthSpec};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: gen_listing PATH [TOPICS PARTITIONS_PER_TOPIC SEGMENTS_PER_PARTITION]");
        std::process::exit(2);
    };
    let spec = SynthSpec::from_args(&args[1..]);
    let snap = snapshot(&spec);
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let c = bucket_listing(&snap, &mut out)?;
    std::io::Write::flush(&mut out)?;
    eprintln!(
        "wrote {path}: {} objects for {} segments ({} left out, {} orphans)",
        c.objects,
        snap.segment_count(),
        c.left_out,
        c.orphans
    );
    Ok(())
}
