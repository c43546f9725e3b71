//! Leak finder at scale: a 3,000,000-object `aws s3 ls` listing (`synth::bucket_listing`, the
//! file `gen_listing` writes) reconciled against the 1,000,000-segment synthetic snapshot.
//!
//! `cargo bench -p tierlens-core --bench reconcile`
//! Prints one timed pass of each phase (listing read in 1 MiB chunks, reconciliation, and the
//! reconciliation in 30 steps as the page runs it), then criterion's figures.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::time::{Duration, Instant};
use tierlens_core::leaks::listing::ListingLoader;
use tierlens_core::leaks::reconcile::{reconcile, Class, ReconcileOptions, Reconciler};
use tierlens_core::profile::KafkaVersion;
use tierlens_core::synth::{bucket_listing, snapshot, SynthSpec};

fn bench(c: &mut Criterion) {
    let spec = SynthSpec::default();
    let snap = snapshot(&spec);
    let mut text = Vec::new();
    let counts = bucket_listing(&snap, &mut text).expect("in memory");

    let t = Instant::now();
    let mut loader = ListingLoader::new();
    for chunk in text.chunks(1 << 20) {
        loader.feed(chunk).expect("listing");
    }
    let listing = loader.finish().expect("listing");
    let read = t.elapsed();
    assert_eq!(listing.objects.len() as u64, counts.objects);

    let opts = ReconcileOptions::new(spec.now_ms, KafkaVersion::V4_3Plus);
    let t = Instant::now();
    let r = reconcile(&snap, &listing.objects, opts.clone()).expect("reconcile");
    let whole = t.elapsed();
    assert_eq!(r.class_totals(Class::Orphan).objects, counts.orphans);
    // A left-out object of a segment still uploading (or deleting) is not data loss.
    let missing = r.class_totals(Class::Missing).segments;
    assert!(missing <= counts.left_out && missing + 5 >= counts.left_out);
    // As the page runs it: steps of ~1/30 of the work.
    let t = Instant::now();
    let mut rec = Reconciler::new(&snap, &listing.objects, opts.clone()).expect("reconcile");
    let step = (rec.progress().total / 30) as usize;
    let mut longest = Duration::ZERO;
    while !rec.is_done() {
        let s = Instant::now();
        rec.step(step);
        longest = longest.max(s.elapsed());
    }
    let stepped = t.elapsed();
    eprintln!(
        "{} objects ({} MB of text) against {} segments: read {:.2} s ({:.0} MB/s), \
         reconcile {:.2} s, in 30 steps {:.2} s (longest step {} ms); held: listing {} MB",
        listing.objects.len(),
        text.len() / 1_000_000,
        snap.segment_count(),
        read.as_secs_f64(),
        text.len() as f64 / 1e6 / read.as_secs_f64(),
        whole.as_secs_f64(),
        stepped.as_secs_f64(),
        longest.as_millis(),
        listing.objects.held_bytes() / 1_000_000,
    );

    let mut g = c.benchmark_group("reconcile");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("3m_objects_1m_segments", |b| {
        b.iter(|| {
            let r = reconcile(black_box(&snap), &listing.objects, opts.clone()).expect("ok");
            black_box(r.totals[0].objects)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
