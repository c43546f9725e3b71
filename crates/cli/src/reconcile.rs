//! `tierlens reconcile`: the metadata against a bucket listing (and the metric), as a table or
//! JSON, with an optional deletion list for review. Never deletes anything.

use crate::args::{Args, Reconcile};
use crate::{read_chunks, CliError};
use serde::Serialize;
use std::fmt::Write as _;
use tierlens_core::forecast::cost::format_usd;
use tierlens_core::leaks::drift::{metric_drift, Drift};
use tierlens_core::leaks::listing::{Listing, ListingLoader, ListingProblem};
use tierlens_core::leaks::metrics::parse_remote_log_size_metrics;
use tierlens_core::leaks::reconcile::{
    Class, ObjectSource, ReconcileOptions, Reconciler, Reconciliation, Why,
};
use tierlens_core::model::Snapshot;
use tierlens_core::profile::KafkaVersion;
use tierlens_core::units::{format_bytes, format_duration_ms};
use tierlens_core::Problem;

/// Streams one listing through the loader.
fn read_listing(path: &std::path::Path, max_held: u64) -> Result<Listing, CliError> {
    let name = path.display().to_string();
    let mut loader = ListingLoader::with_limit(max_held);
    read_chunks(path, &name, |chunk| {
        loader
            .feed(chunk)
            .map_err(|e| CliError::Listing(name.clone(), e))?;
        Ok(format!("{} objects", loader.progress().objects))
    })?;
    loader.finish().map_err(|e| CliError::Listing(name, e))
}

/// What the JSON reports about the listings read.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListingJson {
    files: Vec<String>,
    formats: Vec<String>,
    bucket: Option<String>,
    objects: usize,
    approximate_sizes: u64,
    problem_count: u64,
    problems: Vec<ListingProblem>,
    notes: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ObjectJson {
    key: String,
    class: Class,
    why: Why,
    reason: &'static str,
    size_bytes: i64,
    last_modified_ms: Option<i64>,
    /// The segment it belongs to, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    segment: Option<SegmentJson>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct SegmentJson {
    topic: String,
    partition: i32,
    id: String,
    state: String,
    start_offset: i64,
    size_bytes: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SegmentClassJson {
    #[serde(flatten)]
    segment: SegmentJson,
    class: Class,
    why: Why,
    reason: &'static str,
    /// For `missing`: the objects not found.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    missing_objects: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReconcileJson<'a> {
    reconciliation: &'a Reconciliation,
    listing: ListingJson,
    /// Every object not ok, in listing order.
    objects: Vec<ObjectJson>,
    /// Every segment not ok, in snapshot order.
    segments: Vec<SegmentClassJson>,
    drift: Vec<Drift>,
    problems: &'a [Problem],
}

fn segment_json(snap: &Snapshot, s: tierlens_core::leaks::reconcile::SegmentRow) -> SegmentJson {
    let t = &snap.topics[s.topic as usize];
    let p = &t.partitions[s.partition as usize];
    let seg = p.segments.at(s.row as usize);
    SegmentJson {
        topic: t.name.clone(),
        partition: p.partition,
        id: seg.id.to_string(),
        state: seg.state.to_string(),
        start_offset: seg.start_offset,
        size_bytes: seg.size_bytes,
    }
}

pub fn run(
    args: &Args,
    r: &Reconcile,
    snapshot: &Snapshot,
    profile: KafkaVersion,
    now: i64,
    problems: &[Problem],
) -> Result<String, CliError> {
    let mut listing: Option<Listing> = None;
    let mut formats = Vec::new();
    for path in &r.listings {
        let l = read_listing(path, args.max_input_size)?;
        for p in l.problems.iter().take(20) {
            eprintln!("tierlens: {}: {p}", path.display());
        }
        if l.problem_count > 20 {
            eprintln!(
                "tierlens: {}: {} more problems",
                path.display(),
                l.problem_count - 20
            );
        }
        formats.push(l.format.label().to_string());
        match &mut listing {
            None => listing = Some(l),
            Some(all) => all.merge(l),
        }
    }
    let listing = listing.expect("at least one listing (clap requires it)");

    let mut opts = ReconcileOptions::new(now, profile);
    opts.layout = r.layout;
    opts.prefix = r.prefix.clone();
    opts.grace_ms = r.grace_ms;
    if let Some(p) = r.price_remote.filter(|p| p.is_finite() && *p >= 0.0) {
        opts.remote_per_gb_month = p;
    }
    let objects = &listing.objects;
    let mut rec = Reconciler::new(snapshot, objects, opts).map_err(CliError::Reconcile)?;
    let total = rec.progress().total;
    // Steps of ~1/200 of the work, so the bar moves.
    let bar = crate::work_bar(total, objects.object_count() >= 1_000_000);
    while !rec.is_done() {
        let p = rec.step((total / 200).max(10_000) as usize);
        bar.set_position(p.done);
        bar.set_message(p.stage);
    }
    bar.finish_and_clear();
    let result = rec.finish();

    let drift = match &r.metrics {
        None => Vec::new(),
        Some(path) => {
            let name = path.display().to_string();
            let text =
                std::fs::read_to_string(path).map_err(|e| CliError::Read(name.clone(), e))?;
            let m = parse_remote_log_size_metrics(&text)
                .map_err(|e| CliError::Metrics(name.clone(), e))?;
            for p in m.problems.iter().take(10) {
                eprintln!("tierlens: {name}: {p}");
            }
            metric_drift(snapshot, profile, &m)
        }
    };

    if let Some(path) = &r.deletion_list {
        let text = tierlens_core::export::deletion_list(
            &result,
            objects,
            listing.format,
            listing.bucket.as_deref(),
        );
        std::fs::write(path, text).map_err(|e| CliError::Read(path.display().to_string(), e))?;
        eprintln!(
            "tierlens: wrote {} orphan keys to {} for review (tierlens deletes nothing)",
            result.class_totals(Class::Orphan).objects,
            path.display()
        );
    }

    let not_ok_objects =
        (0..objects.object_count()).filter(|&i| result.object_class(i) != Class::Ok);
    if args.json {
        let objects_json = not_ok_objects
            .map(|i| {
                let o = objects.object(i);
                let why = result.object_why[i];
                ObjectJson {
                    key: objects.key(i),
                    class: why.class(),
                    why,
                    reason: why.text(),
                    size_bytes: o.size_bytes,
                    last_modified_ms: o.last_modified_ms,
                    segment: result.object_segment(i).map(|s| segment_json(snapshot, s)),
                }
            })
            .collect();
        let segments = segment_rows(snapshot)
            .filter_map(|(g, s)| {
                let why = result.segment_why[g];
                (why.class() != Class::Ok).then(|| SegmentClassJson {
                    segment: segment_json(snapshot, s),
                    class: why.class(),
                    why,
                    reason: why.text(),
                    missing_objects: missing_objects(&result, g),
                })
            })
            .collect();
        let report = ReconcileJson {
            reconciliation: &result,
            listing: ListingJson {
                files: r.listings.iter().map(|p| p.display().to_string()).collect(),
                formats,
                bucket: listing.bucket.clone(),
                objects: objects.object_count(),
                approximate_sizes: listing.approximate_sizes,
                problem_count: listing.problem_count,
                problems: listing.problems.clone(),
                notes: listing.notes.clone(),
            },
            objects: objects_json,
            segments,
            drift,
            problems,
        };
        let mut s = serde_json::to_string_pretty(&report).expect("serializable");
        s.push('\n');
        return Ok(s);
    }
    Ok(table(snapshot, &result, &listing, &drift, r.show))
}

/// Every segment of the snapshot with its global row, in snapshot order.
fn segment_rows(
    snap: &Snapshot,
) -> impl Iterator<Item = (usize, tierlens_core::leaks::reconcile::SegmentRow)> + '_ {
    snap.topics
        .iter()
        .enumerate()
        .flat_map(move |(ti, t)| {
            t.partitions.iter().enumerate().flat_map(move |(pi, p)| {
                (0..p.segments.len()).map(move |r| tierlens_core::leaks::reconcile::SegmentRow {
                    topic: ti as u32,
                    partition: pi as u32,
                    row: r as u32,
                })
            })
        })
        .enumerate()
}

fn missing_objects(r: &Reconciliation, g: usize) -> Vec<String> {
    if r.segment_why[g] != Why::LacksObjects {
        return Vec::new();
    }
    let found = r.segment_found[g];
    r.layout
        .required(found)
        .minus(found)
        .iter()
        .map(|k| format!("{k:?}"))
        .collect()
}

fn table(
    snap: &Snapshot,
    r: &Reconciliation,
    listing: &Listing,
    drift: &[Drift],
    show: usize,
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "layout {} ({}), prefix {:?} ({}), grace {}, {} objects{}",
        r.layout,
        if r.layout_detected {
            "detected"
        } else {
            "chosen"
        },
        r.prefix,
        if r.prefix_detected {
            "detected"
        } else {
            "chosen"
        },
        format_duration_ms(r.grace_ms),
        listing.objects.object_count(),
        listing
            .bucket
            .as_deref()
            .map(|b| format!(" in {b}"))
            .unwrap_or_default()
    );
    let _ = writeln!(
        s,
        "{:<20} {:>10} {:>12} {:>10} {:>12} {:>12}",
        "class", "objects", "bytes", "segments", "seg. bytes", "$/month"
    );
    for c in Class::ALL {
        let t = r.class_totals(c);
        let _ = writeln!(
            s,
            "{:<20} {:>10} {:>12} {:>10} {:>12} {:>12}",
            c.label(),
            t.objects,
            format_bytes(t.object_bytes),
            t.segments,
            format_bytes(t.segment_bytes),
            format_usd(t.monthly_usd)
        );
    }
    let leaky: Vec<_> = r
        .topics
        .iter()
        .filter(|t| {
            Class::ALL.iter().any(|&c| {
                let x = &t.classes[c as usize];
                c.needs_attention() && x.objects + x.segments > 0
            })
        })
        .take(show)
        .collect();
    if !leaky.is_empty() {
        let _ = writeln!(s, "\ntopics that need attention (orphan / missing / dangling / foreign / outside lineage, bytes):");
        for t in leaky {
            let b = |c: Class| format_bytes(t.classes[c as usize].object_bytes);
            let _ = writeln!(
                s,
                "  {}{}: {} / {} segments / {} / {} / {}",
                t.topic,
                if t.in_snapshot {
                    ""
                } else {
                    " (not in the snapshot)"
                },
                b(Class::Orphan),
                t.classes[Class::Missing as usize].segments,
                b(Class::Dangling),
                b(Class::Foreign),
                b(Class::OutsideLineage)
            );
        }
    }
    for c in [
        Class::Missing,
        Class::Orphan,
        Class::Dangling,
        Class::Foreign,
        Class::OutsideLineage,
    ] {
        if c == Class::Missing {
            let rows: Vec<_> = segment_rows(snap)
                .filter(|&(g, _)| r.segment_why[g] == Why::LacksObjects)
                .take(show)
                .collect();
            if !rows.is_empty() {
                let _ = writeln!(s, "\nmissing (data loss), first {}:", rows.len());
                for (g, seg) in rows {
                    let j = segment_json(snap, seg);
                    let _ = writeln!(
                        s,
                        "  {}-{} {} (offset {}): no {}",
                        j.topic,
                        j.partition,
                        j.id,
                        j.start_offset,
                        missing_objects(r, g).join(", ")
                    );
                }
            }
            continue;
        }
        let keys: Vec<usize> = (0..listing.objects.object_count())
            .filter(|&i| r.object_class(i) == c)
            .take(show)
            .collect();
        if keys.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n{}, first {}:", c.label(), keys.len());
        for i in keys {
            let _ = writeln!(
                s,
                "  {}  ({})",
                listing.objects.key(i),
                r.object_why[i].text()
            );
        }
    }
    if !drift.is_empty() {
        let _ = writeln!(s, "\nRemoteLogSizeBytes (metric) vs the metadata:");
        for d in drift {
            let _ = writeln!(s, "  {d}");
        }
    }
    s
}
