//! Forecast benchmark: a 2-year projection (both policies) of the demo cluster (44 partitions,
//! 731 daily points) and of a synthetic cluster of 10,000 partitions (1,000,000 segments; the
//! automatic step gives it 105 weekly points; `synth_10k_2y_daily` forces 731).
//!
//! `cargo bench -p tierlens-core --bench forecast`
//! Targets: `demo_2y` < 16 ms (one frame when a slider moves), `synth_10k_2y` < 200 ms.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::time::Duration;
use tierlens_core::demo::demo_snapshot;
use tierlens_core::forecast::{estimate_rates, forecast, ForecastOptions, MAX_HORIZON_MS};
use tierlens_core::model::ConfigKey;
use tierlens_core::profile::KafkaVersion;
use tierlens_core::retention::Policy;
use tierlens_core::synth::{snapshot, SynthSpec};

const DAY: i64 = 86_400_000;

fn bench(c: &mut Criterion) {
    let profile = KafkaVersion::V4_3Plus;
    let mut g = c.benchmark_group("forecast");

    let demo = demo_snapshot();
    let demo_rates = estimate_rates(&demo);
    let demo_opts = ForecastOptions::new(demo.captured_at_ms, MAX_HORIZON_MS);
    // A slider moving: retention.ms of one topic changes between evaluations.
    let demo_policies: Vec<Policy> = (1..=60i64)
        .map(|d| Policy::new(profile).with("orders", ConfigKey::RetentionMs, d * DAY))
        .collect();
    let current = Policy::new(profile);
    let mut step = 0usize;
    g.sample_size(50).measurement_time(Duration::from_secs(4));
    g.bench_function("demo_2y", |b| {
        b.iter(|| {
            step = (step + 1) % demo_policies.len();
            let f = forecast(
                black_box(&demo),
                &current,
                &demo_policies[step],
                &demo_rates,
                &demo_opts,
            );
            black_box(f.cluster_proposed.series.remote_bytes.len())
        })
    });
    g.bench_function("demo_rates", |b| {
        b.iter(|| estimate_rates(black_box(&demo)))
    });

    let spec = SynthSpec::default();
    let snap = snapshot(&spec);
    assert_eq!(snap.partition_count(), 10_000);
    let rates = estimate_rates(&snap);
    let opts = ForecastOptions::new(spec.now_ms, MAX_HORIZON_MS);
    let mut proposed = Policy::new(profile);
    for t in &snap.topics {
        proposed.set(&t.name, ConfigKey::RetentionMs, 30 * DAY);
        proposed.set(&t.name, ConfigKey::RetentionBytes, 200 << 30);
    }
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("synth_10k_2y", |b| {
        b.iter(|| {
            let f = forecast(black_box(&snap), &current, &proposed, &rates, &opts);
            black_box(f.cluster_proposed.series.remote_bytes.len())
        })
    });
    // The same with one point a day (731 instead of the automatic weekly 105).
    let mut daily = opts.clone();
    daily.step_ms = Some(DAY);
    g.bench_function("synth_10k_2y_daily", |b| {
        b.iter(|| {
            let f = forecast(black_box(&snap), &current, &proposed, &rates, &daily);
            black_box(f.cluster_proposed.series.remote_bytes.len())
        })
    });
    g.bench_function("synth_10k_rates", |b| {
        b.iter(|| estimate_rates(black_box(&snap)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
