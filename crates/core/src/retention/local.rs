//! The local tier: `UnifiedLog.deleteOldSegments()` (kafka-reference.md §4.6).
//!
//! [`local_retention`] works on an explicit list of local segments (what Kafka's own tests and
//! the `localRetention` vectors describe). [`partition_local_segments`] builds such a list for a
//! snapshot partition: the remote `COPY_SEGMENT_FINISHED` segments at or above the local log
//! start offset stand for their local copies (same offsets and `maxTimestampMs`), followed by
//! one active tail segment holding the rest of `localSizeBytes` (not uploaded yet, so never
//! eligible).

use crate::model::{Partition, SegmentState, TopicConfig};
use crate::profile::Rules;

/// One local log segment; in a list, ascending by base offset, the last one active.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalSegment {
    pub base_offset: i64,
    pub size_bytes: i64,
    pub largest_timestamp_ms: i64,
}

/// The partition state one local retention pass reads.
#[derive(Debug, Clone, Copy)]
pub struct LocalLog<'a> {
    pub now_ms: i64,
    pub log_start_offset: i64,
    pub local_log_start_offset: i64,
    pub log_end_offset: i64,
    pub high_watermark: i64,
    /// Inclusive end offset of the last uploaded segment, -1 if none.
    pub highest_offset_in_remote_storage: i64,
    pub config: TopicConfig,
    pub remote_storage_enable: bool,
    /// `remote.log.copy.disable` (3.9+): local.retention.* is ignored, retention.* applies.
    pub remote_log_copy_disable: bool,
    pub segments: &'a [LocalSegment],
}

/// What one pass deletes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LocalOutcome {
    pub deleted_base_offsets: Vec<i64>,
    pub deleted_bytes: i64,
    pub local_log_start_offset: i64,
    pub log_start_offset: i64,
}

/// Effective `(local.retention.ms, local.retention.bytes)` of a tiered topic with copy
/// enabled: `-2` means `retention.*` except under the 3.6.0–3.8.0 bug, where it stays `-2`
/// (no limit). Negative = unlimited.
pub fn effective_local_limits(config: &TopicConfig, rules: &Rules) -> (i64, i64) {
    let resolve = |local: i64, total: i64| {
        if local == -2 && !rules.local_default_means_unlimited {
            total
        } else {
            local
        }
    };
    (
        resolve(config.local_retention_ms, config.retention_ms),
        resolve(config.local_retention_bytes, config.retention_bytes),
    )
}

/// One local retention pass: log-start-offset breach, then size, then time, each deleting
/// from the oldest segment until the first one it may not delete (kafka-reference.md §4.6).
pub fn local_retention(log: &LocalLog<'_>, rules: &Rules) -> LocalOutcome {
    let segs = log.segments;
    let n = segs.len();
    let copy_enabled = log.remote_storage_enable && !log.remote_log_copy_disable;
    let (limit_ms, limit_bytes) = if copy_enabled {
        effective_local_limits(&log.config, rules)
    } else {
        (log.config.retention_ms, log.config.retention_bytes)
    };
    let next_base = |i: usize| {
        if i + 1 < n {
            segs[i + 1].base_offset
        } else {
            log.log_end_offset
        }
    };
    // The checks every pass applies before its own predicate.
    let deletable_common = |i: usize| {
        let nb = next_base(i);
        let eligible = !copy_enabled
            || (nb > 0 && nb - 1 <= log.highest_offset_in_remote_storage)
            || (rules.local_lso_makes_eligible && log.log_start_offset >= nb);
        let last_and_empty = i + 1 == n && segs[i].size_bytes == 0;
        eligible && log.high_watermark >= nb && !last_and_empty
    };
    let mut first = 0usize;
    // 1. log-start-offset breach: the next segment starts at or below the (local) LSO.
    let lso_bound = if copy_enabled {
        log.local_log_start_offset
    } else {
        log.log_start_offset
    };
    while first < n && deletable_common(first) && first + 1 < n && next_base(first) <= lso_bound {
        first += 1;
    }
    // 2. size: the excess is computed once, each deleted segment uses it up.
    if limit_bytes >= 0 {
        let size: i64 = segs[first..]
            .iter()
            .fold(0i64, |a, s| a.saturating_add(s.size_bytes));
        if size >= limit_bytes {
            let mut diff = size - limit_bytes;
            while first < n && deletable_common(first) {
                let s = segs[first].size_bytes;
                if diff.saturating_sub(s) >= 0 {
                    diff = diff.saturating_sub(s);
                    first += 1;
                } else {
                    break;
                }
            }
        }
    }
    // 3. time: strictly older than the limit.
    if limit_ms >= 0 {
        while first < n
            && deletable_common(first)
            && (log.now_ms as i128 - segs[first].largest_timestamp_ms as i128) > limit_ms as i128
        {
            first += 1;
        }
    }
    let deleted = &segs[..first];
    let mut out = LocalOutcome {
        deleted_base_offsets: deleted.iter().map(|s| s.base_offset).collect(),
        deleted_bytes: deleted
            .iter()
            .fold(0i64, |a, s| a.saturating_add(s.size_bytes)),
        local_log_start_offset: log.local_log_start_offset,
        log_start_offset: log.log_start_offset,
    };
    if first > 0 {
        // Deleting every segment rolls a new empty one at the log end offset first.
        let new_start = if first < n {
            segs[first].base_offset
        } else {
            log.log_end_offset
        };
        out.local_log_start_offset = out.local_log_start_offset.max(new_start);
        if !copy_enabled {
            out.log_start_offset = out.log_start_offset.max(new_start);
            out.local_log_start_offset = out.local_log_start_offset.max(out.log_start_offset);
        }
    }
    out
}

/// The local segments of a snapshot partition as [`local_retention`] sees them, plus
/// `highestOffsetInRemoteStorage`; `None` when the snapshot lacks `localSizeBytes` or
/// `localLogStartOffset`.
pub fn partition_local_segments(p: &Partition) -> Option<(Vec<LocalSegment>, i64)> {
    let local_size = p.local_size_bytes?;
    let local_lso = p.local_log_start_offset?;
    let highest = p
        .segments
        .iter()
        .filter(|s| s.state == SegmentState::CopySegmentFinished)
        .map(|s| s.end_offset)
        .max()
        .unwrap_or(-1);
    let copied = local_copied_segments(p, local_lso);
    let mut out = Vec::with_capacity(copied.len() + 1);
    let mut copied_bytes = 0i64;
    let mut prev_end = None::<i64>;
    for &i in &copied {
        let s = p.segments.at(i);
        copied_bytes = copied_bytes.saturating_add(s.size_bytes);
        out.push(LocalSegment {
            base_offset: s.start_offset,
            size_bytes: s.size_bytes,
            largest_timestamp_ms: s.max_timestamp_ms,
        });
        prev_end = Some(s.end_offset);
    }
    out.push(LocalSegment {
        base_offset: prev_end.map_or(local_lso, |e| e.saturating_add(1)),
        size_bytes: local_size.saturating_sub(copied_bytes).max(0),
        // Not known; the active data is never time-deleted before it is uploaded.
        largest_timestamp_ms: i64::MAX,
    });
    Some((out, highest))
}

/// Indexes of the `COPY_SEGMENT_FINISHED` segments that stand for local copies: start offset at
/// or above the local log start offset, ascending by start offset, overlapping duplicates
/// dropped (the local log holds each offset once).
pub fn local_copied_segments(p: &Partition, local_log_start_offset: i64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..p.segments.len())
        .filter(|&i| {
            let s = p.segments.at(i);
            s.state == SegmentState::CopySegmentFinished && s.start_offset >= local_log_start_offset
        })
        .collect();
    idx.sort_by_key(|&i| (p.segments.at(i).start_offset, i));
    let mut out = Vec::with_capacity(idx.len());
    let mut prev_end: Option<i64> = None;
    for i in idx {
        let s = p.segments.at(i);
        if prev_end.is_some_and(|e| s.start_offset <= e) {
            continue;
        }
        prev_end = Some(s.end_offset);
        out.push(i);
    }
    out
}
