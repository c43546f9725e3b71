//! Leak finder inputs: what the object store holds (a bucket listing) and what Kafka says it
//! holds (the `RemoteLogSizeBytes` metric), read without the browser so the reconciler can be
//! tested on plain data.

pub mod listing;
pub mod metrics;
