//! The results a reply carries, computed by `tierlens-core` from the loaded snapshot: sizes per
//! topic and cluster, the expiration run under the snapshot's configs and under a proposed
//! policy, and per partition the deletions and log start offsets after the run.

use crate::message::{EmbedError, ErrorCode, PlanRequest, PolicySpec};
use serde::Serialize;
use std::collections::BTreeMap;
use tierlens_core::profile::KafkaVersion;
use tierlens_core::retention::{PartitionPlan, PlanIndex, PlanTotals, Policy, TopicPlanTotals};
use tierlens_core::size::{sizes, SizeTotals, TopicSizes};
use tierlens_core::{Snapshot, SnapshotSource};

/// What is loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetInfo {
    /// Where it came from: a URL, a file name, "pasted text" or "message from <origin>".
    pub origin: String,
    pub cluster: Option<String>,
    pub kafka_version: Option<String>,
    pub captured_at_ms: i64,
    /// `snapshot-json` or `formatter-dump`.
    pub format: &'static str,
    pub topics: usize,
    pub partitions: usize,
    pub segments: usize,
    /// Problems met while reading it (bad lines, dropped segments).
    pub problems: usize,
}

pub fn dataset_info(snapshot: &Snapshot, origin: &str, problems: usize) -> DatasetInfo {
    DatasetInfo {
        origin: origin.to_string(),
        cluster: snapshot.cluster.clone(),
        kafka_version: snapshot.kafka_version.clone(),
        captured_at_ms: snapshot.captured_at_ms,
        format: match snapshot.source {
            SnapshotSource::SnapshotJson => "snapshot-json",
            SnapshotSource::FormatterDump => "formatter-dump",
        },
        topics: snapshot.topics.len(),
        partitions: snapshot.partition_count(),
        segments: snapshot.segment_count(),
        problems,
    }
}

/// A [`PolicySpec`] checked against a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub policy: Policy,
    pub now_ms: i64,
    pub profile: KafkaVersion,
    pub profile_note: Option<String>,
}

fn unknown_topic(topic: &str) -> EmbedError {
    EmbedError::new(
        ErrorCode::UnknownTopic,
        format!("the loaded snapshot has no topic {topic:?}"),
    )
    .with_detail(serde_json::json!({ "topic": topic }))
}

/// The policy to evaluate: the snapshot's configs with the spec's overrides, the spec's
/// Kafka version (else the snapshot's) and `now` (else the capture time).
pub fn resolve(snapshot: &Snapshot, spec: &PolicySpec) -> Result<Resolved, EmbedError> {
    let (profile, profile_note) = match &spec.kafka_version {
        Some(v) => KafkaVersion::parse_with_note(v)
            .map_err(|e| EmbedError::new(ErrorCode::BadValue, format!("kafka.version: {e}")))?,
        None => KafkaVersion::for_snapshot(snapshot.kafka_version.as_deref()),
    };
    let mut policy = Policy::new(profile);
    for (topic, configs) in &spec.overrides {
        if snapshot.topic(topic).is_none() {
            return Err(unknown_topic(topic));
        }
        for (&key, &value) in configs {
            policy.set(topic, key, value);
        }
    }
    Ok(Resolved {
        policy,
        now_ms: spec.now.unwrap_or(snapshot.captured_at_ms),
        profile,
        profile_note,
    })
}

/// Remote sizes (`RemoteLogSizeBytes`, the retention.bytes total, bytes per state).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sizes {
    pub cluster: SizeTotals,
    pub topics: Vec<TopicSizes>,
}

/// What one expiration run deletes, summed per topic and over the cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunTotals {
    pub cluster: PlanTotals,
    pub topics: Vec<TopicPlanTotals>,
}

/// The reply to `load` (and the first part of a `plan` reply).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub dataset: DatasetInfo,
    /// The version profile the numbers are computed with, e.g. `3.8.1-3.9.0`.
    pub profile: KafkaVersion,
    pub profile_note: Option<String>,
    /// Epoch ms of the expiration run.
    pub now_ms: i64,
    pub sizes: Sizes,
    /// The run under the snapshot's own topic configs.
    pub current: RunTotals,
}

fn run_totals(snapshot: &Snapshot, policy: &Policy, now_ms: i64) -> RunTotals {
    let s = PlanIndex::summary_by_topic(snapshot, policy, now_ms);
    RunTotals {
        cluster: s.totals,
        topics: s.topics,
    }
}

/// Sizes and the current run of `snapshot` under `resolved`'s profile and time.
pub fn summary(snapshot: &Snapshot, dataset: DatasetInfo, resolved: &Resolved) -> Summary {
    let report = sizes(snapshot, resolved.profile);
    Summary {
        dataset,
        profile: resolved.profile,
        profile_note: resolved.profile_note.clone(),
        now_ms: resolved.now_ms,
        sizes: Sizes {
            cluster: report.cluster,
            topics: report.topics,
        },
        current: run_totals(snapshot, &Policy::new(resolved.profile), resolved.now_ms),
    }
}

/// The reply to `plan`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanResult {
    #[serde(flatten)]
    pub summary: Summary,
    /// The overrides evaluated: topic → config → value.
    pub overrides: BTreeMap<String, BTreeMap<&'static str, i64>>,
    /// The run under the proposed policy.
    pub proposed: RunTotals,
    /// Per partition under the proposed policy (those of `topics` when the request named
    /// some): effective configs, sizes before and after, `logStartOffsetBefore` /
    /// `logStartOffsetAfter`, `bytesFreed`, `deletions` (unless `deletions: false`), the local
    /// tier's plan.
    pub partitions: Vec<PartitionPlan>,
    /// Whether the page now shows this policy (set by the app; see `apply`).
    pub applied: bool,
}

/// Evaluates a `plan` request on `snapshot`.
pub fn plan_result(
    snapshot: &Snapshot,
    dataset: DatasetInfo,
    req: &PlanRequest,
) -> Result<PlanResult, EmbedError> {
    let resolved = resolve(snapshot, &req.policy)?;
    if let Some(topics) = &req.topics {
        if let Some(t) = topics.iter().find(|t| snapshot.topic(t).is_none()) {
            return Err(unknown_topic(t));
        }
    }
    let summary = summary(snapshot, dataset, &resolved);
    let (policy, now) = (&resolved.policy, resolved.now_ms);
    let (proposed, mut partitions) = match &req.topics {
        None => {
            let plan = PlanIndex::plan_by_topic(snapshot, policy, now);
            (
                RunTotals {
                    cluster: plan.totals,
                    topics: plan.topics,
                },
                plan.partitions,
            )
        }
        Some(topics) => {
            let proposed = if policy.overrides.is_empty() {
                summary.current.clone()
            } else {
                run_totals(snapshot, policy, now)
            };
            let ix =
                PlanIndex::build_topics(snapshot, resolved.profile, |t| topics.contains(&t.name));
            (proposed, ix.plan(policy, now).partitions)
        }
    };
    if !req.deletions {
        for p in &mut partitions {
            p.deletions = Vec::new();
        }
    }
    let overrides = policy
        .overrides
        .iter()
        .map(|(t, c)| (t.clone(), c.iter().map(|(k, v)| (k.as_str(), *v)).collect()))
        .collect();
    Ok(PlanResult {
        summary,
        overrides,
        proposed,
        partitions,
        applied: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::PolicySpec;
    use tierlens_core::ConfigKey;

    fn demo() -> Snapshot {
        tierlens_core::demo::demo_snapshot()
    }

    fn req(policy: PolicySpec) -> PlanRequest {
        PlanRequest {
            policy,
            apply: false,
            topics: None,
            deletions: true,
        }
    }

    #[test]
    fn a_plan_reply_matches_the_engine() {
        let s = demo();
        let topic = s.topics[0].name.clone();
        let mut spec = PolicySpec::default();
        spec.overrides
            .entry(topic.clone())
            .or_default()
            .insert(ConfigKey::RetentionMs, 86_400_000);
        let r = plan_result(&s, dataset_info(&s, "demo", 0), &req(spec.clone())).unwrap();
        let (profile, _) = KafkaVersion::for_snapshot(s.kafka_version.as_deref());
        let policy = Policy::new(profile).with(&topic, ConfigKey::RetentionMs, 86_400_000);
        let expected = tierlens_core::retention::reference::plan(&s, &policy, s.captured_at_ms);
        assert_eq!(r.partitions, expected.partitions);
        assert_eq!(r.proposed.cluster, expected.totals);
        let current =
            tierlens_core::retention::reference::plan(&s, &Policy::new(profile), s.captured_at_ms);
        assert_eq!(r.summary.current.cluster, current.totals);
        assert_eq!(r.summary.sizes.cluster, sizes(&s, profile).cluster);
        assert_eq!(r.overrides[&topic]["retention.ms"], 86_400_000);
        assert_eq!(r.summary.dataset.segments, s.segment_count());
        assert_eq!(r.summary.now_ms, s.captured_at_ms);

        // One topic's partitions, without deletion lists: same numbers, same cluster totals.
        let r2 = plan_result(
            &s,
            dataset_info(&s, "demo", 0),
            &PlanRequest {
                topics: Some(vec![topic.clone()]),
                deletions: false,
                ..req(spec)
            },
        )
        .unwrap();
        assert_eq!(r2.proposed.cluster, expected.totals);
        let mine: Vec<_> = expected
            .partitions
            .iter()
            .filter(|p| p.topic == topic)
            .collect();
        assert_eq!(r2.partitions.len(), mine.len());
        assert!(r2.partitions.iter().all(|p| p.deletions.is_empty()));
        assert_eq!(
            r2.partitions
                .iter()
                .map(|p| p.log_start_offset_after)
                .collect::<Vec<_>>(),
            mine.iter()
                .map(|p| p.log_start_offset_after)
                .collect::<Vec<_>>()
        );
        // The reply's JSON names things as documented.
        let v = serde_json::to_value(&r2).unwrap();
        for key in [
            "dataset",
            "profile",
            "nowMs",
            "sizes",
            "current",
            "proposed",
            "overrides",
            "partitions",
            "applied",
        ] {
            assert!(v.get(key).is_some(), "{key} in {v}");
        }
        assert!(v["partitions"][0].get("logStartOffsetAfter").is_some());
        assert!(v["sizes"]["cluster"].get("remoteLogSizeBytes").is_some());
    }

    #[test]
    fn version_and_now_are_honoured() {
        let s = demo();
        let spec = PolicySpec {
            kafka_version: Some("3.8.1-3.9.0".into()),
            now: Some(s.captured_at_ms + 7 * 86_400_000),
            ..PolicySpec::default()
        };
        let r = plan_result(&s, dataset_info(&s, "demo", 0), &req(spec)).unwrap();
        let policy = Policy::new(KafkaVersion::V3_8_1To3_9);
        let expected = tierlens_core::retention::reference::plan(
            &s,
            &policy,
            s.captured_at_ms + 7 * 86_400_000,
        );
        assert_eq!(r.proposed.cluster, expected.totals);
        assert_eq!(r.summary.profile, KafkaVersion::V3_8_1To3_9);
    }

    #[test]
    fn unknown_topics_are_refused() {
        let s = demo();
        let mut spec = PolicySpec::default();
        spec.overrides
            .entry("nope".into())
            .or_default()
            .insert(ConfigKey::RetentionMs, 1);
        let e = plan_result(&s, dataset_info(&s, "demo", 0), &req(spec)).unwrap_err();
        assert_eq!(e.code, ErrorCode::UnknownTopic);
        assert!(e.message.contains("\"nope\""));
        let e = plan_result(
            &s,
            dataset_info(&s, "demo", 0),
            &PlanRequest {
                topics: Some(vec!["nope2".into()]),
                ..req(PolicySpec::default())
            },
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::UnknownTopic);
    }
}
