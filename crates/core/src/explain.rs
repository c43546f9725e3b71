//! One sentence a tenant understands for why a segment stays or goes in a retention plan.
//!
//! [`explain_segment`] reads a precomputed [`Plan`] (from [`crate::retention::reference::plan`]
//! or [`crate::retention::PlanIndex::plan`]) plus the snapshot partition it was computed from;
//! [`explain`] computes the plan of the one partition itself.

use crate::lineage::epochs_within_lineage;
use crate::model::{
    filter_empty_epochs, ConfigKey, EpochMap, Partition, SegmentState, Snapshot, Topic,
};
use crate::profile::Rules;
use crate::retention::{
    presumed_in_flight, reference, DeletionReason, PartitionPlan, Plan, Policy, WalkStopCause,
};
use crate::units::{format_bytes, format_config_value, format_duration_ms};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;

/// Why a segment stays or goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Why {
    Deleted(DeletionReason),
    /// Already `DELETE_SEGMENT_FINISHED`: not listed any more.
    AlreadyDeleted,
    /// Kafka aborts the partition's run (retention.ms > now on ≤ 3.9).
    RunAborted,
    /// The upload in flight; the walk stops here.
    UploadInProgress,
    /// The first valid segment that neither time nor size retention deletes.
    WithinRetention,
    /// After the segment where the walk stopped.
    AfterWalkStop,
    /// Fails the leader-epoch lineage check: retention skips it.
    OutsideLineage,
    /// None of its epochs is in the lineage: retention never lists it.
    NotInLineage,
}

/// The verdict on one segment and the sentence that explains it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    pub deleted: bool,
    pub why: Why,
    pub text: String,
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn age(now_ms: i64, ts: i64) -> String {
    let a = now_ms.saturating_sub(ts);
    if a < 0 {
        format!("{} in the future", format_duration_ms(a.saturating_neg()))
    } else {
        format!("{} old", format_duration_ms(a))
    }
}

/// Where the walk first visits segment `i`: (rank of its first lineage epoch, listing index).
fn walk_key(p: &Partition, lineage: &[(i32, i64)], i: usize) -> Option<(usize, usize)> {
    let s = p.segments.at(i);
    if s.state == SegmentState::DeleteSegmentFinished {
        return None;
    }
    s.segment_leader_epochs
        .iter()
        .filter_map(|&(e, _)| lineage.binary_search_by_key(&e, |&(le, _)| le).ok())
        .min()
        .map(|r| (r, i))
}

/// Explains segment `segment_index` of partition `p` (of `topic`) in `plan`. To explain many
/// segments of one partition, build a [`PartitionExplainer`] once.
pub fn explain_in_partition(
    plan: &Plan,
    pp: &PartitionPlan,
    p: &Partition,
    segment_index: usize,
) -> Option<Explanation> {
    PartitionExplainer::new(plan, pp, p).explain(plan, pp, p, segment_index)
}

/// What every explanation in one partition shares (its lineage, where the walk stopped, the
/// deletions by segment, the uploads in flight), computed once: [`Self::explain`] is then
/// O(leader epochs of the segment), so a timeline can explain thousands of segments of a
/// partition holding a million. Give `explain` the same `plan`, `pp` and `p` as `new`.
#[derive(Debug, Clone)]
pub struct PartitionExplainer {
    rules: Rules,
    /// Listing index → index into `pp.deletions`.
    deletions: HashMap<usize, usize>,
    /// The lineage's first epoch (before empty epochs are filtered).
    first_epoch: i32,
    lineage: EpochMap,
    stop_key: Option<(usize, usize)>,
    log_end_offset: i64,
    /// Only for profiles without the 3.9 stop at the segment being copied.
    in_flight: Option<Vec<bool>>,
    /// What is left of the excess over retention.bytes after the run's time and size deletions.
    breach_left: i64,
}

impl PartitionExplainer {
    pub fn new(plan: &Plan, pp: &PartitionPlan, p: &Partition) -> Self {
        let rules = plan.profile.rules();
        let (lineage_raw, _) = p.lineage();
        let lineage = filter_empty_epochs(&lineage_raw);
        let stop_key = pp
            .walk_stop
            .as_ref()
            .and_then(|stop| walk_key(p, &lineage, stop.segment_index));
        let breach_left = pp.size_breach_bytes.map_or(0, |breach| {
            pp.deletions
                .iter()
                .filter(|d| {
                    matches!(
                        d.reason,
                        DeletionReason::RetentionMs | DeletionReason::RetentionBytes
                    )
                })
                .fold(breach, |left, d| left.saturating_sub(d.size_bytes).max(0))
        });
        PartitionExplainer {
            deletions: pp
                .deletions
                .iter()
                .enumerate()
                .map(|(k, d)| (d.segment_index, k))
                .collect(),
            first_epoch: lineage_raw.first().map_or(0, |&(e, _)| e),
            lineage,
            stop_key,
            log_end_offset: p.log_end_offset_or_inferred(),
            in_flight: (!rules.stop_at_segment_being_copied).then(|| presumed_in_flight(p)),
            breach_left,
            rules,
        }
    }

    /// Explains segment `segment_index`; `None` if the partition has no such segment.
    pub fn explain(
        &self,
        plan: &Plan,
        pp: &PartitionPlan,
        p: &Partition,
        segment_index: usize,
    ) -> Option<Explanation> {
        let s = p.segments.get(segment_index)?;
        let now = plan.now_ms;
        let deleted = |why: DeletionReason, text: String| Explanation {
            deleted: true,
            why: Why::Deleted(why),
            text: format!("deleted: {text}"),
        };
        let kept = |why: Why, text: String| Explanation {
            deleted: false,
            why,
            text: format!("kept: {text}"),
        };
        if let Some(d) = self
            .deletions
            .get(&segment_index)
            .and_then(|&k| pp.deletions.get(k))
        {
            return Some(match d.reason {
                DeletionReason::RetentionMs => deleted(
                    d.reason,
                    format!(
                        "its newest record is {}, older than retention.ms ({})",
                        age(now, s.max_timestamp_ms),
                        format_config_value(ConfigKey::RetentionMs, pp.retention_ms)
                    ),
                ),
                DeletionReason::RetentionBytes => deleted(
                    d.reason,
                    format!(
                        "the partition is {} over retention.bytes ({}) and this is among the oldest segments",
                        format_bytes(pp.size_breach_bytes.unwrap_or(0)),
                        format_bytes(pp.retention_bytes)
                    ),
                ),
                DeletionReason::LogStartOffset => deleted(
                    d.reason,
                    format!(
                        "it ends at offset {}, below the log start offset {} (moved by deleteRecords or by the leader)",
                        s.end_offset, pp.log_start_offset_before
                    ),
                ),
                DeletionReason::Retry => deleted(
                    d.reason,
                    "stuck in DELETE_SEGMENT_STARTED; Kafka retries the delete".to_string(),
                ),
                DeletionReason::UnreferencedEpoch => {
                    let e0 = self.first_epoch;
                    let newest = s.segment_leader_epochs.iter().map(|&(e, _)| e).max().unwrap_or(0);
                    deleted(
                        d.reason,
                        format!(
                            "left over from before an unclean leader election (epoch {newest} is older than the earliest leader epoch {e0})"
                        ),
                    )
                }
            });
        }
        if s.state == SegmentState::DeleteSegmentFinished {
            return Some(Explanation {
                deleted: false,
                why: Why::AlreadyDeleted,
                text: "gone: already deleted (DELETE_SEGMENT_FINISHED); Kafka no longer lists it"
                    .to_string(),
            });
        }
        if pp.error.is_some() {
            return Some(kept(
                Why::RunAborted,
                format!(
                    "Kafka {} aborts the whole run: retention.ms ({}) reaches back before 1970, so cleanupUntilMs would be negative",
                    plan.profile,
                    format_config_value(ConfigKey::RetentionMs, pp.retention_ms),
                ),
            ));
        }
        let Some(key) = walk_key(p, &self.lineage, segment_index) else {
            let epochs: Vec<String> = s
                .segment_leader_epochs
                .iter()
                .map(|&(e, _)| e.to_string())
                .collect();
            return Some(kept(
                Why::NotInLineage,
                format!(
                    "none of its leader epochs ({}) is in the partition's leader-epoch lineage, so retention never visits it",
                    epochs.join(", ")
                ),
            ));
        };
        if let Some(stop) = &pp.walk_stop {
            if stop.segment_index == segment_index {
                return Some(match stop.cause {
                    WalkStopCause::UploadInProgress => kept(
                        Why::UploadInProgress,
                        "upload in progress; the expiration run stops here".to_string(),
                    ),
                    WalkStopCause::KeptByRetention => kept(
                        Why::WithinRetention,
                        self.within_retention(pp, s.max_timestamp_ms, s.size_bytes, now),
                    ),
                });
            }
            if self.stop_key.is_some_and(|k| k < key) {
                let what = match stop.cause {
                    WalkStopCause::UploadInProgress => "the upload in progress",
                    WalkStopCause::KeptByRetention => "the first segment it keeps",
                };
                return Some(kept(
                    Why::AfterWalkStop,
                    format!(
                        "the expiration run stops at {what} (segment {})",
                        stop.segment_id
                    ),
                ));
            }
        }
        let leo = self.log_end_offset;
        if !epochs_within_lineage(
            s.segment_leader_epochs,
            s.end_offset,
            leo,
            &self.lineage,
            self.rules.lineage_check,
        ) {
            let detail = if s.end_offset >= leo {
                format!(
                    " (it ends at offset {}, at or past the log end offset {leo})",
                    s.end_offset
                )
            } else {
                String::new()
            };
            return Some(kept(
                Why::OutsideLineage,
                format!("outside the leader-epoch lineage, retention skips it{detail}"),
            ));
        }
        // A kept segment the walk reached without stopping: only possible for an upload in
        // flight under profiles without the 3.9 stop, or when nothing else applies.
        let in_flight = self
            .in_flight
            .as_ref()
            .is_some_and(|f| f.get(segment_index).copied().unwrap_or(false));
        let text = if in_flight {
            "upload in progress".to_string()
        } else {
            self.within_retention(pp, s.max_timestamp_ms, s.size_bytes, now)
        };
        Some(Explanation {
            deleted: false,
            why: Why::WithinRetention,
            text: format!("kept: {text}"),
        })
    }

    /// "its newest record is 3d old and retention.ms is 7d; the partition is within
    /// retention.bytes (5 GiB)".
    fn within_retention(&self, pp: &PartitionPlan, max_ts: i64, size: i64, now: i64) -> String {
        let time = match pp.cleanup_until_ms {
            Some(_) => format!(
                "its newest record is {} and retention.ms is {}",
                age(now, max_ts),
                format_config_value(ConfigKey::RetentionMs, pp.retention_ms)
            ),
            None if pp.retention_ms < 0 => "retention.ms is unlimited".to_string(),
            None => format!(
                "retention.ms ({}) reaches back before 1970, so time retention is skipped",
                format_config_value(ConfigKey::RetentionMs, pp.retention_ms)
            ),
        };
        let size = match pp.size_breach_bytes {
            _ if pp.retention_bytes < 0 => "retention.bytes is unlimited".to_string(),
            None => format!(
                "the partition ({}) is within retention.bytes ({})",
                format_bytes(pp.retention_size_bytes),
                format_bytes(pp.retention_bytes)
            ),
            Some(_) if self.breach_left == 0 => format!(
                "the deletions before it already bring the partition down to retention.bytes ({})",
                format_bytes(pp.retention_bytes)
            ),
            Some(_) => format!(
                "the partition is only {} over retention.bytes ({}) and deleting this segment ({}) would take it below",
                format_bytes(self.breach_left),
                format_bytes(pp.retention_bytes),
                format_bytes(size)
            ),
        };
        format!("{time}; {size}")
    }
}

fn find<'a>(
    snapshot: &'a Snapshot,
    topic: &str,
    partition: i32,
) -> Option<(&'a Topic, &'a Partition)> {
    let t = snapshot.topic(topic)?;
    let p = t.partitions.iter().find(|p| p.partition == partition)?;
    Some((t, p))
}

/// Explains segment `segment_index` of `topic`-`partition` in a precomputed `plan` of
/// `snapshot`. `None` if the partition or segment does not exist (or is not in the plan).
pub fn explain_segment(
    snapshot: &Snapshot,
    plan: &Plan,
    topic: &str,
    partition: i32,
    segment_index: usize,
) -> Option<Explanation> {
    let (_, p) = find(snapshot, topic, partition)?;
    let pp = plan.partition(topic, partition)?;
    explain_in_partition(plan, pp, p, segment_index)
}

/// Explains the segment with id `segment_id` of `topic`-`partition` under `policy` at `now_ms`
/// (computes that partition's plan).
pub fn explain(
    snapshot: &Snapshot,
    policy: &Policy,
    now_ms: i64,
    topic: &str,
    partition: i32,
    segment_id: &str,
) -> Option<Explanation> {
    let (t, p) = find(snapshot, topic, partition)?;
    let i = p.segments.iter().position(|s| s.id == segment_id)?;
    let cfg = policy.effective_config(t);
    let rules = policy.profile.rules();
    let pp = reference::plan_partition(&t.name, p, &cfg, &rules, now_ms);
    let plan = Plan {
        profile: policy.profile,
        now_ms,
        partitions: Vec::new(),
        topics: Vec::new(),
        totals: Default::default(),
    };
    explain_in_partition(&plan, &pp, p, i)
}
