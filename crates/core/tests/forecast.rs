//! Capacity forecast: convergence to the analytic steady states, rate overrides, the
//! projection against the real plan on explicitly grown snapshots, the rate estimator's
//! weakness flags, and properties (no panics, the run at `now` is the plan's, bounds).

use proptest::prelude::*;
use tierlens_core::demo::demo_snapshot;
use tierlens_core::forecast::cost::{cost, format_usd};
use tierlens_core::forecast::*;
use tierlens_core::model::*;
use tierlens_core::profile::KafkaVersion;
use tierlens_core::retention::{reference, Policy};

const NOW: i64 = 1_700_000_000_000;
const MIN: i64 = 60_000;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 86_400_000;
/// Segment size and rate of the constant-rate partition: 1 MB/s, a 600 MB segment every
/// 10 minutes, every roll on a whole millisecond.
const S: i64 = 600_000_000;
const RATE: f64 = 1_000_000.0;
const P: i64 = 10 * MIN;
/// Records per segment.
const RECS: i64 = 1_000;

fn fin(i: i64, ts: i64, size: i64, epoch: i32) -> Segment {
    Segment {
        id: format!("seg-{i}"),
        start_offset: i * RECS,
        end_offset: i * RECS + RECS - 1,
        max_timestamp_ms: ts,
        event_timestamp_ms: None,
        size_bytes: size,
        segment_leader_epochs: vec![(epoch, i * RECS)],
        state: SegmentState::CopySegmentFinished,
        broker_id: None,
        copy_in_progress: None,
    }
}

fn one_topic(config: TopicConfig, partitions: Vec<Partition>) -> Snapshot {
    Snapshot {
        cluster: None,
        kafka_version: None,
        captured_at_ms: NOW,
        source: SnapshotSource::SnapshotJson,
        topics: vec![Topic {
            name: "orders".into(),
            topic_id: None,
            config,
            partitions,
        }],
    }
}

/// `n` segments of `S` bytes, one every `P`, the newest at `NOW - P/2`; half a segment not
/// uploaded yet (so the next roll is at `NOW + P/2`, then every `P`).
fn history(n: i64) -> Vec<Segment> {
    (0..n)
        .map(|i| fin(i, NOW - P / 2 - (n - 1 - i) * P, S, 0))
        .collect()
}

fn constant_partition(n: i64) -> Partition {
    let segs = history(n);
    let only_local = S / 2;
    let sum: i64 = segs.iter().map(|s| s.size_bytes).sum();
    Partition {
        partition: 0,
        log_start_offset: Some(0),
        log_end_offset: Some(n * RECS + RECS / 2),
        local_log_start_offset: Some(0),
        local_size_bytes: Some(sum + only_local),
        only_local_size_bytes: Some(only_local),
        leader_epochs: Some(vec![(0, 0)]),
        segments: segs.into(),
    }
}

fn config(retention_ms: i64, retention_bytes: i64) -> TopicConfig {
    TopicConfig {
        retention_ms,
        retention_bytes,
        local_retention_ms: -2,
        local_retention_bytes: -2,
        segment_bytes: S,
    }
}

fn options(horizon: i64) -> ForecastOptions {
    ForecastOptions::new(NOW, horizon)
}

fn run(snap: &Snapshot, cur: &Policy, new: &Policy, opts: &ForecastOptions) -> Forecast {
    let rates = estimate_rates(snap);
    forecast(snap, cur, new, &rates, opts)
}

fn last(v: &[i64]) -> i64 {
    *v.last().unwrap()
}

#[test]
fn constant_rate_estimated_exactly() {
    let snap = one_topic(config(DAY, -1), vec![constant_partition(200)]);
    let rates = estimate_rates(&snap);
    let r = &rates.partitions[0];
    assert!((r.bytes_per_sec - RATE).abs() < 1e-6, "{r:?}");
    assert_eq!(r.confidence, Confidence::Good, "{:?}", r.weaknesses);
    assert!((r.segments_per_day - 144.0).abs() < 1e-9);
    assert_eq!(r.median_segment_bytes, S);
    assert_eq!(r.median_interval_ms, P);
    assert!((rates.topics[0].bytes_per_sec - RATE).abs() < 1e-6);
}

#[test]
fn time_retention_converges_to_rate_times_retention_within_one_segment() {
    for ret in [DAY, 3 * DAY, 7 * DAY + 7 * MIN] {
        let snap = one_topic(config(ret, -1), vec![constant_partition(200)]);
        let policy = Policy::new(KafkaVersion::V4_3Plus);
        let f = run(&snap, &policy, &policy, &options(30 * DAY));
        let t = &f.topics[0].current;
        let want = RATE / 1000.0 * ret as f64;
        for (i, &at) in f.times_ms.iter().enumerate() {
            if at - NOW >= ret + P {
                let got = t.series.remote_bytes[i] as f64;
                assert!(
                    (got - want).abs() <= S as f64,
                    "t={at} got {got} want {want}"
                );
            }
        }
        assert_eq!(t.steady.kind, SteadyKind::Time);
        assert_eq!(t.steady.remote_bytes, Some(want.round() as i64));
        assert_eq!(t.steady.tolerance_bytes, S);
        let reached = t.steady.reached_at_ms.expect("steady within 30 days");
        assert!(reached <= NOW + ret + DAY + P, "reached {}", reached - NOW);
        // Deletions per day in the steady state: what is written per day.
        let per_day = t.series.deleted_bytes_per_day(&f.times_ms);
        let written = RATE * 86_400.0;
        assert!((per_day.last().unwrap() - written).abs() <= S as f64);
    }
}

#[test]
fn size_retention_settles_at_the_segment_granular_bound() {
    // retention.bytes = 10.5 segments: Kafka deletes only while the excess is at least the next
    // segment's size, and the active segment counts, so the remote log holds 11 segments or,
    // while the active segment is over half full, 10.
    let rb = 10 * S + S / 2;
    let snap = one_topic(config(-1, rb), vec![constant_partition(50)]);
    let policy = Policy::new(KafkaVersion::V4_3Plus);
    let mut o = options(14 * DAY);
    o.step_ms = Some(7 * MIN); // not aligned with the rolls: every phase of the active segment
    let f = run(&snap, &policy, &policy, &o);
    let t = &f.topics[0].current;
    let bound = S * ((rb + S - 1) / S);
    assert_eq!(bound, 11 * S);
    assert_eq!(t.steady.kind, SteadyKind::Size);
    assert_eq!(t.steady.remote_bytes, Some(bound));
    let mut seen = std::collections::BTreeSet::new();
    for i in 0..f.times_ms.len() {
        let remote = t.series.remote_bytes[i];
        assert!(remote <= bound, "{remote} > {bound}");
        assert!(remote >= bound - S);
        assert_eq!(remote % S, 0);
        seen.insert(remote / S);
    }
    assert_eq!(seen, [10, 11].into_iter().collect());
    assert_eq!(t.steady.reached_at_ms, Some(NOW));
    // A whole number of segments: 10 exactly fits, so the steady value is 10 segments.
    let snap = one_topic(config(-1, 10 * S), vec![constant_partition(50)]);
    let f = run(&snap, &policy, &policy, &o);
    assert_eq!(f.topics[0].current.steady.remote_bytes, Some(10 * S));
    assert!(f.topics[0]
        .current
        .series
        .remote_bytes
        .iter()
        .all(|&r| r <= 10 * S));
}

#[test]
fn a_rate_override_scales_the_steady_state() {
    let snap = one_topic(config(2 * DAY, -1), vec![constant_partition(200)]);
    let policy = Policy::new(KafkaVersion::V4_3Plus);
    let base = run(&snap, &policy, &policy, &options(30 * DAY));
    let mut o = options(30 * DAY);
    o.overrides.insert(
        "orders".into(),
        RateOverride {
            bytes_per_sec: Some(2.0 * RATE),
            growth_pct_per_month: 0.0,
        },
    );
    let doubled = run(&snap, &policy, &policy, &o);
    let b = base.topics[0].current.steady.remote_bytes.unwrap();
    let d = doubled.topics[0].current.steady.remote_bytes.unwrap();
    assert_eq!(d, 2 * b);
    assert!(doubled.topics[0].rate.overridden);
    let (fb, fd) = (
        last(&base.topics[0].current.series.remote_bytes),
        last(&doubled.topics[0].current.series.remote_bytes),
    );
    assert!(((fd - 2 * fb) as f64).abs() <= 2.0 * S as f64, "{fb} {fd}");
    // Growth: no steady state under time retention, and the rate at the horizon grows.
    o.overrides.get_mut("orders").unwrap().growth_pct_per_month = 10.0;
    let grown = run(&snap, &policy, &policy, &o);
    let g = &grown.topics[0];
    assert_eq!(g.current.steady.kind, SteadyKind::Growing);
    assert_eq!(g.current.steady.remote_bytes, None);
    assert!((g.rate.bytes_per_sec_at_horizon / g.rate.bytes_per_sec - 1.1).abs() < 1e-9);
    assert!(last(&g.current.series.remote_bytes) > fd);
}

/// The partition as Kafka would hold it at `NOW + t` (before the run at that instant) if
/// nothing had been deleted since `NOW`: the history plus every segment rolled since, and the
/// active segment's bytes not uploaded yet. Built here from the known schedule, independently
/// of the projection.
fn grown(n: i64, t: i64) -> Partition {
    let mut segs = history(n);
    let first_roll = P / 2;
    let mut i = n;
    let mut last_roll = -P / 2;
    let mut roll = first_roll;
    while roll <= t {
        segs.push(fin(i, NOW + roll, S, 0));
        last_roll = roll;
        roll += P;
        i += 1;
    }
    let active = (RATE / 1000.0 * (t - last_roll) as f64).round() as i64;
    let sum: i64 = segs.iter().map(|s| s.size_bytes).sum();
    Partition {
        partition: 0,
        log_start_offset: Some(0),
        log_end_offset: Some(i * RECS + RECS / 2),
        local_log_start_offset: Some(0),
        local_size_bytes: Some(sum + active),
        only_local_size_bytes: Some(active),
        leader_epochs: Some(vec![(0, 0)]),
        segments: segs.into(),
    }
}

#[test]
fn the_projection_equals_successive_real_plans_on_the_grown_snapshot() {
    let n = 200;
    let base = config(DAY, -1);
    for profile in [
        KafkaVersion::V4_3Plus,
        KafkaVersion::V3_8_1To3_9,
        KafkaVersion::V3_6_1To3_7_0,
    ] {
        let current = Policy::new(profile).with("orders", ConfigKey::LocalRetentionMs, 2 * HOUR);
        let proposed = Policy::new(profile)
            .with("orders", ConfigKey::RetentionMs, 3 * DAY)
            .with("orders", ConfigKey::RetentionBytes, 300 * S + S / 3)
            .with("orders", ConfigKey::LocalRetentionBytes, 5 * S + 1234);
        let snap = one_topic(base, vec![constant_partition(n)]);
        let mut o = options(9 * DAY);
        o.step_ms = Some(7 * HOUR + 3 * MIN);
        let f = run(&snap, &current, &proposed, &o);
        for (which, policy) in [(Which::Current, &current), (Which::Proposed, &proposed)] {
            let s = &f.topics[0].projection(which).series;
            let mut deleted = 0i64;
            for (k, &at) in f.times_ms.iter().enumerate() {
                deleted += s.deleted_bytes[k];
                let g = one_topic(base, vec![grown(n, at - NOW)]);
                let plan = reference::plan(&g, policy, at);
                let pp = &plan.partitions[0];
                let ctx = format!("{profile} {which:?} step {k} (+{} ms)", at - NOW);
                assert_eq!(s.remote_bytes[k], pp.remote_size_after, "remote {ctx}");
                assert_eq!(s.segments[k], pp.kept_segments as i64, "segments {ctx}");
                assert_eq!(deleted, pp.bytes_freed, "deleted {ctx}");
                let local_after =
                    pp.local.local_size_bytes.unwrap() - pp.local.local_bytes_freed.unwrap();
                assert_eq!(s.local_bytes[k], local_after, "local {ctx}");
            }
        }
    }
}

#[test]
fn the_run_at_now_is_the_real_plan_on_the_demo() {
    let snap = demo_snapshot();
    let names: Vec<String> = snap.topics.iter().map(|t| t.name.clone()).collect();
    for profile in KafkaVersion::ALL {
        let current = Policy::new(profile);
        let mut proposed = Policy::new(profile);
        for n in &names {
            proposed.set(n, ConfigKey::RetentionMs, 2 * DAY);
            proposed.set(n, ConfigKey::RetentionBytes, 3 << 30);
        }
        let f = run(
            &snap,
            &current,
            &proposed,
            &ForecastOptions::new(snap.captured_at_ms, 730 * DAY),
        );
        assert_eq!(f.times_ms.len(), 731);
        for (which, policy) in [(Which::Current, &current), (Which::Proposed, &proposed)] {
            let plan = reference::plan(&snap, policy, snap.captured_at_ms);
            for (tf, tp) in f.topics.iter().zip(&plan.topics) {
                let s = &tf.projection(which).series;
                let ctx = format!("{profile} {which:?} {}", tf.topic);
                assert_eq!(s.remote_bytes[0], tp.totals.remote_size_after, "{ctx}");
                assert_eq!(s.deleted_bytes[0], tp.totals.bytes_freed, "{ctx}");
                assert_eq!(s.segments[0], tp.totals.kept_segments as i64, "{ctx}");
                let local: i64 = plan
                    .partitions
                    .iter()
                    .filter(|p| p.topic == tf.topic)
                    .map(|p| p.local.local_size_bytes.unwrap() - p.local.local_bytes_freed.unwrap())
                    .sum();
                assert_eq!(s.local_bytes[0], local, "local {ctx}");
            }
            let c = f.cluster(which);
            assert_eq!(c.series.remote_bytes[0], plan.totals.remote_size_after);
        }
        // Every topic of the demo is bounded: a steady state under both policies.
        for t in &f.topics {
            assert!(t.current.steady.remote_bytes.is_some(), "{}", t.topic);
            assert!(t.proposed.steady.remote_bytes.is_some(), "{}", t.topic);
        }
    }
}

#[test]
fn demo_rates_are_estimated_near_the_generator_rates() {
    let snap = demo_snapshot();
    let rates = estimate_rates(&snap);
    // The demo's generator writes orders at 256 MiB/h per partition on a daily curve.
    let orders = rates.topic("orders").unwrap();
    let per_part = orders.bytes_per_sec / orders.partitions as f64 * 3600.0;
    let want = (256u64 << 20) as f64;
    assert!((per_part / want - 1.0).abs() < 0.1, "{per_part} vs {want}");
    assert!(rates
        .describe_topic("orders")
        .unwrap()
        .starts_with("orders: "));
}

#[test]
fn weak_estimates_are_flagged() {
    // One segment.
    let one = Partition {
        only_local_size_bytes: Some(0),
        segments: vec![fin(0, NOW - HOUR, S, 0)].into(),
        ..Partition::default()
    };
    let r = estimate_partition("t", &one, NOW, &mut Vec::new());
    assert_eq!(r.confidence, Confidence::Unknown);
    assert_eq!(r.weaknesses, vec![Weakness::OneSegment]);
    // One segment, with bytes written since: a weak estimate from them.
    let one_pending = Partition {
        only_local_size_bytes: Some(360_000_000),
        ..one.clone()
    };
    let r = estimate_partition("t", &one_pending, NOW, &mut Vec::new());
    assert_eq!(r.confidence, Confidence::Weak);
    assert!((r.bytes_per_sec - 100_000.0).abs() < 1e-6);
    // Three segments over twenty minutes: too few, too short.
    let short = Partition {
        segments: (0..3)
            .map(|i| fin(i, NOW - (3 - i) * P, S, 0))
            .collect::<Vec<_>>()
            .into(),
        ..Partition::default()
    };
    let r = estimate_partition("t", &short, NOW, &mut Vec::new());
    assert_eq!(r.confidence, Confidence::Weak);
    assert!(matches!(
        r.weaknesses[0],
        Weakness::FewSegments { used: 2, .. }
    ));
    assert!(matches!(r.weaknesses[1], Weakness::ShortSpan { .. }));
    assert!((r.bytes_per_sec - RATE).abs() < 1e-6);
    assert!(!r.reason().is_empty());
    // A partition without segments borrows its topic's median.
    let snap = one_topic(
        config(DAY, -1),
        vec![
            constant_partition(200),
            Partition {
                partition: 1,
                ..Partition::default()
            },
        ],
    );
    let rates = estimate_rates(&snap);
    assert_eq!(rates.partitions[1].confidence, Confidence::Weak);
    assert!(rates.partitions[1]
        .weaknesses
        .contains(&Weakness::BorrowedFromTopic));
    assert!((rates.partitions[1].bytes_per_sec - RATE).abs() < 1e-6);
    assert_eq!(rates.topics[0].weak_partitions, 1);
}

#[test]
fn gaps_are_ignored() {
    // 40 old segments at a quarter of the rate, a 20-day gap, then 100 at the current rate.
    let mut segs = Vec::new();
    let mut ts = NOW - 60 * DAY;
    for i in 0..40 {
        segs.push(fin(i, ts, S / 4, 0));
        ts += P;
    }
    ts += 20 * DAY;
    for i in 40..240 {
        segs.push(fin(i, ts, S, 0));
        ts += P;
    }
    let p = Partition {
        segments: segs.into(),
        ..Partition::default()
    };
    let r = estimate_partition("t", &p, ts - P, &mut Vec::new());
    assert!((r.bytes_per_sec - RATE).abs() < 1e-6, "{r:?}");
    assert_eq!(r.segments_used, 199);
    assert!(matches!(
        r.weaknesses[..],
        [Weakness::GapIgnored {
            segments_ignored: 40,
            ..
        }]
    ));
    // Out-of-order timestamps and a duplicate (retried) upload do not disturb the rate.
    let mut segs = history(100);
    segs[50].max_timestamp_ms -= 3 * HOUR;
    let mut dup = segs[60].clone();
    dup.id = "dup".into();
    dup.state = SegmentState::CopySegmentStarted;
    segs.push(dup);
    let p = Partition {
        segments: segs.into(),
        ..Partition::default()
    };
    let r = estimate_partition("t", &p, NOW, &mut Vec::new());
    assert!((r.bytes_per_sec - RATE).abs() < 1e-6, "{r:?}");
    assert_eq!(r.segments_total, 100);
}

#[test]
fn costs_and_the_tenant_sentence() {
    let snap = one_topic(config(7 * DAY, -1), vec![constant_partition(200)]);
    let current = Policy::new(KafkaVersion::V4_3Plus);
    let proposed =
        Policy::new(KafkaVersion::V4_3Plus).with("orders", ConfigKey::RetentionMs, 30 * DAY);
    let f = run(&snap, &current, &proposed, &options(60 * DAY));
    let prices = Prices::default();
    let c = cost(&f, &prices);
    let cur = c.cluster.current.at_steady_state.unwrap();
    let new = c.cluster.proposed.at_steady_state.unwrap();
    // 1 MB/s for 7 days = 604.8 GB at $0.023.
    assert!((cur.remote_usd - 604.8 * 0.023).abs() < 1e-6, "{cur:?}");
    assert!((new.remote_usd - 2592.0 * 0.023).abs() < 1e-6);
    let diff = c.cluster.difference_at_steady_state.unwrap();
    assert!((diff - (new.total_usd - cur.total_usd)).abs() < 1e-9);
    assert!(diff > 0.0);
    assert!(c.assumptions.iter().any(|a| a.contains("assumed")));
    assert!(c.assumptions.iter().any(|a| a.contains("10^9")));
    let s = summary_sentence(&f, &prices, "orders", Which::Proposed, 30 * DAY).unwrap();
    assert!(
        s.starts_with("With retention.ms = 30d, orders will hold ~2.36 TiB remotely after 30d, ~$59.62/month at $0.023/GB-month; it settles at"),
        "{s}"
    );
    assert!(summary_sentence(&f, &prices, "nope", Which::Current, 0).is_none());
    assert_eq!(format_usd(12345.4), "$12,345");
    assert_eq!(format_usd(-3.1), "-$3.10");
    // Serializable, camelCase.
    let json = serde_json::to_string(&f).unwrap();
    assert!(json.contains("\"remoteBytes\"") && json.contains("\"reachedAtMs\""));
    assert!(f.assumptions.iter().any(|a| a.text.contains("segment.ms")));
    serde_json::to_string(&c).unwrap();
    serde_json::to_string(&estimate_rates(&snap)).unwrap();
}

#[test]
fn unlimited_retention_is_unbounded() {
    let snap = one_topic(config(-1, -1), vec![constant_partition(20)]);
    let policy = Policy::new(KafkaVersion::V4_3Plus);
    let f = run(&snap, &policy, &policy, &options(10 * DAY));
    let t = &f.topics[0].current;
    assert_eq!(t.steady.kind, SteadyKind::Unbounded);
    assert!(t.series.remote_bytes.windows(2).all(|w| w[1] >= w[0]));
    assert!(t.series.deleted_bytes.iter().all(|&d| d == 0));
    // 10 days at 1 MB/s on top of the 20 segments (whole segments only).
    let grown = last(&t.series.remote_bytes) - 20 * S;
    assert!((grown as f64 - RATE * 864_000.0).abs() <= S as f64);
}

#[test]
fn segment_ms_rolls_slow_partitions() {
    // 1 KB/s with 1 GiB segments: segment.ms (1 hour here) rolls them.
    let segs: Vec<Segment> = (0..48)
        .map(|i| fin(i, NOW - (48 - i) * HOUR, 3_600_000, 0))
        .collect();
    let p = Partition {
        only_local_size_bytes: Some(0),
        leader_epochs: Some(vec![(0, 0)]),
        segments: segs.into(),
        ..Partition::default()
    };
    let snap = one_topic(
        TopicConfig {
            segment_bytes: 1 << 30,
            ..config(DAY, -1)
        },
        vec![p],
    );
    let policy = Policy::new(KafkaVersion::V4_3Plus);
    let mut o = options(7 * DAY);
    o.topic_segment_ms.insert("orders".into(), HOUR);
    let f = run(&snap, &policy, &policy, &o);
    let t = &f.topics[0].current;
    assert_eq!(f.topics[0].segment_ms, HOUR);
    // 24 or 25 one-hour segments of 3.6 MB.
    let seg = *t.series.segments.last().unwrap();
    assert!((24..=25).contains(&seg), "{seg}");
    assert_eq!(t.steady.tolerance_bytes, 3_600_000);
}

// ---------------------------------------------------------------------------------------------
// Properties

fn state() -> impl Strategy<Value = SegmentState> {
    prop_oneof![
        6 => Just(SegmentState::CopySegmentFinished),
        2 => Just(SegmentState::CopySegmentStarted),
        2 => Just(SegmentState::DeleteSegmentStarted),
        1 => Just(SegmentState::DeleteSegmentFinished),
    ]
}

/// Random partitions (any states, epochs, overlaps, non-monotonic timestamps, negative sizes
/// sometimes) near `NOW`.
fn partition(p: i32) -> impl Strategy<Value = Partition> {
    (
        prop::collection::vec(
            (
                0i64..400,
                0i64..80,
                prop_oneof![4 => 0i64..3_000_000, 1 => Just(0i64), 1 => -5i64..5],
                -40 * DAY..DAY,
                state(),
                0i32..4,
                prop_oneof![4 => Just(None), 1 => Just(Some(true)), 1 => Just(Some(false))],
            ),
            0..25,
        ),
        prop::option::of(prop::collection::vec((0i32..4, 0i64..300), 1..3)),
        prop::option::of(0i64..350),
        prop::option::of(0i64..500),
        prop::option::of(0i64..4_000_000),
        prop::option::of((0i64..20_000_000, 0i64..400)),
    )
        .prop_map(move |(specs, lineage, lso, leo, only_local, local)| {
            let segments: Vec<Segment> = specs
                .iter()
                .enumerate()
                .map(|(i, &(start, len, size, age, st, e, cip))| Segment {
                    id: format!("s{i}"),
                    start_offset: start,
                    end_offset: start + len,
                    max_timestamp_ms: NOW + age,
                    event_timestamp_ms: None,
                    size_bytes: size,
                    segment_leader_epochs: vec![(e, start)],
                    state: st,
                    broker_id: None,
                    copy_in_progress: cip,
                })
                .collect();
            let lineage = lineage.map(|mut l| {
                l.sort();
                l.dedup_by_key(|x| x.0);
                let mut off = 0;
                for x in l.iter_mut() {
                    off = off.max(x.1);
                    x.1 = off;
                }
                l
            });
            Partition {
                partition: p,
                log_start_offset: lso,
                log_end_offset: leo,
                local_log_start_offset: local.map(|l| l.1),
                local_size_bytes: local.map(|l| l.0),
                only_local_size_bytes: only_local,
                leader_epochs: lineage,
                segments: segments.into(),
            }
        })
}

fn limit() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(-1i64),
        Just(0i64),
        0i64..50_000_000,
        HOUR..30 * DAY,
        Just(i64::MAX)
    ]
}

prop_compose! {
    fn snapshot()(
        parts in (1usize..4).prop_flat_map(|n| (0..n).map(|p| partition(p as i32)).collect::<Vec<_>>()),
        rms in limit(), rb in limit(),
        lms in prop_oneof![Just(-2i64), limit()], lb in prop_oneof![Just(-2i64), limit()],
        seg in prop_oneof![1i64..10_000_000, Just(1i64 << 30)],
    ) -> Snapshot {
        one_topic(TopicConfig {
            retention_ms: rms, retention_bytes: rb, local_retention_ms: lms,
            local_retention_bytes: lb, segment_bytes: seg,
        }, parts)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Never panics; the run at `now` is the reference plan's; nothing negative.
    #[test]
    fn forecasts_never_panic_and_start_with_the_plan(
        snap in snapshot(),
        rms in limit(), rb in limit(),
        rate in prop_oneof![Just(0.0f64), 0.0f64..10_000_000.0, Just(1e12)],
        growth in prop_oneof![Just(0.0f64), -100.0f64..200.0],
        step in prop_oneof![Just(None), (MIN..3 * DAY).prop_map(Some)],
        horizon in prop_oneof![Just(0i64), 7 * DAY..800 * DAY],
        seg_ms in prop_oneof![Just(7 * DAY), MIN..DAY],
    ) {
        for profile in [KafkaVersion::V4_3Plus, KafkaVersion::V3_8_1To3_9, KafkaVersion::V3_6_1To3_7_0] {
            let current = Policy::new(profile);
            let proposed = Policy::new(profile)
                .with("orders", ConfigKey::RetentionMs, rms)
                .with("orders", ConfigKey::RetentionBytes, rb);
            let mut o = ForecastOptions::new(NOW, horizon);
            o.step_ms = step;
            o.segment_ms = seg_ms;
            o.overrides.insert("orders".into(), RateOverride {
                bytes_per_sec: Some(rate),
                growth_pct_per_month: growth,
            });
            let f = run(&snap, &current, &proposed, &o);
            prop_assert!(f.times_ms.len() >= 2);
            for (which, policy) in [(Which::Current, &current), (Which::Proposed, &proposed)] {
                let plan = reference::plan(&snap, policy, NOW);
                let s = &f.topics[0].projection(which).series;
                prop_assert_eq!(s.remote_bytes[0], plan.totals.remote_size_after);
                prop_assert_eq!(s.deleted_bytes[0], plan.totals.bytes_freed);
                prop_assert_eq!(s.segments[0], plan.totals.kept_segments as i64);
                let sane = snap.topics[0].partitions.iter().flat_map(|p| p.segments.iter()).all(|s| s.size_bytes >= 0);
                if sane {
                    prop_assert!(s.remote_bytes.iter().all(|&x| x >= 0));
                    prop_assert!(s.local_bytes.iter().all(|&x| x >= 0));
                    prop_assert!(s.deleted_bytes.iter().all(|&x| x >= 0));
                }
                prop_assert!(s.segments.iter().all(|&x| x >= 0));
            }
            let c = cost(&f, &Prices::default());
            prop_assert!(c.cluster.current.at_horizon.total_usd.is_finite());
            let _ = summary_sentence(&f, &Prices::default(), "orders", Which::Proposed, 30 * DAY);
        }
    }

    /// Constant-rate partitions under size retention never hold more than the
    /// segment-granular bound once the history has been cut, and reach it when the horizon
    /// allows.
    #[test]
    fn size_retention_stays_under_the_bound(
        n in 0i64..60,
        segs_in_limit in 1i64..40,
        frac in 0i64..1000,
        ret in prop_oneof![Just(-1i64), DAY..10 * DAY],
        step in MIN..DAY,
    ) {
        let rb = segs_in_limit * S + frac * (S / 1000);
        let snap = one_topic(config(ret, rb), vec![constant_partition(n.max(1))]);
        let policy = Policy::new(KafkaVersion::V4_3Plus);
        let mut o = options(20 * DAY);
        o.step_ms = Some(step);
        o.overrides.insert("orders".into(), RateOverride { bytes_per_sec: Some(RATE), growth_pct_per_month: 0.0 });
        let f = run(&snap, &policy, &policy, &o);
        let t = &f.topics[0].current;
        let bound = S * ((rb + S - 1) / S);
        prop_assert!(t.series.remote_bytes.iter().all(|&r| r <= bound.max(n * S)));
        prop_assert!(t.series.remote_bytes[1..].iter().all(|&r| r <= bound));
        let steady = t.steady.remote_bytes.unwrap();
        prop_assert!(steady <= bound);
        prop_assert!(last(&t.series.remote_bytes) <= steady);
        prop_assert!(last(&t.series.remote_bytes) >= steady - S);
        prop_assert!(t.steady.reached_at_ms.is_some());
    }
}

/// The cache's forecasts are `forecast`'s, through slider moves on one topic, a change of
/// profile, of the options, and a new snapshot; and a move on one topic recomputes only it.
#[test]
fn the_cache_gives_the_same_forecasts_and_recomputes_only_what_changed() {
    use std::sync::Arc;
    let demo = Arc::new(demo_snapshot());
    let rates = Arc::new(estimate_rates(&demo));
    let topics = demo.topics.len();
    let current = Policy::new(KafkaVersion::V4_3Plus);
    let mut cache = ForecastCache::new();
    let mut opts = ForecastOptions::new(demo.captured_at_ms, 365 * DAY);
    let check = |cache: &mut ForecastCache,
                 p: &Policy,
                 o: &ForecastOptions,
                 s: &Arc<Snapshot>,
                 r: &Arc<RateEstimates>| {
        let cached = cache.forecast(s, &current, p, r, o);
        assert_eq!(cached, forecast(s, &current, p, r, o));
        cache.last_computed
    };
    // Cold: every topic once (the proposed policy is the current one).
    assert_eq!(check(&mut cache, &current, &opts, &demo, &rates), topics);
    // A slider on orders: only orders' proposed projection.
    for d in [3, 5, 9, 5, 3] {
        let p = current
            .clone()
            .with("orders", ConfigKey::RetentionMs, d * DAY);
        assert_eq!(check(&mut cache, &p, &opts, &demo, &rates), 1);
    }
    // Back to the current configs: nothing to compute.
    assert_eq!(check(&mut cache, &current, &opts, &demo, &rates), 0);
    // Another profile for the proposal: every topic's proposed projection.
    let other = Policy::new(KafkaVersion::V3_6_1To3_7_0);
    assert_eq!(check(&mut cache, &other, &opts, &demo, &rates), topics);
    // A rate override on one topic: both of its projections.
    opts.overrides.insert(
        "orders".into(),
        RateOverride {
            bytes_per_sec: Some(5e6),
            growth_pct_per_month: 10.0,
        },
    );
    assert_eq!(check(&mut cache, &other, &opts, &demo, &rates), 2);
    // Another horizon (other instants): everything.
    opts.horizon_ms = 90 * DAY;
    assert_eq!(check(&mut cache, &other, &opts, &demo, &rates), 2 * topics);
    // An equal snapshot in a new allocation is another snapshot.
    let again = Arc::new(demo_snapshot());
    assert_eq!(check(&mut cache, &other, &opts, &again, &rates), 2 * topics);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any sequence of proposals through one cache gives `forecast`'s results.
    #[test]
    fn cached_forecasts_equal_fresh_ones(
        snap in snapshot(),
        moves in proptest::collection::vec((limit(), limit(), 0usize..3), 1..6),
    ) {
        use std::sync::Arc;
        let snap = Arc::new(snap);
        let rates = Arc::new(estimate_rates(&snap));
        let profiles = [KafkaVersion::V4_3Plus, KafkaVersion::V3_8_1To3_9, KafkaVersion::V3_6_1To3_7_0];
        let current = Policy::new(KafkaVersion::V4_3Plus);
        let o = ForecastOptions::new(NOW, 30 * DAY);
        let mut cache = ForecastCache::new();
        for (rms, rb, prof) in moves {
            let p = Policy::new(profiles[prof])
                .with("orders", ConfigKey::RetentionMs, rms)
                .with("orders", ConfigKey::RetentionBytes, rb);
            prop_assert_eq!(
                cache.forecast(&snap, &current, &p, &rates, &o),
                forecast(&snap, &current, &p, &rates, &o)
            );
        }
    }
}
