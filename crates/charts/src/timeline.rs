//! The segment timeline: every remote segment as a horizontal bar over time or offsets.
//!
//! # Encoding (plain JSON, no `renderItem`)
//!
//! A `custom` series would need a JavaScript `renderItem` function, which
//! [`crate::to_option_json`] deliberately cannot carry. Segments are drawn with `line` and
//! `scatter` series instead, on a category y axis of rows and a `time` (ms) or `value` (offsets)
//! x axis. Each colour category has three series, all with the category's name (so the legend
//! shows one entry and toggles all three):
//!
//! 1. **Two bar layers** (`line`, `silent`): each segment is a thick line from `[start, row]`
//!    to `[end, row]` followed by a `"-"` point; with `connectNulls: false` ECharts breaks the
//!    line there, so one series holds any number of disjoint bars. Segments alternate between
//!    the two layers along their row and the second is a lighter tint, so touching segments
//!    stay apart at any zoom.
//! 2. **Two tick layers** (`scatter`, `silent`, large mode), one per bar layer: ECharts skips
//!    polyline pieces shorter than about 0.7 px, so both ends of every segment carry a narrow
//!    tick (a `path://` whose bounding box is square but whose filled part is a thin bar): a
//!    segment narrower than a pixel at the current zoom still shows, and an overview of
//!    thousands of segments is a solid band, not an empty chart.
//! 3. **A hover layer** (`scatter`, invisible symbols, large mode): line bodies do not trigger
//!    item tooltips, so each segment gets three invisible square targets at its start, middle
//!    and end whose data `name` is the tooltip text; the tooltip is the template `{b}`. The bar
//!    and tick layers carry no text, so the option holds each tooltip three times, not more.
//!
//! ECharts' large mode draws all the symbols of a scatter series as one path and hit-tests
//! them by data index, instead of one canvas element per symbol. charming's `Scatter` cannot
//! say `large`, `silent` or `z`, so those series are written as JSON here. Measured by the
//! browser tests' slider sweep on the demo's `orders-0` (124 segments, headless Chromium, two
//! cores): the median `setOption` went from 19.8 ms with one element per symbol to 9–13 ms in
//! large mode. There is no sampling (it would move bar ends) and no animation.
//!
//! Rows: one per leader epoch (ascending from the bottom). Segments of one epoch that overlap
//! (a re-uploaded or orphaned copy of the same offsets) go to extra rows `epoch N (2)` …, at
//! most [`MAX_TRACKS`] per epoch, so an overlap is visible instead of hidden under its twin.
//! Rarer states are drawn over commoner ones, and [`DELETED_BY_PLAN`] over everything.

use crate::{palette, plain_text, Palette};
use charming::component::{
    Axis, DataZoom, DataZoomType, FilterMode, Grid, Legend, LegendItem, LegendType,
};
use charming::datatype::{CompositeValue, DataPoint};
use charming::element::{
    AxisLabel, AxisType, Emphasis, Formatter, ItemStyle, Label, LabelPosition, LineStyle,
    LineStyleType, MarkLine, MarkLineData, MarkLineVariant, NameLocation, SplitLine, Symbol,
    TextStyle, Tooltip, Trigger,
};
use charming::series::Line;
use charming::Chart;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use tierlens_core::units::{format_bytes, format_timestamp_utc};

/// Legend name of the segments the plan deletes, whatever their state.
pub const DELETED_BY_PLAN: &str = "deleted by this plan";
/// Legend name of segments whose state is not one of Kafka's four.
pub const OTHER_STATE: &str = "other state";
/// Series holding the deletion boundary mark (retention cut-off or log start offset).
pub const MARKS_LIMIT: &str = "deletion boundary";
/// Series holding the context marks (epoch boundaries, now).
pub const MARKS_CONTEXT: &str = "epochs and now";

/// The colour categories of [`segment_timeline`], in legend order: the four Kafka states,
/// [`OTHER_STATE`], [`DELETED_BY_PLAN`].
pub const TIMELINE_CATEGORIES: [&str; 6] = [
    "COPY_SEGMENT_STARTED",
    "COPY_SEGMENT_FINISHED",
    "DELETE_SEGMENT_STARTED",
    "DELETE_SEGMENT_FINISHED",
    OTHER_STATE,
    DELETED_BY_PLAN,
];

/// Number of series of [`segment_timeline`], whatever the data: for each of
/// [`TIMELINE_CATEGORIES`] two bar layers, then their two tick layers, then one hover layer per
/// category, then [`MARKS_LIMIT`] and [`MARKS_CONTEXT`].
pub const TIMELINE_SERIES_COUNT: usize = 5 * TIMELINE_CATEGORIES.len() + 2;

/// Drawing priority of each category (higher is drawn over lower): finished deletions lowest,
/// the plan's deletions on top.
const PRIORITY: [i32; 6] = [4, 3, 5, 2, 6, 7];

/// The tick drawn at both ends of a segment: the `M` points make the bounding box square, the
/// filled rectangle is its middle 30 %.
const TICK: &str = "path://M0 0M10 10M3.5 0H6.5V10H3.5Z";

/// Rows per epoch at most; further overlapping segments share the least busy row.
pub const MAX_TRACKS: usize = 4;

/// Epochs drawn as their own rows at most; more are drawn as bands of consecutive epochs.
pub const MAX_EPOCH_ROWS: usize = 32;

/// Epoch boundary lines drawn at most; with more in range (a partition may have thousands of
/// epochs) none is drawn and the rows' labels tell the epochs.
const MAX_EPOCH_LINES: usize = 60;

/// One remote segment as the timeline shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineSegment {
    pub id: String,
    pub start_ms: i64,
    pub end_ms: i64,
    pub start_offset: i64,
    /// Inclusive, as Kafka reports it.
    pub end_offset: i64,
    pub size_bytes: i64,
    /// Kafka's state name, e.g. `COPY_SEGMENT_FINISHED`.
    pub state: String,
    /// Deleted by the plan being shown.
    pub deleted: bool,
    /// The row: normally the segment's latest leader epoch.
    pub epoch: i32,
    /// Tooltip text, plain (may contain `\n`); the id is shown when empty. `size_bytes` is not
    /// drawn: put it in the tip.
    pub tip: String,
}

/// Vertical marks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TimelineMarks {
    /// `now - retention.ms`: drawn on the time axis.
    pub retention_cutoff_ms: Option<i64>,
    /// `(epoch, start)` in the unit of the axis being drawn (ms or offset); those outside the
    /// drawn range are left out.
    pub epoch_boundaries: Vec<(i32, i64)>,
    /// Drawn on the offset axis.
    pub log_start_offset: Option<i64>,
    /// Drawn on the time axis.
    pub now_ms: i64,
}

/// What the x axis measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimelineAxis {
    /// `start_ms ..= end_ms`, a time axis in UTC.
    Time,
    /// `start_offset .. end_offset + 1`, so adjacent segments touch.
    Offset,
}

/// One segment's drawn facts, without text: what a [`TimelineSource`] gives for each index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimelineBar {
    pub start_ms: i64,
    pub end_ms: i64,
    pub start_offset: i64,
    /// Inclusive, as Kafka reports it.
    pub end_offset: i64,
    pub size_bytes: i64,
    /// Index into [`TIMELINE_CATEGORIES`] (see [`category_of`]).
    pub category: usize,
    /// The row: normally the segment's latest leader epoch.
    pub epoch: i32,
}

/// The segments of a timeline, read by index, so a partition of a million segments is drawn
/// without first copying it into a million structs (and a million tooltip strings).
pub trait TimelineSource {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn bar(&self, i: usize) -> TimelineBar;
    /// Tooltip text of segment `i`, plain (may contain `\n`). Only asked for segments drawn
    /// one by one.
    fn tip(&self, i: usize) -> String;
}

impl TimelineSource for [TimelineSegment] {
    fn len(&self) -> usize {
        <[TimelineSegment]>::len(self)
    }
    fn bar(&self, i: usize) -> TimelineBar {
        let s = &self[i];
        TimelineBar {
            start_ms: s.start_ms,
            end_ms: s.end_ms,
            start_offset: s.start_offset,
            end_offset: s.end_offset,
            size_bytes: s.size_bytes,
            category: category_of(&s.state, s.deleted),
            epoch: s.epoch,
        }
    }
    fn tip(&self, i: usize) -> String {
        let s = &self[i];
        if s.tip.trim().is_empty() {
            s.id.clone()
        } else {
            s.tip.clone()
        }
    }
}

/// What part of the x axis is in view, and how many pixels wide the chart is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimelineWindow {
    /// The range in view (the unit of the axis), from the chart's zoom; `None`: everything.
    pub zoom: Option<(i64, i64)>,
    /// The plot's width in pixels. When more segments than this are in view, segments are
    /// drawn as ranges, one per pixel, row and colour ([`DEFAULT_PIXELS`] when unknown).
    pub pixels: usize,
}

/// [`TimelineWindow::pixels`] when the chart's width is not known.
pub const DEFAULT_PIXELS: usize = 1000;

impl Default for TimelineWindow {
    fn default() -> Self {
        TimelineWindow {
            zoom: None,
            pixels: DEFAULT_PIXELS,
        }
    }
}

/// A built timeline: the option and what it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// The ECharts option (already through [`crate::to_option_value`]).
    pub option: Value,
    /// The whole x range (segments and marks): the axis' `min` and `max`, which the zoom's
    /// percentages are relative to.
    pub extent: Option<(i64, i64)>,
    /// Segments overlapping the range drawn (the zoom plus half its width either side).
    pub in_view: usize,
    /// Bars drawn.
    pub bars: usize,
    /// Whether segments were grouped into per-pixel ranges (too many in view to draw singly).
    pub grouped: bool,
}

/// The segment timeline as an ECharts option (see the module docs for the encoding; already
/// through [`crate::to_option_value`]): always [`TIMELINE_SERIES_COUNT`] series, coloured by
/// state, [`DELETED_BY_PLAN`] over everything else; the deletion boundary (retention cut-off on
/// the time axis, log start offset on the offset axis) and the context marks (epoch boundaries,
/// and "now" on the time axis) as labelled vertical lines; `dataZoom` (wheel/drag inside, slider
/// below) on the x axis. Every segment is drawn singly; see [`timeline`] for large partitions.
pub fn segment_timeline(
    segs: &[TimelineSegment],
    marks: &TimelineMarks,
    axis: TimelineAxis,
    dark: bool,
) -> Value {
    let window = TimelineWindow {
        zoom: None,
        pixels: segs.len().max(DEFAULT_PIXELS),
    };
    timeline(segs, marks, axis, window, dark).option
}

/// [`segment_timeline`] for a partition of any size: only the segments overlapping the zoomed
/// range (plus half its width on each side, so a short pan does not show a gap before the app
/// re-queries) are drawn; when more of them than [`TimelineWindow::pixels`] are in view, each
/// row and colour is cut into one bucket per pixel and the segments whose middle falls in a
/// bucket become one bar spanning them (the bar ends stay true segment ends), with a tooltip
/// saying how many segments, offsets, bytes and records it holds. Zooming in re-queries until
/// single segments show. Rows are assigned over all segments, so they do not change with the
/// zoom.
pub fn timeline<S: TimelineSource + ?Sized>(
    src: &S,
    marks: &TimelineMarks,
    axis: TimelineAxis,
    window: TimelineWindow,
    dark: bool,
) -> Timeline {
    timeline_with(&TimelineLayout::new(src, axis), src, marks, window, dark)
}

/// Where each segment sits, whatever the plan and the zoom: its x span, its row, and an order
/// by start that finds the segments in a range without a scan. Build it once per partition and
/// axis ([`TimelineLayout::new`] sorts), then draw each plan and zoom with [`timeline_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineLayout {
    axis: TimelineAxis,
    /// `(x0, x1)` of each segment (listing order).
    spans: Vec<(i64, i64)>,
    /// `row << 1 | parity` of each segment.
    rows: Vec<u32>,
    labels: Vec<String>,
    /// Listing indexes by `x0`.
    by_start: Vec<u32>,
    /// `reach[k]`: the largest `x1` among `by_start[..=k]` (non-decreasing).
    reach: Vec<i64>,
}

impl TimelineLayout {
    /// The layout of `src`'s segments on `axis` (reads only their spans and epochs).
    pub fn new<S: TimelineSource + ?Sized>(src: &S, axis: TimelineAxis) -> Self {
        let spans: Vec<(i64, i64, i32)> = (0..src.len())
            .map(|i| {
                let b = src.bar(i);
                let (x0, x1) = match axis {
                    TimelineAxis::Time => (b.start_ms.min(b.end_ms), b.start_ms.max(b.end_ms)),
                    TimelineAxis::Offset => (
                        b.start_offset.min(b.end_offset),
                        b.start_offset.max(b.end_offset).saturating_add(1),
                    ),
                };
                (x0, x1, b.epoch)
            })
            .collect();
        let (rows, labels) = assign_rows(&spans);
        let mut by_start: Vec<u32> = (0..spans.len() as u32).collect();
        by_start.sort_unstable_by_key(|&i| spans[i as usize].0);
        let mut reach = Vec::with_capacity(by_start.len());
        let mut far = i64::MIN;
        for &i in &by_start {
            far = far.max(spans[i as usize].1);
            reach.push(far);
        }
        TimelineLayout {
            axis,
            spans: spans.iter().map(|&(a, b, _)| (a, b)).collect(),
            rows: rows
                .into_iter()
                .map(|(r, p)| (r as u32) << 1 | p as u32)
                .collect(),
            labels,
            by_start,
            reach,
        }
    }

    pub fn axis(&self) -> TimelineAxis {
        self.axis
    }

    fn row(&self, i: usize) -> (usize, usize) {
        let r = self.rows[i];
        ((r >> 1) as usize, (r & 1) as usize)
    }

    /// Listing indexes of the segments overlapping `lo..=hi`, by start: a binary search on
    /// each side, then only the segments starting in range (and any long one reaching in).
    fn overlapping(&self, lo: i64, hi: i64) -> impl Iterator<Item = usize> + '_ {
        let from = self.reach.partition_point(|&r| r < lo);
        let to = self
            .by_start
            .partition_point(|&i| self.spans[i as usize].0 <= hi);
        self.by_start[from..to.max(from)]
            .iter()
            .map(|&i| i as usize)
            .filter(move |&i| self.spans[i].1 >= lo)
    }
}

/// [`timeline`] over a prepared [`TimelineLayout`] of `src` (same segments, same axis): the
/// work is then proportional to the segments in view, not to the partition.
pub fn timeline_with<S: TimelineSource + ?Sized>(
    layout: &TimelineLayout,
    src: &S,
    marks: &TimelineMarks,
    window: TimelineWindow,
    dark: bool,
) -> Timeline {
    let p = palette(dark);
    let axis = layout.axis;
    let row_labels = layout.labels.clone();
    let width = (240.0 / row_labels.len().max(1) as f64)
        .clamp(3.0, 14.0)
        .round();

    // The drawn range: the segments plus the marks that matter on this axis.
    let (limit_mark, now_mark) = match axis {
        TimelineAxis::Time => (
            marks.retention_cutoff_ms.map(|v| ("retention cut-off", v)),
            Some(marks.now_ms),
        ),
        TimelineAxis::Offset => (
            marks.log_start_offset.map(|v| ("log start offset", v)),
            None,
        ),
    };
    let segments_extent = match (layout.by_start.first(), layout.reach.last()) {
        (Some(&first), Some(&far)) => Some((layout.spans[first as usize].0, far)),
        _ => None,
    };
    let extent = segments_extent
        .into_iter()
        .flat_map(|(a, b)| [a, b])
        .chain(limit_mark.map(|m| m.1))
        .chain(now_mark)
        .fold(None, |acc: Option<(i64, i64)>, v| {
            Some(acc.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))))
        });

    // What is in view, and the range queried around it.
    let zoom = match (window.zoom, extent) {
        (Some((a, b)), Some((lo, hi))) if a < b => {
            Some((a.max(lo), b.min(hi))).filter(|(a, b)| a < b)
        }
        _ => None,
    };
    let query = zoom.map(|(a, b)| {
        let pad = ((i128::from(b) - i128::from(a)) / 2) as i64;
        (a.saturating_sub(pad), b.saturating_add(pad))
    });
    let in_view: Vec<usize> = match query {
        Some((qlo, qhi)) => layout.overlapping(qlo, qhi).collect(),
        None => layout.by_start.iter().map(|&i| i as usize).collect(),
    };
    let pixels = window.pixels.max(1);
    let grouped = in_view.len() > pixels;

    // What to draw: (x0, x1, row, parity, category, tooltip).
    let mut drawn: Vec<(i64, i64, usize, usize, usize, String)> = Vec::new();
    if !grouped {
        for &i in &in_view {
            let (x0, x1) = layout.spans[i];
            let (row, parity) = layout.row(i);
            drawn.push((x0, x1, row, parity, src.bar(i).category, src.tip(i)));
        }
    } else {
        // One bucket per pixel of the range in view (the query range around a zoom is twice
        // as wide as the zoom).
        let (qlo, qhi) = query.or(extent).unwrap_or((0, 1));
        let px_in_query = if query.is_some() { 2 * pixels } else { pixels };
        let per_px = ((i128::from(qhi) - i128::from(qlo)) / px_in_query as i128).max(1);
        let mut groups: HashMap<(usize, usize, i64), Group> = HashMap::new();
        for &i in &in_view {
            let (x0, x1) = layout.spans[i];
            let b = src.bar(i);
            let mid = (i128::from(x0) + i128::from(x1)) / 2;
            let bucket = ((mid - i128::from(qlo)) / per_px) as i64;
            groups
                .entry((layout.row(i).0, b.category, bucket))
                .or_insert_with(|| Group::new(i, x0, x1, &b))
                .add(x0, x1, &b);
        }
        let mut groups: Vec<_> = groups.into_iter().collect();
        groups.sort_unstable_by_key(|&((row, cat, bucket), _)| (row, cat, bucket));
        for ((row, cat, _), g) in groups {
            let tip = if g.count == 1 {
                src.tip(g.first)
            } else {
                g.tip(cat)
            };
            drawn.push((g.x0, g.x1, row, 0, cat, tip));
        }
    }

    // bars[2 * category + parity] (parity alternates along each row) and their ends as ticks.
    let mut bars: [Vec<DataPoint>; 12] = Default::default();
    let mut ticks: [Vec<Value>; 12] = Default::default();
    let mut hover: [Vec<Value>; 6] = Default::default();
    for (x0, x1, row, parity, cat, tip) in &drawn {
        let (x0, x1, row, cat) = (*x0, *x1, *row, *cat);
        let at = |x: i64| vec![CompositeValue::from(x), CompositeValue::from(row as i64)];
        let b = &mut bars[2 * cat + parity];
        b.push(at(x0).into());
        b.push(at(x1).into());
        b.push(DataPoint::from("-"));
        ticks[2 * cat + parity].extend([json!([x0, row]), json!([x1, row])]);
        let name = plain_text(tip);
        let mid = ((i128::from(x0) + i128::from(x1)) / 2) as i64;
        for x in [x0, mid, x1] {
            hover[cat].push(json!({ "name": name, "value": [x, row] }));
        }
    }
    let bar_count = drawn.len();

    // Epoch boundaries closer than 1 % of the drawn range (the same x on the time axis, when
    // epochs start inside one segment) would print their labels over each other: each keeps its
    // line, and the first of such a cluster carries one label for all ("epochs 17, 18").
    let close = extent.map_or(0, |(lo, hi)| hi.saturating_sub(lo) / 100);
    let mut clusters: Vec<Vec<(i32, i64)>> = Vec::new();
    for &(e, v) in &marks.epoch_boundaries {
        if !extent.is_some_and(|(lo, hi)| (lo..=hi).contains(&v)) {
            continue;
        }
        match clusters.last_mut() {
            Some(c)
                if c.last()
                    .is_some_and(|&(_, at)| v.abs_diff(at) <= close.unsigned_abs()) =>
            {
                c.push((e, v))
            }
            _ => clusters.push(vec![(e, v)]),
        }
    }
    let mut context: Vec<MarkLineData> = Vec::new();
    // Thousands of epochs would be a wall of lines: the rows' labels say where they are.
    let lines: usize = clusters.iter().map(Vec::len).sum();
    if lines > MAX_EPOCH_LINES {
        clusters.clear();
    }
    for cluster in clusters {
        let epochs: Vec<String> = cluster.iter().map(|(e, _)| e.to_string()).collect();
        let label = match epochs.as_slice() {
            [one] => format!("epoch {one}"),
            few if few.len() <= 3 => format!("epochs {}", few.join(", ")),
            many => format!("epochs {}–{}", many[0], many[many.len() - 1]),
        };
        for (i, &(_, v)) in cluster.iter().enumerate() {
            let name = if i == 0 { label.clone() } else { String::new() };
            context.push(MarkLineData::new().name(name).x_axis(v));
        }
    }
    if let Some(now) = now_mark {
        context.push(MarkLineData::new().name("now").x_axis(now));
    }
    let limit: Vec<MarkLineData> = limit_mark
        .map(|(name, v)| MarkLineData::new().name(name).x_axis(v))
        .into_iter()
        .collect();

    let colours = [
        p.copy_started,
        p.copy_finished,
        p.delete_started,
        p.delete_finished,
        p.other_state,
        p.to_free,
    ];

    let mut x_axis = Axis::new()
        .type_(match axis {
            TimelineAxis::Time => AxisType::Time,
            TimelineAxis::Offset => AxisType::Value,
        })
        .name(match axis {
            TimelineAxis::Time => "time (UTC)",
            TimelineAxis::Offset => "offset",
        })
        .name_location(NameLocation::Middle)
        .name_gap(26)
        .name_text_style(TextStyle::new().color(p.text))
        .axis_label(AxisLabel::new().color(p.text))
        .split_line(SplitLine::new().line_style(LineStyle::new().color(p.split_line)));
    // A single instant (e.g. no segments, only "now") is left to ECharts' own extent.
    if let Some((lo, hi)) = extent.filter(|(lo, hi)| lo < hi) {
        x_axis = x_axis.min(lo).max(hi);
    }

    let mut chart = Chart::new()
        .background_color("transparent")
        .animation(false)
        .tooltip(
            Tooltip::new()
                .trigger(Trigger::Item)
                .formatter(Formatter::String("{b}".into())),
        )
        .legend(
            Legend::new()
                .type_(LegendType::Scroll)
                .data(
                    TIMELINE_CATEGORIES
                        .iter()
                        .map(|&c| LegendItem::from((c, "roundRect")))
                        .collect(),
                )
                .top(0)
                .text_style(TextStyle::new().color(p.text)),
        )
        .grid(
            Grid::new()
                .left(8)
                .right(48)
                .top(36)
                .bottom(64)
                .contain_label(true),
        )
        .x_axis(x_axis)
        .y_axis(
            Axis::new()
                .type_(AxisType::Category)
                .axis_label(AxisLabel::new().color(p.text))
                .data(row_labels),
        )
        .data_zoom(
            DataZoom::new()
                .type_(DataZoomType::Inside)
                .x_axis_index(0)
                .filter_mode(FilterMode::None),
        )
        .data_zoom(
            DataZoom::new()
                .type_(DataZoomType::Slider)
                .x_axis_index(0)
                .filter_mode(FilterMode::None)
                .bottom(8)
                .text_style(TextStyle::new().color(p.text)),
        );
    let colour_of = |layer: usize| {
        let (cat, parity) = (layer / 2, layer % 2);
        if parity == 0 {
            colours[cat].to_string()
        } else {
            tint(colours[cat], 0.35)
        }
    };
    for (layer, points) in bars.into_iter().enumerate() {
        let colour = colour_of(layer);
        chart = chart.series(
            Line::new()
                .name(TIMELINE_CATEGORIES[layer / 2])
                .silent(true)
                .connect_nulls(false)
                .show_symbol(false)
                .line_style(LineStyle::new().width(width).color(colour.as_str()))
                .item_style(ItemStyle::new().color(colour.as_str()))
                .emphasis(Emphasis::new().disabled(true))
                .z(PRIORITY[layer / 2])
                .data(points),
        );
    }
    // Tick layers, then hover layers in drawing priority, so the pointer finds the segment
    // that is drawn on top. Large mode keeps `setOption` cheap (see the module docs).
    let mut scatters: Vec<Value> = ticks
        .into_iter()
        .enumerate()
        .map(|(layer, points)| {
            json!({
                "type": "scatter",
                "name": TIMELINE_CATEGORIES[layer / 2],
                "silent": true,
                "large": true,
                "largeThreshold": 1,
                "symbol": TICK,
                "symbolSize": width,
                "itemStyle": { "color": colour_of(layer) },
                "z": PRIORITY[layer / 2],
                "data": points,
            })
        })
        .collect();
    let mut by_priority: Vec<usize> = (0..TIMELINE_CATEGORIES.len()).collect();
    by_priority.sort_by_key(|&c| PRIORITY[c]);
    let mut hover = hover.map(Some);
    for cat in by_priority {
        scatters.push(json!({
            "type": "scatter",
            "name": TIMELINE_CATEGORIES[cat],
            "large": true,
            "largeThreshold": 1,
            "symbol": "rect",
            "symbolSize": width.max(10.0),
            "itemStyle": { "color": colours[cat], "opacity": 0 },
            "emphasis": { "disabled": true },
            "data": hover[cat].take().unwrap_or_default(),
        }));
    }
    let chart = chart
        .series(mark_series(
            MARKS_LIMIT,
            limit,
            p.to_free,
            LineStyleType::Solid,
            2.0,
            // At the foot of its line: epoch boundaries often sit at the same x, labelled on top.
            LabelPosition::InsideStartBottom,
            &p,
        ))
        .series(mark_series(
            MARKS_CONTEXT,
            context,
            p.context_mark,
            LineStyleType::Dashed,
            1.0,
            LabelPosition::InsideEndBottom,
            &p,
        ));
    // Series order: bar layers, tick and hover layers, marks.
    let mut option = crate::to_option_value(&chart);
    if let Some(series) = option.get_mut("series").and_then(Value::as_array_mut) {
        let at = series.len().saturating_sub(2);
        series.splice(at..at, scatters);
    }
    // Keep the zoom across updates; a new partition or axis starts zoomed out.
    if let Some(zooms) = option.get_mut("dataZoom").and_then(Value::as_array_mut) {
        for z in zooms {
            let Some(z) = z.as_object_mut() else { continue };
            match zoom {
                Some((a, b)) => {
                    z.insert("startValue".into(), json!(a));
                    z.insert("endValue".into(), json!(b));
                }
                None => {
                    z.insert("start".into(), json!(0));
                    z.insert("end".into(), json!(100));
                }
            }
        }
    }
    Timeline {
        option,
        extent,
        in_view: in_view.len(),
        bars: bar_count,
        grouped,
    }
}

/// Segments of one row and colour whose middles fall in one pixel.
struct Group {
    first: usize,
    count: usize,
    x0: i64,
    x1: i64,
    bytes: i64,
    first_offset: i64,
    last_offset: i64,
    oldest_ms: i64,
    newest_ms: i64,
}

impl Group {
    fn new(first: usize, x0: i64, x1: i64, b: &TimelineBar) -> Self {
        Group {
            first,
            count: 0,
            x0,
            x1,
            bytes: 0,
            first_offset: b.start_offset,
            last_offset: b.end_offset,
            oldest_ms: b.end_ms,
            newest_ms: b.end_ms,
        }
    }

    fn add(&mut self, x0: i64, x1: i64, b: &TimelineBar) {
        self.count += 1;
        self.x0 = self.x0.min(x0);
        self.x1 = self.x1.max(x1);
        self.bytes = self.bytes.saturating_add(b.size_bytes);
        self.first_offset = self.first_offset.min(b.start_offset);
        self.last_offset = self.last_offset.max(b.end_offset);
        self.oldest_ms = self.oldest_ms.min(b.end_ms);
        self.newest_ms = self.newest_ms.max(b.end_ms);
    }

    fn tip(&self, category: usize) -> String {
        format!(
            "{} segments in this pixel (zoom in to see each)\noffsets {}–{} · {}\nnewest records {} to {}\n{}",
            self.count,
            self.first_offset,
            self.last_offset,
            format_bytes(self.bytes),
            format_timestamp_utc(self.oldest_ms),
            format_timestamp_utc(self.newest_ms),
            TIMELINE_CATEGORIES.get(category).copied().unwrap_or(OTHER_STATE),
        )
    }
}

/// A data-less, silent line series carrying vertical mark lines labelled with their names.
fn mark_series(
    name: &str,
    lines: Vec<MarkLineData>,
    colour: &str,
    style: LineStyleType,
    width: f64,
    label_at: LabelPosition,
    p: &Palette,
) -> Line {
    Line::new()
        .name(name)
        .silent(true)
        .z(10)
        .data(Vec::<DataPoint>::new())
        .mark_line(
            MarkLine::new()
                .silent(true)
                .symbol(vec![Symbol::None, Symbol::None])
                .line_style(LineStyle::new().color(colour).type_(style).width(width))
                .label(
                    Label::new()
                        .show(true)
                        .position(label_at)
                        .formatter(Formatter::String("{b}".into()))
                        .color(p.text),
                )
                .data(lines.into_iter().map(MarkLineVariant::Simple).collect()),
        )
}

/// `#rrggbb` mixed with white by `amount` (0 = unchanged, 1 = white).
fn tint(hex: &str, amount: f64) -> String {
    let channel = |i: usize| {
        let c = hex
            .get(1 + 2 * i..3 + 2 * i)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0) as f64;
        (c + (255.0 - c) * amount).round() as u8
    };
    format!("#{:02x}{:02x}{:02x}", channel(0), channel(1), channel(2))
}

/// Index into [`TIMELINE_CATEGORIES`] of a segment in Kafka state `state`: [`DELETED_BY_PLAN`]
/// when the plan deletes it, [`OTHER_STATE`] for a state that is not one of Kafka's four.
pub fn category_of(state: &str, deleted: bool) -> usize {
    if deleted {
        return 5;
    }
    TIMELINE_CATEGORIES[..4]
        .iter()
        .position(|&name| name == state)
        .unwrap_or(4)
}

/// The row of each segment with its parity along the row (0, 1, 0, … by start), and the row
/// labels (bottom to top): epochs ascending, each split into up to [`MAX_TRACKS`] rows so that
/// overlapping segments of one epoch do not hide each other (greedy interval packing by start).
/// A partition with more than [`MAX_EPOCH_ROWS`] epochs (years of leader changes) gets bands of
/// consecutive epochs instead, "epochs 120–157", so the rows stay readable.
/// `spans` holds each segment's `(start, end, epoch)`.
fn assign_rows(spans: &[(i64, i64, i32)]) -> (Vec<(usize, usize)>, Vec<String>) {
    let mut by_epoch: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
    for (i, s) in spans.iter().enumerate() {
        by_epoch.entry(s.2).or_default().push(i);
    }
    let per_band = by_epoch.len().div_ceil(MAX_EPOCH_ROWS).max(1);
    let mut bands: Vec<(String, Vec<usize>)> = Vec::new();
    let epochs: Vec<(i32, Vec<usize>)> = by_epoch.into_iter().collect();
    for chunk in epochs.chunks(per_band) {
        let (first, last) = (chunk[0].0, chunk[chunk.len() - 1].0);
        let label = if first == last {
            format!("epoch {first}")
        } else {
            format!("epochs {first}–{last}")
        };
        bands.push((
            label,
            chunk.iter().flat_map(|(_, m)| m.iter().copied()).collect(),
        ));
    }
    let mut rows = vec![(0, 0); spans.len()];
    let mut labels = Vec::new();
    for (label, mut members) in bands {
        members.sort_by_key(|&i| (spans[i].0, spans[i].1));
        let mut track_ends: Vec<i64> = Vec::new();
        let mut track_count: Vec<usize> = Vec::new();
        let mut track_of = Vec::with_capacity(members.len());
        for &i in &members {
            let (start, end, _) = spans[i];
            let t = match track_ends.iter().position(|&e| e <= start) {
                Some(t) => t,
                None if track_ends.len() < MAX_TRACKS => {
                    track_ends.push(i64::MIN);
                    track_count.push(0);
                    track_ends.len() - 1
                }
                None => (0..track_ends.len())
                    .min_by_key(|&t| track_ends[t])
                    .unwrap_or(0),
            };
            track_ends[t] = track_ends[t].max(end);
            track_of.push((i, t, track_count[t] % 2));
            track_count[t] += 1;
        }
        let base = labels.len();
        for t in 0..track_ends.len() {
            labels.push(if t == 0 {
                label.clone()
            } else {
                format!("{label} ({})", t + 1)
            });
        }
        for (i, t, parity) in track_of {
            rows[i] = (base + t, parity);
        }
    }
    (rows, labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` touching segments of 10 offsets each on epoch 0, the first `deleted` of them
    /// deleted, each `size` bytes.
    struct Many {
        n: usize,
        deleted: usize,
        size: i64,
    }

    impl TimelineSource for Many {
        fn len(&self) -> usize {
            self.n
        }
        fn bar(&self, i: usize) -> TimelineBar {
            let start = i as i64 * 10;
            TimelineBar {
                start_ms: start,
                end_ms: start + 10,
                start_offset: start,
                end_offset: start + 9,
                size_bytes: self.size,
                category: if i < self.deleted { 5 } else { 1 },
                epoch: 0,
            }
        }
        fn tip(&self, i: usize) -> String {
            format!("segment {i}")
        }
    }

    fn hover_names(v: &Value) -> Vec<String> {
        v["series"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["symbol"] == "rect")
            .flat_map(|s| s["data"].as_array().unwrap().iter())
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect()
    }

    /// Every bar of the option as (x0, x1), from the line layers.
    fn bar_spans(v: &Value) -> Vec<(i64, i64)> {
        let mut out = Vec::new();
        for s in v["series"].as_array().unwrap() {
            if s["type"] != "line" {
                continue;
            }
            let d = s["data"].as_array().map_or(&[][..], Vec::as_slice);
            for c in d.chunks(3) {
                out.push((c[0][0].as_i64().unwrap(), c[1][0].as_i64().unwrap()));
            }
        }
        out.sort_unstable();
        out
    }

    #[test]
    fn few_segments_in_view_are_drawn_singly_with_their_tips() {
        let src = Many {
            n: 50,
            deleted: 0,
            size: 1,
        };
        let t = timeline(
            &src,
            &TimelineMarks::default(),
            TimelineAxis::Offset,
            TimelineWindow::default(),
            false,
        );
        assert!(!t.grouped);
        assert_eq!((t.in_view, t.bars), (50, 50));
        assert_eq!(t.extent, Some((0, 500)));
        assert!(hover_names(&t.option).contains(&"segment 49".to_string()));
    }

    #[test]
    fn a_million_segments_become_one_bar_per_pixel_and_colour() {
        let src = Many {
            n: 1_000_000,
            deleted: 300_000,
            size: 2,
        };
        let window = TimelineWindow {
            zoom: None,
            pixels: 800,
        };
        let t = timeline(
            &src,
            &TimelineMarks::default(),
            TimelineAxis::Offset,
            window,
            false,
        );
        assert!(t.grouped);
        assert_eq!(t.in_view, 1_000_000);
        // Two colours: about one bar per pixel each where they are, never more than 2 × 800.
        assert!(t.bars <= 2 * 800 + 2, "{} bars", t.bars);
        assert!(t.bars >= 800, "{} bars", t.bars);
        let spans = bar_spans(&t.option);
        assert_eq!(spans.len(), t.bars);
        // The bars cover exactly the segments: from the first start to the last end, and the
        // deleted colour ends exactly at the last deleted segment's end.
        assert_eq!(spans.first().unwrap().0, 0);
        assert_eq!(spans.iter().map(|s| s.1).max(), Some(10_000_000));
        let names = hover_names(&t.option);
        assert!(
            names.iter().all(|n| n.contains("segments in this pixel")),
            "{:?}",
            &names[..2]
        );
        // Each grouped tooltip adds up: the counts sum to the segments, 3 targets per bar.
        let counted: usize = names
            .iter()
            .step_by(3)
            .map(|n| n.split(' ').next().unwrap().parse::<usize>().unwrap())
            .sum();
        assert_eq!(counted, 1_000_000);
        let deleted = t.option["series"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["name"] == DELETED_BY_PLAN && s["type"] == "line")
            .flat_map(|s| {
                s["data"]
                    .as_array()
                    .map_or(&[][..], Vec::as_slice)
                    .chunks(3)
                    .map(|c| c[1][0].as_i64().unwrap())
                    .collect::<Vec<_>>()
            })
            .max();
        assert_eq!(deleted, Some(3_000_000));
    }

    #[test]
    fn zooming_in_re_queries_down_to_single_segments() {
        let src = Many {
            n: 1_000_000,
            deleted: 0,
            size: 1,
        };
        // 400 offsets = 40 segments in view; half the width more on each side is drawn too.
        let window = TimelineWindow {
            zoom: Some((5_000_000, 5_000_400)),
            pixels: 800,
        };
        let t = timeline(
            &src,
            &TimelineMarks::default(),
            TimelineAxis::Offset,
            window,
            false,
        );
        assert!(!t.grouped);
        // 40 in view, 40 in the margins, and the two that touch the margins' ends.
        assert_eq!(t.in_view, 82);
        assert_eq!(t.extent, Some((0, 10_000_000)));
        assert!(hover_names(&t.option).contains(&"segment 500000".to_string()));
        for z in t.option["dataZoom"].as_array().unwrap() {
            assert_eq!(z["startValue"], 5_000_000);
            assert_eq!(z["endValue"], 5_000_400);
        }
        // A middle zoom: still grouped, but finer than the whole range.
        let window = TimelineWindow {
            zoom: Some((0, 1_000_000)),
            pixels: 800,
        };
        let t = timeline(
            &src,
            &TimelineMarks::default(),
            TimelineAxis::Offset,
            window,
            false,
        );
        assert!(t.grouped);
        assert_eq!(t.in_view, 150_001);
        assert!(t.bars <= 2 * 800 + 2);
        let unzoomed = timeline(
            &src,
            &TimelineMarks::default(),
            TimelineAxis::Offset,
            TimelineWindow {
                zoom: None,
                pixels: 800,
            },
            false,
        );
        for z in unzoomed.option["dataZoom"].as_array().unwrap() {
            assert_eq!(
                (z["start"].as_i64(), z["end"].as_i64()),
                (Some(0), Some(100))
            );
        }
    }

    #[test]
    fn overlaps_within_an_epoch_get_their_own_row() {
        // epoch 1: [0,10) [10,20) touch (same row); [5,8) overlaps -> row 2.
        // epoch 0 comes first (bottom) even though it is listed last.
        let segs = [(0, 10, 1), (10, 20, 1), (5, 8, 1), (0, 3, 0)];
        let (rows, labels) = assign_rows(&segs);
        assert_eq!(labels, ["epoch 0", "epoch 1", "epoch 1 (2)"]);
        assert_eq!(rows, [(1, 0), (1, 1), (2, 0), (0, 0)]);
    }

    #[test]
    fn tracks_are_capped() {
        let segs: Vec<_> = (0..10).map(|i| (i, 100, 3)).collect();
        let (rows, labels) = assign_rows(&segs);
        assert_eq!(labels.len(), MAX_TRACKS);
        assert!(rows.iter().all(|&(r, _)| r < MAX_TRACKS));
    }

    #[test]
    fn thousands_of_epochs_become_bands_of_rows() {
        // 7,000 epochs of one segment each, back to back.
        let segs: Vec<_> = (0..7000).map(|i| (i as i64, i as i64 + 1, i)).collect();
        let (rows, labels) = assign_rows(&segs);
        assert_eq!(labels.len(), MAX_EPOCH_ROWS);
        assert_eq!(labels[0], "epochs 0–218");
        assert_eq!(labels[MAX_EPOCH_ROWS - 1], "epochs 6789–6999");
        assert_eq!(rows[218].0, 0);
        assert_eq!(rows[219].0, 1);
        assert_eq!(rows[6999].0, MAX_EPOCH_ROWS - 1);
    }

    #[test]
    fn too_many_epoch_boundaries_draw_no_lines() {
        let marks = |n: i64| TimelineMarks {
            epoch_boundaries: (0..n).map(|e| (e as i32, e * 10)).collect(),
            ..TimelineMarks::default()
        };
        let src = Many {
            n: 1000,
            deleted: 0,
            size: 1,
        };
        let lines = |n| {
            let t = timeline(
                &src,
                &marks(n),
                TimelineAxis::Offset,
                TimelineWindow::default(),
                false,
            );
            t.option["series"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["name"] == MARKS_CONTEXT)
                .and_then(|s| s["markLine"]["data"].as_array().map(Vec::len))
                .unwrap_or(0)
        };
        assert_eq!(lines(MAX_EPOCH_LINES as i64), MAX_EPOCH_LINES);
        assert_eq!(lines(MAX_EPOCH_LINES as i64 + 1), 0);
    }

    #[test]
    fn overlapping_finds_what_a_scan_finds() {
        // Mostly short segments, some long ones reaching far, some empty ones.
        struct Spans(Vec<(i64, i64)>);
        impl TimelineSource for Spans {
            fn len(&self) -> usize {
                self.0.len()
            }
            fn bar(&self, i: usize) -> TimelineBar {
                let (a, b) = self.0[i];
                TimelineBar {
                    start_ms: a,
                    end_ms: b,
                    start_offset: a,
                    end_offset: b,
                    size_bytes: 1,
                    category: 1,
                    epoch: (i % 3) as i32,
                }
            }
            fn tip(&self, _: usize) -> String {
                String::new()
            }
        }
        let mut x: u64 = 7;
        let mut next = |m: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((x >> 33) % m) as i64
        };
        let spans: Vec<(i64, i64)> = (0..2000)
            .map(|_| {
                let a = next(100_000);
                let len = if next(50) == 0 {
                    next(50_000)
                } else {
                    next(100)
                };
                (a, a + len)
            })
            .collect();
        let src = Spans(spans.clone());
        let layout = TimelineLayout::new(&src, TimelineAxis::Time);
        for _ in 0..200 {
            let lo = next(110_000) - 5_000;
            let hi = lo + next(20_000);
            let mut got: Vec<usize> = layout.overlapping(lo, hi).collect();
            got.sort_unstable();
            let want: Vec<usize> = (0..spans.len())
                .filter(|&i| spans[i].1 >= lo && spans[i].0 <= hi)
                .collect();
            assert_eq!(got, want, "{lo}..={hi}");
        }
    }

    #[test]
    fn tints_lighten_towards_white() {
        assert_eq!(tint("#0072B2", 0.0), "#0072b2");
        assert_eq!(tint("#0072B2", 1.0), "#ffffff");
        assert_eq!(tint("#000000", 0.3), "#4d4d4d");
    }

    #[test]
    fn categories() {
        assert_eq!(category_of("COPY_SEGMENT_FINISHED", false), 1);
        assert_eq!(category_of("DELETE_SEGMENT_FINISHED", false), 3);
        assert_eq!(category_of("copy_segment_finished", false), 4);
        assert_eq!(category_of("COPY_SEGMENT_FINISHED", true), 5);
    }
}
