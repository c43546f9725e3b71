//! Bucket listing benchmark: an `aws s3 ls --recursive` listing of 3,000,000 tiered-storage
//! segment files (about 400 MB of text), streamed in 1 MiB chunks.
//!
//! `cargo bench -p tierlens-core --bench listing`
//! Prints objects/s, MB/s and the bytes held per object, then criterion's own figures.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use std::fmt::Write as _;
use std::time::{Duration, Instant};
use tierlens_core::leaks::listing::{Listing, ListingLoader};

const OBJECTS: usize = 3_000_000;

fn base64_url(bytes: &[u8; 16]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    let (mut bits, mut n) = (0u32, 0);
    for &b in bytes {
        bits = (bits << 8) | u32::from(b);
        n += 8;
        while n >= 6 {
            n -= 6;
            out.push(A[((bits >> n) & 63) as usize] as char);
        }
    }
    if n > 0 {
        out.push(A[((bits << (6 - n)) & 63) as usize] as char);
    }
    out
}

/// 200 topics × 24 partitions, a `.log` and an `.indexes` file per segment.
fn listing_text(n: usize) -> Vec<u8> {
    let mut s = String::with_capacity(n * 140);
    for i in 0..n {
        let (topic, partition) = (i % 200, (i / 200) % 24);
        let offset = (i / 4800) as u64 * 1_000_000;
        let suffix = if i % 2 == 0 { "log" } else { "indexes" };
        let mut uuid = [0u8; 16];
        uuid[..8].copy_from_slice(&(i as u64).to_le_bytes());
        uuid[8..].copy_from_slice(&(i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15).to_le_bytes());
        let _ = writeln!(
            s,
            "2024-05-{:02} {:02}:{:02}:{:02} {:>10} tiered/topic-{topic:03}-AbCdEfGhIjKlMnOpQrStUv/{partition}/{offset:020}-{}.{suffix}",
            1 + i % 28,
            i % 24,
            i % 60,
            (i / 60) % 60,
            1_073_741_824 - (i % 1000) as i64,
            base64_url(&uuid),
        );
    }
    s.into_bytes()
}

fn load(text: &[u8]) -> Listing {
    let mut loader = ListingLoader::new();
    for chunk in text.chunks(1 << 20) {
        loader.feed(chunk).expect("loads");
    }
    loader.finish().expect("loads")
}

fn bench(c: &mut Criterion) {
    let text = listing_text(OBJECTS);
    let start = Instant::now();
    let listing = load(&text);
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(listing.objects.len(), OBJECTS);
    let held = listing.objects.held_bytes();
    eprintln!(
        "listing: {} objects, {:.0} MB of text in {:.2} s: {:.0} objects/s, {:.0} MB/s; {} bytes held ({:.1} bytes per object)",
        OBJECTS,
        text.len() as f64 / 1e6,
        secs,
        OBJECTS as f64 / secs,
        text.len() as f64 / 1e6 / secs,
        held,
        held as f64 / OBJECTS as f64,
    );
    drop(listing);

    let mut g = c.benchmark_group("listing");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    g.bench_function("aws_s3_ls_3M", |b| {
        b.iter(|| black_box(load(black_box(&text))))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
