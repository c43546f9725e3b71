//! Writes the demo snapshot (`tierlens_core::demo::demo_snapshot`) as snapshot-v1 JSON.
//!
//! ```text
//! cargo run -p tierlens-core --example gen_demo [PATH]    # default: public/demo-snapshot.json
//! ```
//!
//! Run it from the workspace root after changing the generator; the `demo_snapshot`
//! integration test checks that the committed file is what the generator writes.

use std::path::Path;
use tierlens_core::demo::demo_snapshot;
use tierlens_core::ingest::snapshot_v1::to_json;

fn main() -> std::io::Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "public/demo-snapshot.json".into());
    let snapshot = demo_snapshot();
    let json = to_json(&snapshot, true);
    if let Some(dir) = Path::new(&path).parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)?;
        }
    }
    std::fs::write(&path, &json)?;
    eprintln!(
        "wrote {path}: {} bytes, {} topics, {} partitions, {} segments",
        json.len(),
        snapshot.topics.len(),
        snapshot.partition_count(),
        snapshot.segment_count()
    );
    Ok(())
}
