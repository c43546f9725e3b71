//! The leak finder: Kafka's remote log metadata reconciled with a listing of the bucket (and
//! Kafka's `RemoteLogSizeBytes` metric), so that every object and every segment lands in one
//! class: ok, orphan, missing, dangling, foreign, outside the lineage (or in grace).
//!
//! - [`listing`]: bucket listings (aws, gcloud/gsutil, az, mc) streamed into a compact
//!   columnar [`listing::Objects`] store.
//! - [`metrics`]: `RemoteLogSizeBytes` from Prometheus text or a JMX dump.
//! - [`layout`]: each RemoteStorageManager plugin's object keys, read back into segment ids.
//! - [`reconcile`]: the classes, with why, per object and per segment; bytes and cost per class
//!   and topic.
//! - [`drift`]: the metric against the metadata.

pub mod drift;
pub mod layout;
pub mod listing;
pub mod metrics;
pub mod reconcile;
