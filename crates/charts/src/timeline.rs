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
use std::collections::BTreeMap;

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

/// The segment timeline as an ECharts option (see the module docs for the encoding; already
/// through [`crate::to_option_value`]): always [`TIMELINE_SERIES_COUNT`] series, coloured by
/// state, [`DELETED_BY_PLAN`] over everything else; the deletion boundary (retention cut-off on
/// the time axis, log start offset on the offset axis) and the context marks (epoch boundaries,
/// and "now" on the time axis) as labelled vertical lines; `dataZoom` (wheel/drag inside, slider
/// below) on the x axis.
pub fn segment_timeline(
    segs: &[TimelineSegment],
    marks: &TimelineMarks,
    axis: TimelineAxis,
    dark: bool,
) -> Value {
    let p = palette(dark);
    let span = |s: &TimelineSegment| -> (i64, i64) {
        match axis {
            TimelineAxis::Time => (s.start_ms.min(s.end_ms), s.start_ms.max(s.end_ms)),
            TimelineAxis::Offset => (
                s.start_offset.min(s.end_offset),
                s.start_offset.max(s.end_offset).saturating_add(1),
            ),
        }
    };

    let (rows, row_labels) = assign_rows(segs, span);
    let width = (240.0 / row_labels.len().max(1) as f64)
        .clamp(3.0, 14.0)
        .round();

    // bars[2 * category + parity] (parity alternates along each row) and their ends as ticks.
    let mut bars: [Vec<DataPoint>; 12] = Default::default();
    let mut ticks: [Vec<Value>; 12] = Default::default();
    let mut hover: [Vec<Value>; 6] = Default::default();
    for (s, &(row, parity)) in segs.iter().zip(&rows) {
        let (x0, x1) = span(s);
        let cat = category(s);
        let at = |x: i64| vec![CompositeValue::from(x), CompositeValue::from(row as i64)];
        let b = &mut bars[2 * cat + parity];
        b.push(at(x0).into());
        b.push(at(x1).into());
        b.push(DataPoint::from("-"));
        ticks[2 * cat + parity].extend([json!([x0, row]), json!([x1, row])]);
        let name = plain_text(if s.tip.trim().is_empty() {
            &s.id
        } else {
            &s.tip
        });
        let mid = ((i128::from(x0) + i128::from(x1)) / 2) as i64;
        for x in [x0, mid, x1] {
            hover[cat].push(json!({ "name": name, "value": [x, row] }));
        }
    }

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
    let extent = segs
        .iter()
        .flat_map(|s| {
            let (a, b) = span(s);
            [a, b]
        })
        .chain(limit_mark.map(|m| m.1))
        .chain(now_mark)
        .fold(None, |acc: Option<(i64, i64)>, v| {
            Some(acc.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))))
        });

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
    for cluster in clusters {
        let epochs: Vec<String> = cluster.iter().map(|(e, _)| e.to_string()).collect();
        let label = match epochs.as_slice() {
            [one] => format!("epoch {one}"),
            many => format!("epochs {}", many.join(", ")),
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
    option
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

/// Index into [`TIMELINE_CATEGORIES`].
fn category(s: &TimelineSegment) -> usize {
    if s.deleted {
        return 5;
    }
    TIMELINE_CATEGORIES[..4]
        .iter()
        .position(|&name| name == s.state)
        .unwrap_or(4)
}

/// The row of each segment with its parity along the row (0, 1, 0, … by start), and the row
/// labels (bottom to top): epochs ascending, each split into up to [`MAX_TRACKS`] rows so that
/// overlapping segments of one epoch do not hide each other (greedy interval packing by start).
fn assign_rows(
    segs: &[TimelineSegment],
    span: impl Fn(&TimelineSegment) -> (i64, i64),
) -> (Vec<(usize, usize)>, Vec<String>) {
    let mut by_epoch: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
    for (i, s) in segs.iter().enumerate() {
        by_epoch.entry(s.epoch).or_default().push(i);
    }
    let mut rows = vec![(0, 0); segs.len()];
    let mut labels = Vec::new();
    for (epoch, mut members) in by_epoch {
        members.sort_by_key(|&i| span(&segs[i]));
        let mut track_ends: Vec<i64> = Vec::new();
        let mut track_count: Vec<usize> = Vec::new();
        let mut track_of = Vec::with_capacity(members.len());
        for &i in &members {
            let (start, end) = span(&segs[i]);
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
                format!("epoch {epoch}")
            } else {
                format!("epoch {epoch} ({})", t + 1)
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

    fn seg(epoch: i32, start: i64, end: i64) -> TimelineSegment {
        TimelineSegment {
            id: format!("s{start}"),
            start_ms: start,
            end_ms: end,
            start_offset: start,
            end_offset: end,
            size_bytes: 1,
            state: "COPY_SEGMENT_FINISHED".into(),
            deleted: false,
            epoch,
            tip: String::new(),
        }
    }

    #[test]
    fn overlaps_within_an_epoch_get_their_own_row() {
        // epoch 1: [0,10) [10,20) touch (same row); [5,8) overlaps -> row 2.
        // epoch 0 comes first (bottom) even though it is listed last.
        let segs = [seg(1, 0, 10), seg(1, 10, 20), seg(1, 5, 8), seg(0, 0, 3)];
        let (rows, labels) = assign_rows(&segs, |s| (s.start_ms, s.end_ms));
        assert_eq!(labels, ["epoch 0", "epoch 1", "epoch 1 (2)"]);
        assert_eq!(rows, [(1, 0), (1, 1), (2, 0), (0, 0)]);
    }

    #[test]
    fn tracks_are_capped() {
        let segs: Vec<_> = (0..10).map(|i| seg(3, i, 100)).collect();
        let (rows, labels) = assign_rows(&segs, |s| (s.start_ms, s.end_ms));
        assert_eq!(labels.len(), MAX_TRACKS);
        assert!(rows.iter().all(|&(r, _)| r < MAX_TRACKS));
    }

    #[test]
    fn tints_lighten_towards_white() {
        assert_eq!(tint("#0072B2", 0.0), "#0072b2");
        assert_eq!(tint("#0072B2", 1.0), "#ffffff");
        assert_eq!(tint("#000000", 0.3), "#4d4d4d");
    }

    #[test]
    fn categories() {
        let mut s = seg(0, 0, 1);
        assert_eq!(category(&s), 1);
        s.state = "DELETE_SEGMENT_FINISHED".into();
        assert_eq!(category(&s), 3);
        s.state = "copy_segment_finished".into();
        assert_eq!(category(&s), 4);
        s.deleted = true;
        assert_eq!(category(&s), 5);
    }
}
