//! The projection: expiration runs simulated forward from `now` on each partition grown at its
//! ingest rate (the model and its simplifications are in the [`super`] module documentation).
//!
//! # How it stays fast
//!
//! Per partition and policy the remote log is a deque of *items* in the order the retention
//! walk visits them: first the segments the snapshot holds (one item each, classified once as
//! the plan classifies them: candidate, skipped because outside the lineage, always deleted
//! (retry, log-start-offset breach), the upload in flight), then the new segments. New
//! segments are not stored one by one: a run of segments of equal size rolled at a regular
//! period is one item `(first roll instant, period, size, count)`, and with a constant rate
//! the whole grown tail is one item. A run deletes from the front: the number of an item's
//! segments that time retention deletes is `⌈(cutoff − first) / period⌉`, the number size
//! retention deletes is `⌊excess / size⌋`, so each step costs O(1) amortized whatever the
//! number of segments (a 2-year projection of a partition rolling a segment a minute never
//! holds a million segments). Running sums give the metric size, the `retention.bytes` total,
//! the segment count and the local size without a scan. The local tier is a second deque over
//! the local copies, with the same arithmetic for `local.retention.*`.
//!
//! Roll instants are kept as `f64` milliseconds relative to `now`; a new segment's
//! `maxTimestampMs` is its roll instant rounded to the millisecond, and the counts above are
//! computed on that rounded value, so a projection whose rolls fall on whole milliseconds is
//! exact.

use super::{
    Assumption, EffectiveRetention, Forecast, ForecastOptions, PolicyProjection, RateEstimates,
    RateUsed, Series, SteadyKind, SteadyState, TopicForecast, DAY_MS, DEFAULT_SEGMENT_MS,
    MAX_BYTES_PER_SEC, MONTH_MS,
};
use crate::lineage::epochs_within_lineage;
use crate::model::{
    filter_empty_epochs, Partition, SegmentLite, SegmentState, Snapshot, TopicConfig,
};
use crate::profile::Rules;
use crate::retention::local::effective_local_limits;
use crate::retention::{time_data, Policy};
use crate::units::{format_bytes, format_duration_ms};
use std::collections::{HashMap, VecDeque};

const K_CAND: u8 = 0;
const K_SKIP: u8 = 1;
const K_ALWAYS: u8 = 2;
const K_IN_FLIGHT: u8 = 3;

const F_COUNTED: u8 = 1;
const F_METRIC: u8 = 2;
const F_GEN: u8 = 4;
const F_VALID: u8 = 8;
/// The upload presumed in flight at `now` (finishes after the first run).
const F_UPLOADING: u8 = 16;

/// `round(x)` for `x >= 0` without a libm call (ties go up; inputs here are byte counts).
#[inline(always)]
fn round_pos(x: f64) -> i64 {
    if x > 0.0 {
        (x + 0.5) as i64
    } else {
        0
    }
}

/// `n as f64` for counts (below 2^63, so through the one-instruction signed conversion).
#[inline(always)]
fn fu(n: u64) -> f64 {
    n as i64 as f64
}

/// `n` segments of `size` bytes whose newest records are at `t0 + m · period` (ms relative to
/// `now`, rounded), `m = 0..n`, at log positions `seq0..seq0 + n`.
#[derive(Debug, Clone, Copy)]
struct Item {
    t0: f64,
    period: f64,
    size: i64,
    n: u64,
    seq0: i64,
    kind: u8,
    flags: u8,
}

impl Item {
    #[inline]
    fn has(&self, f: u8) -> bool {
        self.flags & f != 0
    }

    /// How many of the first segments have a (rounded) timestamp below `x − 0.5`, i.e.
    /// `round(t) < x` for integer `x`: callers pass `x − 0.5` as `x_half`.
    #[inline]
    fn count_before(&self, x_half: f64) -> u64 {
        if self.n == 1 || self.period <= 0.0 {
            return if self.t0 < x_half { self.n } else { 0 };
        }
        let q = (x_half - self.t0) / self.period;
        if q > 0.0 {
            if q >= fu(self.n) {
                return self.n;
            }
            // ceil(q) without a libm call (0 < q < n < 2^63).
            let c = q as i64;
            (c as u64 + u64::from((c as f64) < q)).min(self.n)
        } else {
            0
        }
    }

    /// Removes the first `k` segments; their bytes.
    #[inline]
    fn take(&mut self, k: u64) -> i64 {
        if k == 0 {
            return 0;
        }
        self.t0 += fu(k) * self.period;
        self.n -= k;
        self.seq0 += k as i64;
        self.size.saturating_mul(k as i64)
    }

    #[inline]
    fn bytes(&self) -> i64 {
        self.size.saturating_mul(self.n as i64)
    }
}

/// The policy-independent start of one partition for one profile.
#[derive(Debug, Default)]
struct Start {
    walk: Vec<Item>,
    local: Vec<Item>,
    listed: u64,
    metric: i64,
    counted: i64,
    /// Bytes in the metric that no run ever deletes (outside the lineage, never visited).
    permanent_metric: i64,
    unref_bytes: i64,
    unref_metric: i64,
    unref_count: u64,
    only_local: i64,
    local_tail: i64,
    /// When the active segment was created (its predecessor's newest record).
    active_start: f64,
    next_seq: i64,
    has_local: bool,
    /// Some walk item is the upload in flight ([`F_UPLOADING`]).
    uploading: bool,
}

fn rel(ts: i64, now: i64) -> f64 {
    ts.saturating_sub(now) as f64
}

/// Buffers [`build_start`] reuses from one partition to the next.
#[derive(Default)]
struct Scratch<'a> {
    rows: Vec<SegmentLite<'a>>,
    rank: Vec<i64>,
    order: Vec<u32>,
    keys: Vec<u64>,
    in_flight: Vec<bool>,
    copies: Vec<usize>,
}

/// Builds the start of `p` into `st` (its buffers reused).
fn build_start<'a>(
    p: &'a Partition,
    rules: &Rules,
    now: i64,
    sc: &mut Scratch<'a>,
    st: &mut Start,
) {
    // Every row read once.
    let rows = &mut sc.rows;
    rows.clear();
    rows.extend((0..p.segments.len()).map(|i| p.segments.lite(i)));
    let rows = &sc.rows;
    let n = rows.len();
    let lineage_raw: &[(i32, i64)];
    let inferred;
    match &p.leader_epochs {
        Some(l) => lineage_raw = l,
        None => {
            inferred = p.lineage().0;
            lineage_raw = &inferred;
        }
    }
    let lineage = filter_empty_epochs(lineage_raw);
    let leo = p
        .log_end_offset
        .unwrap_or_else(|| rows.iter().map(|s| s.end_offset + 1).max().unwrap_or(0));
    let lso = p.log_start_offset.unwrap_or_else(|| {
        rows.iter()
            .filter(|s| s.state != SegmentState::DeleteSegmentFinished)
            .map(|s| s.start_offset)
            .min()
            .unwrap_or(0)
    });
    st.walk.clear();
    st.local.clear();
    st.listed = 0;
    st.metric = 0;
    st.counted = 0;
    st.permanent_metric = 0;
    st.unref_bytes = 0;
    st.unref_metric = 0;
    st.unref_count = 0;
    st.only_local = p.only_local_size_bytes.unwrap_or(0);
    st.local_tail = 0;
    st.active_start = 0.0;
    st.next_seq = n as i64;
    st.has_local = false;
    st.uploading = false;
    let listed = |i: usize| rows[i].state != SegmentState::DeleteSegmentFinished;

    // Log positions: rank by start offset.
    let rank = &mut sc.rank;
    rank.clear();
    let sorted = rows
        .windows(2)
        .all(|w| w[0].start_offset <= w[1].start_offset);
    if sorted {
        rank.extend(0..n as i64);
    } else {
        rank.resize(n, 0);
        let order = &mut sc.order;
        order.clear();
        order.extend(0..n as u32);
        order.sort_by_key(|&i| (rows[i as usize].start_offset, i));
        for (r, &i) in order.iter().enumerate() {
            rank[i as usize] = r as i64;
        }
    }

    let mut newest = i64::MIN;
    for s in rows
        .iter()
        .filter(|s| s.state != SegmentState::DeleteSegmentFinished)
    {
        st.listed += 1;
        if rules.metric_states.contains(s.state) {
            st.metric = st.metric.saturating_add(s.size_bytes);
        }
        newest = newest.max(s.max_timestamp_ms);
    }
    st.active_start = if newest == i64::MIN {
        0.0
    } else {
        rel(newest.min(now), now)
    };

    // The walk order (as the plan's index builds it).
    let keys = &mut sc.keys;
    keys.clear();
    let mut last_epoch: Option<(i32, Option<usize>)> = None;
    for (i, s) in rows.iter().enumerate() {
        if !listed(i) {
            continue;
        }
        // Neighbouring segments mostly share their epochs: the last lookup is kept.
        let r = s
            .segment_leader_epochs
            .iter()
            .filter_map(|&(e, _)| match last_epoch {
                Some((le, r)) if le == e => r,
                _ => {
                    let r = lineage.binary_search_by_key(&e, |&(le, _)| le).ok();
                    last_epoch = Some((e, r));
                    r
                }
            })
            .min();
        if let Some(r) = r {
            keys.push(((r as u64) << 32) | i as u64);
        }
    }
    if !keys.is_sorted() {
        keys.sort_unstable();
    }
    in_flight_rows(rows, &mut sc.in_flight);
    let in_flight = &sc.in_flight;
    let first_epoch = lineage.first().map(|&(e, _)| e);
    let mut walk_metric = 0i64;
    for &k in keys.iter() {
        let i = (k & 0xffff_ffff) as usize;
        let s = &rows[i];
        let valid = epochs_within_lineage(
            s.segment_leader_epochs,
            s.end_offset,
            leo,
            &lineage,
            rules.lineage_check,
        );
        // A retry (DELETE_SEGMENT_STARTED) or a log-start-offset breach: always deleted.
        let always = (rules.delete_started_always_retried
            && s.state == SegmentState::DeleteSegmentStarted)
            || first_epoch.is_some_and(|fe| {
                s.segment_leader_epochs.iter().all(|&(e, _)| e <= fe) && s.end_offset < lso
            });
        let kind = if rules.stop_at_segment_being_copied && in_flight[i] {
            K_IN_FLIGHT
        } else if always {
            K_ALWAYS
        } else if !valid {
            K_SKIP
        } else {
            K_CAND
        };
        let mut flags = 0u8;
        if valid && rules.retention_size_states.contains(s.state) {
            flags |= F_COUNTED;
            st.counted = st.counted.saturating_add(s.size_bytes);
        }
        if rules.metric_states.contains(s.state) {
            flags |= F_METRIC;
            walk_metric = walk_metric.saturating_add(s.size_bytes);
            if kind == K_SKIP {
                st.permanent_metric = st.permanent_metric.saturating_add(s.size_bytes);
            }
        }
        if valid {
            flags |= F_VALID;
        }
        if in_flight[i] {
            flags |= F_UPLOADING;
            st.uploading = true;
        }
        st.walk.push(Item {
            t0: rel(s.max_timestamp_ms, now),
            period: 0.0,
            size: s.size_bytes,
            n: 1,
            seq0: rank[i],
            kind,
            flags,
        });
    }

    // Unreferenced epochs: deleted by the run at `now`.
    if let Some(&(e0, _)) = lineage_raw.first() {
        for (i, s) in rows.iter().enumerate() {
            if listed(i)
                && !s.segment_leader_epochs.is_empty()
                && s.segment_leader_epochs.iter().all(|&(e, _)| e < e0)
            {
                st.unref_bytes = st.unref_bytes.saturating_add(s.size_bytes);
                st.unref_count += 1;
                if rules.metric_states.contains(s.state) {
                    st.unref_metric = st.unref_metric.saturating_add(s.size_bytes);
                }
            }
        }
    }
    // Listed, never visited, not unreferenced: never deleted.
    st.permanent_metric = st.permanent_metric.saturating_add(
        st.metric
            .saturating_sub(walk_metric)
            .saturating_sub(st.unref_metric)
            .max(0),
    );

    // Local copies.
    let copies = &mut sc.copies;
    let tail = match (p.local_size_bytes, p.local_log_start_offset) {
        (Some(size), Some(llso)) => {
            st.has_local = true;
            local_copied_rows(rows, llso, copies);
            let copied: i64 = copies
                .iter()
                .fold(0i64, |a, &i| a.saturating_add(rows[i].size_bytes));
            size.saturating_sub(copied).max(0)
        }
        _ => {
            local_copied_rows(rows, i64::MIN, copies);
            st.only_local
        }
    };
    st.local_tail = tail;
    for &i in copies.iter() {
        let s = &rows[i];
        st.local.push(Item {
            t0: rel(s.max_timestamp_ms, now),
            period: 0.0,
            size: s.size_bytes,
            n: 1,
            seq0: rank[i],
            kind: K_CAND,
            flags: 0,
        });
    }
}

/// [`crate::retention::local::local_copied_segments`] over rows already read.
fn local_copied_rows(rows: &[SegmentLite<'_>], local_log_start_offset: i64, out: &mut Vec<usize>) {
    out.clear();
    out.extend((0..rows.len()).filter(|&i| {
        let s = &rows[i];
        s.state == SegmentState::CopySegmentFinished && s.start_offset >= local_log_start_offset
    }));
    if !out
        .windows(2)
        .all(|w| rows[w[0]].start_offset <= rows[w[1]].start_offset)
    {
        // Ascending indices with equal offsets stay in index order: the same as sorting by
        // (start offset, index).
        out.sort_by_key(|&i| (rows[i].start_offset, i));
    }
    let mut prev_end: Option<i64> = None;
    out.retain(|&i| {
        let s = &rows[i];
        if prev_end.is_some_and(|e| s.start_offset <= e) {
            return false;
        }
        prev_end = Some(s.end_offset);
        true
    });
}

/// [`crate::retention::presumed_in_flight`] over rows already read.
fn in_flight_rows(rows: &[SegmentLite<'_>], out: &mut Vec<bool>) {
    let max_start = rows.iter().map(|s| s.start_offset).max();
    let finished_at_max = rows
        .iter()
        .any(|s| Some(s.start_offset) == max_start && s.state == SegmentState::CopySegmentFinished);
    out.clear();
    out.extend(rows.iter().map(|s| {
        s.state == SegmentState::CopySegmentStarted
            && match s.copy_in_progress {
                Some(b) => b,
                None => Some(s.start_offset) == max_start && !finished_at_max,
            }
    }));
}

/// One topic's inputs under one policy, per step.
struct TopicPolicy {
    rules: Rules,
    cfg: TopicConfig,
    local_ms: i64,
    local_bytes: i64,
    /// Remote time threshold (`round(ts) < x` deletes), −∞ when none.
    x_remote: Vec<f64>,
    aborted: Vec<bool>,
    /// Local time threshold, −∞ when none.
    x_local: Vec<f64>,
}

impl TopicPolicy {
    fn new(policy: &Policy, name: &str, base: TopicConfig, times: &[f64], now: i64) -> Self {
        let rules = policy.profile.rules();
        let cfg = policy.config_for(name, base);
        let (local_ms, local_bytes) = effective_local_limits(&cfg, &rules);
        let mut x_remote = Vec::with_capacity(times.len());
        let mut aborted = Vec::with_capacity(times.len());
        let mut x_local = Vec::with_capacity(times.len());
        for &t in times {
            let abs = now.saturating_add(t as i64);
            match time_data(cfg.retention_ms, abs, rules.retention_ms_beyond_now_aborts) {
                Err(()) => {
                    aborted.push(true);
                    x_remote.push(f64::NEG_INFINITY);
                }
                Ok(None) => {
                    aborted.push(false);
                    x_remote.push(f64::NEG_INFINITY);
                }
                Ok(Some(c)) => {
                    aborted.push(false);
                    // strict: ts < c; else ts <= c, i.e. ts < c + 1.
                    let x = rel(c, now) + if rules.time_breach_strict { 0.0 } else { 1.0 };
                    x_remote.push(x - 0.5);
                }
            }
            x_local.push(if local_ms >= 0 {
                // now - ts > local.retention.ms, i.e. ts < now - local.retention.ms.
                t - local_ms as f64 - 0.5
            } else {
                f64::NEG_INFINITY
            });
        }
        TopicPolicy {
            rules,
            cfg,
            local_ms,
            local_bytes,
            x_remote,
            aborted,
            x_local,
        }
    }

    fn effective(&self) -> EffectiveRetention {
        EffectiveRetention {
            retention_ms: self.cfg.retention_ms,
            retention_bytes: self.cfg.retention_bytes,
            local_retention_ms: self.local_ms,
            local_retention_bytes: self.local_bytes,
        }
    }
}

/// How new segments roll.
#[derive(Debug, Clone, Copy)]
struct Roll {
    seg_bytes: f64,
    seg_ms: f64,
}

impl Roll {
    /// `(period ms, size bytes)` of the segments rolled at `r` bytes/ms (`r > 0`).
    #[inline]
    fn regular(&self, r: f64) -> (f64, f64) {
        let by_bytes = self.seg_bytes / r;
        let (p, s) = if by_bytes <= self.seg_ms {
            (by_bytes, self.seg_bytes)
        } else {
            (self.seg_ms, r * self.seg_ms)
        };
        if p < 1.0 {
            (1.0, r)
        } else {
            (p, s)
        }
    }
}

/// The end state of one partition's projection (for the steady state).
#[derive(Debug, Clone, Copy)]
struct PartSteady {
    kind: SteadyKind,
    remote: Option<i64>,
    local: Option<i64>,
    tolerance: i64,
}

/// The segments rolled over one step: `items[..len]` as `(first roll, period, size, count)`,
/// then the active segment.
#[derive(Debug, Clone, Copy)]
struct Gen {
    len: u8,
    items: [(f64, f64, i64, u64); 2],
    active: f64,
    active_start: f64,
}

/// Simulation state of one partition under one policy.
struct Sim<'a> {
    st: &'a Start,
    tp: &'a TopicPolicy,
    roll: Roll,
    remote: &'a mut VecDeque<Item>,
    local: &'a mut VecDeque<Item>,
    metric: i64,
    count: i64,
    counted: i64,
    local_sum: i64,
    active: f64,
    active_start: f64,
    next_seq: i64,
    lso_seq: i64,
    /// The last rate [`Roll::regular`] was asked for, and its answer.
    reg_r: f64,
    reg: (f64, f64),
}

#[inline]
fn push_merged(q: &mut VecDeque<Item>, it: Item) {
    if let Some(b) = q.back_mut() {
        if b.flags & F_GEN != 0
            && b.size == it.size
            && b.period == it.period
            && b.seq0 + b.n as i64 == it.seq0
            && (b.t0 + fu(b.n) * b.period - it.t0).abs() <= 1e-3
        {
            b.n += it.n;
            return;
        }
    }
    q.push_back(it);
}

impl Sim<'_> {
    fn push_gen(&mut self, t0: f64, period: f64, size: i64, n: u64) {
        let it = Item {
            t0,
            period,
            size,
            n,
            seq0: self.next_seq,
            kind: K_CAND,
            flags: F_GEN | F_COUNTED | F_METRIC | F_VALID,
        };
        self.next_seq += n as i64;
        let b = it.bytes();
        self.metric = self.metric.saturating_add(b);
        self.counted = self.counted.saturating_add(b);
        self.local_sum = self.local_sum.saturating_add(b);
        self.count = self.count.saturating_add(n as i64);
        push_merged(self.remote, it);
        push_merged(self.local, it);
    }

    /// What writing at `r` bytes/ms from `t` to `t1` rolls (see [`Sim::apply_gen`]); depends
    /// only on the active segment (`active`, `active_start`), the roll and the rate.
    #[inline]
    fn plan_gen(&mut self, t: f64, t1: f64, r: f64) -> Gen {
        let mut g = Gen {
            len: 0,
            items: [(0.0, 0.0, 0, 0); 2],
            active: self.active,
            active_start: self.active_start,
        };
        if r <= 0.0 || r.is_nan() || t1 <= t {
            return g;
        }
        let r = r.min(MAX_BYTES_PER_SEC / 1000.0);
        let fill = (self.roll.seg_bytes - self.active).max(0.0) / r;
        let roll = (self.active_start + self.roll.seg_ms).min(t + fill).max(t);
        if roll > t1 {
            g.active += r * (t1 - t);
            return g;
        }
        if r != self.reg_r {
            self.reg_r = r;
            self.reg = self.roll.regular(r);
        }
        let (p, size) = self.reg;
        let size0 = self.active + r * (roll - t);
        g.items[0] = (roll, p, round_pos(size0), 1);
        g.len = 1;
        let k = (t1 - roll) / p;
        let k = if k >= 1.0 {
            k.min(1e15) as i64 as u64
        } else {
            0
        };
        if k > 0 {
            g.items[1] = (roll + p, p, round_pos(size), k);
            g.len = 2;
        }
        g.active_start = roll + fu(k) * p;
        g.active = r * (t1 - g.active_start);
        g
    }

    /// Rolls the segments of `g` and moves the active segment on.
    #[inline]
    fn apply_gen(&mut self, g: &Gen) {
        for &(t0, period, size, n) in &g.items[..g.len as usize] {
            self.push_gen(t0, period, size, n);
        }
        self.active = g.active;
        self.active_start = g.active_start;
    }

    /// Removes `k` segments from the front remote item; the bytes freed.
    #[inline]
    fn delete_front(&mut self, k: u64, moves_lso: bool) -> i64 {
        let it = self.remote.front_mut().expect("front");
        if moves_lso {
            self.lso_seq = self.lso_seq.max(it.seq0 + k as i64 - 1);
        }
        let (metric, counted) = (it.has(F_METRIC), it.has(F_COUNTED));
        let b = it.take(k);
        if metric {
            self.metric = self.metric.saturating_sub(b);
        }
        if counted {
            self.counted = self.counted.saturating_sub(b);
        }
        self.count -= k as i64;
        b
    }

    /// One expiration run at step `k`; the bytes it frees.
    fn run_remote(&mut self, k: usize) -> i64 {
        if self.tp.aborted[k] {
            return 0;
        }
        let x = self.tp.x_remote[k];
        let rb = self.tp.cfg.retention_bytes;
        let only_local = if k == 0 {
            self.st.only_local
        } else {
            round_pos(self.active)
        };
        let total = self.counted.saturating_add(only_local);
        let breach = rb >= 0 && total > rb;
        let mut remaining = if breach { total - rb } else { 0 };
        let mut freed = 0i64;
        let stop_in_flight = k == 0 && self.tp.rules.stop_at_segment_being_copied;
        while let Some(it) = self.remote.front() {
            let it = *it;
            match it.kind {
                K_SKIP => {
                    // Visited and skipped by every run from now on: stays listed.
                    self.remote.pop_front();
                    continue;
                }
                K_ALWAYS => {
                    freed = freed.saturating_add(self.delete_front(it.n, false));
                    self.remote.pop_front();
                    continue;
                }
                K_IN_FLIGHT if stop_in_flight => break,
                _ => {}
            }
            let kt = it.count_before(x);
            let mut done = 0u64;
            if kt > 0 {
                let b = self.delete_front(kt, true);
                freed = freed.saturating_add(b);
                remaining = remaining.saturating_sub(b).max(0);
                done = kt;
            }
            if done < it.n && breach && remaining > 0 {
                let left = it.n - done;
                let ks = if it.size > 0 {
                    ((remaining / it.size) as u64).min(left)
                } else if it.size == 0 {
                    left
                } else {
                    // A negative size (bad data, one segment): the walk's own arithmetic.
                    u64::from(remaining.saturating_sub(it.size) >= 0).min(left)
                };
                if ks > 0 {
                    let b = self.delete_front(ks, true);
                    freed = freed.saturating_add(b);
                    remaining = remaining.saturating_sub(b);
                    done += ks;
                }
            }
            if done < it.n {
                break;
            }
            self.remote.pop_front();
        }
        if k == 0 && self.st.unref_count > 0 {
            freed = freed.saturating_add(self.st.unref_bytes);
            self.metric = self.metric.saturating_sub(self.st.unref_metric);
            self.count -= self.st.unref_count as i64;
        }
        freed
    }

    /// The local tier's pass after the run at step `k`.
    fn run_local(&mut self, k: usize, tail: i64) {
        // 1. Below the (new) log start offset.
        while let Some(f) = self.local.front_mut() {
            if f.seq0 > self.lso_seq {
                break;
            }
            let kk = ((self.lso_seq - f.seq0 + 1) as u64).min(f.n);
            let b = f.take(kk);
            self.local_sum = self.local_sum.saturating_sub(b);
            if f.n > 0 {
                break;
            }
            self.local.pop_front();
        }
        // 2. local.retention.bytes: the excess is computed once.
        let lb = self.tp.local_bytes;
        if lb >= 0 {
            let size = self.local_sum.saturating_add(tail);
            if size >= lb {
                let mut diff = size - lb;
                while let Some(f) = self.local.front_mut() {
                    let kk = if f.size > 0 {
                        ((diff / f.size) as u64).min(f.n)
                    } else if f.size == 0 {
                        f.n
                    } else {
                        u64::from(diff.saturating_sub(f.size) >= 0).min(f.n)
                    };
                    let b = f.take(kk);
                    diff = diff.saturating_sub(b);
                    self.local_sum = self.local_sum.saturating_sub(b);
                    if f.n > 0 {
                        break;
                    }
                    self.local.pop_front();
                }
            }
        }
        // 3. local.retention.ms.
        let x = self.tp.x_local[k];
        if x > f64::NEG_INFINITY {
            while let Some(f) = self.local.front_mut() {
                let kk = f.count_before(x);
                let b = f.take(kk);
                self.local_sum = self.local_sum.saturating_sub(b);
                if f.n > 0 {
                    break;
                }
                self.local.pop_front();
            }
        }
    }

    /// After the run at `now`: the upload in flight has finished.
    fn finish_upload(&mut self) {
        if !self.st.uploading {
            return;
        }
        let mut uploaded = 0i64;
        for it in self.remote.iter_mut() {
            if it.has(F_UPLOADING) {
                it.flags &= !F_UPLOADING;
                if it.kind == K_IN_FLIGHT {
                    it.kind = K_CAND;
                }
                if it.has(F_VALID) && !it.has(F_COUNTED) {
                    it.flags |= F_COUNTED;
                    self.counted = self.counted.saturating_add(it.size);
                }
                if !it.has(F_METRIC) {
                    it.flags |= F_METRIC;
                    self.metric = self.metric.saturating_add(it.size);
                }
                uploaded = uploaded.saturating_add(it.size);
                if it.seq0 > self.lso_seq {
                    self.local_sum = self.local_sum.saturating_add(it.size);
                    self.local.push_back(Item { flags: 0, ..*it });
                }
            }
        }
        self.active = (self.active - uploaded as f64).max(0.0);
    }
}

/// Per-topic constants of a projection.
struct TopicRun<'a> {
    times: &'a [f64],
    factors: &'a [f64],
    roll: Roll,
}

impl<'a> Sim<'a> {
    fn new(
        st: &'a Start,
        tp: &'a TopicPolicy,
        roll: Roll,
        remote: &'a mut VecDeque<Item>,
        local: &'a mut VecDeque<Item>,
    ) -> Sim<'a> {
        remote.clear();
        remote.extend(st.walk.iter().copied());
        local.clear();
        local.extend(st.local.iter().copied());
        Sim {
            st,
            tp,
            roll,
            remote,
            local,
            metric: st.metric,
            count: st.listed as i64,
            counted: st.counted,
            local_sum: st.local.iter().fold(0i64, |a, i| a.saturating_add(i.size)),
            active: st.only_local.max(0) as f64,
            active_start: st.active_start,
            next_seq: st.next_seq,
            lso_seq: i64::MIN,
            reg_r: f64::NAN,
            reg: (0.0, 0.0),
        }
    }

    /// The run at step `k` (after the writes since the previous instant); adds the values
    /// into `out`.
    #[inline(always)]
    fn run(&mut self, k: usize, out: &mut Series) {
        let freed = self.run_remote(k);
        let tail = if k == 0 {
            self.st.local_tail
        } else {
            round_pos(self.active)
        };
        self.run_local(k, tail);
        out.remote_bytes[k] = out.remote_bytes[k].saturating_add(self.metric);
        out.segments[k] = out.segments[k].saturating_add(self.count);
        out.deleted_bytes[k] = out.deleted_bytes[k].saturating_add(freed);
        out.local_bytes[k] = out.local_bytes[k].saturating_add(self.local_sum.saturating_add(tail));
    }
}

/// One policy's side of [`simulate_pair`].
struct Side<'a> {
    st: &'a Start,
    tp: &'a TopicPolicy,
    out: &'a mut Series,
}

/// Projects one partition under one policy; adds its series into its `out`. The final remote
/// size.
fn simulate_one(a: Side<'_>, run: &TopicRun<'_>, r0: f64, queues: &mut [VecDeque<Item>; 4]) -> i64 {
    let [qa, la, _, _] = queues;
    let mut sa = Sim::new(a.st, a.tp, run.roll, qa, la);
    for k in 0..run.times.len() {
        if k > 0 {
            if k == 1 {
                sa.finish_upload();
            }
            let g = sa.plan_gen(run.times[k - 1], run.times[k], r0 * run.factors[k]);
            sa.apply_gen(&g);
        }
        sa.run(k, a.out);
    }
    sa.metric
}

/// Projects one partition under both policies in lockstep (the two simulations are
/// independent; stepping them together lets the processor overlap their latencies); adds
/// each series into its `out`. The final remote sizes.
fn simulate_pair(
    a: Side<'_>,
    b: Side<'_>,
    run: &TopicRun<'_>,
    r0: f64,
    queues: &mut [VecDeque<Item>; 4],
) -> (i64, i64) {
    let [qa, la, qb, lb] = queues;
    let mut sa = Sim::new(a.st, a.tp, run.roll, qa, la);
    let mut sb = Sim::new(b.st, b.tp, run.roll, qb, lb);
    for k in 0..run.times.len() {
        if k > 0 {
            if k == 1 {
                sa.finish_upload();
                sb.finish_upload();
            }
            let (t, t1, r) = (run.times[k - 1], run.times[k], r0 * run.factors[k]);
            // The writes do not depend on the policy: with the same active segment, both
            // sides roll the same segments.
            let same = sa.active == sb.active && sa.active_start == sb.active_start;
            let g = sa.plan_gen(t, t1, r);
            sa.apply_gen(&g);
            if same {
                sb.apply_gen(&g);
            } else {
                let g = sb.plan_gen(t, t1, r);
                sb.apply_gen(&g);
            }
        }
        sa.run(k, a.out);
        sb.run(k, b.out);
    }
    (sa.metric, sb.metric)
}

/// The steady state of one partition at the rate it ends with (bytes/ms).
fn partition_steady(
    st: &Start,
    tp: &TopicPolicy,
    roll: Roll,
    r_end: f64,
    growing: bool,
    final_remote: i64,
) -> PartSteady {
    let ret = tp.cfg.retention_ms;
    let rb = tp.cfg.retention_bytes;
    if ret < 0 && rb < 0 {
        return PartSteady {
            kind: SteadyKind::Unbounded,
            remote: None,
            local: None,
            tolerance: 0,
        };
    }
    if r_end.is_nan() || r_end <= 0.0 || !r_end.is_finite() {
        let remote = if ret >= 0 {
            st.permanent_metric
        } else {
            final_remote
        };
        return PartSteady {
            kind: if ret >= 0 {
                SteadyKind::Time
            } else {
                SteadyKind::Size
            },
            remote: Some(remote),
            local: Some(0),
            tolerance: 0,
        };
    }
    let (_, s) = roll.regular(r_end);
    let time_v = (ret >= 0).then_some(r_end * ret as f64);
    let size_v = (rb >= 0).then(|| {
        if s >= 1.0 {
            (rb as f64 / s).ceil() * s
        } else {
            rb as f64
        }
    });
    let (kind, v) = match (time_v, size_v) {
        (Some(t), Some(z)) if t <= z => (SteadyKind::Time, t),
        (Some(t), None) => (SteadyKind::Time, t),
        (_, Some(z)) => (SteadyKind::Size, z),
        (None, None) => unreachable!(),
    };
    let kind = if kind == SteadyKind::Time && growing {
        SteadyKind::Growing
    } else {
        kind
    };
    let half = s / 2.0;
    let mut local = v + half;
    if tp.local_ms >= 0 {
        local = local.min(r_end * tp.local_ms as f64 + half);
    }
    if tp.local_bytes >= 0 {
        local = local.min(tp.local_bytes as f64 + half);
    }
    let growing_kind = kind == SteadyKind::Growing;
    PartSteady {
        kind,
        remote: (!growing_kind).then(|| (v.round() as i64).saturating_add(st.permanent_metric)),
        local: (!growing_kind).then(|| local.round() as i64),
        tolerance: s.round() as i64,
    }
}

fn combine_kinds(kinds: impl Iterator<Item = SteadyKind>) -> Option<SteadyKind> {
    let mut out: Option<SteadyKind> = None;
    for k in kinds {
        out = Some(match out {
            None => k,
            Some(o) if o == k => o,
            Some(_) => SteadyKind::Mixed,
        });
    }
    out
}

/// The first index from which `series` stays within `tol` of `v` (to the end).
fn reached(series: &[i64], v: i64, tol: i64) -> Option<usize> {
    let far = |x: i64| (x as i128 - v as i128).abs() > tol as i128;
    match series.iter().rposition(|&x| far(x)) {
        None => Some(0),
        Some(i) if i + 1 < series.len() => Some(i + 1),
        Some(_) => None,
    }
}

/// Sums partition steady states into a topic's (or topics' into the cluster's).
#[derive(Debug, Clone, Copy)]
struct SteadyAcc {
    kind: Option<SteadyKind>,
    remote: Option<i64>,
    local: Option<i64>,
    tolerance: i64,
}

impl SteadyAcc {
    fn new() -> SteadyAcc {
        SteadyAcc {
            kind: None,
            remote: Some(0),
            local: Some(0),
            tolerance: 0,
        }
    }

    fn add(&mut self, kind: SteadyKind, remote: Option<i64>, local: Option<i64>, tol: i64) {
        self.kind = combine_kinds(self.kind.into_iter().chain([kind]));
        self.remote = self.remote.zip(remote).map(|(a, b)| a.saturating_add(b));
        self.local = self.local.zip(local).map(|(a, b)| a.saturating_add(b));
        self.tolerance = self.tolerance.saturating_add(tol);
    }

    fn finish(self, series: &Series, times: &[i64]) -> SteadyState {
        let kind = self.kind.unwrap_or(SteadyKind::Time);
        let reached_at_ms = self
            .remote
            .and_then(|v| reached(&series.remote_bytes, v, self.tolerance))
            .map(|i| times[i]);
        SteadyState {
            kind,
            remote_bytes: self.remote,
            local_bytes: self.local,
            tolerance_bytes: self.tolerance,
            reached_at_ms,
        }
    }
}

/// Average of `(1 + g)^(t / month)` over each step (index 0: 1).
fn growth_factors(g_pct: f64, times: &[f64]) -> Vec<f64> {
    let g = (g_pct / 100.0).max(-0.9999);
    if g == 0.0 {
        return vec![1.0; times.len()];
    }
    let l = (1.0 + g).ln() / MONTH_MS as f64;
    let mut out = Vec::with_capacity(times.len());
    out.push(1.0);
    for w in times.windows(2) {
        let (a, b) = (w[0], w[1]);
        out.push(((l * b).exp() - (l * a).exp()) / (l * (b - a)));
    }
    out
}

/// Forecasts `snapshot` under the `current` and `proposed` policies (each with its own
/// profile) at the `rates` (from [`super::estimate_rates`] on the same snapshot; partitions
/// missing from it are written at 0 B/s) with `options`.
pub fn forecast(
    snapshot: &Snapshot,
    current: &Policy,
    proposed: &Policy,
    rates: &RateEstimates,
    options: &ForecastOptions,
) -> Forecast {
    forecast_with(snapshot, current, proposed, rates, options, None)
}

/// What one topic's projection under one policy depends on besides the snapshot, the rates
/// and the instants.
#[derive(Debug, Clone, Copy, PartialEq)]
struct SideKey {
    profile: crate::profile::KafkaVersion,
    cfg: TopicConfig,
    segment_ms: i64,
    rate: Option<super::RateOverride>,
}

/// One topic's projection under one policy, summed over its partitions.
#[derive(Debug, Clone)]
struct SideResult {
    series: Series,
    steady: SteadyAcc,
    no_local: u32,
}

/// [`forecast`] that remembers each topic's projection under each policy it last computed,
/// so that a change to one topic's proposed configs (a slider) recomputes that topic only,
/// and the current policy's projection is computed once.
///
/// The results are those of [`forecast`] (a test checks). The cache is tied to one snapshot
/// and one set of rates by identity ([`Arc`](std::sync::Arc)) and to the instants; anything
/// else starts it afresh. It keeps what the last call used and nothing more.
#[derive(Debug, Default)]
pub struct ForecastCache {
    snapshot: std::sync::Weak<Snapshot>,
    rates: std::sync::Weak<RateEstimates>,
    times: Vec<i64>,
    entries: HashMap<String, Vec<(SideKey, SideResult)>>,
    /// Topic-policy projections computed by the last call (the rest came from the cache).
    pub last_computed: usize,
}

impl ForecastCache {
    pub fn new() -> ForecastCache {
        ForecastCache::default()
    }

    /// [`forecast`], reusing what this cache holds.
    pub fn forecast(
        &mut self,
        snapshot: &std::sync::Arc<Snapshot>,
        current: &Policy,
        proposed: &Policy,
        rates: &std::sync::Arc<RateEstimates>,
        options: &ForecastOptions,
    ) -> Forecast {
        let times = instants(options, snapshot.partition_count());
        // Holding the `Weak`s keeps their allocations, so a new snapshot never has the old
        // one's address.
        let same = std::sync::Weak::ptr_eq(&self.snapshot, &std::sync::Arc::downgrade(snapshot))
            && std::sync::Weak::ptr_eq(&self.rates, &std::sync::Arc::downgrade(rates))
            && self.times == times;
        if !same {
            self.snapshot = std::sync::Arc::downgrade(snapshot);
            self.rates = std::sync::Arc::downgrade(rates);
            self.times = times;
            self.entries.clear();
        }
        let mut used = Used {
            old: std::mem::take(&mut self.entries),
            new: HashMap::new(),
            computed: 0,
        };
        let f = forecast_with(snapshot, current, proposed, rates, options, Some(&mut used));
        self.entries = used.new;
        self.last_computed = used.computed;
        f
    }
}

/// The cache's entries during one call: those of the previous call, and those this one used.
struct Used {
    old: HashMap<String, Vec<(SideKey, SideResult)>>,
    new: HashMap<String, Vec<(SideKey, SideResult)>>,
    computed: usize,
}

impl Used {
    fn get(&self, topic: &str, key: &SideKey) -> Option<SideResult> {
        [&self.new, &self.old]
            .into_iter()
            .filter_map(|m| m.get(topic))
            .flatten()
            .find(|(k, _)| k == key)
            .map(|(_, r)| r.clone())
    }

    fn keep(&mut self, topic: &str, key: SideKey, r: SideResult) {
        let v = self.new.entry(topic.to_string()).or_default();
        if !v.iter().any(|(k, _)| *k == key) {
            v.push((key, r));
        }
    }
}

/// The instants of a forecast (ms since the epoch): `now`, `now + step`, …, `now + horizon`.
fn instants(options: &ForecastOptions, partitions: usize) -> Vec<i64> {
    let now = options.now_ms;
    let horizon = options.effective_horizon_ms();
    let step = options.effective_step_ms(partitions);
    let mut times_ms = Vec::new();
    let mut t = 0i64;
    loop {
        times_ms.push(now.saturating_add(t));
        if t >= horizon {
            break;
        }
        t = (t + step).min(horizon);
    }
    times_ms
}

fn forecast_with(
    snapshot: &Snapshot,
    current: &Policy,
    proposed: &Policy,
    rates: &RateEstimates,
    options: &ForecastOptions,
    mut cache: Option<&mut Used>,
) -> Forecast {
    let now = options.now_ms;
    let horizon = options.effective_horizon_ms();
    let step = options.effective_step_ms(snapshot.partition_count());
    let times_ms = instants(options, snapshot.partition_count());
    let times: Vec<f64> = times_ms.iter().map(|&x| (x - now) as f64).collect();
    let npts = times.len();

    // Rates by partition, in snapshot order when they line up.
    let in_order = rates.partitions.len() == snapshot.partition_count()
        && snapshot
            .topics
            .iter()
            .flat_map(|t| t.partitions.iter().map(move |p| (&t.name, p.partition)))
            .zip(&rates.partitions)
            .all(|((t, p), r)| *t == r.topic && p == r.partition);
    let by_key: HashMap<(&str, i32), usize> = if in_order {
        HashMap::new()
    } else {
        rates
            .partitions
            .iter()
            .enumerate()
            .map(|(i, r)| ((r.topic.as_str(), r.partition), i))
            .collect()
    };

    let same_profile = current.profile == proposed.profile;
    let rules_cur = current.profile.rules();
    let rules_new = proposed.profile.rules();
    let mut scratch = Scratch::default();
    let mut start_cur = Start::default();
    let mut start_new_buf = Start::default();
    let mut queues: [VecDeque<Item>; 4] = Default::default();
    let mut topics = Vec::with_capacity(snapshot.topics.len());
    let mut cluster_cur = Series::zeros(npts);
    let mut cluster_new = Series::zeros(npts);
    let mut cs_cur = SteadyAcc::new();
    let mut cs_new = SteadyAcc::new();
    let mut assumptions = global_assumptions(options, step);
    let mut flat_index = 0usize;
    for topic in &snapshot.topics {
        let over = options.overrides.get(&topic.name).copied();
        let growth = over.map_or(0.0, |o| o.growth_pct_per_month);
        let factors = growth_factors(growth, &times);
        let seg_ms = options
            .topic_segment_ms
            .get(&topic.name)
            .copied()
            .unwrap_or(options.segment_ms)
            .max(1);
        let seg_bytes = topic.config.segment_bytes.max(1);
        let run = TopicRun {
            times: &times,
            factors: &factors,
            roll: Roll {
                seg_bytes: seg_bytes as f64,
                seg_ms: seg_ms as f64,
            },
        };
        // The partitions' estimated rates (B/s), then the override.
        let mut est: Vec<f64> = Vec::with_capacity(topic.partitions.len());
        let mut weak = 0u32;
        for p in &topic.partitions {
            let r = if in_order {
                rates.partitions.get(flat_index)
            } else {
                by_key
                    .get(&(topic.name.as_str(), p.partition))
                    .map(|&i| &rates.partitions[i])
            };
            flat_index += 1;
            let bps = r.map_or(0.0, |r| r.bytes_per_sec.max(0.0));
            if r.is_none_or(|r| r.confidence != super::Confidence::Good) {
                weak += 1;
            }
            est.push(if bps.is_finite() { bps } else { 0.0 });
        }
        let overridden = over.is_some_and(|o| o.bytes_per_sec.is_some());
        if let Some(total) = over.and_then(|o| o.bytes_per_sec) {
            let total = if total.is_finite() {
                total.max(0.0)
            } else {
                0.0
            };
            let sum: f64 = est.iter().sum();
            let n = est.len().max(1) as f64;
            for e in est.iter_mut() {
                *e = if sum > 0.0 {
                    total * *e / sum
                } else {
                    total / n
                };
            }
            weak = 0;
        }
        let total_bps: f64 = est.iter().sum();
        let g = (growth / 100.0).max(-0.9999);
        let end_factor = (1.0 + g).powf(horizon as f64 / MONTH_MS as f64);
        let growing = g != 0.0;

        let tp_cur = TopicPolicy::new(current, &topic.name, topic.config, &times, now);
        let tp_new = TopicPolicy::new(proposed, &topic.name, topic.config, &times, now);
        // Same profile and same configs: the same projection.
        let same_topic = same_profile && tp_cur.cfg == tp_new.cfg;
        let side_key = |profile, cfg| SideKey {
            profile,
            cfg,
            segment_ms: seg_ms,
            rate: over,
        };
        let key_cur = side_key(current.profile, tp_cur.cfg);
        let key_new = side_key(proposed.profile, tp_new.cfg);
        let cached_cur = cache.as_ref().and_then(|c| c.get(&topic.name, &key_cur));
        let cached_new = if same_topic {
            None
        } else {
            cache.as_ref().and_then(|c| c.get(&topic.name, &key_new))
        };
        let need_cur = cached_cur.is_none();
        let need_new = cached_new.is_none() && !same_topic;
        let mut s_cur = Series::zeros(npts);
        let mut s_new = Series::zeros(npts);
        let mut st_cur = SteadyAcc::new();
        let mut st_new = SteadyAcc::new();
        let mut no_local = 0u32;
        for (p, &bps) in topic
            .partitions
            .iter()
            .zip(&est)
            .filter(|_| need_cur || need_new)
        {
            let r0 = bps / 1000.0;
            let r_end = (r0 * end_factor).min(MAX_BYTES_PER_SEC / 1000.0);
            let rules_first = if need_cur { &rules_cur } else { &rules_new };
            build_start(p, rules_first, now, &mut scratch, &mut start_cur);
            if !start_cur.has_local {
                no_local += 1;
            }
            let start_new = if same_profile || !need_cur {
                &start_cur
            } else {
                build_start(p, &rules_new, now, &mut scratch, &mut start_new_buf);
                &start_new_buf
            };
            if need_cur && need_new {
                let (fin_cur, fin_new) = simulate_pair(
                    Side {
                        st: &start_cur,
                        tp: &tp_cur,
                        out: &mut s_cur,
                    },
                    Side {
                        st: start_new,
                        tp: &tp_new,
                        out: &mut s_new,
                    },
                    &run,
                    r0,
                    &mut queues,
                );
                let ps = partition_steady(&start_cur, &tp_cur, run.roll, r_end, growing, fin_cur);
                st_cur.add(ps.kind, ps.remote, ps.local, ps.tolerance);
                let ps = partition_steady(start_new, &tp_new, run.roll, r_end, growing, fin_new);
                st_new.add(ps.kind, ps.remote, ps.local, ps.tolerance);
            } else {
                // One side to compute (the other is cached, or the same).
                let (st, tp, out, acc) = if need_cur {
                    (&start_cur, &tp_cur, &mut s_cur, &mut st_cur)
                } else {
                    (start_new, &tp_new, &mut s_new, &mut st_new)
                };
                let fin = simulate_one(Side { st, tp, out }, &run, r0, &mut queues);
                let ps = partition_steady(st, tp, run.roll, r_end, growing, fin);
                acc.add(ps.kind, ps.remote, ps.local, ps.tolerance);
            }
        }
        if let Some(r) = cached_cur {
            (s_cur, st_cur, no_local) = (r.series, r.steady, r.no_local);
        }
        if same_topic {
            s_new.clone_from(&s_cur);
            st_new = st_cur;
        } else if let Some(r) = cached_new {
            (s_new, st_new, no_local) = (r.series, r.steady, r.no_local);
        }
        if let Some(c) = cache.as_deref_mut() {
            c.computed += usize::from(need_cur) + usize::from(need_new);
            let sides = [(key_cur, &s_cur, st_cur), (key_new, &s_new, st_new)];
            for (key, series, steady) in sides.into_iter().take(if same_topic { 1 } else { 2 }) {
                c.keep(
                    &topic.name,
                    key,
                    SideResult {
                        series: series.clone(),
                        steady,
                        no_local,
                    },
                );
            }
        }
        let steady_cur = st_cur.finish(&s_cur, &times_ms);
        let steady_new = st_new.finish(&s_new, &times_ms);
        cluster_cur.add(&s_cur);
        cluster_new.add(&s_new);
        cs_cur.add(
            steady_cur.kind,
            steady_cur.remote_bytes,
            steady_cur.local_bytes,
            steady_cur.tolerance_bytes,
        );
        cs_new.add(
            steady_new.kind,
            steady_new.remote_bytes,
            steady_new.local_bytes,
            steady_new.tolerance_bytes,
        );
        topic_assumptions(
            &mut assumptions,
            &topic.name,
            topic.partitions.len() as u32,
            weak,
            overridden,
            growth,
            no_local,
        );
        topics.push(TopicForecast {
            topic: topic.name.clone(),
            partitions: topic.partitions.len() as u32,
            rate: RateUsed {
                bytes_per_sec: total_bps,
                bytes_per_sec_at_horizon: total_bps * end_factor,
                growth_pct_per_month: growth,
                overridden,
                weak_partitions: weak,
            },
            segment_bytes: seg_bytes,
            segment_ms: seg_ms,
            current: PolicyProjection {
                profile: current.profile,
                config: Some(tp_cur.effective()),
                series: s_cur,
                steady: steady_cur,
            },
            proposed: PolicyProjection {
                profile: proposed.profile,
                config: Some(tp_new.effective()),
                series: s_new,
                steady: steady_new,
            },
        });
    }
    let cluster_current = PolicyProjection {
        profile: current.profile,
        config: None,
        steady: cs_cur.finish(&cluster_cur, &times_ms),
        series: cluster_cur,
    };
    let cluster_proposed = PolicyProjection {
        profile: proposed.profile,
        config: None,
        steady: cs_new.finish(&cluster_new, &times_ms),
        series: cluster_new,
    };
    Forecast {
        now_ms: now,
        horizon_ms: horizon,
        step_ms: step,
        times_ms,
        topics,
        cluster_current,
        cluster_proposed,
        assumptions,
    }
}

fn global_assumptions(o: &ForecastOptions, step: i64) -> Vec<Assumption> {
    let all = |text: String| Assumption { topic: None, text };
    let mut v = vec![
        all(if o.segment_ms == DEFAULT_SEGMENT_MS {
            format!(
                "segment.ms is not in the snapshot: Kafka's default ({}) is used",
                format_duration_ms(DEFAULT_SEGMENT_MS)
            )
        } else {
            format!("segment.ms = {} (set for the forecast)", format_duration_ms(o.segment_ms))
        }),
        all(format!(
            "segment.bytes is each topic's config (Kafka's default {} where the snapshot omits it); \
             a segment rolls at segment.bytes or segment.ms, whichever comes first",
            format_bytes(crate::model::DEFAULT_SEGMENT_BYTES)
        )),
        all("new segments are uploaded as soon as they roll (no upload lag); the upload in \
             flight at now finishes right after the run at now"
            .into()),
        all(format!(
            "expiration runs are evaluated every {} instead of every 30 s \
             (remote.log.manager.task.interval.ms): retention is monotone, so the values at \
             each instant are the same; deletions count in the step they fall in",
            format_duration_ms(step)
        )),
        all("no leader changes: new segments extend the current leader epoch; segments keep \
             their validity against the lineage as at now"
            .into()),
        all("rates are estimated from each partition's segment history; a growth rate \
             compounds monthly (30 days)"
            .into()),
        all("local bytes are one replica's".into()),
    ];
    if o.step_ms.is_none() && step > DAY_MS {
        v.push(all(format!(
            "one point every {} (long horizon or many partitions; set a step for more)",
            format_duration_ms(step)
        )));
    }
    v
}

fn topic_assumptions(
    out: &mut Vec<Assumption>,
    topic: &str,
    partitions: u32,
    weak: u32,
    overridden: bool,
    growth: f64,
    no_local: u32,
) {
    let mut note = |text: String| {
        out.push(Assumption {
            topic: Some(topic.to_string()),
            text,
        })
    };
    if overridden {
        note(format!("{topic}: rate set by the user, split over its partitions in proportion to their estimates"));
    } else if weak > 0 {
        note(format!(
            "{topic}: the rate estimate is weak for {weak} of {partitions} partitions"
        ));
    }
    if growth != 0.0 {
        note(format!("{topic}: {growth:+} % a month, compounding"));
    }
    if no_local > 0 {
        note(format!(
            "{topic}: {no_local} of {partitions} partitions have no local data in the snapshot; \
             their remote segments stand for the local copies"
        ));
    }
}
