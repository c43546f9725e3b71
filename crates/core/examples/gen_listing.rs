//! Writes the bucket listing (`aws s3 ls --recursive` text) that Aiven's plugin would hold
//! for a synthetic snapshot (`tierlens_core::synth`, the same spec as `gen_synth`), with a few
//! leaks planted: objects no segment has (orphans) and segments with an object removed
//! (missing). For the leak finder's benchmarks and browser tests.
//!
//! ```text
//! cargo run --release -p tierlens-core --example gen_listing -- PATH [TOPICS PARTITIONS SEGMENTS]
//! ```
//!
//! Defaults: 100 × 100 × 100 (1,000,000 segments, 3,000,000 objects under `tiered/`). Every
//! 10,000th object is left out and 1 orphan is added per 10,000 objects.

use std::io::Write;
use tierlens_core::leaks::layout::{uuid_to_base64, Layout};
use tierlens_core::leaks::reconcile::{listing_from_snapshot, ObjectSource};
use tierlens_core::synth::{snapshot, SynthSpec};

/// `YYYY-MM-DD HH:MM:SS` (UTC) of epoch milliseconds, as `aws s3 ls` prints its times.
fn s3_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: gen_listing PATH [TOPICS PARTITIONS_PER_TOPIC SEGMENTS_PER_PARTITION]");
        std::process::exit(2);
    };
    let mut spec = SynthSpec::default();
    let numbers: Vec<usize> = args[1..].iter().filter_map(|a| a.parse().ok()).collect();
    if let [t, p, s] = numbers[..] {
        spec.topics = t;
        spec.partitions_per_topic = p;
        spec.segments_per_partition = s;
    }
    let snap = snapshot(&spec);
    let listing = listing_from_snapshot(&snap, Layout::Aiven, "tiered/");
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let (mut written, mut missing, mut orphans) = (0u64, 0u64, 0u64);
    for i in 0..listing.object_count() {
        let o = listing.object(i);
        if i % 10_000 == 5_000 {
            missing += 1;
            continue;
        }
        let when = s3_time(o.last_modified_ms.unwrap_or(spec.now_ms));
        writeln!(out, "{when} {:>10} {}", o.size_bytes, listing.key(i))?;
        written += 1;
        if i % 10_000 == 0 {
            // An orphan beside it: the same directory, an id no segment has.
            let key = listing.key(i);
            let dir = key.rsplit_once('/').map_or("", |(d, _)| d);
            let mut id = [0u8; 16];
            id[..8].copy_from_slice(&(i as u64).to_le_bytes());
            id[8..].copy_from_slice(b"orphan!!");
            writeln!(
                out,
                "{} {:>10} {dir}/00000000000000000000-{}.log",
                s3_time(spec.now_ms - 86_400_000),
                1 << 20,
                uuid_to_base64(&id)
            )?;
            orphans += 1;
            written += 1;
        }
    }
    out.flush()?;
    eprintln!(
        "wrote {path}: {written} objects for {} segments ({missing} left out, {orphans} orphans)",
        snap.segment_count()
    );
    Ok(())
}
