//! The snapshot JSON reader (and whatever else the sniffer routes to) through `StreamLoader`.
//!
//! Input: two bytes seeding the chunk sizes, then the document. Properties: no panic; the
//! document fed at once and fed in fuzzer-chosen chunks gives the same snapshot and problems, or
//! the same error (kind, location and message).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tierlens_core::{load, StreamLoader};

fuzz_target!(|data: &[u8]| {
    let (seed, doc) = data.split_at(data.len().min(2));
    let whole = load(doc);
    // Chunk sizes 1..=64 from a small xorshift seeded by the first two bytes.
    let mut state = u32::from(seed.first().copied().unwrap_or(1)) << 8
        | u32::from(seed.get(1).copied().unwrap_or(1))
        | 1;
    let mut loader = StreamLoader::new();
    let mut at = 0;
    let mut chunked = Ok(());
    while at < doc.len() && chunked.is_ok() {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = ((state % 64) as usize + 1).min(doc.len() - at);
        chunked = loader.feed(&doc[at..at + n]);
        at += n;
    }
    let chunked = chunked.and_then(|()| loader.finish());
    assert_eq!(whole, chunked, "fed at once vs in chunks");
    // Every error renders.
    if let Err(e) = &whole {
        let _ = e.to_string();
    }
});
