//! tierlens-core: Kafka tiered-storage metadata in, remote log sizes and retention plans out.
//!
//! Pure Rust with no browser types, so everything here runs under plain `cargo test` and is
//! shared by the dashboard (wasm) and the `tierlens` CLI. Data flows one way:
//!
//! ```text
//! bytes --ingest--> Snapshot (model) --> sizes / lineage / retention plan / explanations
//! ```
//!
//! - [`model`]: `Snapshot`, `Topic`, `Partition`, `Segment`, `SegmentState`, `TopicConfig`.
//! - [`ingest`]: the snapshot JSON contract and Kafka's formatter / dump-log text, with typed
//!   errors and per-line problems.
//! - [`forecast`]: capacity planning: ingest rates, the projection of both policies forward in
//!   time, steady states and cost.

pub mod demo;
pub mod explain;
pub mod export;
pub mod findings;
pub mod forecast;
pub mod ingest;
pub mod leaks;
pub mod lineage;
pub mod model;
pub mod profile;
pub mod retention;
pub mod scale;
pub mod size;
pub mod synth;
pub mod units;

pub use ingest::{
    load, load_text, load_with_limit, LoadError, Loaded, Problem, ProblemKind, Progress,
    StreamLoader, DEFAULT_MAX_HELD_BYTES, MAX_HELD_BYTES,
};
pub use model::*;
