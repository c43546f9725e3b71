//! `tierlens collect`: a snapshot-v1 straight from a Kafka cluster (native only).
//!
//! - [`cluster`]: the one small trait the collector needs from a Kafka client, and its types;
//! - [`kafka`]: that trait over Kafka's wire protocol (blocking sockets with timeouts);
//! - [`security`]: `client.properties` (`--command-config`): SASL PLAIN / SCRAM, TLS;
//! - [`collect`]: consume `__remote_log_metadata`, replay it, add configs and offsets;
//! - [`seed`]: the reverse, a snapshot written into a test broker (tests, benchmark).
pub mod cluster;
pub mod collect;
pub mod kafka;
pub mod security;
pub mod seed;
