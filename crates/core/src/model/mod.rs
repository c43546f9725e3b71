//! The in-memory model: what a snapshot says about each partition's remote log.
//!
//! Plain data, Kafka's names. Every ingest path (snapshot JSON, formatter dump) produces a
//! [`Snapshot`]; every computation (sizes, plans, explanations) reads one.

mod segments;

pub(crate) use segments::SegmentLite;
pub use segments::{Iter as SegmentIter, SegmentId, SegmentRef, Segments};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Kafka's default `retention.ms` (7 days).
pub const DEFAULT_RETENTION_MS: i64 = 604_800_000;

/// Largest offset (segment, epoch or partition) the loaders accept: far beyond any real log, and
/// small enough that offsets, their differences and `end + 1` never overflow in the engine.
pub const MAX_OFFSET: i64 = 1 << 62;
/// Largest segment size accepted: Kafka's `segmentSizeInBytes` is an `int`. Sums of sizes over
/// any number of segments a load can hold stay far from `i64::MAX`.
pub const MAX_SEGMENT_SIZE: i64 = i32::MAX as i64;
/// Largest magnitude of a timestamp accepted (±2^62 ms, ±146 million years).
pub const MAX_TIMESTAMP_MS: i64 = 1 << 62;
/// Kafka's default `retention.bytes` (unlimited).
pub const DEFAULT_RETENTION_BYTES: i64 = -1;
/// Kafka's default `local.retention.*` (`-2`: use `retention.*`).
pub const DEFAULT_LOCAL_RETENTION: i64 = -2;
/// Kafka's default `segment.bytes` (1 GiB).
pub const DEFAULT_SEGMENT_BYTES: i64 = 1_073_741_824;
/// Kafka's default `remote.log.manager.task.interval.ms`.
pub const DEFAULT_TASK_INTERVAL_MS: i64 = 30_000;

/// `RemoteLogSegmentState`, in Kafka's wire order (ids 0..3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SegmentState {
    CopySegmentStarted,
    CopySegmentFinished,
    DeleteSegmentStarted,
    DeleteSegmentFinished,
}

impl SegmentState {
    pub const ALL: [SegmentState; 4] = [
        SegmentState::CopySegmentStarted,
        SegmentState::CopySegmentFinished,
        SegmentState::DeleteSegmentStarted,
        SegmentState::DeleteSegmentFinished,
    ];

    /// Kafka's spelling, e.g. `COPY_SEGMENT_FINISHED`.
    pub fn as_str(self) -> &'static str {
        match self {
            SegmentState::CopySegmentStarted => "COPY_SEGMENT_STARTED",
            SegmentState::CopySegmentFinished => "COPY_SEGMENT_FINISHED",
            SegmentState::DeleteSegmentStarted => "DELETE_SEGMENT_STARTED",
            SegmentState::DeleteSegmentFinished => "DELETE_SEGMENT_FINISHED",
        }
    }

    /// `RemoteLogSegmentState.isValidTransition(src, dst)` for an existing segment.
    pub fn can_become(self, next: SegmentState) -> bool {
        use SegmentState::*;
        self == next
            || matches!(
                (self, next),
                (CopySegmentStarted, CopySegmentFinished)
                    | (CopySegmentStarted, DeleteSegmentStarted)
                    | (CopySegmentFinished, DeleteSegmentStarted)
                    | (DeleteSegmentStarted, DeleteSegmentFinished)
            )
    }
}

impl fmt::Display for SegmentState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SegmentState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SegmentState::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| s.to_string())
    }
}

/// A leader-epoch map: `(epoch, start offset)` pairs in ascending epoch order
/// (Kafka's `NavigableMap<Integer, Long>`).
pub type EpochMap = Vec<(i32, i64)>;

/// One `RemoteLogSegmentMetadata` with its latest state, owned (for building; a partition
/// stores its segments by column, see [`Segments`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    /// The segment UUID (`RemoteLogSegmentId.id`), base64url as Kafka prints it.
    pub id: String,
    pub start_offset: i64,
    pub end_offset: i64,
    /// Largest record timestamp in the segment; what `retention.ms` is compared with.
    pub max_timestamp_ms: i64,
    /// Time of the latest metadata event for this segment, when known.
    pub event_timestamp_ms: Option<i64>,
    /// `segmentSizeInBytes`.
    pub size_bytes: i64,
    /// `segmentLeaderEpochs`, ascending by epoch, never empty.
    pub segment_leader_epochs: EpochMap,
    pub state: SegmentState,
    pub broker_id: Option<i32>,
    /// Whether this `COPY_SEGMENT_STARTED` segment is the upload in flight right now, when the
    /// exporter knows; `None` lets the engine presume (kafka-semantics.md §4 step 6).
    pub copy_in_progress: Option<bool>,
}

/// One user partition of a tiered topic.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Partition {
    pub partition: i32,
    pub log_start_offset: Option<i64>,
    pub log_end_offset: Option<i64>,
    pub local_log_start_offset: Option<i64>,
    /// Size of the whole local log.
    pub local_size_bytes: Option<i64>,
    /// `UnifiedLog.onlyLocalLogSegmentsSize()`: local segments not yet copied to remote.
    pub only_local_size_bytes: Option<i64>,
    /// The leader epoch cache (unfiltered), ascending. `None` when the snapshot did not carry
    /// it; see [`Partition::lineage`].
    pub leader_epochs: Option<EpochMap>,
    /// Remote segments in Kafka's listing order (normally ascending `startOffset`).
    pub segments: Segments,
}

/// Where a partition's leader-epoch lineage came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineageSource {
    /// The snapshot carried the leader epoch cache.
    Snapshot,
    /// Not in the snapshot: inferred from the segments' own epoch maps.
    InferredFromSegments,
}

impl Partition {
    /// The leader epoch cache, or, when the snapshot lacks it, one inferred from the segments
    /// that are not `DELETE_SEGMENT_FINISHED` (for each epoch, its lowest start offset).
    pub fn lineage(&self) -> (EpochMap, LineageSource) {
        if let Some(l) = &self.leader_epochs {
            return (l.clone(), LineageSource::Snapshot);
        }
        let mut map = std::collections::BTreeMap::<i32, i64>::new();
        for s in &self.segments {
            if s.state == SegmentState::DeleteSegmentFinished {
                continue;
            }
            for &(e, o) in s.segment_leader_epochs {
                map.entry(e).and_modify(|v| *v = (*v).min(o)).or_insert(o);
            }
        }
        (
            map.into_iter().collect(),
            LineageSource::InferredFromSegments,
        )
    }

    /// Log end offset, or one past the highest remote end offset when unknown.
    pub fn log_end_offset_or_inferred(&self) -> i64 {
        self.log_end_offset.unwrap_or_else(|| {
            self.segments
                .iter()
                .map(|s| s.end_offset + 1)
                .max()
                .unwrap_or(0)
        })
    }

    /// Log start offset, or the lowest remote start offset still present when unknown.
    pub fn log_start_offset_or_inferred(&self) -> i64 {
        self.log_start_offset.unwrap_or_else(|| {
            self.segments
                .iter()
                .filter(|s| s.state != SegmentState::DeleteSegmentFinished)
                .map(|s| s.start_offset)
                .min()
                .unwrap_or(0)
        })
    }
}

/// The topic configs retention depends on, with Kafka's defaults for missing ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicConfig {
    pub retention_ms: i64,
    pub retention_bytes: i64,
    pub local_retention_ms: i64,
    pub local_retention_bytes: i64,
    pub segment_bytes: i64,
}

impl TopicConfig {
    /// Kafka's names of the configs held here, in the snapshot's order.
    pub const KEYS: [&'static str; 5] = [
        "retention.ms",
        "retention.bytes",
        "local.retention.ms",
        "local.retention.bytes",
        "segment.bytes",
    ];

    /// Each config with its Kafka name, in [`TopicConfig::KEYS`] order.
    pub fn by_name(&self) -> [(&'static str, i64); 5] {
        [
            (Self::KEYS[0], self.retention_ms),
            (Self::KEYS[1], self.retention_bytes),
            (Self::KEYS[2], self.local_retention_ms),
            (Self::KEYS[3], self.local_retention_bytes),
            (Self::KEYS[4], self.segment_bytes),
        ]
    }

    /// Each config's slot with its Kafka name, in [`TopicConfig::KEYS`] order.
    pub fn by_name_mut(&mut self) -> [(&'static str, &mut i64); 5] {
        [
            (Self::KEYS[0], &mut self.retention_ms),
            (Self::KEYS[1], &mut self.retention_bytes),
            (Self::KEYS[2], &mut self.local_retention_ms),
            (Self::KEYS[3], &mut self.local_retention_bytes),
            (Self::KEYS[4], &mut self.segment_bytes),
        ]
    }
}

impl Default for TopicConfig {
    fn default() -> Self {
        TopicConfig {
            retention_ms: DEFAULT_RETENTION_MS,
            retention_bytes: DEFAULT_RETENTION_BYTES,
            local_retention_ms: DEFAULT_LOCAL_RETENTION,
            local_retention_bytes: DEFAULT_LOCAL_RETENTION,
            segment_bytes: DEFAULT_SEGMENT_BYTES,
        }
    }
}

/// The retention configs a user can change, by Kafka name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ConfigKey {
    RetentionMs,
    RetentionBytes,
    LocalRetentionMs,
    LocalRetentionBytes,
}

impl ConfigKey {
    pub const ALL: [ConfigKey; 4] = [
        ConfigKey::RetentionMs,
        ConfigKey::RetentionBytes,
        ConfigKey::LocalRetentionMs,
        ConfigKey::LocalRetentionBytes,
    ];

    /// Kafka's config name, e.g. `retention.ms`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigKey::RetentionMs => "retention.ms",
            ConfigKey::RetentionBytes => "retention.bytes",
            ConfigKey::LocalRetentionMs => "local.retention.ms",
            ConfigKey::LocalRetentionBytes => "local.retention.bytes",
        }
    }

    pub fn get(self, c: &TopicConfig) -> i64 {
        match self {
            ConfigKey::RetentionMs => c.retention_ms,
            ConfigKey::RetentionBytes => c.retention_bytes,
            ConfigKey::LocalRetentionMs => c.local_retention_ms,
            ConfigKey::LocalRetentionBytes => c.local_retention_bytes,
        }
    }

    pub fn set(self, c: &mut TopicConfig, v: i64) {
        match self {
            ConfigKey::RetentionMs => c.retention_ms = v,
            ConfigKey::RetentionBytes => c.retention_bytes = v,
            ConfigKey::LocalRetentionMs => c.local_retention_ms = v,
            ConfigKey::LocalRetentionBytes => c.local_retention_bytes = v,
        }
    }
}

impl fmt::Display for ConfigKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ConfigKey {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ConfigKey::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| s.to_string())
    }
}

/// One topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topic {
    pub name: String,
    pub topic_id: Option<String>,
    pub config: TopicConfig,
    /// Ascending by partition number.
    pub partitions: Vec<Partition>,
}

/// What a snapshot was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SnapshotSource {
    /// The tierlens snapshot JSON contract (snapshot-v1.md).
    SnapshotJson,
    /// Text printed by `RemoteLogMetadataFormatter` or `kafka-dump-log.sh`: no configs, no
    /// partition state; `captured_at_ms` is the newest event time seen.
    FormatterDump,
}

/// The remote segment metadata of a cluster (or part of one) at one instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub cluster: Option<String>,
    /// e.g. `"3.9.0"`; picks the default version profile.
    pub kafka_version: Option<String>,
    pub captured_at_ms: i64,
    pub source: SnapshotSource,
    /// Ascending by name.
    pub topics: Vec<Topic>,
}

impl Snapshot {
    pub fn topic(&self, name: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.name == name)
    }

    pub fn partition_count(&self) -> usize {
        self.topics.iter().map(|t| t.partitions.len()).sum()
    }

    pub fn segment_count(&self) -> usize {
        self.topics
            .iter()
            .flat_map(|t| &t.partitions)
            .map(|p| p.segments.len())
            .sum()
    }
}

/// Drops epochs that hold no records: an epoch whose start offset equals the next epoch's
/// (`RemoteLogManager.buildFilteredLeaderEpochMap`). The last epoch is always kept.
pub fn filter_empty_epochs(epochs: &[(i32, i64)]) -> EpochMap {
    let mut out = Vec::with_capacity(epochs.len());
    for (i, &(e, o)) in epochs.iter().enumerate() {
        match epochs.get(i + 1) {
            Some(&(_, next)) if next == o => {}
            _ => out.push((e, o)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_matches_kafka_example() {
        let input = [
            (0, 0),
            (1, 0),
            (2, 0),
            (3, 30),
            (4, 40),
            (5, 60),
            (6, 60),
            (7, 70),
            (8, 70),
        ];
        assert_eq!(
            filter_empty_epochs(&input),
            vec![(2, 0), (3, 30), (4, 40), (6, 60), (8, 70)]
        );
    }

    #[test]
    fn transitions_follow_kafka() {
        use SegmentState::*;
        assert!(CopySegmentStarted.can_become(DeleteSegmentStarted));
        assert!(DeleteSegmentStarted.can_become(DeleteSegmentStarted));
        assert!(!CopySegmentFinished.can_become(CopySegmentStarted));
        assert!(!CopySegmentFinished.can_become(DeleteSegmentFinished));
        assert!(!DeleteSegmentFinished.can_become(DeleteSegmentStarted));
    }

    #[test]
    fn states_round_trip_by_name() {
        for s in SegmentState::ALL {
            assert_eq!(s.as_str().parse::<SegmentState>(), Ok(s));
        }
        assert!("COPY".parse::<SegmentState>().is_err());
    }
}
