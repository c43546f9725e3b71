//! Capacity planning: a snapshot turned into a forecast of remote and local bytes, segment
//! counts, deletions and cost, forward in time, under the current and a proposed policy.
//!
//! - [`rate`]: the ingest model ([`estimate_rates`]): bytes/s per partition from the
//!   snapshot's own history, with how far each estimate can be trusted.
//! - [`project`]: the projection ([`forecast`]): expiration runs simulated at each step
//!   instant on the partition grown at that rate.
//! - [`cost`]: prices per GB-month, monthly cost of each policy, and a sentence for tenants.
//!
//! Plain data in ([`crate::Snapshot`], two [`crate::retention::Policy`]s, [`RateEstimates`], [`ForecastOptions`]),
//! plain serde-serializable data out ([`Forecast`], [`cost::CostReport`]).
//!
//! # Model and simplifications (also listed in [`Forecast::assumptions`])
//!
//! - **Ingest**: each partition is written at its estimated rate ([`rate`]), or at the topic's
//!   [`RateOverride`]. A growth rate compounds monthly (30 days): the rate at `t` is
//!   `rate · (1 + g)^(t / 30 d)`; within one step the rate is that step's average.
//! - **Rolling**: a segment rolls when it reaches `segment.bytes` (the topic config; Kafka's
//!   1 GiB when the snapshot omits it) or when it is `segment.ms` old (not in the snapshot
//!   contract: [`ForecastOptions::segment_ms`], Kafka's default 7 days), whichever comes first.
//!   A rolled segment's newest record is its roll instant. A partition with no writes rolls
//!   nothing (Kafka rolls on append).
//! - **Upload**: a rolled segment is uploaded (`COPY_SEGMENT_FINISHED`) at once (no upload lag);
//!   the upload in flight at `now` finishes right after the run at `now`. The bytes not yet
//!   uploaded (`onlyLocalSizeBytes`) are the active segment.
//! - **Expiration runs**: Kafka runs one every `remote.log.manager.task.interval.ms` (30 s). The
//!   projection runs one at each step instant instead. Time retention deletes a prefix of
//!   segments ordered by time, and size retention deletes while the excess is at least the
//!   next segment's size; both are *monotone*: one run at `T` deletes exactly what any number
//!   of earlier runs plus the run at `T` would have. So the numbers at each step instant are
//!   those Kafka's 30-second runs give at that instant (the `forecast` tests check this
//!   against the real [`crate::retention::reference::plan`] on explicitly grown snapshots);
//!   only the path between two instants is not drawn.
//! - **Start**: the run at `now` is the real one (same walk as the plan: lineage, states,
//!   retries, log-start-offset breaches, unreferenced epochs, the upload in flight). The
//!   segments it keeps are the start of the projection, each classified once as the plan
//!   classifies it (validity against the lineage is not re-evaluated as the log grows).
//! - **No leader changes**: new segments extend the current leader epoch.
//! - **Local tier**: the local-tier rules of [`crate::retention::local`] (log-start-offset
//!   breach, then `local.retention.bytes`, then `local.retention.ms`; `-2` = `retention.*`),
//!   on the local copies of the snapshot plus every new segment. Without local data in the
//!   snapshot, the remote segments stand for their local copies.

pub mod cost;
pub mod project;
pub mod rate;

pub use cost::{summary_sentence, CostReport, Prices};
pub use project::{forecast, ForecastCache};
pub use rate::{
    estimate_partition, estimate_rates, Confidence, PartitionRate, RateEstimates, TopicRate,
    Weakness,
};

use crate::profile::KafkaVersion;
use serde::Serialize;
use std::collections::BTreeMap;

/// Kafka's default `segment.ms` (7 days).
pub const DEFAULT_SEGMENT_MS: i64 = 604_800_000;
/// One month for growth rates and prices: 30 days.
pub const MONTH_MS: i64 = 2_592_000_000;
pub const DAY_MS: i64 = 86_400_000;
/// Shortest and longest horizon ([`ForecastOptions::horizon_ms`] is clamped to these).
pub const MIN_HORIZON_MS: i64 = 7 * DAY_MS;
pub const MAX_HORIZON_MS: i64 = 730 * DAY_MS;
/// A partition's rate is capped at this (100 GB/s, far above any real partition) so that two
/// years of bytes fit in an `i64`.
pub const MAX_BYTES_PER_SEC: f64 = 1e11;
/// At most this many steps when the step is chosen automatically.
pub const MAX_AUTO_STEPS: i64 = 730;
/// An automatic step also keeps partitions × steps under about this (each partition-step of
/// each policy costs ~50–100 ns): a 10,000-partition cluster gets weekly points over two
/// years, the demo daily ones.
pub const AUTO_PARTITION_STEPS: i64 = 1_100_000;
/// Never fewer automatic steps than this (weekly over a year).
pub const MIN_AUTO_STEPS: i64 = 52;

/// A user's override of a topic's ingest rate.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RateOverride {
    /// The topic's total rate at `now`, replacing the estimate. Split over its partitions in
    /// proportion to their estimates (evenly when none has one).
    pub bytes_per_sec: Option<f64>,
    /// Growth per month (30 days), compounding: `10.0` = +10 % a month, `-5.0` = -5 %.
    /// Values at or below -100 are treated as -99.99.
    pub growth_pct_per_month: f64,
}

/// What [`forecast`] needs besides the snapshot, the policies and the rates.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ForecastOptions {
    /// Where the projection starts (usually the snapshot's `capturedAtMs`).
    pub now_ms: i64,
    /// How far it goes; clamped to [`MIN_HORIZON_MS`]..=[`MAX_HORIZON_MS`].
    pub horizon_ms: i64,
    /// Time between two points; `None`: chosen by [`ForecastOptions::effective_step_ms`]
    /// (one day, longer for long horizons or large clusters). At least one minute.
    pub step_ms: Option<i64>,
    /// `segment.ms` of every topic not in `topic_segment_ms` (the snapshot does not carry it).
    pub segment_ms: i64,
    pub topic_segment_ms: BTreeMap<String, i64>,
    /// Per-topic rate overrides.
    pub overrides: BTreeMap<String, RateOverride>,
}

impl ForecastOptions {
    /// A forecast from `now_ms` over `horizon_ms` with Kafka's `segment.ms` and no overrides.
    pub fn new(now_ms: i64, horizon_ms: i64) -> ForecastOptions {
        ForecastOptions {
            now_ms,
            horizon_ms,
            step_ms: None,
            segment_ms: DEFAULT_SEGMENT_MS,
            topic_segment_ms: BTreeMap::new(),
            overrides: BTreeMap::new(),
        }
    }

    /// The horizon after clamping.
    pub fn effective_horizon_ms(&self) -> i64 {
        self.horizon_ms.clamp(MIN_HORIZON_MS, MAX_HORIZON_MS)
    }

    /// The step after defaults and clamping, for a snapshot of `partitions` partitions. The
    /// automatic step is a whole number of days, at least one, with at most
    /// [`MAX_AUTO_STEPS`] steps and at most [`AUTO_PARTITION_STEPS`] / `partitions` (but never
    /// fewer than [`MIN_AUTO_STEPS`]).
    pub fn effective_step_ms(&self, partitions: usize) -> i64 {
        let h = self.effective_horizon_ms();
        match self.step_ms {
            Some(s) => s.clamp(60_000, h),
            None => {
                let by_size = AUTO_PARTITION_STEPS / (partitions.max(1) as i64);
                let steps = by_size.clamp(MIN_AUTO_STEPS, MAX_AUTO_STEPS);
                let per_step = (h + steps - 1) / steps;
                ((per_step + DAY_MS - 1) / DAY_MS * DAY_MS).min(h)
            }
        }
    }
}

/// Time series, one value per instant of [`Forecast::times_ms`] (columns, for charts).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Series {
    /// `RemoteLogSizeBytes` after the run at that instant.
    pub remote_bytes: Vec<i64>,
    /// The local log (one replica): local copies not yet deleted plus the active segment.
    pub local_bytes: Vec<i64>,
    /// Remote segments listed after the run (`RemoteLogMetadataCount`).
    pub segments: Vec<i64>,
    /// Remote bytes deleted by the runs since the previous instant (at index 0: the run at
    /// `now`, including any backlog).
    pub deleted_bytes: Vec<i64>,
}

impl Series {
    fn zeros(n: usize) -> Series {
        Series {
            remote_bytes: vec![0; n],
            local_bytes: vec![0; n],
            segments: vec![0; n],
            deleted_bytes: vec![0; n],
        }
    }

    fn add(&mut self, other: &Series) {
        for (a, b) in [
            (&mut self.remote_bytes, &other.remote_bytes),
            (&mut self.local_bytes, &other.local_bytes),
            (&mut self.segments, &other.segments),
            (&mut self.deleted_bytes, &other.deleted_bytes),
        ] {
            for (x, y) in a.iter_mut().zip(b) {
                *x = x.saturating_add(*y);
            }
        }
    }

    /// Bytes deleted per day at each instant: `deleted_bytes` over the step before it (at
    /// index 0, the run at `now` counts as one day).
    pub fn deleted_bytes_per_day(&self, times_ms: &[i64]) -> Vec<f64> {
        self.deleted_bytes
            .iter()
            .enumerate()
            .map(|(i, &d)| {
                let dt = if i == 0 {
                    DAY_MS
                } else {
                    (times_ms[i] - times_ms[i - 1]).max(1)
                };
                d as f64 * DAY_MS as f64 / dt as f64
            })
            .collect()
    }
}

/// What bounds the remote log in the long run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SteadyKind {
    /// `retention.ms`: about rate × retention.ms.
    Time,
    /// `retention.bytes`: a whole number of segments, at most one segment over the limit.
    Size,
    /// No retention limit: the remote log grows for ever.
    Unbounded,
    /// Time-bound while the rate keeps growing: no steady state.
    Growing,
    /// The partitions (or topics) are bound differently.
    Mixed,
}

/// The state a policy converges to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SteadyState {
    pub kind: SteadyKind,
    /// Remote bytes in the steady state (`None`: unbounded or growing). Time retention:
    /// rate × retention.ms. Size retention: `⌈retention.bytes / S⌉ · S` for segments of `S`
    /// bytes (Kafka deletes only while the excess is at least the next segment, and the
    /// active segment counts towards retention.bytes, so the remote log sits at that value
    /// or one segment below). Plus segments the walk never deletes (outside the lineage).
    pub remote_bytes: Option<i64>,
    /// Local bytes (one replica), same conventions; `None` when unbounded or growing.
    pub local_bytes: Option<i64>,
    /// How far the series may be from `remote_bytes` and still be steady: one segment per
    /// partition.
    pub tolerance_bytes: i64,
    /// The first instant from which the remote series stays within the tolerance until the
    /// horizon; `None`: not within the horizon (or no steady state).
    pub reached_at_ms: Option<i64>,
}

/// The effective configs a policy gives a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EffectiveRetention {
    pub retention_ms: i64,
    pub retention_bytes: i64,
    /// `-2` resolved by the profile's rule (negative: unlimited).
    pub local_retention_ms: i64,
    pub local_retention_bytes: i64,
}

/// One policy's projection of a topic or of the cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyProjection {
    pub profile: KafkaVersion,
    /// `None` for the cluster.
    pub config: Option<EffectiveRetention>,
    pub series: Series,
    pub steady: SteadyState,
}

/// The rate a topic was projected with.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RateUsed {
    /// Sum over the partitions at `now`.
    pub bytes_per_sec: f64,
    /// At the horizon (differs with growth).
    pub bytes_per_sec_at_horizon: f64,
    pub growth_pct_per_month: f64,
    pub overridden: bool,
    /// Partitions whose estimate is weak or unknown (0 when overridden).
    pub weak_partitions: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicForecast {
    pub topic: String,
    pub partitions: u32,
    pub rate: RateUsed,
    pub segment_bytes: i64,
    pub segment_ms: i64,
    pub current: PolicyProjection,
    pub proposed: PolicyProjection,
}

/// Something the numbers rest on that the snapshot does not say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Assumption {
    /// The topic it is about, `None` for all.
    pub topic: Option<String>,
    pub text: String,
}

/// A forecast of both policies.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Forecast {
    pub now_ms: i64,
    pub horizon_ms: i64,
    pub step_ms: i64,
    /// The instants of every series: `now`, `now + step`, …, `now + horizon`.
    pub times_ms: Vec<i64>,
    /// By topic name, as in the snapshot.
    pub topics: Vec<TopicForecast>,
    pub cluster_current: PolicyProjection,
    pub cluster_proposed: PolicyProjection,
    pub assumptions: Vec<Assumption>,
}

/// Current or proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Which {
    Current,
    Proposed,
}

impl Forecast {
    pub fn topic(&self, name: &str) -> Option<&TopicForecast> {
        self.topics.iter().find(|t| t.topic == name)
    }

    /// The cluster's projection of one policy.
    pub fn cluster(&self, which: Which) -> &PolicyProjection {
        match which {
            Which::Current => &self.cluster_current,
            Which::Proposed => &self.cluster_proposed,
        }
    }

    /// The index of the last instant at or before `now + after_ms`.
    pub fn index_at(&self, after_ms: i64) -> usize {
        let t = self.now_ms.saturating_add(after_ms);
        self.times_ms.partition_point(|&x| x <= t).saturating_sub(1)
    }
}

impl TopicForecast {
    pub fn projection(&self, which: Which) -> &PolicyProjection {
        match which {
            Which::Current => &self.current,
            Which::Proposed => &self.proposed,
        }
    }
}
