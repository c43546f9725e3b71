//! The fast what-if: [`PlanIndex`] precomputes, once per (snapshot, profile), everything of a
//! retention run that does not depend on the policy or `now`, so that evaluating a policy costs
//! O(partitions · log segments) and [`PlanIndex::summary`] allocates nothing per partition.
//!
//! Per partition, the reference walk visits segments in a fixed order (lineage epochs
//! ascending, listing order within an epoch; a segment met again is a no-op). Each first visit
//! is classified independently of the policy: in-flight upload (stop), retry or
//! log-start-offset breach (always deleted), outside the lineage (skipped), or *candidate*
//! (valid; time and size retention decide). Over the candidates: prefix sums of sizes, prefix
//! max of `maxTimestampMs` and of `endOffset + 1`, and a block/sparse-table range max of
//! `maxTimestampMs`. A policy's deletions are then a prefix of the candidates:
//!
//! 1. a *time run*: the longest prefix whose running max timestamp breaches (binary search);
//! 2. the size budget left is `max(0, R − sum)`; if > 0, a *size run*: the longest further
//!    prefix whose sizes fit (binary search on the prefix sums; a time-breached candidate that
//!    fits uses the budget exactly as a size deletion does);
//! 3. at the first candidate that fits neither: if time-breached it goes (the budget drops to 0,
//!    so no size run can follow) and another time run follows (range-max query); else the
//!    walk stops there.
//!
//! Partitions with negative sizes or sums that overflow fall back to a linear walk over the
//! same arrays, so the answer is always the reference's.

use super::local::{
    effective_local_limits, local_copied_segments, local_retention, LocalLog, LocalSegment,
};
use super::{
    assemble, presumed_in_flight, time_breached, time_data, Deletion, DeletionReason, LocalPlan,
    PartitionPlan, Plan, PlanTotals, Policy, RunError, TopicPlanTotals, WalkStop, WalkStopCause,
};
use crate::lineage::epochs_within_lineage;
use crate::model::{filter_empty_epochs, SegmentState, Snapshot, Topic, TopicConfig};
use crate::profile::{KafkaVersion, LogStartOffsetRule, Rules};
use serde::Serialize;

/// The numbers of one partition's run a slider needs (no deletion list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PartitionSummary {
    pub remote_log_size_bytes: i64,
    pub retention_size_bytes: i64,
    pub bytes_freed: i64,
    pub segments_deleted: u64,
    pub log_start_offset_after: i64,
    pub remote_size_after: i64,
    pub kept_segments: u64,
    /// Kafka aborts this partition's run (retention.ms > now on ≤ 3.9).
    pub error: bool,
    pub local_bytes_freed: Option<i64>,
    pub local_log_start_offset_after: Option<i64>,
}

/// Per-partition numbers and topic / cluster totals of one evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanSummary {
    pub profile: KafkaVersion,
    pub now_ms: i64,
    /// Same order as [`Plan::partitions`] (see [`PlanIndex::partition_keys`]).
    pub partitions: Vec<PartitionSummary>,
    pub topics: Vec<TopicPlanTotals>,
    pub totals: PlanTotals,
}

const KIND_CANDIDATE: u8 = 0;
const KIND_INVALID: u8 = 1;
const KIND_RETRY: u8 = 2;
const KIND_LSO_BREACH: u8 = 3;
const KIND_IN_FLIGHT: u8 = 4;

const BLOCK: usize = 32;
const SAMPLE: usize = 8;
const R_PMAX_TS: usize = 0;
const R_PSUM: usize = 1;
const R_TS: usize = 2;
const R_LSO: usize = 3;

/// Asks the CPU to start loading the cache line of `p` (x86-64 `prefetcht0`; elsewhere, e.g.
/// wasm32, nothing). A hint only: it never faults and has no effect on results.
#[inline(always)]
fn prefetch<T>(p: &T) {
    #[cfg(target_arch = "x86_64")]
    #[allow(unused_unsafe)]
    // SAFETY: prefetch is a hint for any address and SSE is part of the x86-64 baseline.
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(
            p as *const T as *const i8,
        )
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// First index `i` with `full[i] >= x` in a non-decreasing array, given `samples[j]` =
/// `full[min(SAMPLE·(j+1), len) − 1]`; `full.len()` if none.
#[inline]
fn first_at_least_sampled<T>(
    full: &[T],
    key: impl Fn(&T) -> i64,
    samples: &[i64],
    x: i64,
) -> usize {
    match samples.iter().position(|&v| v >= x) {
        None => full.len(),
        Some(j) => {
            let lo = j * SAMPLE;
            let hi = (lo + SAMPLE).min(full.len());
            lo + full[lo..hi]
                .iter()
                .position(|v| key(v) >= x)
                .unwrap_or(hi - lo)
        }
    }
}

/// "First index ≥ a whose value ≥ x" over one partition's slice in O(BLOCK + log n): block
/// maxima plus a sparse table over them.
#[derive(Debug, Clone, Copy, Default)]
struct RangeMax {
    /// Offset of this partition's block maxima / sparse table in the shared store.
    sp_lo: usize,
    nblk: usize,
    levels: usize,
}

#[derive(Debug, Default)]
struct RangeMaxStore {
    sp: Vec<i64>,
}

impl RangeMaxStore {
    fn build(&mut self, n: usize, val: impl Fn(usize) -> i64) -> RangeMax {
        let nblk = n.div_ceil(BLOCK);
        let levels = if nblk <= 1 {
            0
        } else {
            (usize::BITS - nblk.leading_zeros()) as usize
        };
        let sp_lo = self.sp.len();
        if levels > 0 {
            for b in 0..nblk {
                let hi = ((b + 1) * BLOCK).min(n);
                self.sp
                    .push((b * BLOCK..hi).map(&val).max().unwrap_or(i64::MIN));
            }
            for l in 1..levels {
                let prev = sp_lo + (l - 1) * nblk;
                for j in 0..nblk {
                    let v = if j + (1 << l) <= nblk {
                        self.sp[prev + j].max(self.sp[prev + j + (1 << (l - 1))])
                    } else {
                        i64::MIN
                    };
                    self.sp.push(v);
                }
            }
        }
        RangeMax {
            sp_lo,
            nblk,
            levels,
        }
    }

    /// First index `i ≥ a` (of `n`) with `val(i) ≥ x`, or `n`.
    fn first_at_least(
        &self,
        rm: RangeMax,
        n: usize,
        val: impl Fn(usize) -> i64,
        a: usize,
        x: i64,
    ) -> usize {
        if a >= n {
            return n;
        }
        let b = a / BLOCK;
        let bend = ((b + 1) * BLOCK).min(n);
        if let Some(i) = (a..bend).find(|&i| val(i) >= x) {
            return i;
        }
        if rm.levels == 0 {
            return n;
        }
        let mut blk = b + 1;
        for l in (0..rm.levels).rev() {
            if blk + (1 << l) <= rm.nblk && self.sp[rm.sp_lo + l * rm.nblk + blk] < x {
                blk += 1 << l;
            }
        }
        if blk >= rm.nblk {
            return n;
        }
        (blk * BLOCK..((blk + 1) * BLOCK).min(n))
            .find(|&i| val(i) >= x)
            .unwrap_or(n)
    }
}

#[derive(Debug, Clone)]
struct TopicIx {
    name: String,
    config: TopicConfig,
    parts_lo: usize,
    parts_hi: usize,
}

#[derive(Debug, Clone, Default)]
struct PartIx {
    partition: i32,
    /// Global index of the partition's first segment (ids, sizes).
    seg_lo: usize,
    /// Walk sequence range.
    seq_lo: usize,
    seq_len: usize,
    /// Candidate range.
    cand_lo: usize,
    cand_len: usize,
    cand_rm: RangeMax,
    /// Start of the partition's samples in `s_pmax_ts` / `s_psum`.
    samp_lo: usize,
    /// Always-deleted entries (retry, log-start-offset breach) range.
    ad_lo: usize,
    ad_len: usize,
    /// Sequence position of the first in-flight upload (stop), or `seq_len`.
    in_flight_pos: usize,
    /// Candidates before `in_flight_pos`.
    cands_before_in_flight: usize,
    /// Unreferenced-epoch deletions range.
    unref_lo: usize,
    unref_len: usize,
    unref_bytes: i64,
    unref_metric: i64,
    listed: u64,
    metric: i64,
    /// onlyLocal + lineage-valid remote size in the profile's retention states.
    retention_total: i64,
    lso: i64,
    local_size_bytes: Option<i64>,
    local_lso_before: Option<i64>,
    /// Every candidate counts in the metric (metric prefix sums = size prefix sums).
    metric_is_size: bool,
    /// Non-metric candidates range (`nm_idx` / `nm_psum`).
    nm_lo: usize,
    nm_len: usize,
    /// Always-deleted entries before the in-flight stop (all of them when there is none).
    ad_before_in_flight: usize,
    /// Candidate sizes need the linear walk (negative sizes or overflowing sums).
    slow: bool,
    local: Option<LocalIx>,
}

#[derive(Debug, Clone, Default)]
struct LocalIx {
    lo: usize,
    len: usize,
    rm: RangeMax,
    /// Copied segments deletable before the high-watermark (= LEO) check fails.
    hw_limit: usize,
    tail_base: i64,
    tail_size: i64,
    tail_uploaded: bool,
    leo: i64,
    local_lso: i64,
    highest: i64,
    /// Use the explicit-list function (odd offsets, negative sizes, overflow).
    slow: bool,
}

/// Precomputed, policy-independent retention data of a snapshot for one profile.
#[derive(Debug)]
pub struct PlanIndex {
    profile: KafkaVersion,
    rules: Rules,
    topics: Vec<TopicIx>,
    parts: Vec<PartIx>,
    // Every segment: id text and size, state flags.
    ids: String,
    id_ends: Vec<u32>,
    seg_size: Vec<i64>,
    seg_metric: Vec<bool>,
    // Walk sequences (local segment index, kind).
    seq_seg: Vec<u32>,
    seq_kind: Vec<u8>,
    // Candidates.
    c_seq_pos: Vec<u32>,
    /// Per candidate `[running max of maxTimestampMs, prefix sum of sizes, maxTimestampMs,
    /// log start offset candidate]` (the last: running max of `endOffset + 1`, or the
    /// candidate's own, by the profile's rule). One record so that a search and the reads at
    /// its end touch the same cache lines.
    c_rec: Vec<[i64; 4]>,
    /// Prefix sums of the sizes counted by the metric (read only when they differ from the
    /// sizes, see `PartIx::metric_is_size`).
    c_pmetric: Vec<i64>,
    /// Per partition, the candidates not counted in the metric: (candidate index, prefix sum
    /// of their sizes). Usually empty; the metric freed by `k` candidates is the size freed
    /// minus the entries below `k`.
    nm_idx: Vec<u32>,
    nm_psum: Vec<i64>,
    c_size: Vec<i64>,
    // Every SAMPLE-th entry (the last of each chunk) of c_pmax_ts / c_psum: a search reads
    // these (small, cache-resident) and then one chunk, instead of a binary search whose
    // dependent loads each miss the cache.
    s_pmax_ts: Vec<i64>,
    s_psum: Vec<i64>,
    // Always-deleted entries.
    ad_pos: Vec<u32>,
    /// Candidates before each always-deleted entry: the entry precedes candidate `k` in the
    /// walk iff this is `<= k` (small, so the summary never reads `c_seq_pos`).
    ad_cands_before: Vec<u32>,
    ad_psum: Vec<i64>,
    ad_pmetric: Vec<i64>,
    // Unreferenced-epoch deletions (local segment index).
    unref_seg: Vec<u32>,
    // Local copies.
    /// `[next base offset, prefix sum of sizes, maxTimestampMs, base offset]` per local copy.
    l_rec: Vec<[i64; 4]>,
    l_size: Vec<i64>,
    rm_store: RangeMaxStore,
}

/// Inclusive prefix array lookup: sum of the first `k` entries.
#[inline]
fn upto(prefix: &[i64], k: usize) -> i64 {
    if k == 0 {
        0
    } else {
        prefix[k - 1]
    }
}

/// Time retention as a threshold: a candidate is NOT breached iff `ts >= x`.
#[derive(Clone, Copy)]
enum Threshold {
    /// Every timestamp breaches.
    All,
    /// Not breached iff `ts >= x` (`i64::MIN`: nothing breaches).
    AtLeast(i64),
}

fn threshold(cleanup_until: Option<i64>, strict: bool) -> Threshold {
    match cleanup_until {
        None => Threshold::AtLeast(i64::MIN),
        Some(c) if strict => Threshold::AtLeast(c),
        Some(c) => match c.checked_add(1) {
            Some(x) => Threshold::AtLeast(x),
            None => Threshold::All,
        },
    }
}

/// The outcome of the walk of one partition, positions in its own arrays.
#[derive(Debug, Clone, Copy, Default)]
struct Walk {
    /// Candidates deleted (a prefix).
    k: usize,
    /// Sequence position where the walk stopped (`seq_len` = ran to the end).
    stop_pos: usize,
    stop_cause: Option<WalkStopCause>,
    /// Always-deleted entries before the stop.
    ad: usize,
}

impl PlanIndex {
    /// Builds the index of `snapshot` for `profile`.
    pub fn build(snapshot: &Snapshot, profile: KafkaVersion) -> PlanIndex {
        Self::build_topics(snapshot, profile, |_| true)
    }

    /// Builds the index of the topics `keep` accepts. A what-if changes one topic's configs,
    /// and an index costs about 100 bytes per segment that a browser tab never gets back
    /// (wasm memory does not shrink), so the app indexes the topic being edited only.
    pub fn build_topics(
        snapshot: &Snapshot,
        profile: KafkaVersion,
        keep: impl Fn(&Topic) -> bool,
    ) -> PlanIndex {
        let rules = profile.rules();
        let kept = || snapshot.topics.iter().filter(|t| keep(t));
        let nseg: usize = kept()
            .flat_map(|t| &t.partitions)
            .map(|p| p.segments.len())
            .sum();
        let nparts: usize = kept().map(|t| t.partitions.len()).sum();
        let mut ix = PlanIndex {
            profile,
            rules,
            topics: Vec::new(),
            parts: Vec::with_capacity(nparts),
            ids: String::with_capacity(nseg * 22),
            id_ends: Vec::with_capacity(nseg),
            seg_size: Vec::with_capacity(nseg),
            seg_metric: Vec::with_capacity(nseg),
            seq_seg: Vec::with_capacity(nseg),
            seq_kind: Vec::with_capacity(nseg),
            c_seq_pos: Vec::with_capacity(nseg),
            c_rec: Vec::with_capacity(nseg),
            c_pmetric: Vec::with_capacity(nseg),
            nm_idx: Vec::new(),
            nm_psum: Vec::new(),
            c_size: Vec::with_capacity(nseg),
            s_pmax_ts: Vec::with_capacity(nseg / SAMPLE + 1),
            s_psum: Vec::with_capacity(nseg / SAMPLE + 1),
            ad_pos: Vec::new(),
            ad_cands_before: Vec::new(),
            ad_psum: Vec::new(),
            ad_pmetric: Vec::new(),
            unref_seg: Vec::new(),
            l_rec: Vec::new(),
            l_size: Vec::new(),
            rm_store: RangeMaxStore::default(),
        };
        let mut keys: Vec<u64> = Vec::new();
        let mut valid: Vec<bool> = Vec::new();
        for topic in kept() {
            let parts_lo = ix.parts.len();
            for p in &topic.partitions {
                let part = ix.build_partition(p, &rules, &mut keys, &mut valid);
                ix.parts.push(part);
            }
            ix.topics.push(TopicIx {
                name: topic.name.clone(),
                config: topic.config,
                parts_lo,
                parts_hi: ix.parts.len(),
            });
        }
        ix.shrink();
        ix
    }

    /// Releases the spare capacity of the growable arrays (keeps the index compact).
    fn shrink(&mut self) {
        self.seq_seg.shrink_to_fit();
        self.seq_kind.shrink_to_fit();
        self.c_seq_pos.shrink_to_fit();
        self.c_rec.shrink_to_fit();
        self.c_pmetric.shrink_to_fit();
        self.nm_idx.shrink_to_fit();
        self.nm_psum.shrink_to_fit();
        self.c_size.shrink_to_fit();
        self.s_pmax_ts.shrink_to_fit();
        self.s_psum.shrink_to_fit();
        self.ad_pos.shrink_to_fit();
        self.ad_cands_before.shrink_to_fit();
        self.ad_psum.shrink_to_fit();
        self.ad_pmetric.shrink_to_fit();
        self.unref_seg.shrink_to_fit();
        self.l_rec.shrink_to_fit();
        self.l_size.shrink_to_fit();
        self.rm_store.sp.shrink_to_fit();
    }

    fn build_partition(
        &mut self,
        p: &crate::model::Partition,
        rules: &Rules,
        keys: &mut Vec<u64>,
        valid: &mut Vec<bool>,
    ) -> PartIx {
        let segs = &p.segments;
        let seg_lo = self.seg_size.len();
        for s in segs {
            let _ = std::fmt::Write::write_fmt(&mut self.ids, format_args!("{}", s.id));
            self.id_ends.push(self.ids.len() as u32);
            self.seg_size.push(s.size_bytes);
            self.seg_metric.push(rules.metric_states.contains(s.state));
        }
        let (lineage_raw, _) = p.lineage();
        let lineage = filter_empty_epochs(&lineage_raw);
        let leo = p.log_end_offset_or_inferred();
        let lso = p.log_start_offset_or_inferred();
        let only_local = p.only_local_size_bytes.unwrap_or(0);
        let listed = |i: usize| segs.at(i).state != SegmentState::DeleteSegmentFinished;

        let mut part = PartIx {
            partition: p.partition,
            seg_lo,
            lso,
            local_size_bytes: p.local_size_bytes,
            local_lso_before: p.local_log_start_offset,
            ..PartIx::default()
        };
        let mut metric = 0i64;
        for s in segs
            .iter()
            .filter(|s| s.state != SegmentState::DeleteSegmentFinished)
        {
            part.listed += 1;
            if rules.metric_states.contains(s.state) {
                metric = metric.saturating_add(s.size_bytes);
            }
        }
        part.metric = metric;

        // The walk order: by the first lineage epoch a segment is listed under, then listing
        // order. Segments without a lineage epoch are never visited.
        keys.clear();
        for (i, s) in segs.iter().enumerate() {
            if !listed(i) {
                continue;
            }
            let rank = s
                .segment_leader_epochs
                .iter()
                .filter_map(|&(e, _)| lineage.binary_search_by_key(&e, |&(le, _)| le).ok())
                .min();
            if let Some(r) = rank {
                keys.push(((r as u64) << 32) | i as u64);
            }
        }
        if !keys.is_sorted() {
            keys.sort_unstable();
        }
        valid.clear();
        let mut remote = 0i64;
        for &k in keys.iter() {
            let s = segs.at((k & 0xffff_ffff) as usize);
            let v = epochs_within_lineage(
                s.segment_leader_epochs,
                s.end_offset,
                leo,
                &lineage,
                rules.lineage_check,
            );
            valid.push(v);
            if v && rules.retention_size_states.contains(s.state) {
                remote = remote.saturating_add(s.size_bytes);
            }
        }
        part.retention_total = only_local.saturating_add(remote);

        // Classify the first visits.
        let in_flight = if rules.stop_at_segment_being_copied {
            presumed_in_flight(p)
        } else {
            Vec::new()
        };
        let first_epoch = lineage.first().map(|&(e, _)| e);
        part.seq_lo = self.seq_seg.len();
        part.metric_is_size = true;
        part.nm_lo = self.nm_idx.len();
        let mut nm_sum = 0i64;
        part.cand_lo = self.c_rec.len();
        part.ad_lo = self.ad_pos.len();
        part.in_flight_pos = usize::MAX;
        let (mut psum, mut pmetric, mut pmax_ts, mut pmax_end1) = (0i64, 0i64, i64::MIN, i64::MIN);
        let (mut ad_sum, mut ad_metric) = (0i64, 0i64);
        for (pos, &k) in keys.iter().enumerate() {
            let i = (k & 0xffff_ffff) as usize;
            let s = segs.at(i);
            let kind = if rules.stop_at_segment_being_copied && in_flight[i] {
                KIND_IN_FLIGHT
            } else if rules.delete_started_always_retried
                && s.state == SegmentState::DeleteSegmentStarted
            {
                KIND_RETRY
            } else if first_epoch.is_some_and(|fe| {
                s.segment_leader_epochs.iter().all(|&(e, _)| e <= fe) && s.end_offset < lso
            }) {
                KIND_LSO_BREACH
            } else if !valid[pos] {
                KIND_INVALID
            } else {
                KIND_CANDIDATE
            };
            self.seq_seg.push(i as u32);
            self.seq_kind.push(kind);
            let m = rules.metric_states.contains(s.state);
            match kind {
                KIND_IN_FLIGHT if part.in_flight_pos == usize::MAX => {
                    part.in_flight_pos = pos;
                    part.cands_before_in_flight = self.c_rec.len() - part.cand_lo;
                }
                KIND_RETRY | KIND_LSO_BREACH => {
                    ad_sum = ad_sum.saturating_add(s.size_bytes);
                    ad_metric = ad_metric.saturating_add(if m { s.size_bytes } else { 0 });
                    self.ad_pos.push(pos as u32);
                    self.ad_cands_before
                        .push((self.c_rec.len() - part.cand_lo) as u32);
                    self.ad_psum.push(ad_sum);
                    self.ad_pmetric.push(ad_metric);
                }
                KIND_CANDIDATE => {
                    if s.size_bytes < 0 {
                        part.slow = true;
                    }
                    match psum.checked_add(s.size_bytes) {
                        Some(v) => psum = v,
                        None => {
                            part.slow = true;
                            psum = psum.saturating_add(s.size_bytes);
                        }
                    }
                    pmetric = pmetric.saturating_add(if m { s.size_bytes } else { 0 });
                    pmax_ts = pmax_ts.max(s.max_timestamp_ms);
                    let end1 = s.end_offset.saturating_add(1);
                    pmax_end1 = pmax_end1.max(end1);
                    self.c_seq_pos.push(pos as u32);
                    self.c_size.push(s.size_bytes);
                    let lso_cand = match rules.log_start_offset_rule {
                        LogStartOffsetRule::MaxEndOffset => pmax_end1,
                        LogStartOffsetRule::LastDeleted => end1,
                    };
                    self.c_rec
                        .push([pmax_ts, psum, s.max_timestamp_ms, lso_cand]);
                    self.c_pmetric.push(pmetric);
                    if !m {
                        part.metric_is_size = false;
                        nm_sum = nm_sum.saturating_add(s.size_bytes);
                        self.nm_idx
                            .push((self.c_rec.len() - 1 - part.cand_lo) as u32);
                        self.nm_psum.push(nm_sum);
                    }
                }
                _ => {}
            }
        }
        part.seq_len = keys.len();
        part.cand_len = self.c_rec.len() - part.cand_lo;
        part.ad_len = self.ad_pos.len() - part.ad_lo;
        part.nm_len = self.nm_idx.len() - part.nm_lo;
        part.ad_before_in_flight =
            self.ad_pos[part.ad_lo..].partition_point(|&p| (p as usize) < part.in_flight_pos);
        if part.in_flight_pos == usize::MAX {
            part.in_flight_pos = part.seq_len;
            part.cands_before_in_flight = part.cand_len;
        }
        // A size run's target (sum so far + remaining budget) must not overflow either.
        if psum.checked_add(part.retention_total.max(0)).is_none() {
            part.slow = true;
        }
        let (clo, clen) = (part.cand_lo, part.cand_len);
        part.cand_rm = self.rm_store.build(clen, |i| self.c_rec[clo + i][R_TS]);
        part.samp_lo = self.s_pmax_ts.len();
        for c in (0..part.cand_len).step_by(SAMPLE) {
            let last = part.cand_lo + (c + SAMPLE).min(part.cand_len) - 1;
            self.s_pmax_ts.push(self.c_rec[last][R_PMAX_TS]);
            self.s_psum.push(self.c_rec[last][R_PSUM]);
        }

        // Unreferenced epochs: all epochs below the earliest epoch of the unfiltered cache.
        part.unref_lo = self.unref_seg.len();
        if let Some(&(e0, _)) = lineage_raw.first() {
            keys.clear();
            for (i, s) in segs.iter().enumerate() {
                if listed(i) && s.segment_leader_epochs.iter().all(|&(e, _)| e < e0) {
                    if let Some(min) = s.segment_leader_epochs.iter().map(|&(e, _)| e).min() {
                        keys.push((((min as i64 - i32::MIN as i64) as u64) << 32) | i as u64);
                    }
                }
            }
            keys.sort_unstable();
            for &k in keys.iter() {
                let i = (k & 0xffff_ffff) as usize;
                let s = segs.at(i);
                self.unref_seg.push(i as u32);
                part.unref_bytes = part.unref_bytes.saturating_add(s.size_bytes);
                if rules.metric_states.contains(s.state) {
                    part.unref_metric = part.unref_metric.saturating_add(s.size_bytes);
                }
            }
        }
        part.unref_len = self.unref_seg.len() - part.unref_lo;

        part.local = self.build_local(p, leo);
        part
    }

    fn build_local(&mut self, p: &crate::model::Partition, leo: i64) -> Option<LocalIx> {
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
        let mut lx = LocalIx {
            lo: self.l_rec.len(),
            len: copied.len(),
            leo,
            local_lso,

            highest,
            ..LocalIx::default()
        };
        let mut sum = 0i64;
        let mut prev_end = None::<i64>;
        for (j, &i) in copied.iter().enumerate() {
            let s = p.segments.at(i);
            let nb = match copied.get(j + 1) {
                Some(&n) => p.segments.at(n).start_offset,
                None => s.end_offset.saturating_add(1),
            };
            if s.size_bytes < 0 || !(nb > 0 && nb - 1 <= highest) {
                lx.slow = true;
            }
            match sum.checked_add(s.size_bytes) {
                Some(v) => sum = v,
                None => {
                    lx.slow = true;
                    sum = sum.saturating_add(s.size_bytes);
                }
            }
            self.l_rec
                .push([nb, sum, s.max_timestamp_ms, s.start_offset]);
            self.l_size.push(s.size_bytes);
            prev_end = Some(s.end_offset);
        }
        lx.tail_base = prev_end.map_or(local_lso, |e| e.saturating_add(1));
        lx.tail_size = local_size.saturating_sub(sum).max(0);
        if sum.checked_add(lx.tail_size).is_none() {
            lx.slow = true;
        }
        lx.tail_uploaded = leo > 0 && leo - 1 <= highest;
        let recs = &self.l_rec[lx.lo..lx.lo + lx.len];
        lx.hw_limit = recs.partition_point(|r| r[0] <= leo);
        if recs[lx.hw_limit..].iter().any(|r| r[0] <= leo) {
            lx.slow = true;
        }
        let lo = lx.lo;
        lx.rm = self.rm_store.build(lx.len, |i| self.l_rec[lo + i][2]);
        Some(lx)
    }

    pub fn profile(&self) -> KafkaVersion {
        self.profile
    }

    /// `(topic, partition)` of each entry of [`PlanSummary::partitions`], in order.
    pub fn partition_keys(&self) -> impl Iterator<Item = (&str, i32)> + '_ {
        self.topics.iter().flat_map(move |t| {
            self.parts[t.parts_lo..t.parts_hi]
                .iter()
                .map(move |p| (t.name.as_str(), p.partition))
        })
    }

    fn seg_id(&self, global: usize) -> &str {
        let lo = if global == 0 {
            0
        } else {
            self.id_ends[global - 1] as usize
        };
        &self.ids[lo..self.id_ends[global] as usize]
    }

    /// Candidates deleted by time/size, ignoring the in-flight stop.
    fn candidates_deleted(
        &self,
        part: &PartIx,
        cleanup_until: Option<i64>,
        size_breach: Option<i64>,
    ) -> usize {
        let lo = part.cand_lo;
        let m = part.cand_len;
        let strict = self.rules.time_breach_strict;
        if part.slow {
            let rec = &self.c_rec[lo..lo + m];
            let sizes = &self.c_size[lo..lo + m];
            let mut r = size_breach.unwrap_or(0);
            for k in 0..m {
                if time_breached(rec[k][R_TS], cleanup_until, strict) {
                    r = r.saturating_sub(sizes[k]).max(0);
                } else if size_breach.is_some() && r > 0 && r.saturating_sub(sizes[k]) >= 0 {
                    r = r.saturating_sub(sizes[k]);
                } else {
                    return k;
                }
            }
            return m;
        }
        let x = match threshold(cleanup_until, strict) {
            Threshold::All => return m,
            Threshold::AtLeast(x) => x,
        };
        if m == 0 {
            return 0;
        }
        let rec = &self.c_rec[lo..lo + m];
        // 1. time run from the start (most partitions breach none: check the first).
        let nsamp = m.div_ceil(SAMPLE);
        let s_pmax = &self.s_pmax_ts[part.samp_lo..part.samp_lo + nsamp];
        let s_psum = &self.s_psum[part.samp_lo..part.samp_lo + nsamp];
        let q = first_at_least_sampled(rec, |r| r[R_PMAX_TS], s_pmax, x);
        if q == m {
            return m;
        }
        let mut pos = q;
        if let Some(r0) = size_breach {
            let base = if q == 0 { 0 } else { rec[q - 1][R_PSUM] };
            let r = (r0 - base).max(0);
            if r > 0 {
                // 2. size run.
                let target = base + r;
                if s_psum[nsamp - 1] < target {
                    // Everything left fits with budget to spare.
                    return m;
                }
                // Entries before q sum to `base` < target, so the first entry reaching the
                // target is at or after q.
                let k2 = first_at_least_sampled(rec, |r| r[R_PSUM], s_psum, target);
                if k2 == m {
                    return m;
                }
                pos = if rec[k2][R_PSUM] == target {
                    k2 + 1
                } else {
                    k2
                };
            }
        }
        // 3. a time-breached candidate that did not fit goes; then time only.
        if pos < m && rec[pos][R_TS] < x {
            pos = self
                .rm_store
                .first_at_least(part.cand_rm, m, |i| rec[i][R_TS], pos + 1, x);
        }
        pos
    }

    /// Starts loading the cache lines a later partition's evaluation will read (the chunks
    /// its time run and its size run end in, and its local records), so that their memory
    /// latency overlaps with the work on the partitions before it. Only a hint: whatever `x`
    /// (time threshold) and `retention_bytes` are, results do not change.
    #[inline]
    fn warm(&self, part: &PartIx, x: i64, retention_bytes: i64) {
        let m = part.cand_len;
        if m > 0 {
            let nsamp = m.div_ceil(SAMPLE);
            let samp = part.samp_lo..part.samp_lo + nsamp;
            let line = |at: usize| {
                // 2 records per cache line; a chunk is SAMPLE / 2 lines.
                for i in (at..(at + SAMPLE).min(part.cand_lo + m)).step_by(2) {
                    prefetch(&self.c_rec[i]);
                }
            };
            let j = self.s_pmax_ts[samp.clone()]
                .iter()
                .position(|&v| v >= x)
                .unwrap_or(nsamp - 1);
            line(part.cand_lo + j * SAMPLE);
            // A size run ends where the prefix sum reaches total − retention.bytes.
            if retention_bytes >= 0 && part.retention_total > retention_bytes {
                let target = part.retention_total - retention_bytes;
                if let Some(j2) = self.s_psum[samp].iter().position(|&v| v >= target) {
                    if j2 != j {
                        line(part.cand_lo + j2 * SAMPLE);
                    }
                }
            }
        }
        if let Some(lx) = &part.local {
            for i in (lx.lo..lx.lo + lx.len).step_by(2) {
                prefetch(&self.l_rec[i]);
            }
        }
    }

    /// The walk's outcome. With `need_stop == false` the stop position is only computed when
    /// always-deleted entries need it (`stop_pos` / `stop_cause` are then meaningless).
    fn walk(
        &self,
        part: &PartIx,
        cleanup_until: Option<i64>,
        size_breach: Option<i64>,
        need_stop: bool,
    ) -> Walk {
        let k_all = self.candidates_deleted(part, cleanup_until, size_breach);
        let k = k_all.min(part.cands_before_in_flight);
        if !need_stop {
            // Only the number of always-deleted entries before the stop is needed.
            let ad = if part.ad_len == 0 {
                0
            } else if k < part.cands_before_in_flight {
                self.ad_cands_before[part.ad_lo..part.ad_lo + part.ad_len]
                    .partition_point(|&c| (c as usize) <= k)
            } else {
                part.ad_before_in_flight
            };
            return Walk {
                k,
                ad,
                ..Walk::default()
            };
        }
        let (stop_pos, stop_cause) = if k < part.cands_before_in_flight {
            (
                self.c_seq_pos[part.cand_lo + k] as usize,
                Some(WalkStopCause::KeptByRetention),
            )
        } else if part.in_flight_pos < part.seq_len {
            (part.in_flight_pos, Some(WalkStopCause::UploadInProgress))
        } else {
            (part.seq_len, None)
        };
        let ad_pos = &self.ad_pos[part.ad_lo..part.ad_lo + part.ad_len];
        let ad = ad_pos.partition_point(|&p| (p as usize) < stop_pos);
        Walk {
            k,
            stop_pos,
            stop_cause,
            ad,
        }
    }

    fn lso_after(&self, part: &PartIx, k: usize) -> i64 {
        if k == 0 {
            return part.lso;
        }
        part.lso.max(self.c_rec[part.cand_lo + k - 1][R_LSO])
    }

    /// (bytes freed, segments deleted, local log start offset after) of the local pass.
    fn local_eval(
        &self,
        lx: &LocalIx,
        cfg: &TopicConfig,
        now_ms: i64,
        lso_after: i64,
    ) -> (i64, u64, i64) {
        let rules = &self.rules;
        let l_in = lx.local_lso.max(lso_after);
        if lx.slow {
            let mut segs: Vec<LocalSegment> = (0..lx.len)
                .map(|j| LocalSegment {
                    base_offset: self.l_rec[lx.lo + j][3],
                    size_bytes: self.l_size[lx.lo + j],
                    largest_timestamp_ms: self.l_rec[lx.lo + j][2],
                })
                .collect();
            segs.push(LocalSegment {
                base_offset: lx.tail_base,
                size_bytes: lx.tail_size,
                largest_timestamp_ms: i64::MAX,
            });
            let o = local_retention(
                &LocalLog {
                    now_ms,
                    log_start_offset: lso_after,
                    local_log_start_offset: l_in,
                    log_end_offset: lx.leo,
                    high_watermark: lx.leo,
                    highest_offset_in_remote_storage: lx.highest,
                    config: *cfg,
                    remote_storage_enable: true,
                    remote_log_copy_disable: false,
                    segments: &segs,
                },
                rules,
            );
            return (
                o.deleted_bytes,
                o.deleted_base_offsets.len() as u64,
                o.local_log_start_offset,
            );
        }
        let n = lx.len;
        let recs = &self.l_rec[lx.lo..lx.lo + n];
        let psum_upto = |k: usize| if k == 0 { 0 } else { recs[k - 1][1] };
        let tail_ok = (lx.tail_uploaded || (rules.local_lso_makes_eligible && lso_after >= lx.leo))
            && lx.tail_size != 0;
        let (limit_ms, limit_bytes) = effective_local_limits(cfg, rules);
        // 1. log-start-offset breach (never the active tail).
        let mut first = recs.partition_point(|r| r[0] <= l_in).min(lx.hw_limit);
        let mut tail_deleted = false;
        // 2. size.
        if limit_bytes >= 0 {
            let size = (psum_upto(n) - psum_upto(first)) + lx.tail_size;
            if size >= limit_bytes {
                let diff = size - limit_bytes;
                let base = psum_upto(first);
                let k2 = (first + recs[first..].partition_point(|r| r[1] - base <= diff))
                    .min(lx.hw_limit);
                first = k2;
                if first == n && tail_ok && diff - (psum_upto(n) - base) - lx.tail_size >= 0 {
                    tail_deleted = true;
                }
            }
        }
        // 3. time (the tail's timestamp is unknown: never).
        if limit_ms >= 0 && !tail_deleted && first < n {
            let thr = now_ms as i128 - limit_ms as i128;
            let j = if thr > i64::MAX as i128 {
                n
            } else if thr <= i64::MIN as i128 {
                first
            } else {
                self.rm_store
                    .first_at_least(lx.rm, n, |i| recs[i][2], first, thr as i64)
            };
            first = j.min(lx.hw_limit).max(first);
        }
        let deleted = first as u64 + u64::from(tail_deleted);
        let bytes = psum_upto(first) + if tail_deleted { lx.tail_size } else { 0 };
        let lso_out = if deleted == 0 {
            l_in
        } else {
            let new_start = if tail_deleted {
                lx.leo
            } else if first < n {
                recs[first][3]
            } else {
                lx.tail_base
            };
            l_in.max(new_start)
        };
        (bytes, deleted, lso_out)
    }

    fn topic_inputs(
        &self,
        t: &TopicIx,
        policy: &Policy,
        now_ms: i64,
    ) -> (TopicConfig, Result<Option<i64>, ()>) {
        let cfg = policy.config_for(&t.name, t.config);
        let td = time_data(
            cfg.retention_ms,
            now_ms,
            self.rules.retention_ms_beyond_now_aborts,
        );
        (cfg, td)
    }

    fn size_breach(part: &PartIx, cfg: &TopicConfig) -> Option<i64> {
        if cfg.retention_bytes >= 0 && part.retention_total > cfg.retention_bytes {
            Some(part.retention_total - cfg.retention_bytes)
        } else {
            None
        }
    }

    fn summarize(
        &self,
        part: &PartIx,
        cfg: &TopicConfig,
        td: Result<Option<i64>, ()>,
        now_ms: i64,
    ) -> PartitionSummary {
        let mut s = PartitionSummary {
            remote_log_size_bytes: part.metric,
            retention_size_bytes: part.retention_total,
            bytes_freed: 0,
            segments_deleted: 0,
            log_start_offset_after: part.lso,
            remote_size_after: part.metric,
            kept_segments: part.listed,
            error: false,
            local_bytes_freed: None,
            local_log_start_offset_after: None,
        };
        if part.listed > 0 {
            match td {
                Err(()) => s.error = true,
                Ok(cu) => {
                    let w = self.walk(part, cu, Self::size_breach(part, cfg), false);
                    let c = part.cand_lo;
                    let a = part.ad_lo;
                    let cand_bytes = if w.k == 0 {
                        0
                    } else {
                        self.c_rec[c + w.k - 1][R_PSUM]
                    };
                    let cand_metric = if part.metric_is_size {
                        cand_bytes
                    } else if part.slow {
                        upto(&self.c_pmetric[c..c + part.cand_len], w.k)
                    } else {
                        let nm = &self.nm_idx[part.nm_lo..part.nm_lo + part.nm_len];
                        let below = nm.partition_point(|&i| (i as usize) < w.k);
                        cand_bytes
                            - upto(&self.nm_psum[part.nm_lo..part.nm_lo + part.nm_len], below)
                    };
                    let ad_bytes = upto(&self.ad_psum[a..a + part.ad_len], w.ad);
                    let ad_metric = upto(&self.ad_pmetric[a..a + part.ad_len], w.ad);
                    s.bytes_freed = cand_bytes
                        .saturating_add(ad_bytes)
                        .saturating_add(part.unref_bytes);
                    s.segments_deleted = (w.k + w.ad + part.unref_len) as u64;
                    s.remote_size_after = part.metric.saturating_sub(
                        cand_metric
                            .saturating_add(ad_metric)
                            .saturating_add(part.unref_metric),
                    );
                    s.kept_segments = part.listed - s.segments_deleted;
                    s.log_start_offset_after = self.lso_after(part, w.k);
                }
            }
        }
        if let Some(lx) = &part.local {
            let (b, _, l) = self.local_eval(lx, cfg, now_ms, s.log_start_offset_after);
            s.local_bytes_freed = Some(b);
            s.local_log_start_offset_after = Some(l);
        }
        s
    }

    /// Per-partition numbers and totals for `policy` at `now_ms`. `policy.profile` is not
    /// consulted: the index answers for the profile it was built with ([`PlanIndex::profile`]).
    pub fn summary(&self, policy: &Policy, now_ms: i64) -> PlanSummary {
        let mut out = PlanSummary::default();
        self.summary_into(policy, now_ms, &mut out);
        out
    }

    /// [`PlanIndex::summary`] into an existing value, reusing its allocations.
    pub fn summary_into(&self, policy: &Policy, now_ms: i64, out: &mut PlanSummary) {
        out.profile = self.profile;
        out.now_ms = now_ms;
        out.partitions.clear();
        out.partitions.reserve(self.parts.len());
        const AHEAD: usize = 4;
        let same_topics = out.topics.len() == self.topics.len()
            && out
                .topics
                .iter()
                .zip(&self.topics)
                .all(|(a, b)| a.topic == b.name);
        if !same_topics {
            out.topics.clear();
            out.topics
                .extend(self.topics.iter().map(|t| TopicPlanTotals {
                    topic: t.name.clone(),
                    totals: PlanTotals::default(),
                }));
        }
        out.totals = PlanTotals::default();
        for (ti, t) in self.topics.iter().enumerate() {
            let (cfg, td) = self.topic_inputs(t, policy, now_ms);
            let warm_x = match td {
                Ok(cu) => match threshold(cu, self.rules.time_breach_strict) {
                    Threshold::AtLeast(x) => x,
                    Threshold::All => i64::MAX,
                },
                Err(()) => i64::MIN,
            };
            let mut tt = PlanTotals::default();
            for (pi, part) in self.parts[t.parts_lo..t.parts_hi].iter().enumerate() {
                if let Some(next) = self.parts.get(t.parts_lo + pi + AHEAD) {
                    self.warm(next, warm_x, cfg.retention_bytes);
                }
                let s = self.summarize(part, &cfg, td, now_ms);
                tt.add(&s);
                out.totals.add(&s);
                out.partitions.push(s);
            }
            out.topics[ti].totals = tt;
        }
    }

    /// The full plan, identical to [`super::reference::plan`] for the same snapshot, profile,
    /// policy and `now_ms`. `policy.profile` is not consulted (see [`PlanIndex::summary`]).
    /// The plan of every topic, built one topic's index at a time: memory peaks at the largest
    /// topic's index instead of the cluster's. Equal to `build(..).plan(..)`.
    pub fn plan_by_topic(snapshot: &Snapshot, policy: &Policy, now_ms: i64) -> Plan {
        let mut partitions = Vec::with_capacity(snapshot.partition_count());
        let mut topic_of = Vec::with_capacity(partitions.capacity());
        for (ti, topic) in snapshot.topics.iter().enumerate() {
            let ix = Self::build_topics(snapshot, policy.profile, |t| std::ptr::eq(t, topic));
            let plan = ix.plan(policy, now_ms);
            topic_of.extend(std::iter::repeat_n(ti, plan.partitions.len()));
            partitions.extend(plan.partitions);
        }
        let names: Vec<&str> = snapshot.topics.iter().map(|t| t.name.as_str()).collect();
        assemble(policy.profile, now_ms, &names, partitions, &topic_of)
    }

    /// The summary of every topic (sizes, counts and totals; no deletion lists), one topic's
    /// index at a time. Equal to `build(..).summary(..)`; what an overview needs, in memory
    /// that does not grow with the number of deletions.
    pub fn summary_by_topic(snapshot: &Snapshot, policy: &Policy, now_ms: i64) -> PlanSummary {
        let mut out = PlanSummary {
            profile: policy.profile,
            now_ms,
            ..PlanSummary::default()
        };
        let mut one = PlanSummary::default();
        for topic in &snapshot.topics {
            let ix = Self::build_topics(snapshot, policy.profile, |t| std::ptr::eq(t, topic));
            ix.summary_into(policy, now_ms, &mut one);
            out.partitions.extend_from_slice(&one.partitions);
            out.topics.extend(one.topics.iter().cloned());
        }
        // Summed in partition order, as `summary` does (saturating sums depend on the order).
        for p in &out.partitions {
            out.totals.add(p);
        }
        out
    }

    pub fn plan(&self, policy: &Policy, now_ms: i64) -> Plan {
        let mut partitions = Vec::with_capacity(self.parts.len());
        let mut topic_of = Vec::with_capacity(self.parts.len());
        for (ti, t) in self.topics.iter().enumerate() {
            let (cfg, td) = self.topic_inputs(t, policy, now_ms);
            for part in &self.parts[t.parts_lo..t.parts_hi] {
                partitions.push(self.plan_partition(&t.name, part, &cfg, td, now_ms));
                topic_of.push(ti);
            }
        }
        let names: Vec<&str> = self.topics.iter().map(|t| t.name.as_str()).collect();
        assemble(self.profile, now_ms, &names, partitions, &topic_of)
    }

    fn plan_partition(
        &self,
        topic: &str,
        part: &PartIx,
        cfg: &TopicConfig,
        td: Result<Option<i64>, ()>,
        now_ms: i64,
    ) -> PartitionPlan {
        let s = self.summarize(part, cfg, td, now_ms);
        let size_breach = Self::size_breach(part, cfg);
        let (lms, lbytes) = effective_local_limits(cfg, &self.rules);
        let mut out = PartitionPlan {
            topic: topic.to_string(),
            partition: part.partition,
            retention_ms: cfg.retention_ms,
            retention_bytes: cfg.retention_bytes,
            remote_log_size_bytes: part.metric,
            remote_log_metadata_count: part.listed,
            retention_size_bytes: part.retention_total,
            cleanup_until_ms: None,
            size_breach_bytes: size_breach,
            log_start_offset_before: part.lso,
            log_start_offset_after: s.log_start_offset_after,
            bytes_freed: s.bytes_freed,
            segments_deleted: s.segments_deleted,
            remote_size_after: s.remote_size_after,
            kept_segments: s.kept_segments,
            deletions: Vec::with_capacity(s.segments_deleted as usize),
            walk_stop: None,
            error: None,
            local: LocalPlan {
                local_retention_ms: lms,
                local_retention_bytes: lbytes,
                local_size_bytes: part.local_size_bytes,
                local_bytes_freed: s.local_bytes_freed,
                local_segments_deleted: None,
                local_log_start_offset_before: part.local_lso_before,
                local_log_start_offset_after: s.local_log_start_offset_after,
            },
        };
        if let Some(lx) = &part.local {
            out.local.local_segments_deleted =
                Some(self.local_eval(lx, cfg, now_ms, s.log_start_offset_after).1);
        }
        if part.listed == 0 {
            return out;
        }
        let cu = match td {
            Err(()) => {
                out.error = Some(RunError::retention_ms_beyond_now(cfg.retention_ms, now_ms));
                return out;
            }
            Ok(cu) => cu,
        };
        out.cleanup_until_ms = cu;
        let w = self.walk(part, cu, size_breach, true);
        let strict = self.rules.time_breach_strict;
        let push = |out: &mut PartitionPlan, local: usize, reason: DeletionReason| {
            let g = part.seg_lo + local;
            out.deletions.push(Deletion {
                segment_index: local,
                id: self.seg_id(g).to_string(),
                reason,
                size_bytes: self.seg_size[g],
            });
        };
        let mut cand = 0usize;
        for pos in 0..w.stop_pos {
            let local = self.seq_seg[part.seq_lo + pos] as usize;
            match self.seq_kind[part.seq_lo + pos] {
                KIND_RETRY => push(&mut out, local, DeletionReason::Retry),
                KIND_LSO_BREACH => push(&mut out, local, DeletionReason::LogStartOffset),
                KIND_CANDIDATE => {
                    let reason = if time_breached(self.c_rec[part.cand_lo + cand][R_TS], cu, strict)
                    {
                        DeletionReason::RetentionMs
                    } else {
                        DeletionReason::RetentionBytes
                    };
                    push(&mut out, local, reason);
                    cand += 1;
                }
                _ => {}
            }
        }
        for j in 0..part.unref_len {
            let local = self.unref_seg[part.unref_lo + j] as usize;
            push(&mut out, local, DeletionReason::UnreferencedEpoch);
        }
        if let Some(cause) = w.stop_cause {
            let local = self.seq_seg[part.seq_lo + w.stop_pos] as usize;
            out.walk_stop = Some(WalkStop {
                segment_index: local,
                segment_id: self.seg_id(part.seg_lo + local).to_string(),
                cause,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_max_finds_the_first_value_at_least_x() {
        let vals: Vec<i64> = (0..200).map(|i| (i * 7919 % 101) as i64).collect();
        let mut store = RangeMaxStore::default();
        let rm = store.build(vals.len(), |i| vals[i]);
        for a in [0usize, 1, 31, 32, 33, 100, 199, 200] {
            for x in [-1i64, 0, 50, 99, 100, 101] {
                let want = (a..vals.len())
                    .find(|&i| vals[i] >= x)
                    .unwrap_or(vals.len());
                assert_eq!(
                    store.first_at_least(rm, vals.len(), |i| vals[i], a, x),
                    want,
                    "a={a} x={x}"
                );
            }
        }
    }
}
