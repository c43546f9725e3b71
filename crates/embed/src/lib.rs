//! The postMessage protocol of an embedded tierlens (`docs/embed-api.md`), without web types.
//!
//! A host page drives a tierlens `<iframe>` with messages; this crate holds everything about
//! them that does not need a browser, so `cargo test` covers it:
//!
//! - [`origin`]: the allow-list of host origins (URL parameter `allowOrigin` and a build-time
//!   list) and origin normalisation. A message from any other origin is never parsed.
//! - [`message`]: the versioned envelope (`{"tierlens": 1, "type": …, "id": …}`), the requests,
//!   replies, events and typed errors. Parsing never panics on any input.
//! - [`settings`]: the user settings as the URL names them (`topic`, `retention.ms`, `view`, …),
//!   the patch a host sends and the state reported back.
//! - [`compute`]: a requested policy validated against the snapshot, and the summary / plan a
//!   reply carries, computed by `tierlens-core`.
//!
//! The browser half (listening, origin checks on real events, replying with
//! `postMessage(msg, origin)`) is `src/embed.rs` in the app.

pub mod compute;
pub mod message;
pub mod origin;
pub mod settings;

/// The protocol version: the `tierlens` field of every message.
pub const PROTOCOL: u32 = 1;

pub use compute::{dataset_info, plan_result, summary, DatasetInfo, PlanResult, Summary};
pub use message::{parse, EmbedError, ErrorCode, Event, Id, Parsed, Reply, Request};
pub use origin::{normalize_origin, AllowList, OriginError};
pub use settings::{SettingsPatch, SettingsState, Theme, View};
