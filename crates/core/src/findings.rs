//! Warnings the data supports: what an operator should look at, in one sentence each.

use crate::model::{LineageSource, SegmentState, Snapshot};
use crate::retention::presumed_in_flight;
use crate::size::SizeReport;
use crate::units::{counted, format_bytes, format_duration_ms};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// A `COPY_SEGMENT_STARTED` upload that is not the one in flight: a failed copy whose
    /// metadata stayed behind (storage may hold a partial object).
    DanglingUpload {
        topic: String,
        partition: i32,
        id: String,
        /// Since its metadata event, when known.
        age_ms: Option<i64>,
    },
    /// A deletion that started and did not finish; Kafka retries it (4.0+) or re-evaluates it.
    StuckDelete {
        topic: String,
        partition: i32,
        id: String,
        age_ms: Option<i64>,
    },
    /// Segments that fail the leader-epoch lineage check: not counted by retention.bytes, not
    /// deleted by time or size.
    OutsideLineage {
        topic: String,
        partition: i32,
        segments: u64,
        bytes: i64,
    },
    /// The retention total is above retention.bytes (the next run deletes the excess it can).
    OverRetentionBytes {
        topic: String,
        partition: i32,
        retention_size_bytes: i64,
        retention_bytes: i64,
    },
    /// The snapshot had no leader epoch cache for these partitions.
    InferredLineage { partitions: usize },
}

impl Finding {
    /// A short category name for grouping in the UI.
    pub fn category(&self) -> &'static str {
        match self {
            Finding::DanglingUpload { .. } => "dangling upload",
            Finding::StuckDelete { .. } => "stuck deletion",
            Finding::OutsideLineage { .. } => "outside the leader-epoch lineage",
            Finding::OverRetentionBytes { .. } => "over retention.bytes",
            Finding::InferredLineage { .. } => "inferred lineage",
        }
    }
}

fn age(age_ms: &Option<i64>) -> String {
    match age_ms {
        Some(a) => format!(" ({} ago)", format_duration_ms(*a)),
        None => String::new(),
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::DanglingUpload { topic, partition, id, age_ms } => write!(
                f,
                "{topic}-{partition}: upload {id} started{} and never finished; it is not counted in the remote size, and retention removes it like any segment",
                age(age_ms)
            ),
            Finding::StuckDelete { topic, partition, id, age_ms } => write!(
                f,
                "{topic}-{partition}: deletion of {id} started{} and did not finish",
                age(age_ms)
            ),
            Finding::OutsideLineage { topic, partition, segments, bytes } => write!(
                f,
                "{topic}-{partition}: {} ({}) outside the leader-epoch lineage: retention neither counts nor deletes them by time or size",
                counted(*segments, "segment"),
                format_bytes(*bytes)
            ),
            Finding::OverRetentionBytes { topic, partition, retention_size_bytes, retention_bytes } => write!(
                f,
                "{topic}-{partition}: {} is over retention.bytes ({}) by {}",
                format_bytes(*retention_size_bytes),
                format_bytes(*retention_bytes),
                format_bytes(retention_size_bytes.saturating_sub(*retention_bytes))
            ),
            Finding::InferredLineage { partitions } => write!(
                f,
                "no leader epoch cache in the snapshot for {}: their lineage was inferred from the segments",
                counted(*partitions as u64, "partition")
            ),
        }
    }
}

/// Everything worth a warning, in snapshot order. `sizes` must be computed from `snapshot`.
pub fn findings(snapshot: &Snapshot, sizes: &SizeReport, now_ms: i64) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut inferred = 0;
    let mut part_sizes = sizes.partitions.iter();
    for t in &snapshot.topics {
        for p in &t.partitions {
            let in_flight = presumed_in_flight(p);
            for (s, flying) in p.segments.iter().zip(in_flight) {
                let age_ms = s.event_timestamp_ms.map(|e| now_ms.saturating_sub(e));
                let (topic, partition, id) = (t.name.clone(), p.partition, s.id.to_string());
                match s.state {
                    SegmentState::CopySegmentStarted if !flying => {
                        out.push(Finding::DanglingUpload {
                            topic,
                            partition,
                            id,
                            age_ms,
                        })
                    }
                    SegmentState::DeleteSegmentStarted => out.push(Finding::StuckDelete {
                        topic,
                        partition,
                        id,
                        age_ms,
                    }),
                    _ => {}
                }
            }
            // sizes lists partitions in the same order as the snapshot.
            let Some(ps) = part_sizes.next() else {
                continue;
            };
            if ps.lineage_source == LineageSource::InferredFromSegments {
                inferred += 1;
            }
            if ps.sizes.outside_lineage.count > 0 {
                out.push(Finding::OutsideLineage {
                    topic: t.name.clone(),
                    partition: p.partition,
                    segments: ps.sizes.outside_lineage.count,
                    bytes: ps.sizes.outside_lineage.bytes,
                });
            }
            let limit = t.config.retention_bytes;
            if limit >= 0 && ps.sizes.retention_size_bytes > limit {
                out.push(Finding::OverRetentionBytes {
                    topic: t.name.clone(),
                    partition: p.partition,
                    retention_size_bytes: ps.sizes.retention_size_bytes,
                    retention_bytes: limit,
                });
            }
        }
    }
    if inferred > 0 {
        out.push(Finding::InferredLineage {
            partitions: inferred,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::demo_snapshot;
    use crate::profile::KafkaVersion;
    use crate::size::sizes;

    #[test]
    fn demo_findings_cover_each_situation() {
        let s = demo_snapshot();
        let report = sizes(&s, KafkaVersion::default());
        let f = findings(&s, &report, s.captured_at_ms);
        let count = |cat: &str| f.iter().filter(|x| x.category() == cat).count();
        assert_eq!(count("dangling upload"), 1, "{f:#?}");
        assert!(count("stuck deletion") >= 1);
        assert!(count("outside the leader-epoch lineage") >= 1);
        assert!(count("over retention.bytes") >= 1);
        assert_eq!(count("inferred lineage"), 0);
        // The in-flight upload of the demo is not reported as dangling.
        let flying: Vec<_> = s
            .topics
            .iter()
            .flat_map(|t| &t.partitions)
            .flat_map(|p| p.segments.iter().zip(presumed_in_flight(p)))
            .filter(|(_, f)| *f)
            .map(|(s, _)| s.id.to_string())
            .collect();
        assert_eq!(flying.len(), 1);
        assert!(!f
            .iter()
            .any(|x| matches!(x, Finding::DanglingUpload { id, .. } if *id == flying[0])));
    }

    #[test]
    fn over_retention_bytes_sentence_names_the_excess() {
        let f = Finding::OverRetentionBytes {
            topic: "orders".into(),
            partition: 3,
            retention_size_bytes: 3 << 30,
            retention_bytes: 2 << 30,
        };
        assert_eq!(
            f.to_string(),
            "orders-3: 3.00 GiB is over retention.bytes (2.00 GiB) by 1.00 GiB"
        );
    }
}
