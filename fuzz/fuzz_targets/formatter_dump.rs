//! Kafka's RemoteLogMetadataFormatter / kafka-dump-log text reader, directly (no sniffing).
//!
//! Input: one byte choosing the chunk size, then the text. Properties: no panic; the text read
//! whole (`formatter_dump::parse`) and streamed line by line in chunks give the same result;
//! every problem and error renders.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tierlens_core::ingest::formatter_dump::{parse, DumpStream};

fuzz_target!(|data: &[u8]| {
    let Some((&cut, text)) = data.split_first() else {
        return;
    };
    let cut = usize::from(cut % 97) + 1;
    let mut stream = DumpStream::default();
    let streamed = text
        .chunks(cut)
        .try_for_each(|c| stream.feed(c))
        .and_then(|()| stream.finish());
    if let Ok(s) = std::str::from_utf8(text) {
        assert_eq!(parse(s), streamed, "whole vs streamed");
    }
    match &streamed {
        Ok(loaded) => {
            for p in &loaded.problems {
                let _ = p.to_string();
            }
            for t in &loaded.snapshot.topics {
                for p in &t.partitions {
                    for s in p.segments.iter() {
                        assert!(s.start_offset >= 0 && s.end_offset >= s.start_offset);
                        assert!(s.size_bytes >= 0);
                    }
                }
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
