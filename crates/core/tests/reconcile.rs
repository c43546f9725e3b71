//! The leak finder's reconciliation: hand-built cases per layout with every class, the
//! property that a listing generated from a snapshot reconciles to no leaks, and mutations
//! (drop an object → missing, add one → orphan, change the prefix → foreign) found exactly.

use proptest::prelude::*;
use tierlens_core::leaks::layout::{uuid_to_base64, FileKind, Layout};
use tierlens_core::leaks::reconcile::*;
use tierlens_core::model::*;
use tierlens_core::profile::KafkaVersion;
use tierlens_core::synth::{snapshot as synth, SynthSpec};

const NOW: i64 = 1_700_000_000_000;
const HOUR: i64 = 3_600_000;
const TOPIC_ID: [u8; 16] = [7; 16];
const OTHER_TOPIC_ID: [u8; 16] = [9; 16];

fn id(n: u8) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[0] = n;
    b[15] = 0xab;
    b
}

fn seg(n: u8, state: SegmentState, epoch: i32, event_age: i64) -> Segment {
    let start = i64::from(n) * 100;
    Segment {
        id: uuid_to_base64(&id(n)),
        start_offset: start,
        end_offset: start + 99,
        max_timestamp_ms: NOW - 10 * HOUR + i64::from(n) * HOUR,
        event_timestamp_ms: Some(NOW - event_age),
        size_bytes: 1_000_000 + i64::from(n),
        segment_leader_epochs: vec![(epoch, start)],
        state,
        broker_id: None,
        copy_in_progress: None,
    }
}

/// One topic, one partition: segments 1–3 complete; 4 outside the lineage (it claims epoch 2
/// beyond where epoch 2 ended); 5 below the cache's first epoch (unreferenced);
/// 6 a failed upload; 7 an upload in flight; 8 a stalled deletion; 9 deleted; 10 complete
/// but its objects are missing; 11 outside the lineage (past the end of its epoch) but below
/// the log start offset.
fn snapshot() -> Snapshot {
    use SegmentState::*;
    // Epoch 2 ends at 299 in the cache: segment 4 (400–499) claims it past its end.
    let mut four = seg(4, CopySegmentFinished, 2, 5 * HOUR);
    four.segment_leader_epochs = vec![(2, 400)];
    // Offsets 250–320 in epoch 2, which ended at 299: outside the lineage; the log starts at
    // 400, so the log-start-offset breach rule deletes it.
    let mut eleven = seg(11, CopySegmentFinished, 2, 9 * HOUR);
    eleven.segment_leader_epochs = vec![(2, 250)];
    eleven.start_offset = 250;
    eleven.end_offset = 320;
    let segments = vec![
        seg(5, CopySegmentFinished, 0, 9 * HOUR),
        seg(1, CopySegmentFinished, 2, 9 * HOUR),
        seg(2, CopySegmentFinished, 2, 8 * HOUR),
        seg(3, CopySegmentFinished, 3, 7 * HOUR),
        four,
        seg(6, CopySegmentStarted, 3, 5 * HOUR),
        seg(8, DeleteSegmentStarted, 3, 4 * HOUR),
        seg(9, DeleteSegmentFinished, 3, 3 * HOUR),
        seg(10, CopySegmentFinished, 3, 3 * HOUR),
        seg(7, CopySegmentStarted, 3, HOUR / 4),
        eleven,
    ];
    Snapshot {
        cluster: None,
        kafka_version: None,
        captured_at_ms: NOW,
        source: SnapshotSource::SnapshotJson,
        topics: vec![Topic {
            name: "orders".into(),
            topic_id: Some(uuid_to_base64(&TOPIC_ID)),
            config: TopicConfig::default(),
            partitions: vec![Partition {
                partition: 0,
                log_start_offset: Some(400),
                log_end_offset: Some(2000),
                local_log_start_offset: None,
                local_size_bytes: None,
                only_local_size_bytes: None,
                leader_epochs: Some(vec![(2, 100), (3, 300)]),
                segments: segments.into(),
            }],
        }],
    }
}

fn key(layout: Layout, prefix: &str, n: u8, kind: FileKind) -> String {
    layout
        .key_for(
            prefix,
            "orders",
            &TOPIC_ID,
            0,
            i64::from(n) * 100,
            &id(n),
            kind,
        )
        .unwrap()
}

/// Every needed object of segments `segs`, modified two hours ago.
fn listing(layout: Layout, prefix: &str, segs: &[u8]) -> KeyList {
    let mut l = KeyList::new();
    for &n in segs {
        for kind in layout.required(Default::default()).iter() {
            l.push(&key(layout, prefix, n, kind), 1000, Some(NOW - 2 * HOUR));
        }
    }
    l
}

fn opts() -> ReconcileOptions {
    ReconcileOptions::new(NOW, KafkaVersion::V4_3Plus)
}

fn segment_why(r: &Reconciliation, snap: &Snapshot, n: u8) -> Why {
    let rows = &snap.topics[0].partitions[0].segments;
    let row = rows
        .iter()
        .position(|s| s.id == SegmentId::Uuid(id(n)))
        .unwrap();
    r.segment_why[row]
}

/// A prefix the plugin is not configured with.
fn other_prefix(layout: Layout) -> &'static str {
    match layout {
        Layout::LinkedInAzure => "old",
        _ => "old-prefix/",
    }
}

fn prefix_for(layout: Layout) -> &'static str {
    match layout {
        Layout::Aiven => "tiered/",
        Layout::LocalTieredStorage => "/var/kafka-remote/",
        Layout::LinkedInAzure => "kafka",
    }
}

#[test]
fn every_class_per_layout() {
    let snap = snapshot();
    for layout in Layout::ALL {
        let prefix = prefix_for(layout);
        // Objects for 1–8 and 9 (deleted, but left behind); none for 10.
        let mut l = listing(layout, prefix, &[1, 2, 3, 4, 5, 6, 7, 8, 9]);
        // An orphan with no metadata, an object newer than the grace window with none, a
        // key under another prefix, a topic id nobody has, a file that is not a key at all,
        // and incomplete multipart uploads.
        l.push(
            &key(layout, prefix, 42, FileKind::Log),
            5_000,
            Some(NOW - 30 * HOUR),
        );
        l.push(
            &key(layout, prefix, 43, FileKind::Log),
            6_000,
            Some(NOW - HOUR / 10),
        );
        let moved = key(layout, other_prefix(layout), 44, FileKind::Log);
        l.push(&moved, 7_000, Some(NOW - 30 * HOUR));
        let foreign_topic = layout
            .key_for(
                prefix,
                "gone",
                &OTHER_TOPIC_ID,
                0,
                0,
                &id(45),
                FileKind::Log,
            )
            .unwrap();
        l.push(&foreign_topic, 8_000, Some(NOW - 30 * HOUR));
        l.push("README.txt", 9_000, Some(NOW - 30 * HOUR));
        l.push_multipart(
            &key(layout, prefix, 46, FileKind::Log),
            Some(NOW - 30 * HOUR),
        );
        l.push_multipart(
            &key(layout, prefix, 47, FileKind::Log),
            Some(NOW - HOUR / 10),
        );

        let r = reconcile(&snap, &l, opts()).unwrap();
        assert_eq!(r.layout, layout);
        assert!(r.layout_detected);
        assert_eq!(r.prefix, prefix, "{layout}");

        use Why::*;
        let expect = [
            (1, Complete),
            (2, Complete),
            (3, Complete),
            (4, OutsideLineageNeverDeleted),
            (5, UnreferencedEpochRemovedNextRun),
            (6, UploadNeverFinished),
            (7, UploadInFlight),
            (8, DeletionNeverFinished),
            (9, DeletedObjectsRemain),
            (10, LacksObjects),
            (11, BelowLogStartRemovedNextRun),
        ];
        for (n, why) in expect {
            assert_eq!(segment_why(&r, &snap, n), why, "{layout}: segment {n}");
        }
        // The objects: by key.
        let by_key = |k: &str| {
            let i = (0..l.len()).find(|&i| l.key(i) == k).unwrap();
            r.object_why[i]
        };
        let log = |n| key(layout, prefix, n, FileKind::Log);
        assert_eq!(by_key(&log(1)), ObjectOfCompleteSegment);
        assert_eq!(by_key(&log(4)), ObjectOutsideLineageNeverDeleted);
        assert_eq!(by_key(&log(5)), ObjectOutsideLineageRemovedNextRun);
        assert_eq!(by_key(&log(6)), ObjectOfFailedUpload);
        assert_eq!(by_key(&log(7)), ObjectOfUploadInFlight);
        assert_eq!(by_key(&log(8)), ObjectOfStalledDeletion);
        assert_eq!(by_key(&log(9)), SegmentDeleted);
        assert_eq!(by_key(&log(42)), NoMetadata);
        assert_eq!(by_key(&log(43)), RecentWithoutMetadata);
        assert_eq!(by_key(&moved), OtherPrefix);
        assert_eq!(by_key(&foreign_topic), TopicNotInSnapshot);
        assert_eq!(by_key("README.txt"), NotThisLayout);
        let multipart: Vec<Why> = (0..l.len())
            .filter(|&i| l.object(i).multipart)
            .map(|i| r.object_why[i])
            .collect();
        assert_eq!(
            multipart,
            [IncompleteMultipartUpload, RecentMultipartUpload]
        );

        // Totals: every object and every segment counted once.
        let objects: u64 = r.totals.iter().map(|t| t.objects).sum();
        let segments: u64 = r.totals.iter().map(|t| t.segments).sum();
        assert_eq!(objects as usize, l.len());
        assert_eq!(segments, 11);
        let files = layout.required(Default::default()).iter().count() as u64;
        assert_eq!(r.class_totals(Class::Orphan).objects, files + 1);
        assert_eq!(r.class_totals(Class::Missing).segments, 1);
        assert_eq!(r.class_totals(Class::Missing).objects, 0);
        assert_eq!(r.class_totals(Class::Foreign).objects, 3);
        assert_eq!(
            r.class_totals(Class::Orphan).object_bytes,
            5_000 + 1000 * files as i64
        );
        let usd = r.class_totals(Class::Orphan).monthly_usd;
        assert!(
            (usd - r.class_totals(Class::Orphan).object_bytes as f64 / 1e9 * 0.023).abs() < 1e-12
        );
        // Per topic: orders, then the keys' own spelling for what the snapshot lacks.
        let orders = r.topics.iter().find(|t| t.topic == "orders").unwrap();
        assert!(orders.in_snapshot);
        assert_eq!(orders.classes[Class::Missing as usize].segments, 1);
    }
}

#[test]
fn a_changed_topic_id_is_foreign_and_its_segment_missing() {
    let snap = snapshot();
    let layout = Layout::Aiven;
    let mut l = listing(layout, "p/", &[1, 2, 3]);
    // Segment 2's log under a re-created topic's id.
    let i = (0..l.len())
        .find(|&i| l.key(i) == key(layout, "p/", 2, FileKind::Log))
        .unwrap();
    l.remove(i);
    let k = layout
        .key_for(
            "p/",
            "orders",
            &OTHER_TOPIC_ID,
            0,
            200,
            &id(2),
            FileKind::Log,
        )
        .unwrap();
    l.push(&k, 1000, Some(NOW - 2 * HOUR));
    let r = reconcile(&snap, &l, opts()).unwrap();
    assert_eq!(r.object_why[l.len() - 1], Why::OtherTopicId);
    assert_eq!(segment_why(&r, &snap, 2), Why::LacksObjects);
}

#[test]
fn glued_prefixes_and_chosen_options() {
    // Aiven's key.prefix need not end in "/": "tiered-orders-…".
    let snap = snapshot();
    let l = listing(Layout::Aiven, "tiered-", &[1, 2, 3]);
    let r = reconcile(&snap, &l, opts()).unwrap();
    assert_eq!(r.prefix, "tiered-");
    // 1–3, and 9 (deleted, nothing left).
    assert_eq!(r.class_totals(Class::Ok).segments, 4);
    // A chosen prefix that is not the objects' makes them foreign and the segments missing.
    let mut o = opts();
    o.prefix = Some("elsewhere/".into());
    o.layout = Some(Layout::Aiven);
    let r = reconcile(&snap, &l, o).unwrap();
    assert!(!r.prefix_detected && !r.layout_detected);
    assert_eq!(r.class_totals(Class::Foreign).objects as usize, l.len());
    // 1–3 and 10 (which has no objects at all).
    assert_eq!(r.class_totals(Class::Missing).segments, 4);
}

#[test]
fn no_layout_and_empty_listings_are_errors() {
    let snap = snapshot();
    let mut l = KeyList::new();
    assert_eq!(
        reconcile(&snap, &l, opts()).unwrap_err(),
        ReconcileError::EmptyListing
    );
    l.push("photos/cat.jpg", 1, None);
    let e = reconcile(&snap, &l, opts()).unwrap_err();
    assert!(e.to_string().contains("photos/cat.jpg"), "{e}");
}

#[test]
fn steps_give_the_same_result_as_one_go() {
    let snap = snapshot();
    let l = listing(Layout::Aiven, "p/", &[1, 2, 3, 4, 5, 6, 7, 8, 9]);
    let whole = reconcile(&snap, &l, opts()).unwrap();
    let mut rec = Reconciler::new(&snap, &l, opts()).unwrap();
    let mut last = 0;
    while !rec.is_done() {
        let p = rec.step(3);
        assert!(p.done >= last && p.done <= p.total);
        last = p.done;
    }
    assert_eq!(rec.progress().done, rec.progress().total);
    assert_eq!(rec.finish(), whole);
}

fn leaks(r: &Reconciliation) -> u64 {
    [Class::Orphan, Class::Missing, Class::Foreign]
        .iter()
        .map(|&c| r.class_totals(c).objects + r.class_totals(c).segments)
        .sum()
}

fn layout() -> impl Strategy<Value = Layout> {
    prop_oneof![
        Just(Layout::Aiven),
        Just(Layout::LocalTieredStorage),
        Just(Layout::LinkedInAzure)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// What the plugin would have written for a snapshot reconciles to no orphan, missing or
    /// foreign object or segment, each object in its segment's class; and one mutation is
    /// found exactly.
    #[test]
    fn generated_listings_have_no_leaks_and_mutations_are_found(
        seed in 1u64..10_000,
        topics in 1usize..4,
        parts in 1usize..4,
        segs in 1usize..30,
        layout in layout(),
        slash in any::<bool>(),
        pick in any::<prop::sample::Index>(),
    ) {
        let spec = SynthSpec { topics, partitions_per_topic: parts, segments_per_partition: segs, seed, now_ms: NOW };
        let snap = synth(&spec);
        let prefix = match (layout, slash) {
            (Layout::LinkedInAzure, _) => "kafka",
            (_, true) => "cluster-a/tiered/",
            (_, false) => "tiered-",
        };
        let l = listing_from_snapshot(&snap, layout, prefix);
        prop_assume!(!l.is_empty());
        let mut o = opts();
        // The synthetic snapshot's events are ~1 hour old or more.
        o.grace_ms = 0;
        let r = reconcile(&snap, &l, o.clone()).unwrap();
        prop_assert_eq!(r.layout, layout);
        prop_assert_eq!(&r.prefix, prefix);
        prop_assert_eq!(leaks(&r), 0);
        for i in 0..l.len() {
            let s = r.object_segment(i).unwrap();
            let row = r.global_row(s).unwrap();
            prop_assert_eq!(r.object_why[i].class(), r.segment_why[row].class());
        }

        // Drop one object of a complete segment: that segment, and only it, is missing.
        let complete: Vec<usize> = (0..l.len())
            .filter(|&i| r.object_why[i] == Why::ObjectOfCompleteSegment)
            .collect();
        if !complete.is_empty() {
            let victim = complete[pick.index(complete.len())];
            let seg = r.object_segment(victim).unwrap();
            let mut dropped = l.clone();
            dropped.remove(victim);
            let r2 = reconcile(&snap, &dropped, o.clone()).unwrap();
            prop_assert_eq!(r2.class_totals(Class::Missing).segments, 1);
            prop_assert_eq!(r2.segment_why[r2.global_row(seg).unwrap()], Why::LacksObjects);
            prop_assert_eq!(r2.class_totals(Class::Orphan).objects + r2.class_totals(Class::Foreign).objects, 0);

            // Move it under another prefix instead: it is foreign, its segment missing.
            let mut moved = dropped.clone();
            let k = l.key(victim);
            let other = match layout {
                Layout::LinkedInAzure => k.replacen("kafka-", "other-", 1),
                _ => k.replacen(prefix, "moved/", 1),
            };
            moved.push(&other, 1000, Some(NOW - 2 * HOUR));
            let r3 = reconcile(&snap, &moved, o.clone()).unwrap();
            prop_assert_eq!(r3.object_why[moved.len() - 1], Why::OtherPrefix);
            prop_assert_eq!(r3.class_totals(Class::Foreign).objects, 1);
            prop_assert_eq!(r3.class_totals(Class::Missing).segments, 1);
        }

        // Add an object no segment has: exactly one orphan.
        let mut added = l.clone();
        let t = &snap.topics[0];
        let k = layout
            .key_for(prefix, &t.name, &name_uuid(&t.name), 0, 0, &[0xee; 16], FileKind::Log)
            .unwrap();
        added.push(&k, 123, Some(NOW - 48 * HOUR));
        let r4 = reconcile(&snap, &added, o).unwrap();
        prop_assert_eq!(r4.class_totals(Class::Orphan).objects, 1);
        prop_assert_eq!(r4.object_why[added.len() - 1], Why::NoMetadata);
        prop_assert_eq!(leaks(&r4), 1);
    }
}

/// The lineage check is the profile's: a segment that starts in an epoch the cache no longer
/// holds was leaked by 3.6.x–3.7.0 (its first epoch is checked) and is valid from 3.7.1.
#[test]
fn outside_the_lineage_follows_the_version_profile() {
    let mut snap = snapshot();
    let mut straddler = seg(12, SegmentState::CopySegmentFinished, 2, 9 * HOUR);
    straddler.segment_leader_epochs = vec![(1, 90), (2, 100)];
    straddler.start_offset = 90;
    straddler.end_offset = 150;
    let p = &mut snap.topics[0].partitions[0];
    let mut all: Vec<Segment> = p.segments.iter().map(|s| s.to_segment()).collect();
    all.push(straddler);
    p.segments = all.into();
    let l = listing(Layout::Aiven, "p/", &[1, 2, 3, 12]);
    let why = |profile| {
        let mut o = opts();
        o.profile = profile;
        let r = reconcile(&snap, &l, o).unwrap();
        segment_why(&r, &snap, 12)
    };
    assert_eq!(why(KafkaVersion::V4_3Plus), Why::Complete);
    assert_eq!(
        why(KafkaVersion::V3_6_1To3_7_0),
        Why::BelowLogStartRemovedNextRun
    );
}

#[test]
fn csv_and_deletion_list() {
    use tierlens_core::export::{deletion_list, leaks_csv};
    use tierlens_core::leaks::listing::{load_listing, ListingFormat};
    let snap = snapshot();
    // The aws s3 ls form of a listing: orphans 42 and a formula-looking key.
    let mut text = String::new();
    for n in [1u8, 2, 3, 42] {
        for kind in Layout::Aiven.required(Default::default()).iter() {
            text.push_str(&format!(
                "2023-11-13 22:13:20       1000 {}\n",
                key(Layout::Aiven, "t/", n, kind)
            ));
        }
    }
    text.push_str("2023-11-13 22:13:20          5 =cmd|' /C calc'!A0\n");
    let listing = load_listing(text.as_bytes()).unwrap();
    assert_eq!(listing.format, ListingFormat::AwsS3Ls);
    let r = reconcile(&snap, &listing.objects, opts()).unwrap();
    let not_ok: Vec<usize> = (0..listing.objects.object_count())
        .filter(|&i| r.object_class(i) != Class::Ok)
        .collect();
    let csv = leaks_csv(&snap, &r, &listing.objects, not_ok.iter().copied());
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + not_ok.len());
    assert!(lines[0].starts_with("key,class,why,reason,"));
    assert!(csv.contains(",orphan,no-metadata,"), "{csv}");
    // Untrusted text never becomes a formula.
    assert!(csv.contains("\n'=cmd|' /C calc'!A0,foreign,"), "{csv}");
    let list = deletion_list(&r, &listing.objects, listing.format, Some("bucket"));
    let keys: Vec<&str> = list.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(keys.len(), 3);
    assert!(
        keys.iter().all(|k| k.starts_with("s3://bucket/t/")),
        "{list}"
    );
    let bare = deletion_list(&r, &listing.objects, ListingFormat::AzBlobList, Some("c"));
    assert!(bare
        .lines()
        .filter(|l| !l.starts_with('#'))
        .all(|k| k.starts_with("t/")));
}
