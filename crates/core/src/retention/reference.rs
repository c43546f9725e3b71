//! The reference plan: a literal transcription of one `cleanupExpiredRemoteLogSegments()` run
//! (kafka-reference.md §4.3) with the profile's [`Rules`]. Kept deliberately simple: it is the
//! oracle the fast [`super::index::PlanIndex`] is tested against.

use super::local::{effective_local_limits, local_retention, partition_local_segments, LocalLog};
use super::{
    assemble, presumed_in_flight, time_breached, time_data, Deletion, DeletionReason, LocalPlan,
    PartitionPlan, Plan, Policy, RunError, WalkStop, WalkStopCause,
};
use crate::lineage::epochs_within_lineage;
use crate::model::{
    filter_empty_epochs, Partition, SegmentRef, SegmentState, Snapshot, TopicConfig,
};
use crate::profile::{LogStartOffsetRule, Rules};

/// One expiration run at `now_ms` over every partition of `snapshot` under `policy`.
pub fn plan(snapshot: &Snapshot, policy: &Policy, now_ms: i64) -> Plan {
    let rules = policy.profile.rules();
    let mut partitions = Vec::with_capacity(snapshot.partition_count());
    let mut topic_of = Vec::with_capacity(snapshot.partition_count());
    for (ti, topic) in snapshot.topics.iter().enumerate() {
        let cfg = policy.effective_config(topic);
        for p in &topic.partitions {
            partitions.push(plan_partition(&topic.name, p, &cfg, &rules, now_ms));
            topic_of.push(ti);
        }
    }
    let names: Vec<&str> = snapshot.topics.iter().map(|t| t.name.as_str()).collect();
    assemble(policy.profile, now_ms, &names, partitions, &topic_of)
}

fn listed(s: &SegmentRef) -> bool {
    s.state != SegmentState::DeleteSegmentFinished
}

/// One partition's run.
pub fn plan_partition(
    topic: &str,
    p: &Partition,
    cfg: &TopicConfig,
    rules: &Rules,
    now_ms: i64,
) -> PartitionPlan {
    let segs = &p.segments;
    let (lineage_raw, _) = p.lineage();
    let lineage = filter_empty_epochs(&lineage_raw);
    let leo = p.log_end_offset_or_inferred();
    let lso = p.log_start_offset_or_inferred();
    let only_local = p.only_local_size_bytes.unwrap_or(0);
    let valid = |s: &SegmentRef| {
        epochs_within_lineage(
            s.segment_leader_epochs,
            s.end_offset,
            leo,
            &lineage,
            rules.lineage_check,
        )
    };

    // 1. The metrics, from listRemoteLogSegments(tp).
    let mut metric = 0i64;
    let mut count = 0u64;
    for s in segs.iter().filter(|s| listed(s)) {
        count += 1;
        if rules.metric_states.contains(s.state) {
            metric = metric.saturating_add(s.size_bytes);
        }
    }

    // 2. buildRetentionSizeData: distinct segments listed under the lineage epochs.
    let mut counted = vec![false; segs.len()];
    let mut remote = 0i64;
    for &(epoch, _) in &lineage {
        for (i, s) in segs.iter().enumerate() {
            if !listed(&s)
                || counted[i]
                || !s.segment_leader_epochs.iter().any(|&(e, _)| e == epoch)
            {
                continue;
            }
            if rules.retention_size_states.contains(s.state) && valid(&s) {
                counted[i] = true;
                remote = remote.saturating_add(s.size_bytes);
            }
        }
    }
    let total = only_local.saturating_add(remote);
    let size_breach = if cfg.retention_bytes >= 0 && total > cfg.retention_bytes {
        Some(total - cfg.retention_bytes)
    } else {
        None
    };

    let mut out = PartitionPlan {
        topic: topic.to_string(),
        partition: p.partition,
        retention_ms: cfg.retention_ms,
        retention_bytes: cfg.retention_bytes,
        remote_log_size_bytes: metric,
        remote_log_metadata_count: count,
        retention_size_bytes: total,
        cleanup_until_ms: None,
        size_breach_bytes: size_breach,
        log_start_offset_before: lso,
        log_start_offset_after: lso,
        bytes_freed: 0,
        segments_deleted: 0,
        remote_size_after: metric,
        kept_segments: count,
        deletions: Vec::new(),
        walk_stop: None,
        error: None,
        local: LocalPlan {
            local_retention_ms: 0,
            local_retention_bytes: 0,
            local_size_bytes: None,
            local_bytes_freed: None,
            local_segments_deleted: None,
            local_log_start_offset_before: None,
            local_log_start_offset_after: None,
        },
    };

    let mut deleted = vec![false; segs.len()];
    if count > 0 {
        // 3. buildRetentionTimeData.
        match time_data(
            cfg.retention_ms,
            now_ms,
            rules.retention_ms_beyond_now_aborts,
        ) {
            Err(()) => {
                out.error = Some(RunError::retention_ms_beyond_now(cfg.retention_ms, now_ms));
            }
            Ok(cleanup_until) => {
                out.cleanup_until_ms = cleanup_until;
                walk(
                    p,
                    &lineage,
                    &lineage_raw,
                    lso,
                    cleanup_until,
                    size_breach,
                    rules,
                    &valid,
                    &mut deleted,
                    &mut out,
                );
            }
        }
    }

    for d in &out.deletions {
        let s = segs.at(d.segment_index);
        out.bytes_freed = out.bytes_freed.saturating_add(s.size_bytes);
        if rules.metric_states.contains(s.state) {
            out.remote_size_after = out.remote_size_after.saturating_sub(s.size_bytes);
        }
    }
    out.segments_deleted = out.deletions.len() as u64;
    out.kept_segments = count - out.segments_deleted;
    out.local = local_plan(p, cfg, rules, now_ms, out.log_start_offset_after);
    out
}

#[allow(clippy::too_many_arguments)]
fn walk(
    p: &Partition,
    lineage: &[(i32, i64)],
    lineage_raw: &[(i32, i64)],
    lso: i64,
    cleanup_until: Option<i64>,
    size_breach: Option<i64>,
    rules: &Rules,
    valid: &dyn Fn(&SegmentRef) -> bool,
    deleted: &mut [bool],
    out: &mut PartitionPlan,
) {
    let segs = &p.segments;
    let in_flight = presumed_in_flight(p);
    let mut remaining = size_breach.unwrap_or(0);
    let mut lso_candidate: Option<i64> = None;
    let delete =
        |i: usize, reason: DeletionReason, deleted: &mut [bool], out: &mut PartitionPlan| {
            deleted[i] = true;
            out.deletions.push(Deletion {
                segment_index: i,
                id: segs.at(i).id.to_string(),
                reason,
                size_bytes: segs.at(i).size_bytes,
            });
        };
    let first_epoch = lineage.first().map(|&(e, _)| e);

    // 4. The walk: lineage epochs ascending, each epoch's listing in order.
    'walk: for &(epoch, _) in lineage {
        for (i, s) in segs.iter().enumerate() {
            if !listed(&s) || !s.segment_leader_epochs.iter().any(|&(e, _)| e == epoch) {
                continue;
            }
            if rules.stop_at_segment_being_copied && in_flight[i] {
                out.walk_stop = Some(WalkStop {
                    segment_index: i,
                    segment_id: s.id.to_string(),
                    cause: WalkStopCause::UploadInProgress,
                });
                break 'walk;
            }
            // A segment already in the delete list (a multi-epoch segment met again, or a
            // DELETE_SEGMENT_STARTED retry queued under an earlier epoch) is not re-evaluated.
            if deleted[i] {
                continue;
            }
            if rules.delete_started_always_retried && s.state == SegmentState::DeleteSegmentStarted
            {
                delete(i, DeletionReason::Retry, deleted, out);
                continue;
            }
            let lso_breach = first_epoch.is_some_and(|fe| {
                s.segment_leader_epochs.iter().all(|&(e, _)| e <= fe) && s.end_offset < lso
            });
            if lso_breach {
                delete(i, DeletionReason::LogStartOffset, deleted, out);
                continue;
            }
            if !valid(&s) {
                continue;
            }
            let by_time =
                time_breached(s.max_timestamp_ms, cleanup_until, rules.time_breach_strict);
            let reason = if by_time {
                remaining = remaining.saturating_sub(s.size_bytes).max(0);
                Some(DeletionReason::RetentionMs)
            } else if size_breach.is_some()
                && remaining > 0
                && remaining.saturating_sub(s.size_bytes) >= 0
            {
                remaining = remaining.saturating_sub(s.size_bytes);
                Some(DeletionReason::RetentionBytes)
            } else {
                None
            };
            match reason {
                Some(r) => {
                    let cand = s.end_offset.saturating_add(1);
                    lso_candidate = Some(match (rules.log_start_offset_rule, lso_candidate) {
                        (LogStartOffsetRule::MaxEndOffset, Some(c)) => c.max(cand),
                        _ => cand,
                    });
                    delete(i, r, deleted, out);
                }
                None => {
                    out.walk_stop = Some(WalkStop {
                        segment_index: i,
                        segment_id: s.id.to_string(),
                        cause: WalkStopCause::KeptByRetention,
                    });
                    break 'walk;
                }
            }
        }
    }
    if let Some(c) = lso_candidate {
        out.log_start_offset_after = out.log_start_offset_before.max(c);
    }

    // 5. Unreferenced epochs: segments whose epochs are all below the earliest epoch of the
    // (unfiltered) leader epoch cache.
    if let Some(&(e0, _)) = lineage_raw.first() {
        let mut remote_epochs: Vec<i32> = segs
            .iter()
            .filter(|s| listed(s))
            .flat_map(|s| s.segment_leader_epochs.iter().map(|&(e, _)| e))
            .filter(|&e| e < e0)
            .collect();
        remote_epochs.sort_unstable();
        remote_epochs.dedup();
        for epoch in remote_epochs {
            for (i, s) in segs.iter().enumerate() {
                if !listed(&s)
                    || deleted[i]
                    || !s.segment_leader_epochs.iter().any(|&(e, _)| e == epoch)
                {
                    continue;
                }
                if s.segment_leader_epochs.iter().all(|&(e, _)| e < e0) {
                    delete(i, DeletionReason::UnreferencedEpoch, deleted, out);
                }
            }
        }
    }
}

fn local_plan(
    p: &Partition,
    cfg: &TopicConfig,
    rules: &Rules,
    now_ms: i64,
    log_start_offset_after: i64,
) -> LocalPlan {
    let (lms, lbytes) = effective_local_limits(cfg, rules);
    let mut lp = LocalPlan {
        local_retention_ms: lms,
        local_retention_bytes: lbytes,
        local_size_bytes: p.local_size_bytes,
        local_bytes_freed: None,
        local_segments_deleted: None,
        local_log_start_offset_before: p.local_log_start_offset,
        local_log_start_offset_after: None,
    };
    let Some((segments, highest)) = partition_local_segments(p) else {
        return lp;
    };
    let leo = p.log_end_offset_or_inferred();
    let local_lso = p
        .local_log_start_offset
        .unwrap_or(0)
        .max(log_start_offset_after);
    let log = LocalLog {
        now_ms,
        log_start_offset: log_start_offset_after,
        local_log_start_offset: local_lso,
        log_end_offset: leo,
        high_watermark: leo,
        highest_offset_in_remote_storage: highest,
        config: *cfg,
        remote_storage_enable: true,
        remote_log_copy_disable: false,
        segments: &segments,
    };
    let o = local_retention(&log, rules);
    lp.local_bytes_freed = Some(o.deleted_bytes);
    lp.local_segments_deleted = Some(o.deleted_base_offsets.len() as u64);
    lp.local_log_start_offset_after = Some(o.local_log_start_offset);
    lp
}
