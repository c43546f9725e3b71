//! Forecast benchmark: a 2-year projection (both policies) of the demo cluster (44 partitions,
//! 731 daily points) and of a synthetic cluster of 10,000 partitions (1,000,000 segments; the
//! automatic step gives it 105 weekly points; `synth_10k_2y_daily` forces 731).
//!
//! `cargo bench -p tierlens-core --bench forecast`
//! Targets: `demo_2y` < 16 ms (one frame when a slider moves), 10,000 partitions < 200 ms
//! when a slider moves (`synth_10k_2y_slider_*`, the page's path, with the current policy's
//! projection cached) and also from cold (`synth_10k_2y`, both policies computed).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::time::Duration;
use tierlens_core::demo::demo_snapshot;
use tierlens_core::forecast::{
    estimate_rates, forecast, ForecastCache, ForecastOptions, MAX_HORIZON_MS,
};
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
    // A slider moving in the page: the current policy's projection is cached
    // (`ForecastCache`), and each move changes the proposed configs of one topic, or of every
    // topic (alternating between two values, so that every move misses the cache).
    let snap = std::sync::Arc::new(snap);
    let rates = std::sync::Arc::new(rates);
    let name = snap.topics[0].name.clone();
    let one_topic: Vec<Policy> = (1..=2i64)
        .map(|d| {
            proposed
                .clone()
                .with(&name, ConfigKey::RetentionMs, d * 7 * DAY)
        })
        .collect();
    let all_topics: Vec<Policy> = (1..=2i64)
        .map(|d| {
            let mut p = Policy::new(profile);
            for t in &snap.topics {
                // 10 or 20 days: never the synthetic topics' own 7 days (a cache hit).
                p.set(&t.name, ConfigKey::RetentionMs, d * 10 * DAY);
            }
            p
        })
        .collect();
    for (label, moves) in [
        ("synth_10k_2y_slider_one_topic", &one_topic),
        ("synth_10k_2y_slider_all_topics", &all_topics),
    ] {
        let mut cache = ForecastCache::new();
        cache.forecast(&snap, &current, &moves[0], &rates, &opts);
        let mut i = 0usize;
        g.bench_function(label, |b| {
            b.iter(|| {
                i += 1;
                let f = cache.forecast(&snap, &current, &moves[i % 2], &rates, &opts);
                black_box(f.cluster_proposed.series.remote_bytes.len())
            })
        });
    }
    g.bench_function("synth_10k_rates", |b| {
        b.iter(|| estimate_rates(black_box(&snap)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
