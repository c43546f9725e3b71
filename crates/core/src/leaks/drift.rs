//! Drift of Kafka's `RemoteLogSizeBytes` (KIP-852) from what the metadata says: the metric is
//! what the brokers computed from their caches, the metadata is what `__remote_log_metadata`
//! lists. A gap means a broker's cache differs from the topic's records (KIP-852's discussion
//! names this as a durability risk), that some brokers' samples are missing from the paste, or
//! that the metric was read at another time than the snapshot.

use super::metrics::RemoteLogSizeMetrics;
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
    /// Samples summed, brokers they came from, and samples that read NaN.
    pub samples: usize,
    pub brokers: usize,
    pub nan_samples: usize,
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

/// Compares each topic's metric (summed over the brokers that reported it) with the
/// snapshot's `RemoteLogSizeBytes` under `profile`, by topic name.
pub fn metric_drift(
    snapshot: &Snapshot,
    profile: KafkaVersion,
    metrics: &RemoteLogSizeMetrics,
) -> Vec<Drift> {
    let report = sizes(snapshot, profile);
    metrics
        .by_topic()
        .into_iter()
        .map(|t| {
            // Every sample NaN: no number to compare.
            let metric_bytes = (t.samples > 0).then_some(t.bytes);
            let metadata_bytes = report
                .topics
                .iter()
                .find(|s| s.topic == t.topic)
                .map(|s| s.sizes.remote_log_size_bytes);
            let drift_bytes = metric_bytes
                .zip(metadata_bytes)
                .map(|(m, d)| m.saturating_sub(d));
            let drift_ratio = drift_bytes
                .zip(metadata_bytes.filter(|&d| d != 0))
                .map(|(x, d)| x as f64 / d as f64);
            Drift {
                topic: t.topic,
                metric_bytes,
                metadata_bytes,
                drift_bytes,
                drift_ratio,
                samples: t.samples,
                brokers: t.brokers,
                nan_samples: t.nan_samples,
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
        use crate::leaks::metrics::parse_remote_log_size_metrics;
        let snap = demo_snapshot();
        let profile = KafkaVersion::V4_3Plus;
        let size_of = |topic: &str| {
            sizes(&snap, profile)
                .topics
                .into_iter()
                .find(|t| t.topic == topic)
                .unwrap()
                .sizes
                .remote_log_size_bytes
        };
        let orders = size_of("orders");
        let audit = size_of("audit.log");
        // Two brokers lead orders' partitions; audit.log is off by 1000 bytes; "gone" is not
        // in the snapshot; payments.v2 reads NaN.
        let a = orders / 3;
        let text = format!(
            "# TYPE kafka_server_brokertopicmetrics_remotelogsizebytes gauge\n\
             kafka_server_brokertopicmetrics_remotelogsizebytes{{broker=\"1\",topic=\"orders\"}} {a}\n\
             kafka_server_brokertopicmetrics_remotelogsizebytes{{broker=\"2\",topic=\"orders\"}} {}\n\
             kafka_server_brokertopicmetrics_remotelogsizebytes{{broker=\"1\",topic=\"audit.log\"}} {}\n\
             kafka_server_brokertopicmetrics_remotelogsizebytes{{broker=\"1\",topic=\"gone\"}} 5\n\
             kafka_server_brokertopicmetrics_remotelogsizebytes{{broker=\"1\",topic=\"payments.v2\"}} NaN\n",
            orders - a,
            audit + 1000
        );
        let m = parse_remote_log_size_metrics(&text).unwrap();
        let d = metric_drift(&snap, profile, &m);
        let get = |t: &str| d.iter().find(|x| x.topic == t).unwrap();
        assert_eq!(get("orders").drift_bytes, Some(0));
        assert_eq!(get("orders").brokers, 2);
        assert!(
            get("orders").to_string().ends_with("equal"),
            "{}",
            get("orders")
        );
        assert_eq!(get("audit.log").drift_bytes, Some(1000));
        assert!(get("audit.log").drift_ratio.unwrap() > 0.0);
        assert!(
            get("audit.log").to_string().contains("+1000 B"),
            "{}",
            get("audit.log")
        );
        assert_eq!(
            (get("gone").metadata_bytes, get("gone").drift_bytes),
            (None, None)
        );
        assert_eq!(get("payments.v2").metric_bytes, None);
        assert_eq!(get("payments.v2").nan_samples, 1);
    }
}
