//! What a policy costs a month, from a [`Forecast`], and one sentence for tenants.
//!
//! Prices are per GB-month with GB = 10^9 bytes (as cloud providers bill). Remote bytes are
//! counted once (the object store replicates internally and bills the logical size); local
//! bytes are one replica's in the forecast, so they are multiplied by
//! [`Prices::local_replicas`] (the snapshot does not carry the replication factor: 3 unless
//! set). The defaults are assumptions to edit, and [`Prices::assumptions`] says so.

use super::{Forecast, PolicyProjection, SteadyKind, TopicForecast, Which};
use crate::model::ConfigKey;
use crate::units::{format_bytes, format_config_value, format_duration_ms, format_timestamp_utc};
use serde::Serialize;

/// Bytes in a billed GB.
pub const GB: f64 = 1e9;

/// Prices per GB-month (USD).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Prices {
    /// Object storage. Default: $0.023 (S3 Standard, first 50 TB, us-east-1), an assumption.
    pub remote_per_gb_month: f64,
    /// Broker disks. Default: $0.08 (EBS gp3, us-east-1), an assumption.
    pub local_per_gb_month: f64,
    /// Copies of each local byte (the replication factor). Default 3, an assumption.
    pub local_replicas: u32,
}

impl Default for Prices {
    fn default() -> Self {
        Prices {
            remote_per_gb_month: 0.023,
            local_per_gb_month: 0.08,
            local_replicas: 3,
        }
    }
}

impl Prices {
    /// What these prices assume, for display next to the numbers.
    pub fn assumptions(&self) -> Vec<String> {
        let d = Prices::default();
        let mut v = vec!["GB = 10^9 bytes; a month = 30 days".to_string()];
        v.push(if self.remote_per_gb_month == d.remote_per_gb_month {
            format!(
                "remote storage at {}/GB-month (assumed: S3 Standard list price; edit it)",
                format_usd(self.remote_per_gb_month)
            )
        } else {
            format!(
                "remote storage at {}/GB-month",
                format_usd(self.remote_per_gb_month)
            )
        });
        v.push(if self.local_per_gb_month == d.local_per_gb_month {
            format!(
                "local storage at {}/GB-month (assumed: EBS gp3 list price; edit it)",
                format_usd(self.local_per_gb_month)
            )
        } else {
            format!(
                "local storage at {}/GB-month",
                format_usd(self.local_per_gb_month)
            )
        });
        v.push(if self.local_replicas == d.local_replicas {
            format!(
                "local bytes counted {} times (replication factor not in the snapshot: {} assumed)",
                self.local_replicas, self.local_replicas
            )
        } else {
            format!(
                "local bytes counted {} times (replication factor)",
                self.local_replicas
            )
        });
        v.push(
            "remote bytes counted once (the object store's own redundancy is in its price)".into(),
        );
        v
    }
}

/// One month's storage cost of some remote and local bytes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MonthlyCost {
    pub remote_bytes: i64,
    /// One replica.
    pub local_bytes: i64,
    pub remote_usd: f64,
    /// All replicas.
    pub local_usd: f64,
    pub total_usd: f64,
}

/// The monthly cost of holding `remote_bytes` remotely and `local_bytes` (one replica) locally.
pub fn monthly_cost(remote_bytes: i64, local_bytes: i64, prices: &Prices) -> MonthlyCost {
    let remote_usd = remote_bytes.max(0) as f64 / GB * prices.remote_per_gb_month;
    let local_usd = local_bytes.max(0) as f64 / GB
        * prices.local_per_gb_month
        * f64::from(prices.local_replicas);
    MonthlyCost {
        remote_bytes,
        local_bytes,
        remote_usd,
        local_usd,
        total_usd: remote_usd + local_usd,
    }
}

/// One policy's monthly cost.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyCost {
    /// At the steady state; `None` when there is none (unbounded, growing).
    pub at_steady_state: Option<MonthlyCost>,
    /// At the horizon's last instant.
    pub at_horizon: MonthlyCost,
}

fn policy_cost(p: &PolicyProjection, prices: &Prices) -> PolicyCost {
    let last = |v: &[i64]| v.last().copied().unwrap_or(0);
    PolicyCost {
        at_steady_state: match (p.steady.remote_bytes, p.steady.local_bytes) {
            (Some(r), Some(l)) => Some(monthly_cost(r, l, prices)),
            _ => None,
        },
        at_horizon: monthly_cost(
            last(&p.series.remote_bytes),
            last(&p.series.local_bytes),
            prices,
        ),
    }
}

/// A topic's (or the cluster's) costs under both policies.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CostLine {
    /// `None` for the cluster.
    pub topic: Option<String>,
    pub current: PolicyCost,
    pub proposed: PolicyCost,
    /// Proposed minus current, USD a month (negative: the proposal saves).
    pub difference_at_steady_state: Option<f64>,
    pub difference_at_horizon: f64,
}

fn cost_line(
    topic: Option<String>,
    cur: &PolicyProjection,
    new: &PolicyProjection,
    prices: &Prices,
) -> CostLine {
    let current = policy_cost(cur, prices);
    let proposed = policy_cost(new, prices);
    CostLine {
        topic,
        difference_at_steady_state: current
            .at_steady_state
            .zip(proposed.at_steady_state)
            .map(|(c, p)| p.total_usd - c.total_usd),
        difference_at_horizon: proposed.at_horizon.total_usd - current.at_horizon.total_usd,
        current,
        proposed,
    }
}

/// The costs of a forecast at some prices.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CostReport {
    pub prices: Prices,
    pub assumptions: Vec<String>,
    pub topics: Vec<CostLine>,
    pub cluster: CostLine,
}

/// The monthly cost of each policy per topic and for the cluster, and the differences.
pub fn cost(forecast: &Forecast, prices: &Prices) -> CostReport {
    CostReport {
        prices: *prices,
        assumptions: prices.assumptions(),
        topics: forecast
            .topics
            .iter()
            .map(|t| cost_line(Some(t.topic.clone()), &t.current, &t.proposed, prices))
            .collect(),
        cluster: cost_line(
            None,
            &forecast.cluster_current,
            &forecast.cluster_proposed,
            prices,
        ),
    }
}

/// Dollars for people: `$0.023`, `$4.20`, `$97`, `$12,345`, `-$3.10`.
pub fn format_usd(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let a = x.abs();
    if a == 0.0 {
        return "$0".into();
    }
    if a < 0.1 {
        return format!("{sign}${a:.3}");
    }
    if a < 100.0 {
        return format!("{sign}${a:.2}");
    }
    let whole = a.round() as i64;
    format!("{sign}${}", crate::units::format_count(whole))
}

fn retention_words(t: &TopicForecast, which: Which) -> String {
    let Some(c) = t.projection(which).config else {
        return String::new();
    };
    let ms = format!(
        "retention.ms = {}",
        format_config_value(ConfigKey::RetentionMs, c.retention_ms)
    );
    if c.retention_bytes >= 0 {
        format!(
            "{ms} and retention.bytes = {}",
            format_config_value(ConfigKey::RetentionBytes, c.retention_bytes)
        )
    } else {
        ms
    }
}

/// A plain sentence for a tenant about one topic under one policy, `after_ms` from now
/// (rounded down to a forecast instant):
///
/// "With retention.ms = 30d, orders will hold ~4.20 TiB remotely after 30d, ~$97/month at
/// $0.023/GB-month; it settles at ~4.21 TiB (~$99/month) from 2025-12-24."
///
/// `None` when the forecast has no such topic.
pub fn summary_sentence(
    forecast: &Forecast,
    prices: &Prices,
    topic: &str,
    which: Which,
    after_ms: i64,
) -> Option<String> {
    let t = forecast.topic(topic)?;
    let p = t.projection(which);
    let i = forecast.index_at(after_ms);
    let remote = *p.series.remote_bytes.get(i)?;
    let elapsed = forecast.times_ms[i] - forecast.now_ms;
    let usd = monthly_cost(remote, 0, prices).remote_usd;
    let mut s = format!(
        "With {}, {} will hold ~{} remotely after {}, ~{}/month at {}/GB-month",
        retention_words(t, which),
        t.topic,
        format_bytes(remote),
        format_duration_ms(elapsed),
        format_usd(usd),
        format_usd(prices.remote_per_gb_month),
    );
    let st = p.steady;
    match (st.kind, st.remote_bytes, st.reached_at_ms) {
        (SteadyKind::Unbounded, _, _) => s.push_str("; with no retention limit it keeps growing"),
        (SteadyKind::Growing, _, _) => s.push_str("; it keeps growing with the ingest rate"),
        (_, Some(v), Some(at)) => {
            let date = format_timestamp_utc(at);
            s.push_str(&format!(
                "; it settles at ~{} (~{}/month) from {}",
                format_bytes(v),
                format_usd(monthly_cost(v, 0, prices).remote_usd),
                date.get(..10).unwrap_or(&date)
            ));
        }
        (_, Some(v), None) => s.push_str(&format!(
            "; it heads for ~{} but does not get there within {}",
            format_bytes(v),
            format_duration_ms(forecast.horizon_ms)
        )),
        _ => {}
    }
    s.push('.');
    Some(s)
}

/// The cluster in one sentence: "After 90d, the cluster holds ~864.44 GiB remotely under its
/// current configs (~$21.35/month) and ~210.41 GiB under the proposed ones (~$5.20/month), at
/// $0.023/GB-month." (`after_ms` is an instant; the nearest forecast point is used.)
pub fn cluster_sentence(forecast: &Forecast, prices: &Prices, after_ms: i64) -> String {
    let i = forecast.index_at(after_ms);
    let at = |p: &PolicyProjection| p.series.remote_bytes.get(i).copied().unwrap_or(0);
    let (current, proposed) = (
        at(&forecast.cluster_current),
        at(&forecast.cluster_proposed),
    );
    let elapsed = forecast.times_ms.get(i).map_or(0, |t| t - forecast.now_ms);
    format!(
        "After {}, the cluster holds ~{} remotely under its current configs (~{}/month) and ~{} under the proposed ones (~{}/month), at {}/GB-month.",
        format_duration_ms(elapsed),
        format_bytes(current),
        format_usd(monthly_cost(current, 0, prices).remote_usd),
        format_bytes(proposed),
        format_usd(monthly_cost(proposed, 0, prices).remote_usd),
        format_usd(prices.remote_per_gb_month),
    )
}
