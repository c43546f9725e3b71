//! Remote retention plans: what one `RLMExpirationTask.cleanupExpiredRemoteLogSegments()` run
//! would delete at a chosen `now` under a chosen policy (kafka-semantics.md §4 and §6,
//! kafka-reference.md §4.3), plus what the local tier's next retention pass would free.
//!
//! - [`reference::plan`]: the literal walk, segment by segment. Simple, slow, the oracle.
//! - [`index::PlanIndex`]: the same answers from precomputed per-partition arrays, for sliders
//!   (`PlanIndex::summary` in O(partitions · log segments)).
//! - [`local`]: the local tier (`UnifiedLog.deleteOldSegments`).
//!
//! Partition inputs, the same for both engines: lineage = [`Partition::lineage`] (filtered with
//! `filter_empty_epochs` for the walk, unfiltered for the unreferenced-epoch pass), log end
//! offset = `log_end_offset_or_inferred`, log start offset = `log_start_offset_or_inferred`,
//! `onlyLocalLogSegmentsSize` = `only_local_size_bytes.unwrap_or(0)`. The listing order of a
//! partition's segments is their order in [`Partition::segments`]; `DELETE_SEGMENT_FINISHED`
//! segments are never listed (the default RLMM drops them).

pub mod index;
pub mod local;
pub mod reference;

use crate::model::{ConfigKey, Partition, SegmentState, Topic, TopicConfig};
use crate::profile::KafkaVersion;
use serde::Serialize;
use std::collections::BTreeMap;

pub use index::{PartitionSummary, PlanIndex, PlanSummary};

/// The configs to evaluate: each topic's own configs with per-topic overrides on top, and the
/// version profile whose rules apply.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Policy {
    pub profile: KafkaVersion,
    /// topic name → config → value. Values use Kafka's encoding (`-1` unlimited, `-2` for
    /// `local.retention.*` = use `retention.*`).
    pub overrides: BTreeMap<String, BTreeMap<ConfigKey, i64>>,
}

impl Policy {
    pub fn new(profile: KafkaVersion) -> Policy {
        Policy {
            profile,
            overrides: BTreeMap::new(),
        }
    }

    /// Sets one override (builder style).
    pub fn with(mut self, topic: &str, key: ConfigKey, value: i64) -> Policy {
        self.set(topic, key, value);
        self
    }

    pub fn set(&mut self, topic: &str, key: ConfigKey, value: i64) {
        self.overrides
            .entry(topic.to_string())
            .or_default()
            .insert(key, value);
    }

    /// The topic's configs with this policy's overrides applied.
    pub fn effective_config(&self, topic: &Topic) -> TopicConfig {
        self.config_for(&topic.name, topic.config)
    }

    /// `base` (a topic's own configs) with the overrides for `topic_name` applied.
    pub fn config_for(&self, topic_name: &str, base: TopicConfig) -> TopicConfig {
        let mut c = base;
        if let Some(o) = self.overrides.get(topic_name) {
            for (&k, &v) in o {
                k.set(&mut c, v);
            }
        }
        c
    }
}

/// Why a segment is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum DeletionReason {
    /// Its newest record is older than `now - retention.ms`.
    #[serde(rename = "retention.ms")]
    RetentionMs,
    /// The partition is over retention.bytes and this is among the oldest valid segments.
    #[serde(rename = "retention.bytes")]
    RetentionBytes,
    /// It ends below the log start offset and all its epochs are at or before the first
    /// lineage epoch (e.g. after `kafka-delete-records`).
    #[serde(rename = "log-start-offset")]
    LogStartOffset,
    /// `DELETE_SEGMENT_STARTED` left by an earlier attempt; deleted again.
    #[serde(rename = "retry")]
    Retry,
    /// All its epochs are older than the earliest leader epoch (unclean leader election).
    #[serde(rename = "unreferenced-epoch")]
    UnreferencedEpoch,
}

impl DeletionReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DeletionReason::RetentionMs => "retention.ms",
            DeletionReason::RetentionBytes => "retention.bytes",
            DeletionReason::LogStartOffset => "log-start-offset",
            DeletionReason::Retry => "retry",
            DeletionReason::UnreferencedEpoch => "unreferenced-epoch",
        }
    }
}

/// One segment the run deletes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deletion {
    /// Index in the partition's `segments`.
    pub segment_index: usize,
    pub id: String,
    pub reason: DeletionReason,
    pub size_bytes: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RunErrorKind {
    /// ≤ 3.9: `retention.ms > now` makes `RetentionTimeData` throw; the run deletes nothing.
    RetentionMsBeyondNow,
}

/// A run that Kafka aborts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunError {
    pub kind: RunErrorKind,
    pub message: String,
}

impl RunError {
    pub(crate) fn retention_ms_beyond_now(retention_ms: i64, now_ms: i64) -> RunError {
        RunError {
            kind: RunErrorKind::RetentionMsBeyondNow,
            message: format!(
                "IllegalArgumentException: cleanupUntilMs should be non negative (retention.ms \
                 {retention_ms} > now {now_ms}); Kafka aborts the whole cleanup run, size \
                 retention included"
            ),
        }
    }
}

/// Why the walk ended before the last segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum WalkStopCause {
    /// The first valid segment that neither time nor size retention deletes.
    KeptByRetention,
    /// The upload in flight (3.9+).
    UploadInProgress,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WalkStop {
    pub segment_index: usize,
    pub segment_id: String,
    pub cause: WalkStopCause,
}

/// What the local tier's next retention pass frees (after this run moved the log start
/// offset). `None` fields: the snapshot lacks the partition's local data
/// (`localSizeBytes` / `localLogStartOffset`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LocalPlan {
    /// Effective `local.retention.ms` (`-2` resolved; negative = unlimited).
    pub local_retention_ms: i64,
    /// Effective `local.retention.bytes` (`-2` resolved; negative = unlimited).
    pub local_retention_bytes: i64,
    pub local_size_bytes: Option<i64>,
    pub local_bytes_freed: Option<i64>,
    pub local_segments_deleted: Option<u64>,
    pub local_log_start_offset_before: Option<i64>,
    pub local_log_start_offset_after: Option<i64>,
}

/// One partition's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PartitionPlan {
    pub topic: String,
    pub partition: i32,
    /// Effective configs used.
    pub retention_ms: i64,
    pub retention_bytes: i64,
    /// `RemoteLogSizeBytes` at the start of the run.
    pub remote_log_size_bytes: i64,
    pub remote_log_metadata_count: u64,
    /// What retention.bytes is compared with: onlyLocal + lineage-valid remote size.
    pub retention_size_bytes: i64,
    /// `now - retention.ms` when time retention applies.
    pub cleanup_until_ms: Option<i64>,
    /// `total - retention.bytes` at the start of the walk when size retention applies.
    pub size_breach_bytes: Option<i64>,
    pub log_start_offset_before: i64,
    pub log_start_offset_after: i64,
    pub bytes_freed: i64,
    pub segments_deleted: u64,
    /// `RemoteLogSizeBytes` once the deletions are done.
    pub remote_size_after: i64,
    /// Listed segments left.
    pub kept_segments: u64,
    /// In Kafka's delete order: the walk, then the unreferenced-epoch pass.
    pub deletions: Vec<Deletion>,
    pub walk_stop: Option<WalkStop>,
    pub error: Option<RunError>,
    pub local: LocalPlan,
}

/// Sums over partitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanTotals {
    pub partitions: u64,
    pub remote_log_size_bytes: i64,
    pub retention_size_bytes: i64,
    pub bytes_freed: i64,
    pub segments_deleted: u64,
    pub remote_size_after: i64,
    pub kept_segments: u64,
    /// Sum over the partitions with local data.
    pub local_bytes_freed: i64,
    pub partitions_with_errors: u64,
}

impl PlanTotals {
    pub(crate) fn add(&mut self, p: &PartitionSummary) {
        self.partitions += 1;
        self.remote_log_size_bytes = self
            .remote_log_size_bytes
            .saturating_add(p.remote_log_size_bytes);
        self.retention_size_bytes = self
            .retention_size_bytes
            .saturating_add(p.retention_size_bytes);
        self.bytes_freed = self.bytes_freed.saturating_add(p.bytes_freed);
        self.segments_deleted += p.segments_deleted;
        self.remote_size_after = self.remote_size_after.saturating_add(p.remote_size_after);
        self.kept_segments += p.kept_segments;
        self.local_bytes_freed = self
            .local_bytes_freed
            .saturating_add(p.local_bytes_freed.unwrap_or(0));
        self.partitions_with_errors += u64::from(p.error);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicPlanTotals {
    pub topic: String,
    #[serde(flatten)]
    pub totals: PlanTotals,
}

/// The outcome of one expiration run over a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub profile: KafkaVersion,
    pub now_ms: i64,
    /// In snapshot order (topics by name, then partitions).
    pub partitions: Vec<PartitionPlan>,
    pub topics: Vec<TopicPlanTotals>,
    pub totals: PlanTotals,
}

impl PartitionPlan {
    /// The numbers a slider needs.
    pub fn summary(&self) -> PartitionSummary {
        PartitionSummary {
            remote_log_size_bytes: self.remote_log_size_bytes,
            retention_size_bytes: self.retention_size_bytes,
            bytes_freed: self.bytes_freed,
            segments_deleted: self.segments_deleted,
            log_start_offset_after: self.log_start_offset_after,
            remote_size_after: self.remote_size_after,
            kept_segments: self.kept_segments,
            error: self.error.is_some(),
            local_bytes_freed: self.local.local_bytes_freed,
            local_log_start_offset_after: self.local.local_log_start_offset_after,
        }
    }
}

impl Plan {
    /// The summary [`PlanIndex::summary`] gives for the same inputs.
    pub fn summary(&self) -> PlanSummary {
        PlanSummary {
            profile: self.profile,
            now_ms: self.now_ms,
            partitions: self.partitions.iter().map(PartitionPlan::summary).collect(),
            topics: self.topics.clone(),
            totals: self.totals,
        }
    }

    pub fn partition(&self, topic: &str, partition: i32) -> Option<&PartitionPlan> {
        self.partitions
            .iter()
            .find(|p| p.topic == topic && p.partition == partition)
    }
}

/// A plan from its partitions (`topic_of[i]`: the index in `names` of partition `i`'s topic),
/// with the topic and cluster totals rolled up.
pub(crate) fn assemble(
    profile: KafkaVersion,
    now_ms: i64,
    names: &[&str],
    partitions: Vec<PartitionPlan>,
    topic_of: &[usize],
) -> Plan {
    let mut topics = Vec::new();
    let totals = roll_up(
        names,
        topic_of
            .iter()
            .zip(&partitions)
            .map(|(&ti, p)| (ti, p.summary())),
        &mut topics,
    );
    Plan {
        profile,
        now_ms,
        partitions,
        topics,
        totals,
    }
}

/// Topic and cluster totals from per-partition summaries (shared by both engines so they add
/// up the same way). Each partition comes with its topic's index in `topic_names`. Reuses
/// `topics_out`'s entries when they already name the same topics.
pub(crate) fn roll_up(
    topic_names: &[&str],
    partitions: impl Iterator<Item = (usize, PartitionSummary)>,
    topics_out: &mut Vec<TopicPlanTotals>,
) -> PlanTotals {
    let same_names = topics_out.len() == topic_names.len()
        && topics_out
            .iter()
            .zip(topic_names)
            .all(|(t, n)| t.topic == *n);
    if same_names {
        for t in topics_out.iter_mut() {
            t.totals = PlanTotals::default();
        }
    } else {
        topics_out.clear();
        topics_out.extend(topic_names.iter().map(|t| TopicPlanTotals {
            topic: t.to_string(),
            totals: PlanTotals::default(),
        }));
    }
    let mut total = PlanTotals::default();
    for (ti, s) in partitions {
        topics_out[ti].totals.add(&s);
        total.add(&s);
    }
    total
}

/// Whether each `COPY_SEGMENT_STARTED` segment is taken to be the upload in flight right now.
///
/// `copyInProgress` decides when the snapshot carries it. Otherwise a segment is presumed in
/// flight when it is the partition's newest upload: no other segment starts after it, and no
/// `COPY_SEGMENT_FINISHED` segment starts at the same offset (that would be the successful
/// retry of a failed upload, which leaves the failed one dangling). Other
/// `COPY_SEGMENT_STARTED` segments are dangling uploads.
pub fn presumed_in_flight(p: &Partition) -> Vec<bool> {
    let max_start = p.segments.iter().map(|s| s.start_offset).max();
    let finished_at_max = p
        .segments
        .iter()
        .any(|s| Some(s.start_offset) == max_start && s.state == SegmentState::CopySegmentFinished);
    p.segments
        .iter()
        .map(|s| {
            s.state == SegmentState::CopySegmentStarted
                && match s.copy_in_progress {
                    Some(b) => b,
                    None => Some(s.start_offset) == max_start && !finished_at_max,
                }
        })
        .collect()
}

/// `cleanupUntilMs = now - retention.ms` when time retention applies; `Err` when the profile
/// aborts the run instead (retention.ms > now on ≤ 3.9).
pub(crate) fn time_data(retention_ms: i64, now_ms: i64, aborts: bool) -> Result<Option<i64>, ()> {
    if retention_ms <= -1 {
        return Ok(None);
    }
    match now_ms.checked_sub(retention_ms) {
        Some(c) if c >= 0 => Ok(Some(c)),
        _ if aborts => Err(()),
        _ => Ok(None),
    }
}

#[inline]
pub(crate) fn time_breached(max_ts: i64, cleanup_until: Option<i64>, strict: bool) -> bool {
    match cleanup_until {
        Some(c) if strict => max_ts < c,
        Some(c) => max_ts <= c,
        None => false,
    }
}
