//! tierlens-charts: ECharts options for the tierlens dashboard, built natively.
//!
//! Plain view-model structs in, [`charming::Chart`] (or, where charming lacks a field, the
//! option as JSON) out; no browser types, no engine types, so
//! every chart is tested with plain `cargo test`. The app never hands a `Chart` to ECharts
//! directly: it calls [`to_option_json`], which is the one way out of this crate.
//!
//! # Tooltip safety
//!
//! Topic names, segment ids and tooltip texts are untrusted. ECharts' default tooltip renders
//! HTML, so [`to_option_json`]:
//! - serializes with `serde_json` only (never `Chart`'s `Display`, which splices
//!   `#*#*#*#`-marked strings into the output as raw JavaScript): the result is plain JSON, so
//!   after `JSON.parse` no value can be a function;
//! - sets `renderMode: "richText"` on every `tooltip` object anywhere in the option (the root
//!   one, series-level ones, data-item ones), and adds a hidden root tooltip if there was none,
//!   so ECharts draws tooltip text on the canvas instead of inserting HTML.
//!
//! The builders only use string *template* formatters (`{b}`, `{value} GiB`), never functions.
//! ECharts HTML-escapes `{b}` substitutions even in richText mode, where the entities would then
//! show literally (`&lt;`); untrusted text therefore goes through [`plain_text`], which swaps
//! the five characters ECharts escapes for look-alikes (`&` becomes `and`). Topic names cannot
//! contain them anyway (Kafka allows `[a-zA-Z0-9._-]`).
//!
//! # Updates
//!
//! Each chart kind always has the same number of series, whatever the data (empty included):
//! [`bytes_per_topic`] 2, [`top_partitions`] 1, [`segment_timeline`] 32 (see
//! [`TIMELINE_SERIES_COUNT`]). The app may update a chart with `setOption` on the same instance.
//!
//! Times are shown in UTC everywhere ([`to_option_json`] sets `useUTC`), like
//! [`tierlens_core::units::format_timestamp_utc`].

mod bars;
mod forecast;
mod timeline;

pub use bars::{
    bytes_per_topic, other_topics, top_partitions, PartitionBar, TopicBar, KEPT, TOPIC_BARS,
    TO_FREE,
};
pub use charming::Chart;
pub use forecast::{forecast_lines, ForecastLine, FORECAST_SERIES_COUNT};
pub use timeline::{
    category_of, segment_timeline, timeline, timeline_with, Timeline, TimelineAxis, TimelineBar,
    TimelineLayout, TimelineMarks, TimelineSegment, TimelineSource, TimelineWindow, DEFAULT_PIXELS,
    DELETED_BY_PLAN, MARKS_CONTEXT, MARKS_LIMIT, MAX_TRACKS, OTHER_STATE, TIMELINE_CATEGORIES,
    TIMELINE_SERIES_COUNT,
};

use serde::Serialize;
use serde_json::{Map, Value};

/// The ECharts option for `chart` (a [`Chart`], or an option a builder already made, such as
/// [`segment_timeline`]'s) as JSON text, with every tooltip in richText mode and `useUTC` set.
/// This is the API the app passes to `setOption`.
pub fn to_option_json(chart: &impl Serialize) -> String {
    to_option_value(chart).to_string()
}

/// [`to_option_json`] before stringification. Applying it twice changes nothing.
pub fn to_option_value(chart: &impl Serialize) -> Value {
    let mut v = match serde_json::to_value(chart) {
        Ok(v @ Value::Object(_)) => v,
        // Cannot happen for charming's types; an empty option is still a valid one.
        _ => Value::Object(Map::new()),
    };
    with_text_tooltips(&mut v);
    if let Value::Object(root) = &mut v {
        root.entry("tooltip").or_insert_with(|| {
            // No tooltip component: keep it that way, but make the guarantee hold even if a
            // later merge turns it on.
            serde_json::json!({ "show": false, "renderMode": "richText" })
        });
        root.insert("useUTC".into(), Value::Bool(true));
    }
    v
}

/// Sets `renderMode: "richText"` on every `tooltip` object (or array of objects) found at any
/// depth of `option`.
pub fn with_text_tooltips(option: &mut Value) {
    match option {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "tooltip" {
                    set_rich_text(child);
                }
                with_text_tooltips(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(with_text_tooltips),
        _ => {}
    }
}

fn set_rich_text(tooltip: &mut Value) {
    match tooltip {
        Value::Object(t) => {
            t.insert("renderMode".into(), Value::String("richText".into()));
        }
        Value::Array(ts) => ts.iter_mut().for_each(set_rich_text),
        _ => {}
    }
}

/// Untrusted text made safe to show through an ECharts `{b}` template in richText mode: the
/// characters ECharts HTML-escapes become look-alikes every common font has (`<` `‹`, `>` `›`,
/// `"` `”`, `'` `’`) or, for `&`, the word `and`, so the tooltip shows text, not entities.
/// Invisible characters that reorder text (an RTL override) are shown as `⟦U+202E⟧`
/// ([`tierlens_core::units::reveal_invisible`]). Everything else is kept.
pub fn plain_text(s: &str) -> String {
    let s = tierlens_core::units::reveal_invisible(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("and"),
            '<' => out.push('‹'),
            '>' => out.push('›'),
            '"' => out.push('”'),
            '\'' => out.push('’'),
            c => out.push(c),
        }
    }
    out
}

/// Colours that read on both light and dark backgrounds (Okabe–Ito based, colour-blind safe),
/// plus the text and axis colours for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub text: &'static str,
    pub split_line: &'static str,
    /// Drawn around segment end marks so neighbouring segments stay apart.
    pub separator: &'static str,
    pub copy_started: &'static str,
    pub copy_finished: &'static str,
    pub delete_started: &'static str,
    pub delete_finished: &'static str,
    pub other_state: &'static str,
    /// Deleted by the plan, and the retention cut-off.
    pub to_free: &'static str,
    /// Remote bytes that stay.
    pub kept: &'static str,
    /// Epoch boundaries and "now".
    pub context_mark: &'static str,
}

/// The palette for a light (`dark = false`) or dark page. Chart backgrounds are transparent.
pub fn palette(dark: bool) -> Palette {
    if dark {
        Palette {
            text: "#e6e6e6",
            split_line: "#3a3a3a",
            separator: "#1b1b1b",
            copy_started: "#E69F00",
            copy_finished: "#56B4E9",
            delete_started: "#CC79A7",
            delete_finished: "#8f8f8f",
            other_state: "#2FC39A",
            to_free: "#F2762E",
            kept: "#56B4E9",
            context_mark: "#b0b0b0",
        }
    } else {
        Palette {
            text: "#333333",
            split_line: "#e5e5e5",
            separator: "#ffffff",
            copy_started: "#E69F00",
            copy_finished: "#0072B2",
            delete_started: "#CC79A7",
            delete_finished: "#8c8c8c",
            other_state: "#009E73",
            to_free: "#D55E00",
            kept: "#0072B2",
            context_mark: "#5c5c5c",
        }
    }
}

/// The binary unit that makes `max_bytes` read best on an axis: (bytes per unit, name).
pub(crate) fn axis_unit(max_bytes: i64) -> (f64, &'static str) {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut k = 0;
    while k + 1 < UNITS.len() && max_bytes >= 1i64 << (10 * (k + 1)) {
        k += 1;
    }
    ((1i64 << (10 * k)) as f64, UNITS[k])
}

/// `bytes` in `unit`, rounded to three decimals (what the axis and tooltip show).
pub(crate) fn in_unit(bytes: i64, unit: f64) -> f64 {
    (bytes as f64 / unit * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tooltips_everywhere_become_rich_text() {
        let mut v = json!({
            "tooltip": {"trigger": "item"},
            "series": [
                {"type": "bar", "tooltip": {"show": true},
                 "data": [{"value": 1, "tooltip": {"formatter": "{b}"}}]},
                {"type": "line", "markLine": {"tooltip": [{"show": true}, {"show": false}]}}
            ]
        });
        with_text_tooltips(&mut v);
        assert_eq!(v["tooltip"]["renderMode"], "richText");
        assert_eq!(v["series"][0]["tooltip"]["renderMode"], "richText");
        assert_eq!(
            v["series"][0]["data"][0]["tooltip"]["renderMode"],
            "richText"
        );
        assert_eq!(
            v["series"][1]["markLine"]["tooltip"][1]["renderMode"],
            "richText"
        );
        assert_eq!(v["series"][0]["data"][0]["value"], 1);
    }

    #[test]
    fn a_chart_without_tooltip_gets_a_hidden_rich_text_one() {
        let v = to_option_value(&Chart::new());
        assert_eq!(
            v["tooltip"],
            json!({"show": false, "renderMode": "richText"})
        );
        assert_eq!(v["useUTC"], true);
    }

    #[test]
    fn plain_text_replaces_what_echarts_escapes() {
        assert_eq!(
            plain_text("<img src=x onerror='alert(1)'> & \"q\""),
            "‹img src=x onerror=’alert(1)’› and ”q”"
        );
        assert_eq!(
            plain_text("orders-v2.eu_1\nline two"),
            "orders-v2.eu_1\nline two"
        );
    }

    #[test]
    fn axis_units_pick_the_largest_that_fits() {
        assert_eq!(axis_unit(0), (1.0, "B"));
        assert_eq!(axis_unit(1023), (1.0, "B"));
        assert_eq!(axis_unit(1024), (1024.0, "KiB"));
        assert_eq!(axis_unit(5 << 30), ((1u64 << 30) as f64, "GiB"));
        assert_eq!(axis_unit(i64::MAX), ((1u64 << 50) as f64, "PiB"));
        assert_eq!(in_unit(3 << 29, (1u64 << 30) as f64), 1.5);
    }
}
