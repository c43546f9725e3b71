//! Reconciliation: every object of a bucket listing and every segment of a snapshot lands in
//! exactly one [`Class`], with a [`Why`] that says what was seen.
//!
//! Objects are matched to segments by segment id (Kafka makes them unique; every layout puts
//! the id in the key), then checked against the prefix and topic id the metadata implies.
//! An object's class follows its segment's when it has one. The work is split into steps
//! ([`Reconciler::step`]) so that a browser tab can show progress and stay responsive on
//! millions of objects; the CLI runs the same steps to the end.
//!
//! Precedence, per segment: `DELETE_SEGMENT_FINISHED` → ok (no objects left) or orphan;
//! `COPY_SEGMENT_STARTED` / `DELETE_SEGMENT_STARTED` → in grace or dangling (by the age of
//! the metadata event); `COPY_SEGMENT_FINISHED` → outside the lineage, else missing (a
//! required object absent), else ok. Per object: not a key of the layout, another prefix,
//! another topic id, a topic the snapshot does not hold → foreign; no segment → orphan (or in
//! grace when modified within the grace window); else its segment's class.

use super::layout::{split_glued, uuid_from_base64, FileKind, FileSet, Layout};
use crate::lineage::epochs_within_lineage;
use crate::model::{filter_empty_epochs, SegmentId, SegmentState, Snapshot};
use crate::profile::{KafkaVersion, Rules};
use serde::Serialize;
use std::collections::HashMap;

/// One object as the reconciler reads it from a listing.
#[derive(Debug, Clone, Copy)]
pub struct ObjectView<'a> {
    /// Index of the key's directory (everything before its last `/`) in
    /// [`ObjectSource::dir`].
    pub dir_id: u32,
    pub name: NameView<'a>,
    pub size_bytes: i64,
    pub last_modified_ms: Option<i64>,
    /// An incomplete multipart upload, not an object.
    pub multipart: bool,
}

/// The file name of a key: decoded already by the listing, or as text.
#[derive(Debug, Clone, Copy)]
pub enum NameView<'a> {
    /// `$(20-digit offset)-$(22-char base64url uuid).$(suffix)`.
    Encoded {
        offset: i64,
        id: [u8; 16],
        suffix: &'a str,
    },
    Text(&'a str),
}

/// A listing as the reconciler reads it.
pub trait ObjectSource {
    fn object_count(&self) -> usize;
    fn object(&self, i: usize) -> ObjectView<'_>;
    fn dir_count(&self) -> usize;
    /// Directory `id` without its trailing `/` (empty for keys without one).
    fn dir(&self, id: u32) -> &str;
    /// The whole key of object `i`.
    fn key(&self, i: usize) -> String;
}

/// Where a thing stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    Ok,
    /// Objects Kafka no longer knows about: no metadata, or only `DELETE_SEGMENT_FINISHED`.
    Orphan,
    /// A `COPY_SEGMENT_FINISHED` segment lacking an object it needs: data loss.
    Missing,
    /// Started and never finished (upload, deletion, multipart upload), older than the grace
    /// window.
    Dangling,
    /// Not this cluster's: another prefix, another topic id (a deleted topic), a topic the
    /// snapshot does not hold, or not a key of the layout.
    Foreign,
    /// Segments outside the leader-epoch lineage and their objects.
    OutsideLineage,
    /// Too recent to judge: within the grace window.
    InGrace,
}

impl Class {
    pub const ALL: [Class; 7] = [
        Class::Ok,
        Class::Orphan,
        Class::Missing,
        Class::Dangling,
        Class::Foreign,
        Class::OutsideLineage,
        Class::InGrace,
    ];

    /// Something to act on (not ok, not merely too recent to judge).
    pub fn needs_attention(self) -> bool {
        !matches!(self, Class::Ok | Class::InGrace)
    }

    pub fn label(self) -> &'static str {
        match self {
            Class::Ok => "ok",
            Class::Orphan => "orphan",
            Class::Missing => "missing",
            Class::Dangling => "dangling",
            Class::Foreign => "foreign",
            Class::OutsideLineage => "outside the lineage",
            Class::InGrace => "in grace",
        }
    }
}

/// Why an object or a segment is in its class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[repr(u8)]
pub enum Why {
    // Objects.
    /// Part of a complete segment.
    ObjectOfCompleteSegment,
    /// No segment has this id.
    NoMetadata,
    /// Its segment is `DELETE_SEGMENT_FINISHED`.
    SegmentDeleted,
    /// Its segment lacks other objects.
    ObjectOfIncompleteSegment,
    ObjectOfFailedUpload,
    ObjectOfStalledDeletion,
    IncompleteMultipartUpload,
    NotThisLayout,
    OtherPrefix,
    OtherTopicId,
    TopicNotInSnapshot,
    ObjectOutsideLineageRemovedNextRun,
    ObjectOutsideLineageNeverDeleted,
    RecentWithoutMetadata,
    ObjectOfUploadInFlight,
    ObjectOfDeletionInFlight,
    RecentMultipartUpload,
    // Segments.
    Complete,
    DeletedClean,
    DeletedObjectsRemain,
    LacksObjects,
    UploadNeverFinished,
    DeletionNeverFinished,
    UnreferencedEpochRemovedNextRun,
    BelowLogStartRemovedNextRun,
    OutsideLineageNeverDeleted,
    UploadInFlight,
    DeletionInFlight,
}

impl Why {
    pub fn class(self) -> Class {
        use Why::*;
        match self {
            ObjectOfCompleteSegment | Complete | DeletedClean => Class::Ok,
            NoMetadata | SegmentDeleted | DeletedObjectsRemain => Class::Orphan,
            ObjectOfIncompleteSegment | LacksObjects => Class::Missing,
            ObjectOfFailedUpload
            | ObjectOfStalledDeletion
            | IncompleteMultipartUpload
            | UploadNeverFinished
            | DeletionNeverFinished => Class::Dangling,
            NotThisLayout | OtherPrefix | OtherTopicId | TopicNotInSnapshot => Class::Foreign,
            ObjectOutsideLineageRemovedNextRun
            | ObjectOutsideLineageNeverDeleted
            | UnreferencedEpochRemovedNextRun
            | BelowLogStartRemovedNextRun
            | OutsideLineageNeverDeleted => Class::OutsideLineage,
            RecentWithoutMetadata
            | ObjectOfUploadInFlight
            | ObjectOfDeletionInFlight
            | RecentMultipartUpload
            | UploadInFlight
            | DeletionInFlight => Class::InGrace,
        }
    }

    /// The reason in a sentence (without the object's or segment's own details).
    pub fn text(self) -> &'static str {
        use Why::*;
        match self {
            ObjectOfCompleteSegment => "part of a complete COPY_SEGMENT_FINISHED segment",
            NoMetadata => "no segment in the metadata has this id: Kafka will never delete it",
            SegmentDeleted => "its segment is DELETE_SEGMENT_FINISHED: the plugin's deletion left it behind",
            ObjectOfIncompleteSegment => "its segment lacks other objects it needs",
            ObjectOfFailedUpload => "its segment's upload (COPY_SEGMENT_STARTED) never finished: a failed copy",
            ObjectOfStalledDeletion => "its segment's deletion (DELETE_SEGMENT_STARTED) never finished",
            IncompleteMultipartUpload => "an incomplete multipart upload: its parts are billed until it is aborted",
            NotThisLayout => "not a key of this layout",
            OtherPrefix => "under another prefix than the plugin's (key.prefix changed?)",
            OtherTopicId => "its topic id is not the topic's in the snapshot (a deleted and re-created topic?)",
            TopicNotInSnapshot => "its topic is not in the snapshot (a deleted topic, or one the snapshot left out)",
            ObjectOutsideLineageRemovedNextRun => "its segment is outside the lineage, and the next expiration run deletes it (below the earliest epoch or the log start offset)",
            ObjectOutsideLineageNeverDeleted => "its segment is outside the leader-epoch lineage: Kafka neither counts nor deletes it",
            RecentWithoutMetadata => "no segment has this id, but it is newer than the grace window (an upload the snapshot predates?)",
            ObjectOfUploadInFlight => "its segment's upload started within the grace window",
            ObjectOfDeletionInFlight => "its segment's deletion started within the grace window",
            RecentMultipartUpload => "a multipart upload started within the grace window",
            Complete => "every object it needs is in the bucket",
            DeletedClean => "deleted, and no object is left",
            DeletedObjectsRemain => "DELETE_SEGMENT_FINISHED, but objects remain in the bucket",
            LacksObjects => "COPY_SEGMENT_FINISHED but objects it needs are not in the bucket: data loss",
            UploadNeverFinished => "COPY_SEGMENT_STARTED longer ago than the grace window: a failed upload",
            DeletionNeverFinished => "DELETE_SEGMENT_STARTED longer ago than the grace window: a stalled deletion",
            UnreferencedEpochRemovedNextRun => "outside the lineage, all its epochs below the leader epoch cache's earliest: the next expiration run deletes it",
            BelowLogStartRemovedNextRun => "outside the lineage but below the log start offset: the next expiration run deletes it (log-start-offset breach)",
            OutsideLineageNeverDeleted => "outside the leader-epoch lineage: not counted by retention.bytes, never deleted by time or size",
            UploadInFlight => "COPY_SEGMENT_STARTED within the grace window",
            DeletionInFlight => "DELETE_SEGMENT_STARTED within the grace window",
        }
    }
}

/// What the reconciliation is told.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReconcileOptions {
    /// `None`: detected from the keys.
    pub layout: Option<Layout>,
    /// The plugin's prefix (Aiven's `key.prefix`, LocalTieredStorage's directory with its
    /// `/`, LinkedIn's container prefix). `None`: the prefix most objects of known segments
    /// are under.
    pub prefix: Option<String>,
    /// Things younger than this are not judged (uploads and deletions in flight, objects the
    /// snapshot predates).
    pub grace_ms: i64,
    /// The instant ages are measured from (usually the snapshot's capture time).
    pub now_ms: i64,
    pub profile: KafkaVersion,
    /// USD per GB-month (10^9 bytes) of object storage, for the cost of each class.
    pub remote_per_gb_month: f64,
}

/// One hour: uploads take minutes, and the listing may be taken a little after the snapshot.
pub const DEFAULT_GRACE_MS: i64 = 3_600_000;

impl ReconcileOptions {
    pub fn new(now_ms: i64, profile: KafkaVersion) -> ReconcileOptions {
        ReconcileOptions {
            layout: None,
            prefix: None,
            grace_ms: DEFAULT_GRACE_MS,
            now_ms,
            profile,
            remote_per_gb_month: crate::forecast::Prices::default().remote_per_gb_month,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReconcileError {
    #[error("no key of the listing fits a known layout (aiven, local-tiered-storage, linkedin-azure); first key: {first:?}")]
    NoLayout { first: Option<String> },
    #[error("the listing is empty")]
    EmptyListing,
}

/// Objects, bytes and segments of one class.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassTotals {
    pub objects: u64,
    /// Bytes of the objects (what the bucket bills).
    pub object_bytes: i64,
    pub segments: u64,
    /// Bytes the metadata gives the segments.
    pub segment_bytes: i64,
    /// `object_bytes` at the price per GB-month.
    pub monthly_usd: f64,
}

impl ClassTotals {
    fn add_object(&mut self, bytes: i64) {
        self.objects += 1;
        self.object_bytes = self.object_bytes.saturating_add(bytes.max(0));
    }

    fn add_segment(&mut self, bytes: i64) {
        self.segments += 1;
        self.segment_bytes = self.segment_bytes.saturating_add(bytes.max(0));
    }
}

/// A topic's totals per class (in [`Class::ALL`] order).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicLeaks {
    /// As the snapshot names it, or as the keys spell it for topics it does not hold.
    pub topic: String,
    pub in_snapshot: bool,
    /// In [`Class::ALL`] order (a map by class name in JSON).
    #[serde(serialize_with = "by_class")]
    pub classes: [ClassTotals; 7],
}

/// `[ClassTotals; 7]` as `{"ok": …, "orphan": …, …}`.
fn by_class<S: serde::Serializer>(t: &[ClassTotals; 7], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(7))?;
    for c in Class::ALL {
        m.serialize_entry(&c, &t[c as usize])?;
    }
    m.end()
}

/// The result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reconciliation {
    pub layout: Layout,
    /// Whether the layout was detected (not chosen).
    pub layout_detected: bool,
    /// The plugin's prefix the objects were checked against.
    pub prefix: String,
    pub prefix_detected: bool,
    pub grace_ms: i64,
    pub now_ms: i64,
    pub profile: KafkaVersion,
    pub remote_per_gb_month: f64,
    /// In [`Class::ALL`] order (a map by class name in JSON).
    #[serde(serialize_with = "by_class")]
    pub totals: [ClassTotals; 7],
    /// Topics by the bytes that need attention (objects and segments), most first.
    pub topics: Vec<TopicLeaks>,
    /// Per object (listing order): why it is in its class.
    #[serde(skip)]
    pub object_why: Vec<Why>,
    /// Per object: the global row of the segment it belongs to (`u32::MAX`: none); read it
    /// with [`Reconciliation::object_segment`].
    #[serde(skip)]
    object_row: Vec<u32>,
    #[serde(skip)]
    part_base: Vec<u32>,
    #[serde(skip)]
    part_of: Vec<(u32, u32)>,
    /// Per segment (snapshot order, every segment of every partition): why.
    #[serde(skip)]
    pub segment_why: Vec<Why>,
    /// Per segment: the objects of it found in the bucket (with the right prefix and topic).
    #[serde(skip)]
    pub segment_found: Vec<FileSet>,
    /// Segments whose id is not a UUID (cannot be matched to keys).
    pub unmatchable_segments: u64,
}

/// A segment by position: topic, partition (indices into the snapshot) and row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct SegmentRow {
    pub topic: u32,
    pub partition: u32,
    pub row: u32,
}

impl Reconciliation {
    pub fn class_totals(&self, c: Class) -> &ClassTotals {
        &self.totals[c as usize]
    }

    pub fn object_class(&self, i: usize) -> Class {
        self.object_why[i].class()
    }

    /// The segment object `i` belongs to, when it has one.
    pub fn object_segment(&self, i: usize) -> Option<SegmentRow> {
        let row = *self.object_row.get(i)?;
        (row != u32::MAX).then(|| segment_at(&self.part_base, &self.part_of, row))
    }

    /// The global row (index into [`Reconciliation::segment_why`]) of a segment.
    pub fn global_row(&self, s: SegmentRow) -> Option<usize> {
        let k = self.part_of.binary_search(&(s.topic, s.partition)).ok()?;
        Some(self.part_base[k] as usize + s.row as usize)
    }
}

fn segment_at(part_base: &[u32], part_of: &[(u32, u32)], row: u32) -> SegmentRow {
    let k = part_base.partition_point(|&b| b <= row) - 1;
    let (t, p) = part_of[k];
    SegmentRow {
        topic: t,
        partition: p,
        row: row - part_base[k],
    }
}

/// Progress of a [`Reconciler`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReconcileProgress {
    pub done: u64,
    pub total: u64,
    pub stage: &'static str,
}

/// What the directory of a key says, resolved against the snapshot.
#[derive(Debug, Clone, Default)]
struct Dir {
    parsed: bool,
    /// The plugin prefix this directory's keys are under (glued parts included), once known.
    prefix: Option<u32>,
    /// The prefix as the layout reads it, and the topic as spelled (maybe glued).
    raw_prefix: String,
    spelled_topic: Option<String>,
    topic_id: Option<[u8; 16]>,
    /// The snapshot topic the directory names (by id, else by name).
    topic: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Segment ids per bucket (by partition).
    Count,
    /// Ids into their buckets (by partition).
    Scatter,
    /// Each bucket sorted (by bucket).
    SortBuckets,
    Match,
    Check,
    Segments,
    Classify,
    Done,
}

const NO_KIND: u8 = u8::MAX;

/// The reconciliation, in steps.
pub struct Reconciler<'a, O: ObjectSource + ?Sized> {
    snap: &'a Snapshot,
    objects: &'a O,
    opts: ReconcileOptions,
    layout: Layout,
    layout_detected: bool,
    rules: Rules,
    /// Sorted segment ids → global row.
    ids: Vec<([u8; 16], u32)>,
    /// Where each value of the top 16 bits of [`hash_id`] starts in `ids` (65,537 entries):
    /// a lookup searches ~n/65,536 ids instead of all (ids are random, so buckets are even).
    /// Built by a counting sort in steps, each bucket then sorted.
    buckets: Vec<u32>,
    /// While scattering: the next free place of each bucket.
    fill: Vec<u32>,
    /// Global row of each partition's first segment, in (topic, partition) order.
    part_base: Vec<u32>,
    /// (topic index, partition index) of each entry of `part_base`.
    part_of: Vec<(u32, u32)>,
    unmatchable: u64,
    topic_by_id: HashMap<[u8; 16], u32>,
    topic_by_name: HashMap<&'a str, u32>,
    dirs: Vec<Dir>,
    prefixes: Vec<String>,
    prefix_index: HashMap<String, u32>,
    prefix_votes: Vec<u64>,
    expected_prefix: Option<u32>,
    /// Per object: the global segment row (u32::MAX: none) and the file kind (NO_KIND: not a
    /// key of the layout).
    obj_seg: Vec<u32>,
    obj_kind: Vec<u8>,
    obj_why: Vec<Why>,
    seg_found: Vec<FileSet>,
    seg_why: Vec<Why>,
    stage: Stage,
    cursor: usize,
    totals: [ClassTotals; 7],
    topic_totals: Vec<[ClassTotals; 7]>,
    extra_topics: HashMap<String, usize>,
    extra_names: Vec<String>,
}

/// Segment ids are random (Kafka's `Uuid.randomUuid()`): their first 8 bytes order them.
fn hash_id(id: &[u8; 16]) -> u64 {
    u64::from_le_bytes(id[..8].try_into().expect("8 bytes"))
}

const BUCKETS: usize = 1 << 16;

impl<'a, O: ObjectSource + ?Sized> Reconciler<'a, O> {
    /// Indexes the snapshot's segments and settles the layout.
    pub fn new(
        snap: &'a Snapshot,
        objects: &'a O,
        opts: ReconcileOptions,
    ) -> Result<Self, ReconcileError> {
        let n = objects.object_count();
        if n == 0 {
            return Err(ReconcileError::EmptyListing);
        }
        let (layout, layout_detected) = match opts.layout {
            Some(l) => (l, false),
            None => {
                // A sample spread over the listing.
                let step = (n / 2000).max(1);
                let keys: Vec<String> = (0..n).step_by(step).map(|i| objects.key(i)).collect();
                match Layout::detect(keys.iter().map(|k| k.as_str())) {
                    Some((l, _)) => (l, true),
                    None => {
                        return Err(ReconcileError::NoLayout {
                            first: keys.into_iter().next(),
                        })
                    }
                }
            }
        };
        // Only the partition map here; the ids are indexed by `step` (a million segments
        // take longer than a frame).
        let mut part_base = Vec::new();
        let mut part_of = Vec::new();
        let mut row = 0u32;
        let mut topic_by_id = HashMap::new();
        let mut topic_by_name = HashMap::new();
        for (ti, t) in snap.topics.iter().enumerate() {
            topic_by_name.insert(t.name.as_str(), ti as u32);
            if let Some(id) = t.topic_id.as_deref().and_then(uuid_from_base64) {
                topic_by_id.insert(id, ti as u32);
            }
            for (pi, p) in t.partitions.iter().enumerate() {
                part_base.push(row);
                part_of.push((ti as u32, pi as u32));
                row += p.segments.len() as u32;
            }
        }
        let rows = row as usize;
        Ok(Reconciler {
            snap,
            objects,
            rules: opts.profile.rules(),
            layout,
            layout_detected,
            ids: Vec::new(),
            buckets: vec![0; BUCKETS + 1],
            fill: Vec::new(),
            part_base,
            part_of,
            unmatchable: 0,
            topic_by_id,
            topic_by_name,
            dirs: vec![Dir::default(); objects.dir_count()],
            prefixes: Vec::new(),
            prefix_index: HashMap::new(),
            prefix_votes: Vec::new(),
            expected_prefix: None,
            obj_seg: vec![u32::MAX; n],
            obj_kind: vec![NO_KIND; n],
            obj_why: vec![Why::NoMetadata; n],
            seg_found: vec![FileSet::EMPTY; rows],
            seg_why: vec![Why::Complete; rows],
            stage: Stage::Count,
            cursor: 0,
            totals: [ClassTotals::default(); 7],
            topic_totals: vec![[ClassTotals::default(); 7]; snap.topics.len()],
            extra_topics: HashMap::new(),
            extra_names: Vec::new(),
            opts,
        })
    }

    pub fn layout(&self) -> Layout {
        self.layout
    }

    fn lookup(&self, id: &[u8; 16]) -> Option<u32> {
        let h = hash_id(id);
        let b = (h >> 48) as usize;
        let range = &self.ids[self.buckets[b] as usize..self.buckets[b + 1] as usize];
        range
            .binary_search_by(|(i, _)| (hash_id(i), i).cmp(&(h, id)))
            .ok()
            .map(|k| range[k].1)
    }

    fn segment_at(&self, row: u32) -> SegmentRow {
        segment_at(&self.part_base, &self.part_of, row)
    }

    fn intern_prefix(&mut self, p: String) -> u32 {
        if let Some(&i) = self.prefix_index.get(&p) {
            return i;
        }
        let i = self.prefixes.len() as u32;
        self.prefix_index.insert(p.clone(), i);
        self.prefixes.push(p);
        self.prefix_votes.push(0);
        i
    }

    /// Reads directory `d` once.
    fn dir(&mut self, d: u32) -> &Dir {
        let di = d as usize;
        if !self.dirs[di].parsed {
            let objects = self.objects;
            let text = objects.dir(d);
            let mut dir = Dir {
                parsed: true,
                ..Dir::default()
            };
            if let Some(info) = self.layout.parse_dir(text) {
                dir.raw_prefix = info.prefix.to_string();
                dir.spelled_topic = info.topic.map(str::to_string);
                dir.topic_id = info.topic_id;
                dir.topic = info
                    .topic_id
                    .and_then(|id| self.topic_by_id.get(&id).copied())
                    .or_else(|| {
                        let spelled = info.topic?;
                        // The topic, or the topic after a glued prefix.
                        self.topic_by_name.get(spelled).copied().or_else(|| {
                            spelled
                                .char_indices()
                                .filter(|&(_, c)| matches!(c, '-' | '_' | '.'))
                                .find_map(|(i, _)| {
                                    self.topic_by_name.get(&spelled[i + 1..]).copied()
                                })
                        })
                    });
                let glued = match (&dir.spelled_topic, dir.topic) {
                    (Some(sp), Some(t)) => {
                        split_glued(sp, &self.snap.topics[t as usize].name).unwrap_or("")
                    }
                    _ => "",
                };
                let p = format!("{}{}", dir.raw_prefix, glued);
                dir.prefix = Some(self.intern_prefix(p));
            }
            self.dirs[di] = dir;
        }
        &self.dirs[di]
    }

    /// Works through about `budget` items; the progress after.
    pub fn step(&mut self, budget: usize) -> ReconcileProgress {
        let n = self.objects.object_count();
        let rows = self.seg_why.len();
        let mut left = budget.max(1);
        while left > 0 && self.stage != Stage::Done {
            match self.stage {
                Stage::Count | Stage::Scatter => {
                    let count = self.stage == Stage::Count;
                    let mut k = self.cursor;
                    while k < self.part_base.len() && left > 0 {
                        let n = self.index_partition(k, count);
                        left = left.saturating_sub(n.max(1));
                        k += 1;
                    }
                    self.cursor = k;
                    if k == self.part_base.len() {
                        self.cursor = 0;
                        if count {
                            // Bucket starts from the counts (`buckets[b + 1]` holds bucket
                            // b's count); `fill` is where each bucket's next id goes.
                            for b in 0..BUCKETS {
                                self.buckets[b + 1] += self.buckets[b];
                            }
                            self.fill = self.buckets[..BUCKETS].to_vec();
                            self.ids = vec![([0u8; 16], 0); self.buckets[BUCKETS] as usize];
                            self.stage = Stage::Scatter;
                        } else {
                            self.fill = Vec::new();
                            self.stage = Stage::SortBuckets;
                        }
                    }
                }
                Stage::SortBuckets => {
                    // ~n / 65,536 ids a bucket: a few thousand buckets per step.
                    let end = (self.cursor + left / 8 + 1).min(BUCKETS);
                    for b in self.cursor..end {
                        let (lo, hi) = (self.buckets[b] as usize, self.buckets[b + 1] as usize);
                        self.ids[lo..hi].sort_unstable_by_key(|&(id, _)| (hash_id(&id), id));
                    }
                    left = left.saturating_sub((end - self.cursor) * 8);
                    self.cursor = end;
                    if end == BUCKETS {
                        self.cursor = 0;
                        self.stage = Stage::Match;
                    }
                }
                Stage::Match => {
                    let end = (self.cursor + left).min(n);
                    for i in self.cursor..end {
                        self.match_object(i);
                    }
                    left -= end - self.cursor;
                    self.cursor = end;
                    if end == n {
                        self.expected_prefix = match &self.opts.prefix {
                            Some(p) => Some(self.intern_prefix(p.clone())),
                            None => self
                                .prefix_votes
                                .iter()
                                .enumerate()
                                .max_by_key(|&(i, &v)| (v, std::cmp::Reverse(i)))
                                .map(|(i, _)| i as u32),
                        };
                        self.stage = Stage::Check;
                        self.cursor = 0;
                    }
                }
                Stage::Check => {
                    let end = (self.cursor + left).min(n);
                    for i in self.cursor..end {
                        self.check_object(i);
                    }
                    left -= end - self.cursor;
                    self.cursor = end;
                    if end == n {
                        self.stage = Stage::Segments;
                        self.cursor = 0;
                    }
                }
                Stage::Segments => {
                    // Whole partitions at a time.
                    let mut k = self.cursor;
                    while k < self.part_base.len() && left > 0 {
                        let (t, p) = self.part_of[k];
                        let count = self.classify_partition(t, p, self.part_base[k]);
                        left = left.saturating_sub(count.max(1));
                        k += 1;
                    }
                    self.cursor = k;
                    if k == self.part_base.len() {
                        self.stage = Stage::Classify;
                        self.cursor = 0;
                    }
                }
                Stage::Classify => {
                    let end = (self.cursor + left).min(n);
                    for i in self.cursor..end {
                        self.classify_object(i);
                    }
                    left -= end - self.cursor;
                    self.cursor = end;
                    if end == n {
                        self.stage = Stage::Done;
                    }
                }
                Stage::Done => {}
            }
        }
        self.progress_of(n, rows)
    }

    pub fn progress(&self) -> ReconcileProgress {
        self.progress_of(self.objects.object_count(), self.seg_why.len())
    }

    fn progress_of(&self, n: usize, rows: usize) -> ReconcileProgress {
        let (n, rows) = (n as u64, rows as u64);
        // Indexing counts as one pass over the segments (count, scatter, sort: a third each).
        let total = 3 * n + 2 * rows;
        let part_done = |c: usize| self.part_base.get(c).map_or(rows, |&b| u64::from(b));
        let (done, stage) = match self.stage {
            Stage::Count => (part_done(self.cursor) / 3, "indexing the segments"),
            Stage::Scatter => (
                rows / 3 + part_done(self.cursor) / 3,
                "indexing the segments",
            ),
            Stage::SortBuckets => (
                2 * rows / 3 + rows * self.cursor as u64 / BUCKETS as u64 / 3,
                "indexing the segments",
            ),
            Stage::Match => (rows + self.cursor as u64, "matching objects to segments"),
            Stage::Check => (
                rows + n + self.cursor as u64,
                "checking prefixes and topics",
            ),
            Stage::Segments => (
                rows + 2 * n + part_done(self.cursor),
                "classifying segments",
            ),
            Stage::Classify => (2 * rows + 2 * n + self.cursor as u64, "classifying objects"),
            Stage::Done => (total, "done"),
        };
        ReconcileProgress { done, total, stage }
    }

    pub fn is_done(&self) -> bool {
        self.stage == Stage::Done
    }

    /// Counts (or places) the segment ids of partition `k`; how many segments it has.
    fn index_partition(&mut self, k: usize, count: bool) -> usize {
        let (t, p) = self.part_of[k];
        let part = &self.snap.topics[t as usize].partitions[p as usize];
        let base = self.part_base[k];
        for (r, s) in part.segments.iter().enumerate() {
            let SegmentId::Uuid(id) = s.id else {
                if count {
                    self.unmatchable += 1;
                }
                continue;
            };
            let b = (hash_id(&id) >> 48) as usize;
            if count {
                self.buckets[b + 1] += 1;
            } else {
                let at = self.fill[b] as usize;
                self.ids[at] = (id, base + r as u32);
                self.fill[b] += 1;
            }
        }
        part.segments.len()
    }

    fn match_object(&mut self, i: usize) {
        let o = self.objects.object(i);
        if o.multipart {
            return;
        }
        let name = match o.name {
            NameView::Encoded { offset, id, suffix } => {
                self.layout.parse_encoded(offset, &id, suffix)
            }
            NameView::Text(t) => self.layout.parse_name(t),
        };
        let Some(name) = name else { return };
        let Some(prefix) = self.dir(o.dir_id).prefix else {
            return;
        };
        self.obj_kind[i] = name.kind as u8;
        if let Some(row) = self.lookup(&name.segment_id) {
            self.obj_seg[i] = row;
            self.prefix_votes[prefix as usize] += 1;
            // A directory that names no topic the snapshot knows (LinkedIn's keys carry only
            // a topic id, and snapshots may carry none) belongs to the topic of the segments
            // its objects are: then its other objects are that topic's orphans.
            let t = self.segment_at(row).topic;
            let snap_id = self.snap.topics[t as usize]
                .topic_id
                .as_deref()
                .and_then(uuid_from_base64);
            let d = &mut self.dirs[o.dir_id as usize];
            let same_id = match (d.topic_id, snap_id) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            };
            if d.topic.is_none() && same_id {
                d.topic = Some(t);
            }
        }
    }

    /// Foreign or not; records the objects each segment has.
    fn check_object(&mut self, i: usize) {
        let o = self.objects.object(i);
        if o.multipart {
            return;
        }
        if self.obj_kind[i] == NO_KIND {
            self.obj_why[i] = Why::NotThisLayout;
            return;
        }
        let (prefix, topic, topic_id) = {
            let d = &self.dirs[o.dir_id as usize];
            (d.prefix, d.topic, d.topic_id)
        };
        if prefix != self.expected_prefix {
            self.obj_why[i] = Why::OtherPrefix;
            return;
        }
        let row = self.obj_seg[i];
        if row == u32::MAX {
            self.obj_why[i] = match topic {
                None => Why::TopicNotInSnapshot,
                Some(_) => Why::NoMetadata,
            };
            return;
        }
        let seg = self.segment_at(row);
        let t = &self.snap.topics[seg.topic as usize];
        let snapshot_id = t.topic_id.as_deref().and_then(uuid_from_base64);
        if let (Some(key_id), Some(snap_id)) = (topic_id, snapshot_id) {
            if key_id != snap_id {
                self.obj_why[i] = Why::OtherTopicId;
                return;
            }
        }
        self.obj_why[i] = Why::ObjectOfCompleteSegment;
        let kind = FileKind::ALL[self.obj_kind[i] as usize];
        let f = &mut self.seg_found[row as usize];
        *f = f.with(kind);
    }

    /// Classifies the segments of one partition; how many.
    fn classify_partition(&mut self, t: u32, p: u32, base: u32) -> usize {
        let snap = self.snap;
        let part = &snap.topics[t as usize].partitions[p as usize];
        let n = part.segments.len();
        if n == 0 {
            return 0;
        }
        let (lineage_raw, _) = part.lineage();
        let lineage = filter_empty_epochs(&lineage_raw);
        let leo = part.log_end_offset_or_inferred();
        let first_raw = lineage_raw.first().map(|&(e, _)| e);
        let first_filtered = lineage.first().map(|&(e, _)| e);
        let lso = part.log_start_offset.unwrap_or_else(|| {
            part.segments
                .iter()
                .filter(|s| s.state != SegmentState::DeleteSegmentFinished)
                .map(|s| s.start_offset)
                .min()
                .unwrap_or(0)
        });
        let in_flight = crate::retention::presumed_in_flight(part);
        let grace_from = self.opts.now_ms.saturating_sub(self.opts.grace_ms);
        for (r, s) in part.segments.iter().enumerate() {
            let row = base as usize + r;
            let found = self.seg_found[row];
            let recent = match s.event_timestamp_ms {
                Some(ts) => ts >= grace_from,
                None => in_flight[r],
            };
            let why = match s.state {
                SegmentState::DeleteSegmentFinished => {
                    if found.is_empty() {
                        Why::DeletedClean
                    } else {
                        Why::DeletedObjectsRemain
                    }
                }
                SegmentState::CopySegmentStarted => {
                    if recent || in_flight[r] && s.event_timestamp_ms.is_none() {
                        Why::UploadInFlight
                    } else {
                        Why::UploadNeverFinished
                    }
                }
                SegmentState::DeleteSegmentStarted => {
                    if recent {
                        Why::DeletionInFlight
                    } else {
                        Why::DeletionNeverFinished
                    }
                }
                SegmentState::CopySegmentFinished => {
                    let valid = epochs_within_lineage(
                        s.segment_leader_epochs,
                        s.end_offset,
                        leo,
                        &lineage,
                        self.rules.lineage_check,
                    );
                    let unreferenced = first_raw.is_some_and(|e0| {
                        !s.segment_leader_epochs.is_empty()
                            && s.segment_leader_epochs.iter().all(|&(e, _)| e < e0)
                    });
                    // Kafka's log-start-offset breach rule deletes it whatever the lineage says.
                    let below_lso = first_filtered.is_some_and(|fe| {
                        s.segment_leader_epochs.iter().all(|&(e, _)| e <= fe) && s.end_offset < lso
                    });
                    if unreferenced {
                        Why::UnreferencedEpochRemovedNextRun
                    } else if !valid && below_lso {
                        Why::BelowLogStartRemovedNextRun
                    } else if !valid {
                        Why::OutsideLineageNeverDeleted
                    } else if !self.layout.required(found).minus(found).is_empty() {
                        Why::LacksObjects
                    } else {
                        Why::Complete
                    }
                }
            };
            self.seg_why[row] = why;
            let class = why.class();
            let totals = &mut self.topic_totals[t as usize][class as usize];
            totals.add_segment(s.size_bytes);
            self.totals[class as usize].add_segment(s.size_bytes);
        }
        n
    }

    fn classify_object(&mut self, i: usize) {
        let o = self.objects.object(i);
        let grace_from = self.opts.now_ms.saturating_sub(self.opts.grace_ms);
        let recent = o.last_modified_ms.is_some_and(|m| m >= grace_from);
        let why = if o.multipart {
            if recent {
                Why::RecentMultipartUpload
            } else {
                Why::IncompleteMultipartUpload
            }
        } else {
            match self.obj_why[i] {
                Why::NoMetadata if recent => Why::RecentWithoutMetadata,
                Why::ObjectOfCompleteSegment => {
                    let row = self.obj_seg[i] as usize;
                    match self.seg_why[row] {
                        Why::Complete => Why::ObjectOfCompleteSegment,
                        Why::DeletedObjectsRemain | Why::DeletedClean => Why::SegmentDeleted,
                        Why::LacksObjects => Why::ObjectOfIncompleteSegment,
                        Why::UploadNeverFinished => Why::ObjectOfFailedUpload,
                        Why::DeletionNeverFinished => Why::ObjectOfStalledDeletion,
                        Why::UploadInFlight => Why::ObjectOfUploadInFlight,
                        Why::DeletionInFlight => Why::ObjectOfDeletionInFlight,
                        Why::UnreferencedEpochRemovedNextRun | Why::BelowLogStartRemovedNextRun => {
                            Why::ObjectOutsideLineageRemovedNextRun
                        }
                        _ => Why::ObjectOutsideLineageNeverDeleted,
                    }
                }
                w => w,
            }
        };
        self.obj_why[i] = why;
        let class = why.class() as usize;
        self.totals[class].add_object(o.size_bytes);
        // The topic: the segment's, else the directory's, else the key's spelling.
        let row = self.obj_seg[i];
        let d = &self.dirs[o.dir_id as usize];
        let topic = if why == Why::OtherTopicId {
            None
        } else if row != u32::MAX {
            Some(self.segment_at(row).topic)
        } else {
            d.topic
        };
        let idx = match topic {
            Some(t) => t as usize,
            None => {
                let name = d.spelled_topic.as_deref().unwrap_or("(not a topic key)");
                let k = match self.extra_topics.get(name) {
                    Some(&k) => k,
                    None => {
                        let k = self.extra_names.len();
                        self.extra_topics.insert(name.to_string(), k);
                        self.extra_names.push(name.to_string());
                        self.topic_totals.push([ClassTotals::default(); 7]);
                        k
                    }
                };
                self.snap.topics.len() + k
            }
        };
        self.topic_totals[idx][class].add_object(o.size_bytes);
    }

    /// Runs what is left and returns the result.
    pub fn finish(mut self) -> Reconciliation {
        while !self.is_done() {
            self.step(usize::MAX / 2);
        }
        let price = self.opts.remote_per_gb_month;
        let cost = |t: &mut ClassTotals| t.monthly_usd = t.object_bytes as f64 / 1e9 * price;
        self.totals.iter_mut().for_each(cost);
        let mut topics: Vec<TopicLeaks> = self
            .topic_totals
            .into_iter()
            .enumerate()
            .map(|(i, mut classes)| {
                classes.iter_mut().for_each(cost);
                let in_snapshot = i < self.snap.topics.len();
                TopicLeaks {
                    topic: if in_snapshot {
                        self.snap.topics[i].name.clone()
                    } else {
                        self.extra_names[i - self.snap.topics.len()].clone()
                    },
                    in_snapshot,
                    classes,
                }
            })
            .filter(|t| t.classes.iter().any(|c| c.objects > 0 || c.segments > 0))
            .collect();
        let not_ok = |t: &TopicLeaks| -> i64 {
            Class::ALL
                .iter()
                .filter(|c| c.needs_attention())
                .map(|&c| &t.classes[c as usize])
                .fold(0i64, |a, c| {
                    a.saturating_add(c.object_bytes)
                        .saturating_add(c.segment_bytes)
                })
        };
        topics.sort_by(|a, b| {
            not_ok(b)
                .cmp(&not_ok(a))
                .then_with(|| a.topic.cmp(&b.topic))
        });
        let prefix = self
            .expected_prefix
            .map(|p| self.prefixes[p as usize].clone())
            .unwrap_or_default();
        Reconciliation {
            layout: self.layout,
            layout_detected: self.layout_detected,
            prefix,
            prefix_detected: self.opts.prefix.is_none(),
            grace_ms: self.opts.grace_ms,
            now_ms: self.opts.now_ms,
            profile: self.opts.profile,
            remote_per_gb_month: price,
            totals: self.totals,
            topics,
            object_why: self.obj_why,
            object_row: self.obj_seg,
            part_base: self.part_base,
            part_of: self.part_of,
            segment_why: self.seg_why,
            segment_found: self.seg_found,
            unmatchable_segments: self.unmatchable,
        }
    }
}

/// Reconciles at once.
pub fn reconcile<O: ObjectSource + ?Sized>(
    snapshot: &Snapshot,
    objects: &O,
    options: ReconcileOptions,
) -> Result<Reconciliation, ReconcileError> {
    Ok(Reconciler::new(snapshot, objects, options)?.finish())
}

/// A bucket listing as the reconciler reads it: names the listing decoded are not parsed
/// again.
impl ObjectSource for super::listing::Objects {
    fn object_count(&self) -> usize {
        self.len()
    }

    fn object(&self, i: usize) -> ObjectView<'_> {
        let o = self.get(i);
        let name = match o.offset_uuid_suffix() {
            Some((offset, id, suffix)) => NameView::Encoded { offset, id, suffix },
            None => match o.name() {
                std::borrow::Cow::Borrowed(n) => NameView::Text(n),
                // Only encoded names are rebuilt (handled above).
                std::borrow::Cow::Owned(_) => NameView::Text(""),
            },
        };
        ObjectView {
            dir_id: o.dir_index(),
            name,
            size_bytes: o.size_bytes(),
            last_modified_ms: o.last_modified_ms(),
            multipart: o.kind() == super::listing::ObjectKind::MultipartUpload,
        }
    }

    fn dir_count(&self) -> usize {
        self.dirs().len()
    }

    fn dir(&self, id: u32) -> &str {
        let d = &self.dirs()[id as usize];
        d.strip_suffix('/').unwrap_or(d)
    }

    fn key(&self, i: usize) -> String {
        self.get(i).key().into_owned()
    }
}

/// A listing held as plain keys (tests, generated listings, small inputs): directories
/// interned, names as text.
#[derive(Debug, Clone, Default)]
pub struct KeyList {
    dirs: Vec<String>,
    dir_index: HashMap<String, u32>,
    objects: Vec<KeyListEntry>,
}

#[derive(Debug, Clone)]
struct KeyListEntry {
    dir: u32,
    name: String,
    size_bytes: i64,
    last_modified_ms: Option<i64>,
    multipart: bool,
}

impl KeyList {
    pub fn new() -> KeyList {
        KeyList::default()
    }

    pub fn push(&mut self, key: &str, size_bytes: i64, last_modified_ms: Option<i64>) {
        self.push_entry(key, size_bytes, last_modified_ms, false);
    }

    /// An incomplete multipart upload of `key`, initiated at `initiated_ms`.
    pub fn push_multipart(&mut self, key: &str, initiated_ms: Option<i64>) {
        self.push_entry(key, 0, initiated_ms, true);
    }

    fn push_entry(&mut self, key: &str, size: i64, lm: Option<i64>, multipart: bool) {
        let (dir, name) = key.rsplit_once('/').unwrap_or(("", key));
        let d = match self.dir_index.get(dir) {
            Some(&d) => d,
            None => {
                let d = self.dirs.len() as u32;
                self.dirs.push(dir.to_string());
                self.dir_index.insert(dir.to_string(), d);
                d
            }
        };
        self.objects.push(KeyListEntry {
            dir: d,
            name: name.to_string(),
            size_bytes: size,
            last_modified_ms: lm,
            multipart,
        });
    }

    /// Removes object `i` (later ones move up).
    pub fn remove(&mut self, i: usize) {
        self.objects.remove(i);
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }
}

impl ObjectSource for KeyList {
    fn object_count(&self) -> usize {
        self.objects.len()
    }

    fn object(&self, i: usize) -> ObjectView<'_> {
        let o = &self.objects[i];
        ObjectView {
            dir_id: o.dir,
            name: NameView::Text(&o.name),
            size_bytes: o.size_bytes,
            last_modified_ms: o.last_modified_ms,
            multipart: o.multipart,
        }
    }

    fn dir_count(&self) -> usize {
        self.dirs.len()
    }

    fn dir(&self, id: u32) -> &str {
        &self.dirs[id as usize]
    }

    fn key(&self, i: usize) -> String {
        let o = &self.objects[i];
        let d = &self.dirs[o.dir as usize];
        if d.is_empty() {
            o.name.clone()
        } else {
            format!("{d}/{}", o.name)
        }
    }
}

/// The listing a bucket would hold if the plugin had done exactly what the metadata says:
/// every object each listed segment needs (`COPY_SEGMENT_FINISHED`, and the copies in progress
/// and deletions not finished), none for deleted ones, modified at the segment's metadata event
/// (or its newest record). Topics without a topic id get one from their name (stable). For
/// tests and demonstrations.
pub fn listing_from_snapshot(snapshot: &Snapshot, layout: Layout, prefix: &str) -> KeyList {
    let mut out = KeyList::new();
    let needed = layout.required(FileSet::EMPTY);
    for t in &snapshot.topics {
        let topic_id = t
            .topic_id
            .as_deref()
            .and_then(uuid_from_base64)
            .unwrap_or_else(|| name_uuid(&t.name));
        for p in &t.partitions {
            for s in p.segments.iter() {
                let SegmentId::Uuid(id) = s.id else { continue };
                if s.state == SegmentState::DeleteSegmentFinished {
                    continue;
                }
                for kind in needed.iter() {
                    let Some(key) = layout.key_for(
                        prefix,
                        &t.name,
                        &topic_id,
                        p.partition,
                        s.start_offset,
                        &id,
                        kind,
                    ) else {
                        continue;
                    };
                    let size = if kind == FileKind::Log {
                        s.size_bytes.max(0)
                    } else {
                        1024
                    };
                    out.push(
                        &key,
                        size,
                        Some(s.event_timestamp_ms.unwrap_or(s.max_timestamp_ms)),
                    );
                }
            }
        }
    }
    out
}

/// A stable id for a topic that has none (16 bytes of FNV-1a over its name, twice).
pub fn name_uuid(name: &str) -> [u8; 16] {
    let fnv = |seed: u64| {
        name.bytes().fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    };
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&fnv(0xcbf2_9ce4_8422_2325).to_le_bytes());
    out[8..].copy_from_slice(&fnv(0x8422_2325_cbf2_9ce4).to_le_bytes());
    out
}
