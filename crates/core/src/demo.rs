//! A deterministic, realistic demo cluster (`public/demo-snapshot.json`).
//!
//! Everything comes from one splitmix64 stream with a fixed seed and only exact floating-point
//! operations (no `sin`, no platform libm), so the output is byte-for-byte the same on every
//! machine. `cargo run -p tierlens-core --example gen_demo` rewrites the JSON file; the
//! `demo_snapshot` integration test fails when the file and this generator disagree.
//!
//! What the demo holds, so every feature has something to show:
//! - five tiered topics with different retention settings (time-bound, size-bound, both,
//!   unlimited time), dozens of partitions and a few thousand segments spanning weeks;
//! - several leader epochs per partition, changing both inside segments (segments spanning two
//!   epochs) and at segment boundaries; one lineage with an empty epoch;
//! - a few segments at the head of some partitions already past `retention.ms` or beyond
//!   `retention.bytes` (the next expiration run has not happened yet);
//! - stuck `DELETE_SEGMENT_STARTED` segments at the head of some partitions;
//! - an upload in flight (`COPY_SEGMENT_STARTED`, newest segment of `clickstream-raw-5`) and a
//!   dangling failed upload retried under a new id (`orders-10`);
//! - `inventory_snapshots-2`, whose log start offset was moved by deleteRecords so its first
//!   segment breaches it;
//! - `payments.v2-4`, after an unclean leader election: its leader epoch cache starts at epoch
//!   7, three segments uploaded by the deposed leader only carry epochs 4 and 5, and one
//!   duplicate upload has an epoch map that disagrees with the lineage.

use crate::model::{
    EpochMap, Partition, Segment, SegmentState, Snapshot, SnapshotSource, Topic, TopicConfig,
};

/// The demo's cluster name.
pub const DEMO_CLUSTER: &str = "demo-eu-1";
/// The demo's capture instant (2025-11-24T16:00:00Z), fixed so the file never changes.
pub const DEMO_CAPTURED_AT_MS: i64 = 1_764_000_000_000;

const SEED: u64 = 0x7469_6572_6c65_6e73; // "tierlens"
const NOW: i64 = DEMO_CAPTURED_AT_MS;

const SEC: i64 = 1_000;
const MIN: i64 = 60 * SEC;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;
const MIB: i64 = 1 << 20;
const GIB: i64 = 1 << 30;
/// Brokers 1..=6.
const BROKERS: i64 = 6;
/// Upload throughput to the object store, bytes per millisecond (~80 MiB/s).
const UPLOAD_BYTES_PER_MS: i64 = 80 * MIB / SEC;

/// The demo cluster. Deterministic: every call returns the same snapshot.
pub fn demo_snapshot() -> Snapshot {
    let mut rng = Rng(SEED);
    let mut topics: Vec<Topic> = topic_specs()
        .iter()
        .map(|spec| {
            let topic_id = rng.uuid();
            let partitions = (0..spec.partitions)
                .map(|p| gen_partition(&mut rng, spec, p, quirks(spec.name, p)))
                .collect();
            Topic {
                name: spec.name.into(),
                topic_id: Some(topic_id),
                config: spec.config,
                partitions,
            }
        })
        .collect();
    topics.sort_by(|a, b| a.name.cmp(&b.name));
    Snapshot {
        cluster: Some(DEMO_CLUSTER.into()),
        kafka_version: None,
        captured_at_ms: NOW,
        source: SnapshotSource::SnapshotJson,
        topics,
    }
}

// ---------------------------------------------------------------------------------------------
// Randomness

/// splitmix64.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform in [lo, hi); `lo` when the range is empty.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + (self.next_u64() % (hi - lo) as u64) as i64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A Kafka `Uuid.randomUuid()` string: a version-4 UUID in unpadded base64url, never
    /// starting with `-`.
    fn uuid(&mut self) -> String {
        loop {
            let mut bytes = [0u8; 16];
            bytes[..8].copy_from_slice(&self.next_u64().to_be_bytes());
            bytes[8..].copy_from_slice(&self.next_u64().to_be_bytes());
            bytes[6] = (bytes[6] & 0x0f) | 0x40;
            bytes[8] = (bytes[8] & 0x3f) | 0x80;
            let s = base64url(&bytes);
            if !s.starts_with('-') {
                return s;
            }
        }
    }

    fn broker_other_than(&mut self, not: i32) -> i32 {
        loop {
            let b = self.range(1, BROKERS + 1) as i32;
            if b != not {
                return b;
            }
        }
    }
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Topics

struct TopicSpec {
    name: &'static str,
    partitions: i32,
    config: TopicConfig,
    /// `segment.ms`, when it rolls segments before `segment.bytes` does.
    roll_ms: Option<i64>,
    /// Average produce rate of one partition.
    bytes_per_hour: f64,
    /// Average bytes per offset (batched, compressed).
    bytes_per_record: i64,
}

fn topic_specs() -> Vec<TopicSpec> {
    let config =
        |retention_ms, retention_bytes, local_ms, local_bytes, segment_bytes| TopicConfig {
            retention_ms,
            retention_bytes,
            local_retention_ms: local_ms,
            local_retention_bytes: local_bytes,
            segment_bytes,
        };
    vec![
        TopicSpec {
            name: "orders",
            partitions: 12,
            config: config(7 * DAY, -1, DAY, -2, 256 * MIB),
            roll_ms: None,
            bytes_per_hour: (256 * MIB) as f64,
            bytes_per_record: 1_100,
        },
        TopicSpec {
            name: "payments.v2",
            partitions: 6,
            config: config(3 * DAY, 2 * GIB, -2, -2, 128 * MIB),
            roll_ms: None,
            bytes_per_hour: (30 * MIB) as f64,
            bytes_per_record: 700,
        },
        TopicSpec {
            name: "clickstream-raw",
            partitions: 16,
            config: config(DAY, 20 * GIB, -2, 4 * GIB, GIB),
            roll_ms: None,
            bytes_per_hour: (870 * MIB) as f64,
            bytes_per_record: 1_800,
        },
        TopicSpec {
            name: "audit.log",
            partitions: 4,
            config: config(30 * DAY, -1, 2 * DAY, -2, 64 * MIB),
            roll_ms: Some(4 * HOUR),
            bytes_per_hour: (12 * MIB) as f64,
            bytes_per_record: 450,
        },
        TopicSpec {
            name: "inventory_snapshots",
            partitions: 6,
            config: config(-1, 5 * GIB, -2, GIB, 256 * MIB),
            roll_ms: None,
            bytes_per_hour: (12 * MIB) as f64,
            bytes_per_record: 5_000,
        },
    ]
}

/// What is special about one partition.
#[derive(Debug, Clone, Copy, Default)]
struct Quirks {
    /// Segments at the head already past retention.ms (or, for size-bound partitions, beyond
    /// retention.bytes): the next expiration run will delete them.
    expired: usize,
    /// Extra segments beyond retention.bytes.
    size_extra: usize,
    /// Stuck `DELETE_SEGMENT_STARTED` segments below the log start offset.
    stuck: usize,
    /// The newest segment is being uploaded right now.
    in_flight: bool,
    /// A failed upload left a `COPY_SEGMENT_STARTED` duplicate behind.
    dangling: bool,
    /// deleteRecords moved the log start offset into the second segment.
    delete_records: bool,
    /// Unclean leader election: lineage starts at epoch 7, leftovers of epochs 4-5.
    unclean: bool,
    /// The lineage holds an epoch without records.
    empty_epoch: bool,
}

fn quirks(topic: &str, p: i32) -> Quirks {
    let q = Quirks::default();
    match (topic, p) {
        ("orders", 0) | ("orders", 9) | ("audit.log", 3) => Quirks { expired: 1, ..q },
        ("orders", 5) => Quirks { expired: 2, ..q },
        ("orders", 2) => Quirks { stuck: 2, ..q },
        ("orders", 4) => Quirks {
            empty_epoch: true,
            ..q
        },
        ("orders", 10) => Quirks {
            dangling: true,
            ..q
        },
        ("payments.v2", 0) | ("payments.v2", 3) => Quirks { size_extra: 1, ..q },
        ("payments.v2", 4) => Quirks { unclean: true, ..q },
        ("clickstream-raw", 2) | ("clickstream-raw", 11) => Quirks { size_extra: 1, ..q },
        ("clickstream-raw", 5) => Quirks {
            in_flight: true,
            ..q
        },
        ("clickstream-raw", 9) => Quirks {
            stuck: 1,
            size_extra: 1,
            ..q
        },
        ("audit.log", 1) => Quirks { stuck: 1, ..q },
        ("inventory_snapshots", 0) | ("inventory_snapshots", 4) => Quirks { size_extra: 1, ..q },
        ("inventory_snapshots", 2) => Quirks {
            delete_records: true,
            ..q
        },
        _ => q,
    }
}

// ---------------------------------------------------------------------------------------------
// Partitions

/// One log segment while it is being laid out.
#[derive(Debug, Clone, Copy)]
struct Chunk {
    size: i64,
    /// Time of the first and of the last (largest) record timestamp.
    start_ms: i64,
    end_ms: i64,
    start: i64,
    end: i64,
}

/// Daily traffic curve: a triangle wave between 0.55 and 1.45 (exact arithmetic only).
fn diurnal(t: i64, phase: i64) -> f64 {
    let x = (t + phase).rem_euclid(DAY) as f64 / DAY as f64;
    let tri = if x < 0.5 { 2.0 * x } else { 2.0 - 2.0 * x };
    0.55 + 0.9 * tri
}

/// A closed segment whose last record was written at `end_ms`, at `rate` bytes per ms.
fn closed_chunk(rng: &mut Rng, spec: &TopicSpec, rate: f64, end_ms: i64) -> Chunk {
    let seg = spec.config.segment_bytes;
    // Rolled when the next batch did not fit.
    let mut size = seg - rng.range(0, (seg / 64).min(MIB));
    let mut dur = (size as f64 / rate) as i64;
    if let Some(roll) = spec.roll_ms {
        if dur > roll {
            dur = roll + rng.range(0, 5 * MIN);
            size = (rate * dur as f64) as i64;
        }
    }
    if rng.chance(0.04) {
        // Rolled early (broker restart, manual roll): a smaller segment.
        size = (size as f64 * rng.between(0.1, 0.9)) as i64;
        dur = (size as f64 / rate) as i64;
    }
    let size = size.clamp(4 * 1024, seg);
    let dur = dur.max(SEC);
    Chunk {
        size,
        start_ms: end_ms - dur,
        end_ms,
        start: 0,
        end: 0,
    }
}

/// The epoch map of `[start, end]` as the RLM builds it from the epoch history: the epoch
/// active at `start` (clamped to `start`) and every epoch beginning inside the segment.
fn epochs_for(history: &EpochMap, start: i64, end: i64) -> EpochMap {
    let active = history
        .iter()
        .rev()
        .find(|&&(_, o)| o <= start)
        .map_or(history[0].0, |&(e, _)| e);
    let mut map = vec![(active, start)];
    map.extend(
        history
            .iter()
            .filter(|&&(_, o)| o > start && o <= end)
            .copied(),
    );
    map
}

/// The leader epoch cache after `truncateFromStart(log_start)`.
fn truncate_lineage(history: &EpochMap, log_start: i64) -> EpochMap {
    epochs_for(history, log_start, i64::MAX)
}

fn effective_local(local: i64, retention: i64) -> i64 {
    if local == -2 {
        retention
    } else {
        local
    }
}

fn gen_partition(rng: &mut Rng, spec: &TopicSpec, partition: i32, q: Quirks) -> Partition {
    let cfg = spec.config;
    let skew = rng.between(0.6, 1.4);
    let phase = rng.range(0, DAY);
    let rate = |t: i64| spec.bytes_per_hour * skew * diurnal(t, phase) / HOUR as f64;

    // ---- Lay the log out backwards in time from now. ----
    // Local-only tail, newest first: the active segment, maybe one closed segment not yet
    // copied (copy lag).
    let mut tail: Vec<Chunk> = Vec::new();
    {
        let end_ms = NOW - rng.range(0, 3 * SEC);
        let r = rate(end_ms);
        let frac = if q.in_flight {
            rng.between(0.005, 0.015)
        } else {
            rng.between(0.05, 0.9)
        };
        let mut size = (cfg.segment_bytes as f64 * frac) as i64;
        let mut dur = (size as f64 / r) as i64;
        if let Some(roll) = spec.roll_ms {
            if dur > roll {
                dur = rng.range(10 * MIN, roll);
                size = (r * dur as f64) as i64;
            }
        }
        tail.push(Chunk {
            size: size.max(1024),
            start_ms: end_ms - dur.max(SEC),
            end_ms,
            start: 0,
            end: 0,
        });
        if !q.in_flight && !q.unclean && rng.chance(0.2) {
            let end_ms = end_ms - dur.max(SEC) - rng.range(0, 2 * SEC);
            tail.push(closed_chunk(rng, spec, rate(end_ms), end_ms));
        }
    }
    let mut total: i64 = tail.iter().map(|c| c.size).sum();

    // Remote segments, newest first, until retention would have deleted them; then the
    // requested number beyond the limits; then the stuck deletions.
    let cutoff = (cfg.retention_ms >= 0).then(|| NOW - cfg.retention_ms);
    // Kafka deletes for size only while the excess covers a whole segment, so `size_extra`
    // deletable segments need one more beyond the limit.
    let beyond = if q.unclean {
        0
    } else {
        q.expired + q.size_extra + usize::from(q.size_extra > 0)
    };
    let mut remote: Vec<Chunk> = Vec::new();
    let mut over = 0;
    let mut previous_start_ms = tail.last().map_or(NOW, |c| c.start_ms);
    loop {
        let end_ms = previous_start_ms - rng.range(0, 2 * SEC);
        let c = closed_chunk(rng, spec, rate(end_ms), end_ms);
        let time_ok = cutoff.is_none_or(|cut| c.end_ms >= cut);
        let bytes_ok = cfg.retention_bytes < 0 || total + c.size <= cfg.retention_bytes;
        if remote.len() >= 1_000 {
            break;
        }
        if !(time_ok && bytes_ok) && remote.len() >= 3 {
            if over >= beyond {
                break;
            }
            over += 1;
        }
        total += c.size;
        previous_start_ms = c.start_ms;
        remote.push(c);
    }
    for _ in 0..q.stuck {
        let end_ms = previous_start_ms - rng.range(0, 2 * SEC);
        let c = closed_chunk(rng, spec, rate(end_ms), end_ms);
        previous_start_ms = c.start_ms;
        remote.push(c);
    }
    remote.reverse();
    tail.reverse();
    let n_remote = remote.len();
    let first_live = q.stuck;

    // ---- Offsets, oldest first. ----
    let head_start = rng.range(5_000_000, 900_000_000);
    let mut next = head_start;
    for c in remote.iter_mut().chain(tail.iter_mut()) {
        let records = (c.size as f64 / spec.bytes_per_record as f64 * rng.between(0.9, 1.1)) as i64;
        c.start = next;
        c.end = next + records.max(3) - 1;
        next = c.end + 1;
    }
    let log_end_offset = next;
    let log_start_offset = if q.delete_records {
        let c = remote[first_live + 1];
        c.start + (c.end - c.start) * 2 / 5
    } else {
        remote[first_live].start
    };

    // ---- Leader epochs. ----
    let history: EpochMap = if q.unclean {
        // The unclean leader's log: epoch 7 from the start, 9 at a segment boundary, 10 in the
        // middle of a segment.
        let b9 = remote[n_remote * 2 / 5].start;
        let j = remote[n_remote * 3 / 4];
        vec![
            (7, head_start),
            (9, b9),
            (10, j.start + (j.end - j.start) / 2),
        ]
    } else {
        let boundaries: Vec<i64> = remote
            .iter()
            .chain(&tail)
            .skip(1)
            .map(|c| c.start)
            .collect();
        let mut changes: Vec<i64> = (0..rng.range(2, 7))
            .map(|_| {
                if rng.chance(0.35) {
                    boundaries[rng.range(0, boundaries.len() as i64) as usize]
                } else {
                    rng.range(head_start + 1, log_end_offset)
                }
            })
            .collect();
        changes.sort_unstable();
        changes.dedup();
        let mut epoch = rng.range(0, 12) as i32;
        let mut history = vec![(epoch, head_start)];
        let empty_at = q.empty_epoch.then_some(changes.len() / 2);
        for (i, &c) in changes.iter().enumerate() {
            epoch += if rng.chance(0.2) { 2 } else { 1 };
            history.push((epoch, c));
            if empty_at == Some(i) {
                // Elected, then lost leadership before writing anything.
                epoch += 1;
                history.push((epoch, c));
            }
        }
        history
    };
    let mut leaders: Vec<(i32, i32)> = Vec::with_capacity(history.len());
    for &(epoch, _) in &history {
        let previous = leaders.last().map_or(0, |&(_, b)| b);
        leaders.push((epoch, rng.broker_other_than(previous)));
    }
    let leader_of = |epoch: i32| {
        leaders
            .iter()
            .find(|&&(e, _)| e == epoch)
            .map_or(1, |&(_, b)| b)
    };
    let current_leader = leaders.last().map_or(1, |&(_, b)| b);

    // ---- Remote segments. ----
    let mut segments: Vec<Segment> = Vec::with_capacity(n_remote + 4);
    for (i, c) in remote.iter().enumerate() {
        let epochs = epochs_for(&history, c.start, c.end);
        let copier = leader_of(epochs.last().map_or(0, |&(e, _)| e));
        let copy_started = c.end_ms + rng.range(5 * SEC, 90 * SEC);
        let uploaded = copy_started + c.size / UPLOAD_BYTES_PER_MS + rng.range(200, 3 * SEC);
        let (state, event, broker) = if i < first_live {
            let deleted = match cutoff {
                Some(_) => c.end_ms + cfg.retention_ms + rng.range(0, 60 * SEC),
                None => NOW - rng.range(10 * MIN, 6 * HOUR),
            };
            (
                SegmentState::DeleteSegmentStarted,
                deleted.min(NOW - 10 * MIN),
                current_leader,
            )
        } else if q.in_flight && i == n_remote - 1 {
            (
                SegmentState::CopySegmentStarted,
                (c.end_ms + rng.range(3 * SEC, 10 * SEC)).min(NOW - SEC),
                copier,
            )
        } else {
            (
                SegmentState::CopySegmentFinished,
                uploaded.min(NOW - SEC),
                copier,
            )
        };
        segments.push(Segment {
            id: rng.uuid(),
            start_offset: c.start,
            end_offset: c.end,
            max_timestamp_ms: c.end_ms,
            event_timestamp_ms: Some(event),
            size_bytes: c.size,
            segment_leader_epochs: epochs,
            state,
            broker_id: Some(broker),
            copy_in_progress: None,
        });
    }

    if q.dangling {
        // The first upload attempt failed (3.8.1/3.9 leave its metadata COPY_SEGMENT_STARTED);
        // the retry, with a new id, succeeded a few minutes later.
        let d = first_live + (n_remote - first_live) / 2;
        let retry = &mut segments[d];
        let failed_at = remote[d].end_ms + rng.range(5 * SEC, 60 * SEC);
        let mut failed = retry.clone();
        retry.event_timestamp_ms = Some(failed_at + rng.range(4 * MIN, 9 * MIN));
        failed.id = rng.uuid();
        failed.state = SegmentState::CopySegmentStarted;
        failed.event_timestamp_ms = Some(failed_at);
        segments.push(failed);
    }

    if q.unclean {
        // Leftovers of the deposed leader: epochs 4 and 5 only, overwritten from the log start
        // offset on by the unclean leader (epoch 7), so they overlap its first segments.
        let old_leader = rng.broker_other_than(current_leader);
        let election_ms = remote[0].start_ms;
        let typical = remote[0].end - remote[0].start + 1;
        let counts: Vec<i64> = (0..3)
            .map(|_| (typical as f64 * rng.between(0.6, 1.0)) as i64)
            .collect();
        let mut end_ms = election_ms - rng.range(MIN, 10 * MIN);
        let mut ghosts = Vec::new();
        let mut end = log_start_offset + counts.iter().sum::<i64>() - 1;
        for (k, &n) in counts.iter().enumerate().rev() {
            let start = end - n + 1;
            let size = (n * spec.bytes_per_record).min(cfg.segment_bytes);
            let epochs = if k == 0 {
                vec![(4, start), (5, start + n / 3)]
            } else {
                vec![(5, start)]
            };
            let event = end_ms + rng.range(5 * SEC, 60 * SEC) + size / UPLOAD_BYTES_PER_MS;
            ghosts.push(Segment {
                id: rng.uuid(),
                start_offset: start,
                end_offset: end,
                max_timestamp_ms: end_ms,
                event_timestamp_ms: Some(event),
                size_bytes: size,
                segment_leader_epochs: epochs,
                state: SegmentState::CopySegmentFinished,
                broker_id: Some(old_leader),
                copy_in_progress: None,
            });
            end = start - 1;
            end_ms -= (size as f64 / rate(end_ms)) as i64 + rng.range(0, 2 * SEC);
        }
        segments.extend(ghosts);

        // A duplicate upload whose epoch map disagrees with the lineage about where epoch 10
        // starts.
        let (_, c10) = history[2];
        if let Some(j) = segments
            .iter()
            .position(|s| s.start_offset < c10 && c10 <= s.end_offset)
        {
            let mut divergent = segments[j].clone();
            let start = divergent.start_offset;
            divergent.id = rng.uuid();
            divergent.segment_leader_epochs = vec![(9, start), (10, c10 - (c10 - start) / 3)];
            divergent.size_bytes -= rng.range(1, 4096);
            divergent.event_timestamp_ms = divergent
                .event_timestamp_ms
                .map(|e| (e + rng.range(2 * MIN, 6 * MIN)).min(NOW - SEC));
            divergent.broker_id = Some(rng.broker_other_than(current_leader));
            segments.push(divergent);
        }
    }

    // Listing order: start offset, then event order.
    segments.sort_by_key(|s| (s.start_offset, s.event_timestamp_ms));

    // ---- Local log. ----
    // Uploaded segments still on disk, the upload in flight, and the local-only tail.
    let uploaded_end = if q.in_flight { n_remote - 1 } else { n_remote };
    let in_flight_size = if q.in_flight {
        remote[n_remote - 1].size
    } else {
        0
    };
    let only_local: i64 = tail.iter().map(|c| c.size).sum::<i64>() + in_flight_size;
    let local_ms = effective_local(cfg.local_retention_ms, cfg.retention_ms);
    let local_bytes = effective_local(cfg.local_retention_bytes, cfg.retention_bytes);
    let mut k = first_live;
    while k < uploaded_end && remote[k].end < log_start_offset {
        k += 1;
    }
    let mut local_size: i64 =
        remote[k..uploaded_end].iter().map(|c| c.size).sum::<i64>() + only_local;
    while k < uploaded_end {
        let c = remote[k];
        let by_time = local_ms >= 0 && NOW - c.end_ms > local_ms;
        let by_size = local_bytes >= 0 && local_size - local_bytes >= c.size;
        if !(by_time || by_size) {
            break;
        }
        local_size -= c.size;
        k += 1;
    }
    let local_log_start_offset = if k < n_remote {
        remote[k].start
    } else {
        tail[0].start
    }
    .max(log_start_offset);

    Partition {
        partition,
        log_start_offset: Some(log_start_offset),
        log_end_offset: Some(log_end_offset),
        local_log_start_offset: Some(local_log_start_offset),
        local_size_bytes: Some(local_size),
        only_local_size_bytes: Some(only_local),
        leader_epochs: Some(truncate_lineage(&history, log_start_offset)),
        segments: segments.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_look_like_kafka_ids() {
        let mut rng = Rng(1);
        for _ in 0..1000 {
            let id = rng.uuid();
            assert_eq!(id.len(), 22, "{id}");
            assert!(!id.starts_with('-'));
            assert!(id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        }
        assert_eq!(base64url(&[0xff; 16]), "_____________________w");
        assert_eq!(base64url(&[0; 16]), "AAAAAAAAAAAAAAAAAAAAAA");
    }

    #[test]
    fn generator_is_deterministic() {
        assert_eq!(demo_snapshot(), demo_snapshot());
    }

    #[test]
    fn epoch_maps_follow_the_history() {
        let history = vec![(3, 100), (4, 150), (6, 200)];
        assert_eq!(epochs_for(&history, 120, 149), vec![(3, 120)]);
        assert_eq!(epochs_for(&history, 120, 150), vec![(3, 120), (4, 150)]);
        assert_eq!(epochs_for(&history, 150, 260), vec![(4, 150), (6, 200)]);
        assert_eq!(truncate_lineage(&history, 170), vec![(4, 170), (6, 200)]);
        assert_eq!(truncate_lineage(&history, 200), vec![(6, 200)]);
    }

    #[test]
    fn diurnal_curve_stays_in_range() {
        for h in 0..48 {
            let f = diurnal(h * HOUR, 0);
            assert!((0.549..=1.451).contains(&f), "{f}");
        }
        assert!(diurnal(DAY / 2, 0) > diurnal(0, 0));
    }
}
