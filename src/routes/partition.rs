//! One partition: its segments on a time or offset axis, coloured by state, with what the
//! plan deletes highlighted; and the same data as a table (the chart's text alternative).
use crate::charts::EChart;
use crate::components::{Bytes, Instant};
use crate::derived::Derived;
use crate::state::{prefers_dark, Settings};
use leptos::prelude::*;
use std::collections::HashMap;
use tierlens_charts::{
    segment_timeline, to_option_json, TimelineAxis, TimelineMarks, TimelineSegment,
};
use tierlens_core::explain::explain_in_partition;
use tierlens_core::units::{format_bytes, format_timestamp_utc};
use tierlens_core::{filter_empty_epochs, SegmentRef};

/// One segment as the view shows it.
#[derive(Debug, Clone, PartialEq)]
struct SegmentRow {
    index: usize,
    id: String,
    start_offset: i64,
    end_offset: i64,
    size_bytes: i64,
    max_timestamp_ms: i64,
    state: &'static str,
    epochs: String,
    deleted_by: Option<&'static str>,
    explanation: String,
}

fn epochs_text(s: &SegmentRef) -> String {
    s.segment_leader_epochs
        .iter()
        .map(|(e, o)| format!("{e}@{o}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
pub fn PartitionDetail(topic: String, partition: i32) -> impl IntoView {
    let d = expect_context::<Derived>();
    let settings = expect_context::<Settings>();
    let dark = prefers_dark();
    let offset_axis = Memo::new(move |_| settings.axis.0.get().as_deref() == Some("offset"));
    let table_open = RwSignal::new(false);

    // Segments with the proposed plan's verdict and the engine's explanation.
    let rows = {
        let topic = topic.clone();
        Memo::new(move |_| {
            crate::perf::phase("segment rows", || {
                d.snapshot.with(|s| {
                    d.proposed_plan.with(|plan| {
                        let (Some(s), Some(plan)) = (s, plan) else {
                            return Vec::new();
                        };
                        let Some(t) = s.topic(&topic) else {
                            return Vec::new();
                        };
                        let Some(p) = t.partitions.iter().find(|p| p.partition == partition) else {
                            return Vec::new();
                        };
                        let Some(pp) = plan
                            .partitions
                            .iter()
                            .find(|pp| pp.topic == topic && pp.partition == partition)
                        else {
                            return Vec::new();
                        };
                        let deleted: HashMap<usize, &'static str> = pp
                            .deletions
                            .iter()
                            .map(|x| (x.segment_index, x.reason.as_str()))
                            .collect();
                        // The engine's sentence for every segment (the plan already says which go).
                        let explanations: Vec<String> = (0..p.segments.len())
                            .map(|i| {
                                explain_in_partition(plan, pp, p, i)
                                    .map(|e| e.text)
                                    .unwrap_or_default()
                            })
                            .collect();
                        p.segments
                            .iter()
                            .enumerate()
                            .map(|(i, g)| SegmentRow {
                                index: i,
                                id: g.id.to_string(),
                                start_offset: g.start_offset,
                                end_offset: g.end_offset,
                                size_bytes: g.size_bytes,
                                max_timestamp_ms: g.max_timestamp_ms,
                                state: g.state.as_str(),
                                epochs: epochs_text(&g),
                                deleted_by: deleted.get(&i).copied(),
                                explanation: explanations.get(i).cloned().unwrap_or_default(),
                            })
                            .collect()
                    })
                })
            })
        })
    };

    let option = {
        let topic = topic.clone();
        Memo::new(move |_| {
            let axis = if offset_axis.get() {
                TimelineAxis::Offset
            } else {
                TimelineAxis::Time
            };
            let now = d.now_ms.get();
            d.snapshot.with(|s| {
                let Some(t) = s.as_ref().and_then(|s| s.topic(&topic)) else { return String::new() };
                let Some(p) = t.partitions.iter().find(|p| p.partition == partition) else { return String::new() };
                let config = d.proposed_policy.with(|pol| pol.effective_config(t));
                rows.with(|rows| {
                    // Bars run from the previous segment's newest record (in offset order) to
                    // this segment's newest record. The first segment's start is unknown: it
                    // gets the median span of the others.
                    let mut order: Vec<usize> = (0..p.segments.len()).collect();
                    order.sort_by_key(|&i| (p.segments.at(i).start_offset, p.segments.at(i).end_offset));
                    let mut start_ms = vec![0i64; p.segments.len()];
                    let mut prev: Option<i64> = None;
                    let mut spans = Vec::new();
                    for &i in &order {
                        let max = p.segments.at(i).max_timestamp_ms;
                        start_ms[i] = prev.filter(|&v| v <= max).unwrap_or(max);
                        if prev.is_some() {
                            spans.push(max - start_ms[i]);
                        }
                        prev = Some(prev.map_or(max, |v| v.max(max)));
                    }
                    spans.sort_unstable();
                    if let (Some(&first), Some(&median)) = (order.first(), spans.get(spans.len() / 2)) {
                        start_ms[first] = p.segments.at(first).max_timestamp_ms.saturating_sub(median);
                    }
                    let segs: Vec<TimelineSegment> = rows
                        .iter()
                        .map(|r| {
                            let g = p.segments.at(r.index);
                            TimelineSegment {
                                id: r.id.clone(),
                                start_ms: start_ms[r.index],
                                end_ms: r.max_timestamp_ms,
                                start_offset: r.start_offset,
                                end_offset: r.end_offset,
                                size_bytes: r.size_bytes,
                                state: r.state.to_string(),
                                deleted: r.deleted_by.is_some(),
                                epoch: g.segment_leader_epochs.last().map_or(0, |e| e.0),
                                tip: format!(
                                    "segment {}\noffsets {}–{} · {}\nnewest record {}\nleader epochs {}\nstate {}{}\n{}",
                                    r.id,
                                    r.start_offset,
                                    r.end_offset,
                                    format_bytes(r.size_bytes),
                                    format_timestamp_utc(r.max_timestamp_ms),
                                    r.epochs,
                                    r.state,
                                    r.deleted_by.map(|x| format!(" · deleted by {x}")).unwrap_or_default(),
                                    r.explanation
                                ),
                            }
                        })
                        .collect();
                    let (lineage, _) = p.lineage();
                    let lineage = filter_empty_epochs(&lineage);
                    let epoch_boundaries = match axis {
                        TimelineAxis::Offset => lineage.clone(),
                        // On the time axis an epoch starts at the start of the first segment
                        // holding its first offset.
                        TimelineAxis::Time => lineage
                            .iter()
                            .filter_map(|&(e, off)| {
                                order
                                    .iter()
                                    .find(|&&i| p.segments.at(i).start_offset <= off && off <= p.segments.at(i).end_offset)
                                    .map(|&i| (e, start_ms[i]))
                            })
                            .collect(),
                    };
                    let marks = TimelineMarks {
                        retention_cutoff_ms: (config.retention_ms >= 0 && now - config.retention_ms >= 0)
                            .then(|| now - config.retention_ms),
                        epoch_boundaries,
                        log_start_offset: Some(p.log_start_offset_or_inferred()),
                        now_ms: now,
                    };
                    crate::perf::phase("timeline option", || to_option_json(&segment_timeline(&segs, &marks, axis, dark)))
                })
            })
        })
    };

    let title = format!("{topic}-{partition}");
    view! {
        <section class="panel partition" data-testid="partition-detail">
            <div class="whatif-head">
                <h2>"Segments of " {title.clone()}</h2>
                <div class="toggle" role="group" aria-label="Timeline axis">
                    <button aria-pressed=move || (!offset_axis.get()).to_string() on:click=move |_| settings.axis.1.set(None)>"Time"</button>
                    <button data-testid="axis-offset" aria-pressed=move || offset_axis.get().to_string() on:click=move |_| settings.axis.1.set(Some("offset".into()))>"Offsets"</button>
                </div>
            </div>
            <p class="muted legend-note">
                {move || if offset_axis.get() {
                    "Each bar is a segment's offset range; the dashed line is the log start offset, thin lines mark where each leader epoch of the lineage starts."
                } else {
                    "Each bar runs from the previous segment's newest record to this segment's newest record (maxTimestampMs); the first segment's start is unknown and drawn with the median span of the others. The red line is now − retention.ms: segments whose newest record is left of it are past retention."
                }}
            </p>
            <EChart option=option label=format!("Segment timeline of {title}; the table below lists the same segments") class="tall" measured=true />
            <details class="segments" on:toggle=move |ev| table_open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())>
                <summary>{move || rows.with(|r| format!("All {} segments, with why each stays or goes", r.len()))}</summary>
                <div class="scroll">
                    <table class="data" data-testid="segments-table">
                        <thead><tr><th>"Segment"</th><th>"Offsets"</th><th>"Size"</th><th>"Newest record"</th><th>"Epochs"</th><th>"State"</th><th>"Plan"</th><th>"Why"</th></tr></thead>
                        <tbody>
                            // Only rendered while open: hundreds of rows must not slow every slider move.
                            {move || table_open.get().then(|| rows.get().into_iter().map(|r| view! {
                                <tr class:deleted=r.deleted_by.is_some()>
                                    <td class="mono">{r.id}</td>
                                    <td class="mono">{format!("{}–{}", r.start_offset, r.end_offset)}</td>
                                    <td><Bytes value=r.size_bytes /></td>
                                    <td><Instant ms=r.max_timestamp_ms /></td>
                                    <td class="mono">{r.epochs}</td>
                                    <td><code>{r.state}</code></td>
                                    <td>{r.deleted_by.map(|x| format!("deleted ({x})")).unwrap_or_else(|| "kept".into())}</td>
                                    <td class="why">{r.explanation}</td>
                                </tr>
                            }).collect_view())}
                        </tbody>
                    </table>
                </div>
            </details>
        </section>
    }
}
