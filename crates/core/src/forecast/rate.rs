//! The ingest model: how fast each partition is written, estimated from the snapshot's own
//! history (segment sizes over `maxTimestampMs`).
//!
//! # The estimator
//!
//! Per partition:
//!
//! 1. The listed segments (not `DELETE_SEGMENT_FINISHED`) in offset order; a segment starting
//!    at or below the end of the previous one is dropped (a failed upload retried under a new
//!    id holds the same records twice). Timestamps are made monotone (running max of
//!    `maxTimestampMs`): records with old timestamps do not make time run backwards.
//! 2. The *intervals* between consecutive segments' newest records. The median interval is the
//!    partition's usual roll interval; an interval longer than [`GAP_FACTOR`] × the median (and
//!    at least [`MIN_GAP_MS`]) is a **gap** (producers paused, a broker was down, or segments
//!    were deleted out of order).
//! 3. The **window**: the segments after the newest gap (all of them when there is none). The
//!    oldest segments were cut by retention, so the history is whatever is left; the window is
//!    the current regime.
//! 4. `bytes_per_sec` = the bytes of the window's segments except its first / the time from the
//!    first one's newest record to the last one's (the first segment only anchors the clock:
//!    when its records were written is not known). A ratio of sums, not a median of per-segment
//!    rates: a capacity forecast needs the average rate, and small segments rolled early (a
//!    restart) must not pull it down. The median is used where robustness matters: gap
//!    detection and the typical segment.
//! 5. When the window holds fewer than two segments (a gap right before the newest), the rate
//!    is taken over every interval that is not a gap instead.
//! 6. One segment: no interval. When the snapshot says how many bytes are not uploaded yet
//!    (`onlyLocalSizeBytes`) and the capture is later than the segment's newest record, those
//!    bytes over that time are the rate (weak). Otherwise the partition has no estimate of its
//!    own and takes the median of its topic's estimated partitions (weak), or 0.
//!
//! An estimate is **weak** ([`Confidence::Weak`]) when it rests on fewer than
//! [`MIN_SEGMENTS`] segments, a span shorter than [`MIN_SPAN_MS`], one segment, a gap, or the
//! topic's other partitions; each reason is listed ([`Weakness`]).

use crate::model::{Partition, SegmentState, Snapshot};
use crate::units::{counted, format_bytes, format_duration_ms};
use serde::Serialize;

/// An interval this many times the median interval is a gap.
pub const GAP_FACTOR: i64 = 10;
/// Intervals shorter than this are never gaps (one hour).
pub const MIN_GAP_MS: i64 = 3_600_000;
/// Fewer segments in the window make an estimate weak.
pub const MIN_SEGMENTS: u32 = 5;
/// A shorter window makes an estimate weak (one day).
pub const MIN_SPAN_MS: i64 = 86_400_000;

const DAY_MS: f64 = 86_400_000.0;

/// How far an estimate can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Confidence {
    /// Enough segments over a long enough contiguous span.
    Good,
    /// An estimate, but see the reasons.
    Weak,
    /// No estimate (no segments, or one with nothing to compare it with): the rate is 0.
    Unknown,
}

/// Why an estimate is weak.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Weakness {
    /// No listed segment.
    NoSegments,
    /// One segment: no interval to measure.
    OneSegment,
    /// Fewer than [`MIN_SEGMENTS`] segments in the window.
    #[serde(rename_all = "camelCase")]
    FewSegments { used: u32, min: u32 },
    /// The window spans less than [`MIN_SPAN_MS`].
    #[serde(rename_all = "camelCase")]
    ShortSpan { span_ms: i64, min_ms: i64 },
    /// Segments before a gap were left out.
    #[serde(rename_all = "camelCase")]
    GapIgnored {
        segments_ignored: u32,
        longest_gap_ms: i64,
    },
    /// Nothing was rolled for much longer than usual before the capture: producers may have
    /// stopped.
    #[serde(rename_all = "camelCase")]
    Quiet { since_ms: i64 },
    /// The partition had no estimate of its own; its topic's median is used.
    BorrowedFromTopic,
}

impl Weakness {
    /// One plain sentence.
    pub fn describe(&self) -> String {
        match self {
            Weakness::NoSegments => "no remote segments to measure".into(),
            Weakness::OneSegment => "one remote segment only: no interval to measure".into(),
            Weakness::FewSegments { used, min } => format!(
                "only {} measured (at least {min} wanted)",
                counted(u64::from(*used), "segment")
            ),
            Weakness::ShortSpan { span_ms, min_ms } => format!(
                "history spans {} (at least {} wanted)",
                format_duration_ms(*span_ms),
                format_duration_ms(*min_ms)
            ),
            Weakness::GapIgnored {
                segments_ignored,
                longest_gap_ms,
            } => format!(
                "{} before a gap of {} ignored",
                counted(u64::from(*segments_ignored), "older segment"),
                format_duration_ms(*longest_gap_ms)
            ),
            Weakness::Quiet { since_ms } => format!(
                "no segment rolled for {} before the capture",
                format_duration_ms(*since_ms)
            ),
            Weakness::BorrowedFromTopic => {
                "no estimate of its own: the topic's median partition rate is used".into()
            }
        }
    }
}

/// One partition's estimated ingest rate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PartitionRate {
    pub topic: String,
    pub partition: i32,
    pub bytes_per_sec: f64,
    /// Segments rolled per day in the window (0 when unknown).
    pub segments_per_day: f64,
    /// Segments whose bytes were measured (the window minus its anchor).
    pub segments_used: u32,
    /// Listed segments (after dropping duplicates).
    pub segments_total: u32,
    /// Time the measured bytes were written over.
    pub span_ms: i64,
    pub median_segment_bytes: i64,
    /// Median time between two segments' newest records (0 when unknown).
    pub median_interval_ms: i64,
    pub confidence: Confidence,
    pub weaknesses: Vec<Weakness>,
}

impl PartitionRate {
    /// The reasons, as one sentence (empty when the estimate is good).
    pub fn reason(&self) -> String {
        self.weaknesses
            .iter()
            .map(Weakness::describe)
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A topic's rates: the sums of its partitions'.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicRate {
    pub topic: String,
    pub partitions: u32,
    pub bytes_per_sec: f64,
    pub segments_per_day: f64,
    pub weak_partitions: u32,
    pub unknown_partitions: u32,
    /// `Good` when every partition is, `Unknown` when none has an estimate, else `Weak`.
    pub confidence: Confidence,
}

/// Every partition's estimate (snapshot order) and the topic sums.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RateEstimates {
    pub partitions: Vec<PartitionRate>,
    pub topics: Vec<TopicRate>,
}

impl RateEstimates {
    pub fn partition(&self, topic: &str, partition: i32) -> Option<&PartitionRate> {
        self.partitions
            .iter()
            .find(|p| p.topic == topic && p.partition == partition)
    }

    pub fn topic(&self, topic: &str) -> Option<&TopicRate> {
        self.topics.iter().find(|t| t.topic == topic)
    }

    /// A one-line description of a topic's rate for people: `orders: 256.00 MiB/h per
    /// partition over 12 partitions (3.00 GiB/h), weak for 2`.
    pub fn describe_topic(&self, topic: &str) -> Option<String> {
        let t = self.topic(topic)?;
        let per_hour = (t.bytes_per_sec * 3600.0).round() as i64;
        let mut s = format!(
            "{}: {}/h over {}",
            t.topic,
            format_bytes(per_hour),
            counted(u64::from(t.partitions), "partition")
        );
        if t.weak_partitions > 0 {
            s.push_str(&format!(", weak for {}", t.weak_partitions));
        }
        Some(s)
    }
}

/// Estimates every partition's ingest rate (see the module documentation).
pub fn estimate_rates(snapshot: &Snapshot) -> RateEstimates {
    let mut out = RateEstimates::default();
    let mut scratch = Vec::new();
    for t in &snapshot.topics {
        let lo = out.partitions.len();
        for p in &t.partitions {
            out.partitions.push(estimate_partition(
                &t.name,
                p,
                snapshot.captured_at_ms,
                &mut scratch,
            ));
        }
        let parts = &mut out.partitions[lo..];
        // Partitions without an estimate take the topic's median.
        let mut known: Vec<f64> = parts
            .iter()
            .filter(|p| p.confidence != Confidence::Unknown)
            .map(|p| p.bytes_per_sec)
            .collect();
        if !known.is_empty() {
            known.sort_by(f64::total_cmp);
            let median = known[known.len() / 2];
            for p in parts.iter_mut() {
                if p.confidence == Confidence::Unknown {
                    p.bytes_per_sec = median;
                    p.confidence = Confidence::Weak;
                    p.weaknesses.push(Weakness::BorrowedFromTopic);
                }
            }
        }
        let mut tr = TopicRate {
            topic: t.name.clone(),
            partitions: parts.len() as u32,
            bytes_per_sec: 0.0,
            segments_per_day: 0.0,
            weak_partitions: 0,
            unknown_partitions: 0,
            confidence: Confidence::Good,
        };
        for p in parts.iter() {
            tr.bytes_per_sec += p.bytes_per_sec;
            tr.segments_per_day += p.segments_per_day;
            match p.confidence {
                Confidence::Good => {}
                Confidence::Weak => tr.weak_partitions += 1,
                Confidence::Unknown => tr.unknown_partitions += 1,
            }
        }
        tr.confidence = if tr.unknown_partitions == tr.partitions {
            Confidence::Unknown
        } else if tr.weak_partitions + tr.unknown_partitions > 0 {
            Confidence::Weak
        } else {
            Confidence::Good
        };
        out.topics.push(tr);
    }
    out
}

/// One partition's estimate. `scratch` is reused between calls.
pub fn estimate_partition(
    topic: &str,
    p: &Partition,
    captured_at_ms: i64,
    scratch: &mut Vec<(i64, i64, i64)>,
) -> PartitionRate {
    // (start offset, end offset, size) then rewritten to (monotone ts, size, _).
    scratch.clear();
    let mut rows: Vec<(i64, i64, i64, i64)> = p
        .segments
        .iter()
        .filter(|s| s.state != SegmentState::DeleteSegmentFinished)
        .map(|s| {
            (
                s.start_offset,
                s.end_offset,
                s.max_timestamp_ms,
                s.size_bytes,
            )
        })
        .collect();
    rows.sort_by_key(|r| (r.0, r.1));
    let mut prev_end: Option<i64> = None;
    let mut ts_max = i64::MIN;
    for &(start, end, ts, size) in &rows {
        if prev_end.is_some_and(|e| start <= e) {
            continue;
        }
        prev_end = Some(end);
        ts_max = ts_max.max(ts);
        scratch.push((ts_max, size.max(0), 0));
    }
    let n = scratch.len();
    let mut out = PartitionRate {
        topic: topic.to_string(),
        partition: p.partition,
        bytes_per_sec: 0.0,
        segments_per_day: 0.0,
        segments_used: 0,
        segments_total: n as u32,
        span_ms: 0,
        median_segment_bytes: 0,
        median_interval_ms: 0,
        confidence: Confidence::Unknown,
        weaknesses: Vec::new(),
    };
    if n == 0 {
        out.weaknesses.push(Weakness::NoSegments);
        return out;
    }
    let mut sizes: Vec<i64> = scratch.iter().map(|r| r.1).collect();
    sizes.sort_unstable();
    out.median_segment_bytes = sizes[n / 2];
    if n == 1 {
        out.weaknesses.push(Weakness::OneSegment);
        let (ts, _, _) = scratch[0];
        let pending = p.only_local_size_bytes.unwrap_or(0);
        let span = captured_at_ms.saturating_sub(ts);
        if pending > 0 && span > 0 {
            out.bytes_per_sec = pending as f64 * 1000.0 / span as f64;
            out.span_ms = span;
            out.confidence = Confidence::Weak;
        }
        return out;
    }
    let mut intervals: Vec<i64> = scratch
        .windows(2)
        .map(|w| w[1].0.saturating_sub(w[0].0))
        .collect();
    let mut sorted = intervals.clone();
    sorted.sort_unstable();
    let median = sorted[sorted.len() / 2];
    out.median_interval_ms = median;
    let gap = median.saturating_mul(GAP_FACTOR).max(MIN_GAP_MS);
    // The window: after the newest gap (interval j joins segments j and j + 1).
    let last_gap = intervals.iter().rposition(|&d| d > gap);
    let longest_gap = intervals.iter().copied().filter(|&d| d > gap).max();
    let anchor = last_gap.map_or(0, |j| j + 1);
    let (bytes, span, used) = if n - anchor >= 2 {
        let bytes: i64 = scratch[anchor + 1..]
            .iter()
            .fold(0i64, |a, r| a.saturating_add(r.1));
        (
            bytes,
            scratch[n - 1].0 - scratch[anchor].0,
            (n - anchor - 1) as u32,
        )
    } else {
        // The newest segment follows a gap: every interval that is not a gap instead.
        let (mut bytes, mut span, mut used) = (0i64, 0i64, 0u32);
        for (j, d) in intervals.iter_mut().enumerate() {
            if *d <= gap {
                bytes = bytes.saturating_add(scratch[j + 1].1);
                span = span.saturating_add(*d);
                used += 1;
            }
        }
        (bytes, span, used)
    };
    if let Some(g) = longest_gap {
        out.weaknesses.push(Weakness::GapIgnored {
            segments_ignored: (n as u32).saturating_sub(used + 1),
            longest_gap_ms: g,
        });
    }
    out.segments_used = used;
    out.span_ms = span;
    if span <= 0 || used == 0 {
        // Every segment carries the same timestamp: nothing to divide by.
        out.weaknesses.push(Weakness::ShortSpan {
            span_ms: span.max(0),
            min_ms: MIN_SPAN_MS,
        });
        return out;
    }
    out.bytes_per_sec = bytes as f64 * 1000.0 / span as f64;
    out.segments_per_day = used as f64 * DAY_MS / span as f64;
    if used < MIN_SEGMENTS {
        out.weaknesses.push(Weakness::FewSegments {
            used,
            min: MIN_SEGMENTS,
        });
    }
    if span < MIN_SPAN_MS {
        out.weaknesses.push(Weakness::ShortSpan {
            span_ms: span,
            min_ms: MIN_SPAN_MS,
        });
    }
    let quiet = captured_at_ms.saturating_sub(scratch[n - 1].0);
    if quiet > gap && quiet > MIN_SPAN_MS {
        out.weaknesses.push(Weakness::Quiet { since_ms: quiet });
    }
    out.confidence = if out.weaknesses.is_empty() {
        Confidence::Good
    } else {
        Confidence::Weak
    };
    out
}
