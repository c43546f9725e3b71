//! Drift of Kafka's `RemoteLogSizeBytes` (KIP-852) from what the metadata says: the metric is
//! what the brokers computed from their caches, the metadata is what `__remote_log_metadata`
//! lists. A gap means a broker's cache differs from the topic's records (KIP-852's discussion
//! names this as a durability risk), that some brokers' samples are missing from the paste, or
//! that the metric was read at another time than the snapshot.

use crate::model::Snapshot;
use crate::profile::KafkaVersion;
use crate::size::sizes;
use crate::units::format_bytes;
use serde::Serialize;
use std::fmt;

/// One topic's metric against its metadata.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Drift {
    pub topic: String,
    /// The metric, summed over the samples given (each leader reports its own partitions);
    /// `None` when a sample was not a number (NaN).
    pub metric_bytes: Option<i64>,
    /// `RemoteLogSizeBytes` computed from the snapshot under the profile; `None` when the
    /// snapshot does not hold the topic.
    pub metadata_bytes: Option<i64>,
    /// `metric − metadata`.
    pub drift_bytes: Option<i64>,
    /// `drift / metadata` (`None` when the metadata is 0 or unknown).
    pub drift_ratio: Option<f64>,
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = |v: Option<i64>| v.map_or("unknown".to_string(), format_bytes);
        write!(
            f,
            "{}: metric {}, metadata {}",
            self.topic,
            b(self.metric_bytes),
            b(self.metadata_bytes)
        )?;
        match (self.drift_bytes, self.drift_ratio) {
            (Some(0), _) => write!(f, ", equal"),
            (Some(d), Some(r)) => write!(
                f,
                ", {}{} ({:+.2} %)",
                if d > 0 { "+" } else { "−" },
                format_bytes(d.saturating_abs()),
                r * 100.0
            ),
            (Some(d), None) => write!(
                f,
                ", {}{}",
                if d > 0 { "+" } else { "−" },
                format_bytes(d.saturating_abs())
            ),
            (None, _) => Ok(()),
        }
    }
}

/// Compares per-topic metric values (bytes, as the metric reports them) with the snapshot's
/// `RemoteLogSizeBytes` under `profile`, in the order given.
pub fn metric_drift<'a>(
    snapshot: &Snapshot,
    profile: KafkaVersion,
    by_topic: impl IntoIterator<Item = (&'a str, f64)>,
) -> Vec<Drift> {
    let report = sizes(snapshot, profile);
    by_topic
        .into_iter()
        .map(|(topic, value)| {
            let metric_bytes = (value.is_finite()).then(|| value.round() as i64);
            let metadata_bytes = report
                .topics
                .iter()
                .find(|t| t.topic == topic)
                .map(|t| t.sizes.remote_log_size_bytes);
            let drift_bytes = metric_bytes
                .zip(metadata_bytes)
                .map(|(m, d)| m.saturating_sub(d));
            let drift_ratio = drift_bytes
                .zip(metadata_bytes.filter(|&d| d != 0))
                .map(|(x, d)| x as f64 / d as f64);
            Drift {
                topic: topic.to_string(),
                metric_bytes,
                metadata_bytes,
                drift_bytes,
                drift_ratio,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::demo_snapshot;

    #[test]
    fn drift_against_the_demo() {
        let snap = demo_snapshot();
        let profile = KafkaVersion::V4_3Plus;
        let orders = sizes(&snap, profile)
            .topics
            .into_iter()
            .find(|t| t.topic == "orders")
            .unwrap()
            .sizes
            .remote_log_size_bytes;
        let d = metric_drift(
            &snap,
            profile,
            [
                ("orders", orders as f64),
                ("orders", (orders + 1000) as f64),
                ("gone", 5.0),
                ("orders", f64::NAN),
            ],
        );
        assert_eq!(d[0].drift_bytes, Some(0));
        assert!(d[0].to_string().ends_with("equal"), "{}", d[0]);
        assert_eq!(d[1].drift_bytes, Some(1000));
        assert!(d[1].drift_ratio.unwrap() > 0.0);
        assert!(d[1].to_string().contains("+1000 B"), "{}", d[1]);
        assert_eq!((d[2].metadata_bytes, d[2].drift_bytes), (None, None));
        assert_eq!(d[3].metric_bytes, None);
    }
}
