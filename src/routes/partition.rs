//! One partition: its segments on a time or offset axis, coloured by state, with what the
//! plan deletes highlighted; and the same data as a table (the chart's text alternative).
//!
//! A partition may hold a million segments: nothing here makes a string, or even a struct,
//! per segment. The timeline reads the partition's columns through a [`TimelineSource`] and
//! draws the segments in view one per pixel (zooming re-queries it); tooltips and the table's
//! sentences are made only for what is drawn.
use crate::charts::EChart;
use crate::components::{Bytes, Instant, VirtualTable};
use crate::derived::{Derived, Shared};
use crate::state::{prefers_dark, Settings};
use leptos::prelude::*;
use std::sync::Arc;
use tierlens_charts::{
    category_of, timeline_with, to_option_json, TimelineAxis, TimelineBar, TimelineLayout,
    TimelineMarks, TimelineSource, TimelineWindow, DEFAULT_PIXELS,
};
use tierlens_core::explain::PartitionExplainer;
use tierlens_core::retention::{DeletionReason, PartitionPlan, Plan};
use tierlens_core::units::{format_bytes, format_count, format_timestamp_utc, reveal_invisible};
use tierlens_core::{filter_empty_epochs, Partition, SegmentRef, Snapshot};

fn epochs_text(s: &SegmentRef) -> String {
    s.segment_leader_epochs
        .iter()
        .map(|(e, o)| format!("{e}@{o}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn find<'a>(s: &'a Snapshot, topic: &str, partition: i32) -> Option<&'a Partition> {
    s.topic(topic)?
        .partitions
        .iter()
        .find(|p| p.partition == partition)
}

/// When each segment's records start on the time axis: the previous segment's newest record
/// (in offset order); the first segment's start is unknown and gets the median span of the
/// others. Depends on the snapshot only, so a what-if does not recompute it.
#[derive(Debug)]
struct TimeSpans {
    start_ms: Vec<i64>,
    /// Listing indexes in offset order.
    order: Vec<usize>,
}

impl TimeSpans {
    fn of(p: &Partition) -> Self {
        let n = p.segments.len();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&i| {
            let s = p.segments.at(i);
            (s.start_offset, s.end_offset)
        });
        let mut start_ms = vec![0i64; n];
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
        TimeSpans { start_ms, order }
    }
}

/// The proposed plan's verdict on this partition's segments.
struct Verdicts {
    plan: Shared<Plan>,
    /// Index of this partition in `plan.partitions`.
    at: usize,
    /// The deletion's reason by listing index (a byte each: read for every segment drawn).
    deleted: Vec<Option<DeletionReason>>,
    explainer: PartitionExplainer,
}

impl Verdicts {
    fn pp(&self) -> &PartitionPlan {
        &self.plan.partitions[self.at]
    }

    /// Why the plan deletes segment `i` (`None`: it stays).
    fn deleted_by(&self, i: usize) -> Option<&'static str> {
        self.deleted
            .get(i)
            .copied()
            .flatten()
            .map(DeletionReason::as_str)
    }

    /// The engine's sentence for segment `i`.
    fn why(&self, p: &Partition, i: usize) -> String {
        self.explainer
            .explain(&self.plan, self.pp(), p, i)
            .map(|e| e.text)
            .unwrap_or_default()
    }
}

/// The timeline's view of one partition, read by index. Without verdicts (to lay the
/// segments out, which the plan does not change) segments have their state's colour.
struct Source<'a> {
    p: &'a Partition,
    spans: &'a TimeSpans,
    v: Option<&'a Verdicts>,
}

impl TimelineSource for Source<'_> {
    fn len(&self) -> usize {
        self.p.segments.len()
    }

    fn bar(&self, i: usize) -> TimelineBar {
        let g = self.p.segments.at(i);
        TimelineBar {
            start_ms: self.spans.start_ms[i],
            end_ms: g.max_timestamp_ms,
            start_offset: g.start_offset,
            end_offset: g.end_offset,
            size_bytes: g.size_bytes,
            category: category_of(
                g.state.as_str(),
                self.v.and_then(|v| v.deleted_by(i)).is_some(),
            ),
            epoch: g.segment_leader_epochs.last().map_or(0, |e| e.0),
        }
    }

    fn tip(&self, i: usize) -> String {
        let g = self.p.segments.at(i);
        format!(
            "segment {}\noffsets {}–{} · {}\nnewest record {}\nleader epochs {}\nstate {}{}\n{}",
            g.id,
            g.start_offset,
            g.end_offset,
            format_bytes(g.size_bytes),
            format_timestamp_utc(g.max_timestamp_ms),
            epochs_text(&g),
            g.state.as_str(),
            self.v
                .and_then(|v| v.deleted_by(i))
                .map(|x| format!(" · deleted by {x}"))
                .unwrap_or_default(),
            self.v.map(|v| v.why(self.p, i)).unwrap_or_default()
        )
    }
}

/// A row of the segments table: the row shows segment `index` under plan `plan` (its address:
/// a new plan re-renders the rows in view).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Line {
    index: usize,
    plan: usize,
}

#[component]
pub fn PartitionDetail(topic: String, partition: i32) -> impl IntoView {
    let d = expect_context::<Derived>();
    let settings = expect_context::<Settings>();
    let dark = prefers_dark();
    let offset_axis = Memo::new(move |_| settings.axis.0.get().as_deref() == Some("offset"));
    let table_open = RwSignal::new(false);
    // The x range in view (from the chart's zoom) and the plot's width in pixels.
    let zoom = RwSignal::new(None::<(i64, i64)>);
    let pixels = RwSignal::new(DEFAULT_PIXELS);
    // The x range the zoom's percentages refer to: the last option's axis extent.
    let extent = StoredValue::new(None::<(i64, i64)>);
    // A zoom on one axis means nothing on the other.
    Effect::new(move |_| {
        offset_axis.track();
        if zoom.get_untracked().is_some() {
            zoom.set(None);
        }
    });

    let spans = {
        let topic = topic.clone();
        Memo::new(move |_| {
            d.snapshot.with(|s| {
                let p = find(s.as_ref()?, &topic, partition)?;
                Some(Shared(Arc::new(crate::perf::phase("time spans", || {
                    TimeSpans::of(p)
                }))))
            })
        })
    };
    let verdicts = {
        let topic = topic.clone();
        Memo::new(move |_| {
            let plan = d.proposed_plan.get()?;
            d.snapshot.with(|s| {
                let p = find(s.as_ref()?, &topic, partition)?;
                let at = plan
                    .partitions
                    .iter()
                    .position(|pp| pp.topic == topic && pp.partition == partition)?;
                let pp = &plan.partitions[at];
                let mut deleted = vec![None; p.segments.len()];
                for x in &pp.deletions {
                    if let Some(slot) = deleted.get_mut(x.segment_index) {
                        *slot = Some(x.reason);
                    }
                }
                let explainer = PartitionExplainer::new(&plan, pp, p);
                Some(Shared(Arc::new(Verdicts {
                    plan: plan.clone(),
                    at,
                    deleted,
                    explainer,
                })))
            })
        })
    };

    // Where each segment sits on the axis: rebuilt for a new snapshot or axis, not per plan or
    // zoom (it sorts every segment).
    let layout = {
        let topic = topic.clone();
        Memo::new(move |_| {
            let axis = if offset_axis.get() {
                TimelineAxis::Offset
            } else {
                TimelineAxis::Time
            };
            let spans = spans.get()?;
            d.snapshot.with(|s| {
                let p = find(s.as_ref()?, &topic, partition)?;
                let src = Source {
                    p,
                    spans: &spans,
                    v: None,
                };
                Some(Shared(Arc::new(crate::perf::phase(
                    "timeline layout",
                    || TimelineLayout::new(&src, axis),
                ))))
            })
        })
    };

    // (option JSON, note under the chart)
    let drawn = {
        let topic = topic.clone();
        Memo::new(move |_| {
            let now = d.now_ms.get();
            let window = TimelineWindow {
                zoom: zoom.get(),
                pixels: pixels.get(),
            };
            let (Some(spans), Some(v), Some(layout)) = (spans.get(), verdicts.get(), layout.get())
            else {
                return (String::new(), String::new());
            };
            let axis = layout.axis();
            d.snapshot.with(|s| {
                let Some(s) = s else { return (String::new(), String::new()) };
                let Some(t) = s.topic(&topic) else { return (String::new(), String::new()) };
                let Some(p) = t.partitions.iter().find(|p| p.partition == partition) else {
                    return (String::new(), String::new());
                };
                let config = d.proposed_policy.with(|pol| pol.effective_config(t));
                let (lineage, _) = p.lineage();
                let lineage = filter_empty_epochs(&lineage);
                let epoch_boundaries = match axis {
                    TimelineAxis::Offset => lineage.clone(),
                    // On the time axis an epoch starts at the start of the first segment
                    // holding its first offset (segments in offset order: binary search).
                    TimelineAxis::Time => lineage
                        .iter()
                        .filter_map(|&(e, off)| {
                            let k = spans
                                .order
                                .partition_point(|&i| p.segments.at(i).end_offset < off);
                            let &i = spans.order.get(k)?;
                            (p.segments.at(i).start_offset <= off).then(|| (e, spans.start_ms[i]))
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
                let src = Source { p, spans: &spans, v: Some(&v) };
                let t = crate::perf::phase("timeline option", || timeline_with(&layout, &src, &marks, window, dark));
                extent.set_value(t.extent);
                let note = if t.grouped {
                    format!(
                        "{} segments in this range, drawn as {} ranges (one per pixel and colour; the tooltip counts them). Zoom in with the wheel or the slider to see single segments.",
                        format_count(t.in_view as i64),
                        format_count(t.bars as i64)
                    )
                } else {
                    String::new()
                };
                (to_option_json(&t.option), note)
            })
        })
    };
    let option = Signal::derive(move || drawn.with(|(o, _)| o.clone()));
    let on_zoom = Callback::new(move |(start, end): (f64, f64)| {
        let next = extent.get_value().and_then(|(lo, hi)| {
            if start <= 0.0 && end >= 100.0 {
                return None;
            }
            let at =
                |pct: f64| lo + ((hi - lo) as f64 * pct.clamp(0.0, 100.0) / 100.0).round() as i64;
            Some((at(start), at(end))).filter(|(a, b)| a < b)
        });
        if zoom.get_untracked() != next {
            zoom.set(next);
        }
    });
    let on_width = Callback::new(move |px: u32| {
        // The plot is the chart minus its axis labels and margins: about 90 %.
        let px = ((px as f64 * 0.9) as usize).max(100);
        if pixels.get_untracked() != px {
            pixels.set(px);
        }
    });

    // The table: one cheap line per segment (only while open); the row formats itself.
    let lines = Memo::new(move |_| {
        if !table_open.get() {
            return Vec::new();
        }
        let plan = verdicts.with(|v| v.as_ref().map_or(0, |v| Arc::as_ptr(&v.0) as usize));
        let n = spans.with(|s| s.as_ref().map_or(0, |s| s.start_ms.len()));
        (0..n).map(|index| Line { index, plan }).collect::<Vec<_>>()
    });
    let count = Memo::new(move |_| spans.with(|s| s.as_ref().map_or(0, |s| s.start_ms.len())));
    let row = {
        let topic = topic.clone();
        move |pos: usize, line: Line| {
            let i = line.index;
            let cells = d.snapshot.with_untracked(|s| {
                let p = find(s.as_ref()?, &topic, partition)?;
                let g = p.segments.get(i)?;
                let (deleted_by, why) = verdicts.with_untracked(|v| {
                    v.as_ref()
                        .map(|v| (v.deleted_by(i), v.why(p, i)))
                        .unwrap_or_default()
                });
                Some((
                    g.id.to_string(),
                    format!("{}–{}", g.start_offset, g.end_offset),
                    g.size_bytes,
                    g.max_timestamp_ms,
                    epochs_text(&g),
                    g.state.as_str(),
                    deleted_by,
                    why,
                ))
            });
            let Some((id, offsets, size, newest, epochs, state, deleted_by, why)) = cells else {
                return view! { <tr aria-rowindex=pos + 2><td colspan="8">"—"</td></tr> }
                    .into_any();
            };
            let title = why.clone();
            view! {
                <tr class:deleted=deleted_by.is_some() aria-rowindex=pos + 2>
                    <td class="mono">{id}</td>
                    <td class="mono">{offsets}</td>
                    <td><Bytes value=size /></td>
                    <td><Instant ms=newest /></td>
                    <td class="mono">{epochs}</td>
                    <td><code>{state}</code></td>
                    <td>{deleted_by.map(|x| format!("deleted ({x})")).unwrap_or_else(|| "kept".into())}</td>
                    <td class="why" title=title>{why}</td>
                </tr>
            }
            .into_any()
        }
    };

    let title = format!("{}-{partition}", reveal_invisible(&topic));
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
            <EChart option=option label=format!("Segment timeline of {title}; the table below lists the same segments") class="tall" measured=true on_zoom=on_zoom on_width=on_width />
            <p class="muted legend-note" data-testid="timeline-note">{move || drawn.with(|(_, n)| n.clone())}</p>
            <details class="segments" on:toggle=move |ev| table_open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())>
                <summary>{move || format!("All {} segments, with why each stays or goes", count.get())}</summary>
                <VirtualTable rows=lines key=|l: &Line| *l row=row columns=8 testid="segments-table">
                    <tr><th>"Segment"</th><th>"Offsets"</th><th>"Size"</th><th>"Newest record"</th><th>"Epochs"</th><th>"State"</th><th>"Plan"</th><th>"Why"</th></tr>
                </VirtualTable>
            </details>
        </section>
    }
}
