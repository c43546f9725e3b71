//! Deterministic synthetic snapshots for benchmarks and demos (no randomness crate: a small
//! xorshift generator seeded by the caller).

use crate::model::{
    Partition, Segment, SegmentState, Snapshot, SnapshotSource, Topic, TopicConfig,
};

/// Shape of a synthetic cluster.
#[derive(Debug, Clone, Copy)]
pub struct SynthSpec {
    pub topics: usize,
    pub partitions_per_topic: usize,
    pub segments_per_partition: usize,
    pub seed: u64,
    /// The capture instant; segments span the `segments_per_partition` hours before it.
    pub now_ms: i64,
}

impl Default for SynthSpec {
    fn default() -> Self {
        SynthSpec {
            topics: 100,
            partitions_per_topic: 100,
            segments_per_partition: 100,
            seed: 42,
            now_ms: 1_700_000_000_000,
        }
    }
}

impl SynthSpec {
    /// The default spec, or `TOPICS PARTITIONS_PER_TOPIC SEGMENTS_PER_PARTITION` when `args`
    /// holds those three numbers (the examples' command lines).
    pub fn from_args(args: &[String]) -> SynthSpec {
        let mut spec = SynthSpec::default();
        let numbers: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
        if let [t, p, s] = numbers[..] {
            spec.topics = t;
            spec.partitions_per_topic = p;
            spec.segments_per_partition = s;
        }
        spec
    }
}

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A random 16-byte id printed as Kafka prints a `Uuid`: unpadded base64url.
fn fake_uuid(rng: &mut XorShift) -> String {
    use base64::Engine;
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&rng.next().to_le_bytes());
    bytes[8..].copy_from_slice(&rng.next().to_le_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A snapshot of `topics × partitions_per_topic` partitions with `segments_per_partition`
/// segments each: one segment per hour of ~1 GiB, a leader change every ~40 segments (some
/// segments span two epochs), a few dangling uploads and retried deletes, the newest segment
/// being uploaded, and local-tier data. The same spec always gives the same snapshot.
pub fn snapshot(spec: &SynthSpec) -> Snapshot {
    let mut rng = XorShift(spec.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let hour = 3_600_000i64;
    let mut topics = Vec::with_capacity(spec.topics);
    for t in 0..spec.topics {
        let config = TopicConfig {
            retention_ms: 7 * 24 * hour,
            retention_bytes: if t % 3 == 0 { 50 << 30 } else { -1 },
            local_retention_ms: if t % 2 == 0 { 6 * hour } else { -2 },
            local_retention_bytes: -2,
            ..TopicConfig::default()
        };
        let mut partitions = Vec::with_capacity(spec.partitions_per_topic);
        for p in 0..spec.partitions_per_topic {
            let n = spec.segments_per_partition;
            let mut segments = Vec::with_capacity(n);
            let mut epoch = 0i32;
            let mut epochs = vec![(0i32, 0i64)];
            let mut offset = 0i64;
            for i in 0..n {
                let records = 50_000 + rng.below(10_000) as i64;
                let start = offset;
                let end = offset + records - 1;
                let mut seg_epochs = vec![(epoch, start)];
                if rng.below(40) == 0 && i + 1 < n {
                    // A leader change inside this segment.
                    epoch += 1 + rng.below(2) as i32;
                    let at = start + records / 2;
                    epochs.push((epoch, at));
                    seg_epochs.push((epoch, at));
                }
                let state = if i + 1 == n {
                    SegmentState::CopySegmentStarted
                } else {
                    match rng.below(500) {
                        0 => SegmentState::CopySegmentStarted,
                        1 => SegmentState::DeleteSegmentStarted,
                        _ => SegmentState::CopySegmentFinished,
                    }
                };
                let age_hours = (n - i) as i64;
                segments.push(Segment {
                    id: fake_uuid(&mut rng),
                    start_offset: start,
                    end_offset: end,
                    max_timestamp_ms: spec.now_ms - age_hours * hour + rng.below(600_000) as i64,
                    event_timestamp_ms: Some(spec.now_ms - age_hours * hour + 700_000),
                    size_bytes: (1 << 30) - rng.below(1 << 20) as i64,
                    segment_leader_epochs: seg_epochs,
                    state,
                    broker_id: Some((p % 3) as i32),
                    copy_in_progress: None,
                });
                offset = end + 1;
            }
            let local_from = segments
                .len()
                .saturating_sub(8)
                .min(segments.len().saturating_sub(1));
            let local_lso = segments.get(local_from).map_or(0, |s| s.start_offset);
            partitions.push(Partition {
                partition: p as i32,
                log_start_offset: Some(0),
                log_end_offset: Some(offset + 1000),
                local_log_start_offset: Some(local_lso),
                local_size_bytes: Some(9 << 30),
                only_local_size_bytes: Some(1 << 30),
                leader_epochs: Some(epochs),
                segments: segments.into(),
            });
        }
        topics.push(Topic {
            name: format!("topic-{t:04}"),
            topic_id: None,
            config,
            partitions,
        });
    }
    Snapshot {
        cluster: Some("synthetic".to_string()),
        kafka_version: None,
        captured_at_ms: spec.now_ms,
        source: SnapshotSource::SnapshotJson,
        topics,
    }
}

/// `YYYY-MM-DD HH:MM:SS` (UTC) of epoch milliseconds, as `aws s3 ls` prints its times.
fn s3_ls_time(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// What [`bucket_listing`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListingCounts {
    pub objects: u64,
    /// Objects left out (each leaves its segment missing).
    pub left_out: u64,
    /// Objects no segment has.
    pub orphans: u64,
}

/// The `aws s3 ls --recursive` listing Aiven's plugin (prefix `tiered/`) would hold for
/// `snapshot`, with leaks planted: every 10,000th object (counting from 5,000) left out, and
/// an orphan (a day old, 1 MiB, in the same directory) after every 10,000th. For the leak
/// finder's benchmarks and browser tests.
pub fn bucket_listing(
    snapshot: &Snapshot,
    out: &mut impl std::io::Write,
) -> std::io::Result<ListingCounts> {
    use crate::leaks::layout::{uuid_to_base64, Layout};
    use crate::leaks::reconcile::{listing_from_snapshot, ObjectSource};
    let listing = listing_from_snapshot(snapshot, Layout::Aiven, "tiered/");
    let mut c = ListingCounts {
        objects: 0,
        left_out: 0,
        orphans: 0,
    };
    let now = snapshot.captured_at_ms;
    for i in 0..listing.object_count() {
        let o = listing.object(i);
        if i % 10_000 == 5_000 {
            c.left_out += 1;
            continue;
        }
        let key = listing.key(i);
        let when = s3_ls_time(o.last_modified_ms.unwrap_or(now));
        writeln!(out, "{when} {:>10} {key}", o.size_bytes)?;
        c.objects += 1;
        if i % 10_000 == 0 {
            let dir = key.rsplit_once('/').map_or("", |(d, _)| d);
            let mut id = [0u8; 16];
            id[..8].copy_from_slice(&(i as u64).to_le_bytes());
            id[8..].copy_from_slice(b"orphan!!");
            writeln!(
                out,
                "{} {:>10} {dir}/00000000000000000000-{}.log",
                s3_ls_time(now - 86_400_000),
                1 << 20,
                uuid_to_base64(&id)
            )?;
            c.objects += 1;
            c.orphans += 1;
        }
    }
    Ok(c)
}

/// The `__remote_log_metadata` records a broker would have written for `snapshot`'s segments,
/// in order: each segment's `RemoteLogSegmentMetadata` (COPY_SEGMENT_STARTED), then an update
/// to COPY_SEGMENT_FINISHED and, for a segment being deleted, to DELETE_SEGMENT_STARTED.
/// Replayed, they give the snapshot's segments back (for seeding a test broker and the
/// collector's tests). Ids that are not Kafka uuids, and sizes above `i32::MAX` (the record's
/// `segmentSizeInBytes` is an int32), are skipped.
pub fn metadata_records(snapshot: &Snapshot) -> Vec<crate::ingest::metadata_serde::MetadataRecord> {
    use crate::ingest::metadata_serde::{MetadataRecord, SegmentFields, TopicIdPartition};
    use crate::leaks::layout::uuid_from_base64;
    use crate::model::SegmentId;
    let mut out = Vec::new();
    for topic in &snapshot.topics {
        let topic_id = topic
            .topic_id
            .as_deref()
            .and_then(uuid_from_base64)
            .unwrap_or([7; 16]);
        for p in &topic.partitions {
            let partition = TopicIdPartition {
                topic: topic.name.clone(),
                topic_id,
                partition: p.partition,
            };
            for s in p.segments.iter() {
                let (SegmentId::Uuid(id), Ok(size)) = (s.id, i32::try_from(s.size_bytes)) else {
                    continue;
                };
                let broker_id = s.broker_id.unwrap_or(0);
                let event = s.event_timestamp_ms.unwrap_or(s.max_timestamp_ms);
                out.push(MetadataRecord::Segment {
                    partition: partition.clone(),
                    id,
                    fields: SegmentFields {
                        start_offset: s.start_offset,
                        end_offset: s.end_offset,
                        broker_id,
                        max_timestamp_ms: s.max_timestamp_ms,
                        event_timestamp_ms: event,
                        segment_leader_epochs: s.segment_leader_epochs.to_vec(),
                        segment_size_in_bytes: size,
                        custom_metadata: None,
                        state: SegmentState::CopySegmentStarted,
                        txn_index_empty: None,
                        broker_leader_epoch: None,
                    },
                });
                let later: &[SegmentState] = match s.state {
                    SegmentState::CopySegmentStarted => &[],
                    SegmentState::CopySegmentFinished => &[SegmentState::CopySegmentFinished],
                    SegmentState::DeleteSegmentStarted => &[
                        SegmentState::CopySegmentFinished,
                        SegmentState::DeleteSegmentStarted,
                    ],
                    SegmentState::DeleteSegmentFinished => &[
                        SegmentState::CopySegmentFinished,
                        SegmentState::DeleteSegmentStarted,
                        SegmentState::DeleteSegmentFinished,
                    ],
                };
                for &state in later {
                    out.push(MetadataRecord::Update {
                        partition: partition.clone(),
                        id,
                        broker_id,
                        event_timestamp_ms: event,
                        custom_metadata: None,
                        state,
                        broker_leader_epoch: None,
                        end_offset: None,
                    });
                }
            }
        }
    }
    out
}
