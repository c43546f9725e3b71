//! The forecast: remote and local bytes over time under the current and the proposed policy.

use crate::{axis_unit, in_unit, palette, plain_text, to_option_value};
use charming::component::{Axis, DataZoom, DataZoomType, Grid, Legend};
use charming::element::{
    AxisLabel, AxisType, Formatter, LineStyle, LineStyleType, NameLocation, SplitLine, TextStyle,
    Tooltip, Trigger,
};
use charming::series::Line;
use charming::Chart;
use serde_json::Value;

/// One line of the forecast chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForecastLine {
    /// Legend text (plain; untrusted text is made safe).
    pub name: String,
    /// Bytes at each of the chart's times.
    pub values: Vec<i64>,
    /// The proposed policy (solid) or the current one (dashed).
    pub proposed: bool,
    /// Local bytes (thinner) or remote bytes.
    pub local: bool,
}

/// Number of series of [`forecast_lines`]: always four (current / proposed × remote / local),
/// so the app may update the chart in place.
pub const FORECAST_SERIES_COUNT: usize = 4;

/// Bytes over time: a `time` x axis (UTC, from `times_ms`), a byte y axis in the unit that suits
/// the largest value, the proposed policy solid and the current dashed, remote in the accent
/// colour and local in the muted one. The tooltip (axis trigger, rich text) lists every line at
/// the pointer's time. Lines past [`FORECAST_SERIES_COUNT`] are ignored; missing ones are empty.
pub fn forecast_lines(times_ms: &[i64], lines: &[ForecastLine], dark: bool) -> Value {
    let p = palette(dark);
    let max = lines
        .iter()
        .flat_map(|l| l.values.iter().copied())
        .max()
        .unwrap_or(0);
    let (unit, unit_name) = axis_unit(max);
    let mut chart = Chart::new()
        .background_color("transparent")
        .animation(false)
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .legend(
            Legend::new()
                .top(0)
                .text_style(TextStyle::new().color(p.text)),
        )
        .grid(
            Grid::new()
                .left(8)
                .right(24)
                .top(36)
                .bottom(56)
                .contain_label(true),
        )
        .x_axis(
            Axis::new()
                .type_(AxisType::Time)
                .name("time (UTC)")
                .name_location(NameLocation::Middle)
                .name_gap(26)
                .name_text_style(TextStyle::new().color(p.text))
                .axis_label(AxisLabel::new().color(p.text)),
        )
        .y_axis(
            Axis::new()
                .type_(AxisType::Value)
                .axis_label(
                    AxisLabel::new()
                        .color(p.text)
                        .formatter(Formatter::String(format!("{{value}} {unit_name}"))),
                )
                .split_line(SplitLine::new().line_style(LineStyle::new().color(p.split_line))),
        )
        .data_zoom(DataZoom::new().type_(DataZoomType::Inside).x_axis_index(0));
    for k in 0..FORECAST_SERIES_COUNT {
        let line = lines.get(k);
        let (proposed, local) = line.map_or((k % 2 == 1, k >= 2), |l| (l.proposed, l.local));
        let colour = if local {
            p.delete_finished
        } else {
            p.copy_finished
        };
        let data: Vec<Vec<f64>> = line
            .map(|l| {
                times_ms
                    .iter()
                    .zip(&l.values)
                    .map(|(&t, &v)| vec![t as f64, in_unit(v.max(0), unit)])
                    .collect()
            })
            .unwrap_or_default();
        chart = chart.series(
            Line::new()
                .name(line.map_or(String::new(), |l| plain_text(&l.name)))
                .show_symbol(false)
                .line_style(
                    LineStyle::new()
                        .color(colour)
                        .width(if local { 1.5 } else { 2.5 })
                        .type_(if proposed {
                            LineStyleType::Solid
                        } else {
                            LineStyleType::Dashed
                        }),
                )
                .item_style(charming::element::ItemStyle::new().color(colour))
                .data(data),
        );
    }
    to_option_value(&chart)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(name: &str, values: Vec<i64>, proposed: bool, local: bool) -> ForecastLine {
        ForecastLine {
            name: name.into(),
            values,
            proposed,
            local,
        }
    }

    #[test]
    fn four_lines_in_the_largest_unit() {
        let g = 1i64 << 30;
        let v = forecast_lines(
            &[0, 86_400_000],
            &[
                line("remote, current", vec![g, 2 * g], false, false),
                line("remote, proposed", vec![g, 3 * g / 2], true, false),
                line("local, current", vec![0, g / 2], false, true),
                line("local <b>, proposed", vec![0, g / 4], true, true),
            ],
            false,
        );
        let s = v["series"].as_array().unwrap();
        assert_eq!(s.len(), FORECAST_SERIES_COUNT);
        assert_eq!(v["yAxis"]["axisLabel"]["formatter"], "{value} GiB");
        assert_eq!(s[0]["data"][1], serde_json::json!([86_400_000.0, 2.0]));
        assert_eq!(s[1]["data"][1], serde_json::json!([86_400_000.0, 1.5]));
        assert_eq!(s[0]["lineStyle"]["type"], "dashed");
        assert_eq!(s[1]["lineStyle"]["type"], "solid");
        assert_eq!(s[3]["name"], "local ‹b›, proposed");
        assert_eq!(v["tooltip"]["renderMode"], "richText");
        assert_eq!(v["xAxis"]["type"], "time");
    }

    #[test]
    fn no_lines_still_four_series() {
        let v = forecast_lines(&[], &[], true);
        assert_eq!(v["series"].as_array().unwrap().len(), FORECAST_SERIES_COUNT);
    }
}
