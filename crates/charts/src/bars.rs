//! Horizontal bar charts of remote bytes: per topic (kept vs. deleted by the plan) and the top
//! partitions.

use crate::{axis_unit, in_unit, palette, plain_text, to_option_value, Palette};
use charming::component::{Axis, DataZoom, DataZoomType, Grid, Legend};
use charming::datatype::{DataPoint, DataPointItem};
use charming::element::{
    AxisLabel, AxisType, Formatter, ItemStyle, NameLocation, SplitLine, TextStyle, Tooltip, Trigger,
};
use charming::series::Bar;
use charming::Chart;
use serde_json::{json, Value};
use tierlens_core::units::format_bytes;

/// Name of the series of bytes that stay (legend text).
pub const KEPT: &str = "kept";
/// Name of the series of bytes the plan deletes (legend text).
pub const TO_FREE: &str = "deleted by the plan";

/// Categories shown at once before the y slider is needed.
const VISIBLE_BARS: usize = 25;
/// Longer category labels are shortened in the middle (the tooltip has the full text).
const MAX_LABEL_CHARS: usize = 48;

/// One topic's remote bytes and how many of them the plan deletes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicBar {
    pub topic: String,
    pub remote_bytes: i64,
    pub bytes_to_free: i64,
}

/// One partition's remote bytes; `label` is e.g. `orders-3`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionBar {
    pub label: String,
    pub remote_bytes: i64,
}

/// Topics drawn as bars of their own in [`bytes_per_topic`]; the smaller ones share one
/// [`other_topics`] bar, so the chart stays readable (and cheap) with hundreds of topics.
pub const TOPIC_BARS: usize = 15;

/// The "other" bar is drawn off scale (cut at the end of the axis, its total written on it) once
/// it is more than this many times the largest topic; otherwise the topics would be slivers
/// next to it.
const OFF_SCALE: f64 = 2.0;

/// Label (and first tooltip line) of the bar that sums the `k` smallest topics.
pub fn other_topics(k: usize) -> String {
    format!("other ({k} topics)")
}

/// Remote bytes per topic, largest first (top to bottom), each bar split into [`KEPT`] and
/// [`TO_FREE`] (two stacked series, always both, even when nothing is freed). The axis is in
/// the binary unit that suits the largest bar (`{value} GiB`); the tooltip of either part
/// shows the topic and its exact sizes. Negative sizes count as 0 and the bytes to free are
/// capped at the topic's size.
///
/// At most [`TOPIC_BARS`] topics get a bar of their own; with more than `TOPIC_BARS + 1`, the
/// rest are summed into one last, paler bar labelled [`other_topics`] (so the option never has
/// more than `TOPIC_BARS + 1` categories, and "other" always stands for at least two topics).
/// Its data is the true sum; when that is more than twice the largest topic, the axis ends just
/// past the largest topic (`xAxis.max`, else `null` so a later `setOption` resets it), the
/// "other" bar is cut there and its total is written at its end.
///
/// Returns the option as JSON (charming has no per-item labels).
pub fn bytes_per_topic(bars: &[TopicBar], dark: bool) -> Value {
    let p = palette(dark);
    let mut rows: Vec<(&str, i64, i64)> = bars
        .iter()
        .map(|b| {
            let remote = b.remote_bytes.max(0);
            (b.topic.as_str(), remote, b.bytes_to_free.clamp(0, remote))
        })
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    // (label, remote, to free) of the one bar that sums the smaller topics.
    let other = (rows.len() > TOPIC_BARS + 1).then(|| {
        let rest = rows.split_off(TOPIC_BARS);
        let sum = |f: fn(&(&str, i64, i64)) -> i64| {
            rest.iter().fold(0i64, |acc, r| acc.saturating_add(f(r)))
        };
        (other_topics(rest.len()), sum(|r| r.1), sum(|r| r.2))
    });
    let largest = rows.first().map_or(0, |r| r.1);
    let off_scale = other
        .as_ref()
        .is_some_and(|o| largest > 0 && o.1 as f64 > OFF_SCALE * largest as f64);
    let max = match &other {
        Some(o) if !off_scale => largest.max(o.1),
        _ => largest,
    };
    let (unit, unit_name) = axis_unit(max);
    let axis_max = off_scale.then(|| nice_ceil(in_unit(largest, unit) * 1.05));

    let labels = category_labels(
        rows.iter()
            .map(|r| r.0)
            .chain(other.as_ref().map(|o| o.0.as_str())),
    );
    let mut kept = Vec::with_capacity(rows.len() + 1);
    let mut freed = Vec::with_capacity(rows.len() + 1);
    let mut push = |name: &str, remote: i64, free: i64, style: Option<ItemStyle>| {
        let tip = plain_text(&format!(
            "{name}\nremote: {}\n{KEPT}: {}\n{TO_FREE}: {}",
            format_bytes(remote),
            format_bytes(remote - free),
            format_bytes(free)
        ));
        let item = |bytes| {
            let d = DataPointItem::new(in_unit(bytes, unit)).name(tip.clone());
            DataPoint::from(match &style {
                Some(s) => d.item_style(s.clone()),
                None => d,
            })
        };
        kept.push(item(remote - free));
        freed.push(item(free));
    };
    for &(topic, remote, free) in &rows {
        push(topic, remote, free, None);
    }
    if let Some((label, remote, free)) = &other {
        // Paler, so it does not read as one more topic.
        push(label, *remote, *free, Some(ItemStyle::new().opacity(0.45)));
    }

    let chart = bar_frame(&p, labels, unit_name, "remote size")
        .legend(
            Legend::new()
                .data(vec![KEPT, TO_FREE])
                .top(0)
                .text_style(TextStyle::new().color(p.text)),
        )
        .series(
            Bar::new()
                .name(KEPT)
                .stack("remote")
                .item_style(ItemStyle::new().color(p.kept))
                .data(kept),
        )
        .series(
            Bar::new()
                .name(TO_FREE)
                .stack("remote")
                .item_style(ItemStyle::new().color(p.to_free))
                .data(freed),
        );
    let mut v = to_option_value(&chart);
    v["xAxis"]["max"] = json!(axis_max);
    if let (Some(max), Some((_, remote, free))) = (axis_max, &other) {
        // The total goes on whichever part reaches the end of the axis. It is built from
        // numbers only: no `{` template, no snapshot text.
        let part = if in_unit(remote - free, unit) >= max {
            0
        } else {
            1
        };
        v["series"][part]["data"][TOPIC_BARS]["label"] = json!({
            "show": true,
            "position": "insideRight",
            "color": p.text,
            // Not the bar's paleness.
            "opacity": 1,
            "formatter": format!("{} ▸", format_bytes(*remote)),
        });
    }
    v
}

/// The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 (× a power of ten) that is ≥ `x` (> 0).
fn nice_ceil(x: f64) -> f64 {
    if !(x > 0.0 && x.is_finite()) {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&m| m >= x * (1.0 - 1e-12))
        .unwrap_or(10.0 * p)
}

/// The `limit` partitions with the most remote bytes, largest first, as one series named
/// `remote size`. Ties are broken by label.
pub fn top_partitions(bars: &[PartitionBar], limit: usize, dark: bool) -> Chart {
    let p = palette(dark);
    let mut rows: Vec<(&str, i64)> = bars
        .iter()
        .map(|b| (b.label.as_str(), b.remote_bytes.max(0)))
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    rows.truncate(limit);
    let (unit, unit_name) = axis_unit(rows.first().map_or(0, |r| r.1));
    let labels = category_labels(rows.iter().map(|r| r.0));
    let data: Vec<DataPoint> = rows
        .iter()
        .map(|&(label, remote)| {
            let tip = plain_text(&format!("{label}\n{}", format_bytes(remote)));
            DataPointItem::new(in_unit(remote, unit)).name(tip).into()
        })
        .collect();
    bar_frame(&p, labels, unit_name, "remote size").series(
        Bar::new()
            .name("remote size")
            .item_style(ItemStyle::new().color(p.kept))
            .data(data),
    )
}

/// Everything but the series and legend: axes, grid, tooltip, slider.
fn bar_frame(p: &Palette, labels: Vec<String>, unit_name: &str, axis_name: &str) -> Chart {
    let n = labels.len();
    Chart::new()
        .background_color("transparent")
        .tooltip(
            Tooltip::new()
                .trigger(Trigger::Item)
                .formatter(Formatter::String("{b}".into())),
        )
        .grid(
            Grid::new()
                .left(8)
                .right(48)
                .top(32)
                .bottom(36)
                .contain_label(true),
        )
        .x_axis(
            Axis::new()
                .type_(AxisType::Value)
                .name(format!("{axis_name} ({unit_name})"))
                .name_location(NameLocation::Middle)
                .name_gap(28)
                .name_text_style(TextStyle::new().color(p.text))
                .axis_label(
                    AxisLabel::new()
                        .color(p.text)
                        .formatter(Formatter::String(format!("{{value}} {unit_name}"))),
                )
                .split_line(
                    SplitLine::new()
                        .line_style(charming::element::LineStyle::new().color(p.split_line)),
                ),
        )
        .y_axis(
            Axis::new()
                .type_(AxisType::Category)
                .inverse(true)
                .axis_label(AxisLabel::new().color(p.text))
                .data(labels),
        )
        .data_zoom(
            DataZoom::new()
                .type_(DataZoomType::Slider)
                .show(n > VISIBLE_BARS)
                .y_axis_index(0)
                .start_value(0)
                .end_value(VISIBLE_BARS.saturating_sub(1) as i64)
                .right(8)
                .text_style(TextStyle::new().color(p.text)),
        )
}

/// Axis labels: [`plain_text`], shortened in the middle past [`MAX_LABEL_CHARS`], and made
/// unique (ECharts treats equal category names as one category).
fn category_labels<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    names
        .map(|name| {
            let base = shorten_middle(&plain_text(name), MAX_LABEL_CHARS);
            let mut label = base.clone();
            let mut k = 2;
            while !seen.insert(label.clone()) {
                label = format!("{base} ({k})");
                k += 1;
            }
            label
        })
        .collect()
}

fn shorten_middle(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    let head = (max - 1) / 2;
    let tail = max - 1 - head;
    let mut out: String = s.chars().take(head).collect();
    out.push('…');
    out.extend(s.chars().skip(n - tail));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ceil_rounds_up_to_a_round_number() {
        assert_eq!(nice_ceil(10.5), 12.0);
        assert_eq!(nice_ceil(1.0), 1.0);
        assert_eq!(nice_ceil(0.031), 0.04);
        assert_eq!(nice_ceil(812.0), 1000.0);
        assert_eq!(nice_ceil(0.0), 1.0);
        assert_eq!(nice_ceil(f64::NAN), 1.0);
    }

    #[test]
    fn long_labels_are_shortened_and_unique() {
        let a = format!("{}-a", "x".repeat(60));
        let b = format!("{}-a", "x".repeat(61));
        let labels = category_labels([a.as_str(), b.as_str(), "short"].into_iter());
        assert_eq!(labels[0].chars().count(), MAX_LABEL_CHARS);
        assert!(labels[0].contains('…') && labels[0].ends_with("x-a"));
        assert_eq!(labels[1], format!("{} (2)", labels[0]));
        assert_eq!(labels[2], "short");
    }
}
