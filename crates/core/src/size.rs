//! Remote log sizes: the three numbers Kafka has (kafka-semantics.md §2, kafka-reference.md §1.6
//! and §6), per partition, topic and cluster.
//!
//! - `remoteLogSizeBytes` / `remoteLogMetadataCount`: what the `RemoteLogSizeBytes` and
//!   `RemoteLogMetadataCount` metrics read (every listed segment in the profile's metric states,
//!   no lineage check).
//! - `retentionRemoteBytes`: what `retention.bytes` compares against on the remote side
//!   (distinct segments within the leader-epoch lineage, in the profile's states);
//!   `retentionSizeBytes` adds the local bytes not yet uploaded (`onlyLocalSizeBytes`).
//! - [`rlmm_remote_log_size`]: the RLMM's `remoteLogSize(tp, epoch)` (KIP-852), which Kafka
//!   itself does not call.
//!
//! "Listed" means what `RemoteLogMetadataManager.listRemoteLogSegments` returns: every segment
//! except `DELETE_SEGMENT_FINISHED` ones (which the default RLMM drops from its cache).

use crate::lineage::epochs_within_lineage;
use crate::model::{filter_empty_epochs, LineageSource, Partition, SegmentState, Snapshot};
use crate::profile::{KafkaVersion, Rules};
use serde::Serialize;

/// Bytes and number of segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BytesCount {
    pub bytes: i64,
    pub count: u64,
}

impl BytesCount {
    fn add(&mut self, bytes: i64) {
        self.bytes = self.bytes.saturating_add(bytes);
        self.count += 1;
    }
    fn merge(&mut self, o: &BytesCount) {
        self.bytes = self.bytes.saturating_add(o.bytes);
        self.count += o.count;
    }
}

/// Segments per state, as present in the snapshot (`DELETE_SEGMENT_FINISHED` included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ByState {
    pub copy_segment_started: BytesCount,
    pub copy_segment_finished: BytesCount,
    pub delete_segment_started: BytesCount,
    pub delete_segment_finished: BytesCount,
}

impl ByState {
    pub fn get(&self, s: SegmentState) -> &BytesCount {
        match s {
            SegmentState::CopySegmentStarted => &self.copy_segment_started,
            SegmentState::CopySegmentFinished => &self.copy_segment_finished,
            SegmentState::DeleteSegmentStarted => &self.delete_segment_started,
            SegmentState::DeleteSegmentFinished => &self.delete_segment_finished,
        }
    }
    fn get_mut(&mut self, s: SegmentState) -> &mut BytesCount {
        match s {
            SegmentState::CopySegmentStarted => &mut self.copy_segment_started,
            SegmentState::CopySegmentFinished => &mut self.copy_segment_finished,
            SegmentState::DeleteSegmentStarted => &mut self.delete_segment_started,
            SegmentState::DeleteSegmentFinished => &mut self.delete_segment_finished,
        }
    }
    fn merge(&mut self, o: &ByState) {
        for s in SegmentState::ALL {
            self.get_mut(s).merge(o.get(s));
        }
    }
}

/// The size numbers of one partition, or their sums over a topic or the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SizeTotals {
    /// `RemoteLogSizeBytes`: listed segments in the profile's metric states.
    pub remote_log_size_bytes: i64,
    /// `RemoteLogMetadataCount`: listed segments, any state.
    pub remote_log_metadata_count: u64,
    /// Remote part of the retention.bytes total: distinct segments within the leader-epoch
    /// lineage, in the profile's retention states.
    pub retention_remote_bytes: i64,
    /// Listed segments in the retention states that fail the lineage check: neither counted
    /// nor deleted by time/size retention ("leaked").
    pub outside_lineage: BytesCount,
    /// `onlyLocalLogSegmentsSize` (0 when the snapshot lacks it).
    pub only_local_bytes: i64,
    /// What retention.bytes is compared with: `onlyLocalBytes + retentionRemoteBytes`.
    pub retention_size_bytes: i64,
    pub by_state: ByState,
}

impl SizeTotals {
    fn merge(&mut self, o: &SizeTotals) {
        self.remote_log_size_bytes = self
            .remote_log_size_bytes
            .saturating_add(o.remote_log_size_bytes);
        self.remote_log_metadata_count += o.remote_log_metadata_count;
        self.retention_remote_bytes = self
            .retention_remote_bytes
            .saturating_add(o.retention_remote_bytes);
        self.outside_lineage.merge(&o.outside_lineage);
        self.only_local_bytes = self.only_local_bytes.saturating_add(o.only_local_bytes);
        self.retention_size_bytes = self
            .retention_size_bytes
            .saturating_add(o.retention_size_bytes);
        self.by_state.merge(&o.by_state);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PartitionSizes {
    pub topic: String,
    pub partition: i32,
    pub lineage_source: LineageSource,
    /// Whether the snapshot carried `onlyLocalSizeBytes` (else 0 was used).
    pub only_local_known: bool,
    #[serde(flatten)]
    pub sizes: SizeTotals,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicSizes {
    pub topic: String,
    pub partitions: usize,
    #[serde(flatten)]
    pub sizes: SizeTotals,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SizeReport {
    pub profile: KafkaVersion,
    pub rules: Rules,
    /// False when some releases of the profile have no `RemoteLogSizeBytes` metric (3.6.x).
    pub metric_in_all_releases: bool,
    pub partitions: Vec<PartitionSizes>,
    pub topics: Vec<TopicSizes>,
    pub cluster: SizeTotals,
}

/// The size numbers of one partition under `rules`.
pub fn partition_sizes(p: &Partition, rules: &Rules) -> SizeTotals {
    let (lineage_raw, _) = p.lineage();
    let lineage = filter_empty_epochs(&lineage_raw);
    let leo = p.log_end_offset_or_inferred();
    let only_local = p.only_local_size_bytes.unwrap_or(0);
    let mut t = SizeTotals {
        only_local_bytes: only_local,
        ..SizeTotals::default()
    };
    for s in &p.segments {
        t.by_state.get_mut(s.state).add(s.size_bytes);
        if s.state == SegmentState::DeleteSegmentFinished {
            continue;
        }
        t.remote_log_metadata_count += 1;
        if rules.metric_states.contains(s.state) {
            t.remote_log_size_bytes = t.remote_log_size_bytes.saturating_add(s.size_bytes);
        }
        if rules.retention_size_states.contains(s.state) {
            // Only segments listed under a lineage epoch are seen by buildRetentionSizeData; a
            // segment that passes the lineage check always has one, so the check suffices.
            if epochs_within_lineage(
                s.segment_leader_epochs,
                s.end_offset,
                leo,
                &lineage,
                rules.lineage_check,
            ) {
                t.retention_remote_bytes = t.retention_remote_bytes.saturating_add(s.size_bytes);
            } else {
                t.outside_lineage.add(s.size_bytes);
            }
        }
    }
    t.retention_size_bytes = only_local.saturating_add(t.retention_remote_bytes);
    t
}

/// Sizes of every partition of `snapshot` under `profile`, with topic and cluster roll-ups.
pub fn sizes(snapshot: &Snapshot, profile: KafkaVersion) -> SizeReport {
    let rules = profile.rules();
    let mut partitions = Vec::with_capacity(snapshot.partition_count());
    let mut topics = Vec::with_capacity(snapshot.topics.len());
    let mut cluster = SizeTotals::default();
    for topic in &snapshot.topics {
        let mut tt = SizeTotals::default();
        for p in &topic.partitions {
            let sizes = partition_sizes(p, &rules);
            tt.merge(&sizes);
            partitions.push(PartitionSizes {
                topic: topic.name.clone(),
                partition: p.partition,
                lineage_source: p.lineage().1,
                only_local_known: p.only_local_size_bytes.is_some(),
                sizes,
            });
        }
        cluster.merge(&tt);
        topics.push(TopicSizes {
            topic: topic.name.clone(),
            partitions: topic.partitions.len(),
            sizes: tt,
        });
    }
    SizeReport {
        profile,
        rules,
        metric_in_all_releases: rules.metric_in_all_releases,
        partitions,
        topics,
        cluster,
    }
}

/// `TopicBasedRemoteLogMetadataManager.remoteLogSize(tp, epoch)` (KIP-852): the sum of
/// `segmentSizeInBytes` over every listed segment whose epoch map contains `epoch`, whatever its
/// state and lineage. 0 for an unknown epoch. Summing it over epochs double-counts segments that
/// span several epochs; Kafka's own retention never calls it.
pub fn rlmm_remote_log_size(partition: &Partition, epoch: i32) -> i64 {
    partition
        .segments
        .iter()
        .filter(|s| s.state != SegmentState::DeleteSegmentFinished)
        .filter(|s| s.segment_leader_epochs.iter().any(|&(e, _)| e == epoch))
        .fold(0i64, |acc, s| acc.saturating_add(s.size_bytes))
}
