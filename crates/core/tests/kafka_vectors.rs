//! Every vector of kafka-test-vectors.json (a copy is committed in tests/data so a clean clone
//! can run it), for every profile each vector lists.

use serde_json::Value;
use std::collections::BTreeMap;
use tierlens_core::lineage::epochs_within_lineage;
use tierlens_core::model::*;
use tierlens_core::profile::{KafkaVersion, LineageCheck};
use tierlens_core::retention::local::{local_retention, LocalLog, LocalSegment};
use tierlens_core::retention::{reference, PlanIndex, Policy};
use tierlens_core::size::{rlmm_remote_log_size, sizes};

fn vectors() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/kafka-test-vectors.json"
    );
    let text = std::fs::read_to_string(path).expect("vectors file");
    serde_json::from_str::<Vec<Value>>(&text).expect("vectors JSON")
}

fn i(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not an integer: {v}"))
}

/// `{"epoch": offset}` → ascending epoch map.
fn epoch_map(v: &Value) -> EpochMap {
    let mut m: Vec<(i32, i64)> = v
        .as_object()
        .expect("epoch map")
        .iter()
        .map(|(k, o)| (k.parse::<i32>().expect("epoch"), i(o)))
        .collect();
    m.sort();
    m
}

fn segment(v: &Value, copy_in_progress: Option<bool>) -> Segment {
    Segment {
        id: v["id"].as_str().unwrap().to_string(),
        start_offset: i(&v["startOffset"]),
        end_offset: i(&v["endOffset"]),
        max_timestamp_ms: v.get("maxTimestampMs").map_or(0, i),
        event_timestamp_ms: None,
        size_bytes: v.get("sizeBytes").map_or(0, i),
        segment_leader_epochs: epoch_map(&v["leaderEpochs"]),
        state: v
            .get("state")
            .and_then(Value::as_str)
            .unwrap_or("COPY_SEGMENT_FINISHED")
            .parse()
            .unwrap(),
        broker_id: None,
        copy_in_progress,
    }
}

fn profile_of(label: &str) -> KafkaVersion {
    label
        .parse()
        .unwrap_or_else(|e| panic!("profile {label}: {e}"))
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

/// The vector as a snapshot. `presume`: leave `copyInProgress` unset so that tierlens presumes
/// which upload is in flight; otherwise mark the ids in `beingCopiedSegmentIds` (none when
/// absent: the Kafka test had no upload in flight) as in flight and every other
/// `COPY_SEGMENT_STARTED` segment as not.
fn cleanup_snapshot(v: &Value, presume: bool) -> Snapshot {
    let being_copied: Vec<String> = v.get("beingCopiedSegmentIds").map(ids).unwrap_or_default();
    let segments = v["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let listed = being_copied.iter().any(|id| s["id"] == id.as_str());
            let copying = s["state"] == "COPY_SEGMENT_STARTED";
            let cip = if presume && !listed {
                None
            } else {
                (copying || listed).then_some(listed)
            };
            segment(s, cip)
        })
        .collect();
    Snapshot {
        cluster: None,
        kafka_version: None,
        captured_at_ms: i(&v["nowMs"]),
        source: SnapshotSource::SnapshotJson,
        topics: vec![Topic {
            name: "t".into(),
            topic_id: None,
            config: TopicConfig {
                retention_ms: i(&v["config"]["retentionMs"]),
                retention_bytes: i(&v["config"]["retentionBytes"]),
                ..TopicConfig::default()
            },
            partitions: vec![Partition {
                partition: 0,
                log_start_offset: Some(i(&v["logStartOffset"])),
                log_end_offset: Some(i(&v["logEndOffset"])),
                local_log_start_offset: None,
                local_size_bytes: None,
                only_local_size_bytes: Some(i(&v["localOnlySizeBytes"])),
                leader_epochs: Some(epoch_map(&v["leaderEpochs"])),
                segments,
            }],
        }],
    }
}

fn run_remote_cleanup(v: &Value) -> usize {
    let name = v["name"].as_str().unwrap();
    let snap = cleanup_snapshot(v, false);
    // tierlens's in-flight presumption (newest upload) must give the same answers.
    let presumed = cleanup_snapshot(v, true);
    let now = i(&v["nowMs"]);
    let by_profile = v["expectedByProfile"].as_object().unwrap();
    assert!(!by_profile.is_empty(), "{name}: no profile");
    // The top-level expectation is the 4.3+ one.
    assert_eq!(
        by_profile["4.3+"]["deletedSegmentIds"], v["expectedDeletedSegmentIds"],
        "{name}: top-level expectation is not the 4.3+ one"
    );
    let mut checked = 0;
    for (label, want) in by_profile {
        let profile = profile_of(label);
        let policy = Policy::new(profile);
        let plan = reference::plan(&snap, &policy, now);
        let fast = PlanIndex::build(&snap, profile).plan(&policy, now);
        assert_eq!(fast, plan, "{name} [{label}]: index differs from reference");
        assert_eq!(
            fast.summary(),
            PlanIndex::build(&snap, profile).summary(&policy, now),
            "{name} [{label}]: summary"
        );
        assert_eq!(
            reference::plan(&presumed, &policy, now),
            plan,
            "{name} [{label}]: presuming the upload in flight changes the outcome"
        );
        let p = &plan.partitions[0];
        let got: Vec<String> = p.deletions.iter().map(|d| d.id.clone()).collect();
        assert_eq!(
            got,
            ids(&want["deletedSegmentIds"]),
            "{name} [{label}]: deleted ids"
        );
        assert_eq!(
            p.log_start_offset_after,
            i(&want["logStartOffset"]),
            "{name} [{label}]: log start offset"
        );
        assert_eq!(
            p.error.is_some(),
            !want["error"].is_null(),
            "{name} [{label}]: error {:?} vs {}",
            p.error,
            want["error"]
        );
        if label == "4.3+" {
            assert_eq!(
                p.log_start_offset_after,
                i(&v["expectedLogStartOffset"]),
                "{name}"
            );
        }
        check_metrics(
            v,
            &snap,
            profile,
            p.remote_log_size_bytes,
            p.remote_log_metadata_count,
        );
        checked += 1;
    }
    checked
}

fn check_metrics(
    v: &Value,
    snap: &Snapshot,
    profile: KafkaVersion,
    plan_metric: i64,
    plan_count: u64,
) {
    let name = v["name"].as_str().unwrap();
    let m = &v["expectedMetrics"];
    // The vectors' mocks list DELETE_SEGMENT_FINISHED entries; Kafka's TopicBasedRLMM never
    // returns them (kafka-reference.md §1.5), and tierlens models the real RLMM. So the
    // metrics computed over a mock listing exceed tierlens's by exactly those entries in the
    // profiles whose metric counts every listed state.
    let finished: Vec<&Value> = v["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["state"] == "DELETE_SEGMENT_FINISHED")
        .collect();
    let finished_bytes: i64 = finished.iter().map(|s| i(&s["sizeBytes"])).sum();
    let key = if profile == KafkaVersion::V4_3Plus {
        "4.3+"
    } else {
        "3.7.0-4.2"
    };
    let mut want_bytes = i(&m["RemoteLogSizeBytes"][key]);
    if key == "3.7.0-4.2" {
        want_bytes -= finished_bytes;
    }
    let want_count = i(&m["RemoteLogMetadataCount"]) as u64 - finished.len() as u64;
    let report = sizes(snap, profile);
    assert_eq!(
        report.cluster.remote_log_size_bytes, want_bytes,
        "{name} [{profile}]: RemoteLogSizeBytes (mock DELETE_SEGMENT_FINISHED entries excluded)"
    );
    assert_eq!(plan_metric, want_bytes, "{name} [{profile}]: plan metric");
    assert_eq!(report.cluster.remote_log_metadata_count, want_count, "{name} [{profile}]: RemoteLogMetadataCount (mock DELETE_SEGMENT_FINISHED entries excluded)");
    assert_eq!(plan_count, want_count, "{name} [{profile}]: plan count");
}

fn run_lineage_check(v: &Value) -> usize {
    let name = v["name"].as_str().unwrap();
    let lineage = epoch_map(&v["leaderEpochs"]);
    assert_eq!(
        filter_empty_epochs(&lineage),
        lineage,
        "{name}: vector lineage is filtered"
    );
    let leo = i(&v["logEndOffset"]);
    let mut n = 0;
    for c in v["cases"].as_array().unwrap() {
        let seg = segment(&c["segment"], None);
        for (key, form) in [
            ("3.7.1+", LineageCheck::New),
            ("3.6.x-3.7.0", LineageCheck::Old),
        ] {
            let want = c["expectedValid"][key].as_bool().unwrap();
            let got = epochs_within_lineage(
                &seg.segment_leader_epochs,
                seg.end_offset,
                leo,
                &lineage,
                form,
            );
            assert_eq!(got, want, "{name}: {} [{key}]", seg.id);
            // The same through the profile-level API.
            let profile = if form == LineageCheck::New {
                KafkaVersion::V3_7_1
            } else {
                KafkaVersion::V3_6_1To3_7_0
            };
            assert_eq!(
                tierlens_core::lineage::is_within_leader_epochs(
                    &seg,
                    leo,
                    &lineage,
                    &profile.rules()
                ),
                want
            );
            n += 1;
        }
    }
    assert!(n > 0);
    1
}

fn run_filter_epochs(v: &Value) -> usize {
    assert_eq!(
        filter_empty_epochs(&epoch_map(&v["input"])),
        epoch_map(&v["expected"])
    );
    1
}

fn run_rlmm_size(v: &Value) -> usize {
    let name = v["name"].as_str().unwrap();
    let p = Partition {
        segments: v["segments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| segment(s, None))
            .collect(),
        ..Partition::default()
    };
    for q in v["queries"].as_array().unwrap() {
        let epoch = i(&q["leaderEpoch"]) as i32;
        assert_eq!(
            rlmm_remote_log_size(&p, epoch),
            i(&q["expectedBytes"]),
            "{name}: epoch {epoch}"
        );
    }
    1
}

fn run_cache_transitions(v: &Value) -> usize {
    let mut state: Option<SegmentState> =
        Some(v["initial"]["state"].as_str().unwrap().parse().unwrap());
    for (n, step) in v["steps"].as_array().unwrap().iter().enumerate() {
        let update: SegmentState = step["update"].as_str().unwrap().parse().unwrap();
        let current = state.expect("segment still listed");
        let valid = current.can_become(update);
        assert_eq!(
            valid,
            step["valid"].as_bool().unwrap(),
            "step {n}: {current} -> {update}"
        );
        if valid {
            state = Some(update);
        }
        // A DELETE_SEGMENT_FINISHED segment is dropped from the cache: no longer listed.
        let listed = state.filter(|s| *s != SegmentState::DeleteSegmentFinished);
        let want = step["stateAfter"]
            .as_str()
            .map(|s| s.parse::<SegmentState>().unwrap());
        assert_eq!(listed, want, "step {n}");
    }
    1
}

/// tierlens does not re-implement `RemoteLogLeaderEpochState` (the RLMM's per-epoch
/// referenced/unreferenced bookkeeping): Kafka's retention lists referenced and unreferenced
/// segments alike (`listRemoteLogSegments(epoch)` returns both), so a snapshot only needs the
/// listing itself. What tierlens relies on is asserted: every segment of the events stays
/// listed (referenced ∪ unreferenced = all of them, none dropped), the highest log offset of
/// the epoch is the largest end offset seen, and the listing is sorted by start offset.
fn run_epoch_state(v: &Value) -> usize {
    let name = v["name"].as_str().unwrap();
    let events = v["events"].as_array().unwrap();
    let mut all: Vec<String> = events
        .iter()
        .map(|e| e["segmentId"].as_str().unwrap().to_string())
        .collect();
    all.sort();
    all.dedup();
    let mut listed = ids(&v["expectedReferenced"]);
    listed.extend(ids(&v["expectedUnreferenced"]));
    listed.sort();
    assert_eq!(
        listed, all,
        "{name}: the referenced/unreferenced split does not apply to tierlens (retention lists both); \
         what applies is that no segment leaves the listing"
    );
    if let Some(h) = v.get("expectedHighestLogOffset") {
        let max_end = events
            .iter()
            .filter_map(|e| e.get("epochEndOffset"))
            .map(i)
            .max()
            .unwrap();
        assert_eq!(
            i(h),
            max_end,
            "{name}: highestLogOffset = largest epoch end offset seen"
        );
    }
    if let Some(order) = v.get("expectedListOrder") {
        // Listing order = ascending start offset (what snapshot exporters and the ingest produce).
        let mut by_start: Vec<(i64, String)> = events
            .iter()
            .map(|e| {
                let start = e
                    .get("startOffset")
                    .or_else(|| e.get("segmentStartOffset"))
                    .map(i)
                    .unwrap();
                (start, e["segmentId"].as_str().unwrap().to_string())
            })
            .collect();
        by_start.sort();
        let got: Vec<String> = by_start.into_iter().map(|(_, id)| id).collect();
        assert_eq!(
            got,
            ids(order),
            "{name}: listing order is ascending start offset"
        );
    }
    1
}

fn run_local_retention(v: &Value) -> usize {
    let name = v["name"].as_str().unwrap();
    let c = &v["config"];
    let segs: Vec<LocalSegment> = v["localSegments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| LocalSegment {
            base_offset: i(&s["baseOffset"]),
            size_bytes: i(&s["sizeBytes"]),
            largest_timestamp_ms: i(&s["largestTimestampMs"]),
        })
        .collect();
    let log = LocalLog {
        now_ms: i(&v["nowMs"]),
        log_start_offset: i(&v["logStartOffset"]),
        local_log_start_offset: i(&v["localLogStartOffset"]),
        log_end_offset: i(&v["logEndOffset"]),
        high_watermark: i(&v["highWatermark"]),
        highest_offset_in_remote_storage: i(&v["highestOffsetInRemoteStorage"]),
        config: TopicConfig {
            retention_ms: i(&c["retentionMs"]),
            retention_bytes: i(&c["retentionBytes"]),
            local_retention_ms: i(&c["localRetentionMs"]),
            local_retention_bytes: i(&c["localRetentionBytes"]),
            ..TopicConfig::default()
        },
        remote_storage_enable: c["remoteStorageEnable"].as_bool().unwrap(),
        remote_log_copy_disable: c["remoteLogCopyDisable"].as_bool().unwrap(),
        segments: &segs,
    };
    let mut checked = 0;
    for (key, want) in v["expectedByProfile"].as_object().unwrap() {
        let profiles: Vec<KafkaVersion> = match key.as_str() {
            "3.6.0-3.8.0" => vec![
                KafkaVersion::V3_6_1To3_7_0,
                KafkaVersion::V3_7_1,
                KafkaVersion::V3_8_0,
            ],
            "3.8.1+" => vec![
                KafkaVersion::V3_8_1To3_9,
                KafkaVersion::V4_0To4_2,
                KafkaVersion::V4_3Plus,
            ],
            other => panic!("{name}: unknown local profile key {other}"),
        };
        for profile in profiles {
            let o = local_retention(&log, &profile.rules());
            let want_bases: Vec<i64> = want["deletedBaseOffsets"]
                .as_array()
                .unwrap()
                .iter()
                .map(i)
                .collect();
            assert_eq!(
                o.deleted_base_offsets, want_bases,
                "{name} [{key} as {profile}]"
            );
            assert_eq!(
                o.local_log_start_offset,
                i(&want["localLogStartOffset"]),
                "{name} [{key} as {profile}]: local LSO"
            );
            assert_eq!(
                o.log_start_offset,
                i(&want["logStartOffset"]),
                "{name} [{key} as {profile}]: LSO"
            );
            checked += 1;
        }
    }
    assert_eq!(
        v["expected"], v["expectedByProfile"]["3.8.1+"],
        "{name}: top-level = 3.8.1+"
    );
    checked
}

#[test]
fn every_vector_passes_for_every_listed_profile() {
    let all = vectors();
    assert_eq!(
        all.len(),
        41,
        "kafka-test-vectors.json should hold 41 vectors"
    );
    let mut kinds = BTreeMap::<String, usize>::new();
    let mut profile_runs = 0;
    for v in &all {
        let kind = v["kind"].as_str().unwrap();
        *kinds.entry(kind.to_string()).or_default() += 1;
        profile_runs += match kind {
            "remoteCleanup" => run_remote_cleanup(v),
            "lineageCheck" => run_lineage_check(v),
            "filterEpochs" => run_filter_epochs(v),
            "rlmmRemoteLogSize" => run_rlmm_size(v),
            "cacheTransitions" => run_cache_transitions(v),
            "epochStateCopyFinished" | "epochStateListing" => run_epoch_state(v),
            "localRetention" => run_local_retention(v),
            other => panic!("unknown vector kind {other}"),
        };
    }
    let want: BTreeMap<String, usize> = [
        ("remoteCleanup", 23),
        ("localRetention", 6),
        ("epochStateCopyFinished", 4),
        ("rlmmRemoteLogSize", 3),
        ("lineageCheck", 2),
        ("filterEpochs", 1),
        ("cacheTransitions", 1),
        ("epochStateListing", 1),
    ]
    .into_iter()
    .map(|(k, n)| (k.to_string(), n))
    .collect();
    assert_eq!(kinds, want);
    assert!(profile_runs >= 41 + 23 * 2, "profile runs: {profile_runs}");
}
