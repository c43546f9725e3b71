//! `RemoteLogManager.isRemoteSegmentWithinLeaderEpochs`: is a remote segment part of the
//! partition's current leader-epoch lineage? (kafka-semantics.md §3, kafka-reference.md §4.4)
//!
//! Segments that fail the check are invisible to time and size retention: not counted in the
//! retention.bytes total, never deleted by it, and they do not stop the walk.

use crate::model::Segment;
use crate::profile::{LineageCheck, Rules};

/// Whether the entry `i` of a raw epoch map survives `filter_empty_epochs` (an epoch whose
/// start offset equals the next epoch's holds no records and is dropped; the last is kept).
#[inline]
fn kept(raw: &[(i32, i64)], i: usize) -> bool {
    i + 1 >= raw.len() || raw[i + 1].1 != raw[i].1
}

/// The entry of the filtered map that follows raw index `i`, if any.
#[inline]
fn next_kept(raw: &[(i32, i64)], i: usize) -> Option<(i32, i64)> {
    (i + 1..raw.len()).find(|&j| kept(raw, j)).map(|j| raw[j])
}

#[inline]
fn lookup(lineage: &[(i32, i64)], epoch: i32) -> Option<usize> {
    lineage.binary_search_by_key(&epoch, |&(e, _)| e).ok()
}

/// `isRemoteSegmentWithinLeaderEpochs(segment, logEndOffset, lineage)` in the form `rules`
/// selects. `lineage_filtered` must already be filtered (`filter_empty_epochs`), ascending by
/// epoch. An empty lineage holds no segment.
pub fn is_within_leader_epochs(
    segment: &Segment,
    log_end_offset: i64,
    lineage_filtered: &[(i32, i64)],
    rules: &Rules,
) -> bool {
    epochs_within_lineage(
        &segment.segment_leader_epochs,
        segment.end_offset,
        log_end_offset,
        lineage_filtered,
        rules.lineage_check,
    )
}

/// The check on raw parts: the segment's unfiltered epoch map and end offset.
pub fn epochs_within_lineage(
    segment_epochs: &[(i32, i64)],
    end_offset: i64,
    log_end_offset: i64,
    lineage: &[(i32, i64)],
    form: LineageCheck,
) -> bool {
    let (Some(&(l_first, _)), Some(&(l_last, _))) = (lineage.first(), lineage.last()) else {
        return false;
    };
    let raw = segment_epochs;
    let Some(&(s_last, _)) = raw.last() else {
        return false;
    };
    // The index (in `raw`) of the first filtered epoch that the loop checks.
    let start = match form {
        LineageCheck::New => {
            if s_last < l_first || s_last > l_last {
                return false;
            }
            // Smallest filtered epoch >= the lineage's first epoch (exists: s_last qualifies).
            match (0..raw.len()).find(|&i| kept(raw, i) && raw[i].0 >= l_first) {
                Some(i) => i,
                None => return false,
            }
        }
        LineageCheck::Old => {
            let first = (0..raw.len())
                .find(|&i| kept(raw, i))
                .unwrap_or(raw.len() - 1);
            if raw[first].0 < l_first || s_last > l_last {
                return false;
            }
            first
        }
    };
    let first_epoch = raw[start].0;
    for i in start..raw.len() {
        if !kept(raw, i) {
            continue;
        }
        let (epoch, offset) = raw[i];
        let Some(li) = lookup(lineage, epoch) else {
            return false;
        };
        if epoch == first_epoch {
            let lower_bound_applies = match form {
                // "if L has an epoch below e": the lineage's own first epoch is exempt.
                LineageCheck::New => li > 0,
                LineageCheck::Old => true,
            };
            if lower_bound_applies && offset < lineage[li].1 {
                return false;
            }
        }
        if epoch == s_last {
            if let Some(&(_, next_start)) = lineage.get(li + 1) {
                if end_offset > next_start - 1 {
                    return false;
                }
            }
        } else if lineage.get(li + 1).copied() != next_kept(raw, i) {
            return false;
        }
    }
    end_offset < log_end_offset
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(seg: &[(i32, i64)], end: i64, leo: i64, l: &[(i32, i64)], form: LineageCheck) -> bool {
        epochs_within_lineage(seg, end, leo, l, form)
    }

    #[test]
    fn empty_lineage_holds_nothing() {
        assert!(!check(&[(0, 0)], 5, 10, &[], LineageCheck::New));
    }

    #[test]
    fn epochs_before_the_lineage_start_are_ignored_only_in_the_new_form() {
        let l = [(7, 51), (9, 100)];
        let seg = [(5, 14), (7, 15), (9, 100)];
        assert!(check(&seg, 150, 210, &l, LineageCheck::New));
        assert!(!check(&seg, 150, 210, &l, LineageCheck::Old));
    }

    #[test]
    fn empty_epochs_of_the_segment_are_filtered() {
        // Epoch 2 has no records (same start as epoch 3): it must not count as "not in L".
        let l = [(1, 0), (3, 50)];
        assert!(check(
            &[(1, 0), (2, 50), (3, 50)],
            60,
            100,
            &l,
            LineageCheck::New
        ));
        assert!(!check(
            &[(1, 0), (2, 40), (3, 50)],
            60,
            100,
            &l,
            LineageCheck::New
        ));
    }

    #[test]
    fn end_offset_must_be_below_the_log_end_offset() {
        let l = [(0, 0)];
        assert!(check(&[(0, 0)], 99, 100, &l, LineageCheck::New));
        assert!(!check(&[(0, 0)], 100, 100, &l, LineageCheck::New));
    }
}
