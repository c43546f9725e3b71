//! What-if benchmark: 1,000,000 segments over 10,000 partitions.
//!
//! `cargo bench -p tierlens-core --bench whatif`
//! Targets: `whatif_eval` (one summary with a changed retention.ms / retention.bytes) < 2 ms,
//! `index_build` < 300 ms.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::time::Duration;
use tierlens_core::model::ConfigKey;
use tierlens_core::profile::KafkaVersion;
use tierlens_core::retention::{PlanIndex, PlanSummary, Policy};
use tierlens_core::synth::{snapshot, SynthSpec};

fn bench(c: &mut Criterion) {
    let spec = SynthSpec::default();
    let snap = snapshot(&spec);
    assert_eq!(snap.segment_count(), 1_000_000);
    assert_eq!(snap.partition_count(), 10_000);
    let now = spec.now_ms;
    let profile = KafkaVersion::V4_3Plus;

    let mut g = c.benchmark_group("whatif");
    let ix = PlanIndex::build(&snap, profile);
    let names: Vec<String> = snap.topics.iter().map(|t| t.name.clone()).collect();
    // A slider moving: each evaluation gets a policy whose retention.ms and retention.bytes
    // differ from the previous one's, for every topic (the policies are built beforehand).
    let policies: Vec<Policy> = (0..200i64)
        .map(|step| {
            let mut policy = Policy::new(profile);
            for n in &names {
                policy.set(n, ConfigKey::RetentionMs, (24 + step / 2) * 3_600_000);
                policy.set(n, ConfigKey::RetentionBytes, (40 + step % 30) << 30);
            }
            policy
        })
        .collect();
    let mut step = 0usize;
    let mut out = PlanSummary::default();
    g.sample_size(50).measurement_time(Duration::from_secs(5));
    g.bench_function("whatif_eval", |b| {
        b.iter(|| {
            step = (step + 1) % policies.len();
            ix.summary_into(black_box(&policies[step]), now, &mut out);
            black_box(out.totals.bytes_freed)
        })
    });
    let policy = &policies[100];
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.bench_function("full_plan", |b| {
        b.iter(|| black_box(ix.plan(policy, now)).totals.bytes_freed)
    });
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.bench_function("index_build", |b| {
        b.iter(|| PlanIndex::build(black_box(&snap), profile))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
