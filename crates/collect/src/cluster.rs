//! The one small trait the collector needs from a Kafka client, and the plain data it returns.
//!
//! Keeping the client behind this trait lets [`crate::collect`] be tested with an in-memory
//! cluster, and lets the wire client ([`crate::kafka`]) be swapped without touching the
//! collection logic.
use std::collections::BTreeMap;

/// A topic's partition and its leader (`-1`: none right now).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionInfo {
    pub partition: i32,
    pub leader: i32,
}

/// A topic as the cluster's metadata lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicInfo {
    pub name: String,
    /// `None` when the broker's Metadata version predates topic ids (< v10) or gives zero.
    pub topic_id: Option<[u8; 16]>,
    pub partitions: Vec<PartitionInfo>,
}

/// What the cluster's metadata says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterInfo {
    pub cluster_id: Option<String>,
    pub topics: Vec<TopicInfo>,
    /// The finalized `metadata.version` feature level, where the broker reports it (KRaft).
    pub metadata_version_level: Option<i16>,
}

impl ClusterInfo {
    pub fn topic(&self, name: &str) -> Option<&TopicInfo> {
        self.topics.iter().find(|t| t.name == name)
    }
}

/// Which offset ListOffsets asks for (its special timestamps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OffsetSpec {
    /// `-2`: the log start offset.
    Earliest,
    /// `-1`: the log end offset (high watermark).
    Latest,
    /// `-4` (KIP-405, ListOffsets v8+): the local log start offset.
    EarliestLocal,
}

impl OffsetSpec {
    pub fn timestamp(self) -> i64 {
        match self {
            OffsetSpec::Earliest => -2,
            OffsetSpec::Latest => -1,
            OffsetSpec::EarliestLocal => -4,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            OffsetSpec::Earliest => "earliest",
            OffsetSpec::Latest => "latest",
            OffsetSpec::EarliestLocal => "earliest-local",
        }
    }
}

/// An offset, or why it is not known. Not knowing is an answer, not an error: the snapshot
/// leaves the field out and the dashboard says what it could not compute.
pub type OffsetAnswer = Result<i64, String>;

/// One record of a fetched partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedRecord {
    pub offset: i64,
    /// `None`: a null value (a tombstone).
    pub value: Option<Vec<u8>>,
}

/// What one fetch of one partition returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// Records at or after the offset asked for, in offset order.
    pub records: Vec<FetchedRecord>,
    /// Where the next fetch starts (after the last record, or after skipped control batches).
    pub next_offset: i64,
    pub high_watermark: i64,
}

/// A topic's configs as DescribeConfigs returned them (name → value; `None` for a null value),
/// or the broker's error for that topic.
pub type TopicConfigs = Result<BTreeMap<String, Option<String>>, String>;

/// The Kafka client the collector needs. Errors are the client's own type; an error means the
/// call as a whole failed (connection, timeout, protocol), never "this offset is unknown".
pub trait Cluster {
    type Error: std::error::Error + Send + Sync + 'static;

    /// Every topic, its partitions and their leaders.
    fn metadata(&mut self) -> Result<ClusterInfo, Self::Error>;

    /// The given config keys of each topic (all keys when `keys` is empty).
    fn topic_configs(
        &mut self,
        topics: &[String],
        keys: &[&str],
    ) -> Result<BTreeMap<String, TopicConfigs>, Self::Error>;

    /// One offset per partition of `topic`, asked of each partition's leader.
    fn list_offsets(
        &mut self,
        topic: &TopicInfo,
        spec: OffsetSpec,
    ) -> Result<BTreeMap<i32, OffsetAnswer>, Self::Error>;

    /// Records of `topic`/`partition` from `offset` on (at least one batch when there is one).
    fn fetch(
        &mut self,
        topic: &TopicInfo,
        partition: i32,
        offset: i64,
    ) -> Result<Fetched, Self::Error>;
}
