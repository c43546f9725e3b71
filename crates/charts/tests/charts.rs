//! The option JSON of every chart, compared field by field after `serde_json` parsing.

use serde_json::Value;
use tierlens_charts::*;

const GIB: i64 = 1 << 30;
const HOSTILE: &str = "<img src=x onerror=alert(1)>";

fn option(chart: &impl serde::Serialize) -> Value {
    let text = to_option_json(chart);
    serde_json::from_str(&text).expect("to_option_json returns JSON")
}

fn series(v: &Value) -> &Vec<Value> {
    v["series"].as_array().expect("series array")
}

fn names(v: &Value) -> Vec<&str> {
    series(v)
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect()
}

fn data_len(s: &Value) -> usize {
    s.get("data").and_then(Value::as_array).map_or(0, Vec::len)
}

/// Every value under a key named `key`, at any depth.
fn find_all<'a>(v: &'a Value, key: &str, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                if k == key {
                    out.push(child);
                }
                find_all(child, key, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|c| find_all(c, key, out)),
        _ => {}
    }
}

fn all_strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Object(m) => m.values().for_each(|c| all_strings(c, out)),
        Value::Array(a) => a.iter().for_each(|c| all_strings(c, out)),
        _ => {}
    }
}

fn seg(id: &str, start: i64, end: i64, state: &str, epoch: i32) -> TimelineSegment {
    TimelineSegment {
        id: id.into(),
        start_ms: 1_000_000 + start * 1_000,
        end_ms: 1_000_000 + end * 1_000,
        start_offset: start,
        end_offset: end,
        size_bytes: 100,
        state: state.into(),
        deleted: false,
        epoch,
        tip: format!("tip {id}"),
    }
}

fn marks() -> TimelineMarks {
    TimelineMarks {
        retention_cutoff_ms: Some(1_000_000 + 15_000),
        epoch_boundaries: vec![(0, 0), (1, 20), (7, 10_000)],
        log_start_offset: Some(10),
        now_ms: 1_000_000 + 40_000,
    }
}

fn three_segments() -> Vec<TimelineSegment> {
    let mut deleted = seg("a", 0, 9, "COPY_SEGMENT_FINISHED", 0);
    deleted.deleted = true;
    vec![
        deleted,
        seg("b", 10, 19, "COPY_SEGMENT_FINISHED", 0),
        seg("c", 20, 29, "SOMETHING_NEW", 1),
    ]
}

/// The time-axis timeline of [`three_segments`] with `m`'s marks.
fn time_timeline(m: &TimelineMarks) -> Value {
    option(&segment_timeline(
        &three_segments(),
        m,
        TimelineAxis::Time,
        false,
    ))
}

/// Series indexes of a category's bar layers (parity 0 and 1) and of its hover layer.
fn layers(v: &Value, category: &str) -> (Vec<usize>, usize) {
    let s = series(v);
    let bars = (0..s.len())
        .filter(|&i| s[i]["name"] == category && s[i]["type"] == "line")
        .collect();
    let hover = (0..s.len())
        .find(|&i| s[i]["name"] == category && is_hover(&s[i]))
        .expect("hover layer");
    (bars, hover)
}

/// Series indexes of a category's tick layers (parity 0 and 1).
fn tick_layers(v: &Value, category: &str) -> Vec<usize> {
    let s = series(v);
    (0..s.len())
        .filter(|&i| s[i]["name"] == category && s[i]["type"] == "scatter" && !is_hover(&s[i]))
        .collect()
}

fn is_hover(s: &Value) -> bool {
    s["type"] == "scatter" && s["silent"] != true
}

fn mark_lines<'a>(v: &'a Value, name: &str) -> Vec<(&'a str, &'a Value)> {
    let s = series(v).iter().find(|s| s["name"] == name).unwrap();
    assert_eq!(s["silent"], true);
    s["markLine"]["data"]
        .as_array()
        .map(|d| {
            d.iter()
                .map(|m| (m["name"].as_str().unwrap(), &m["xAxis"]))
                .collect()
        })
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// bytes per topic
// ---------------------------------------------------------------------------------------------

#[test]
fn bytes_per_topic_stacks_kept_and_freed_largest_first() {
    let bars = [
        TopicBar {
            topic: "small".into(),
            remote_bytes: GIB,
            bytes_to_free: 0,
        },
        TopicBar {
            topic: "big".into(),
            remote_bytes: 3 * GIB,
            bytes_to_free: GIB / 2,
        },
        TopicBar {
            topic: "mid".into(),
            remote_bytes: 2 * GIB,
            bytes_to_free: 2 * GIB,
        },
    ];
    let v = option(&bytes_per_topic(&bars, false));
    assert_eq!(names(&v), [KEPT, TO_FREE]);
    assert_eq!(v["yAxis"]["type"], "category");
    assert_eq!(v["yAxis"]["inverse"], true);
    assert_eq!(
        v["yAxis"]["data"],
        serde_json::json!(["big", "mid", "small"])
    );
    assert_eq!(v["xAxis"]["axisLabel"]["formatter"], "{value} GiB");
    assert_eq!(v["xAxis"]["name"], "remote size (GiB)");
    for s in series(&v) {
        assert_eq!(s["type"], "bar");
        assert_eq!(s["stack"], "remote");
        assert_eq!(data_len(s), 3);
    }
    let kept: Vec<f64> = series(&v)[0]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["value"].as_f64().unwrap())
        .collect();
    let freed: Vec<f64> = series(&v)[1]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["value"].as_f64().unwrap())
        .collect();
    assert_eq!(kept, [2.5, 0.0, 1.0]);
    assert_eq!(freed, [0.5, 2.0, 0.0]);
    // Both parts of a bar carry the same tooltip text, with exact sizes.
    let tip = &series(&v)[0]["data"][0]["name"];
    assert_eq!(tip, &series(&v)[1]["data"][0]["name"]);
    assert_eq!(
        tip,
        "big\nremote: 3.00 GiB\nkept: 2.50 GiB\ndeleted by the plan: 512.00 MiB"
    );
    assert_eq!(v["tooltip"]["formatter"], "{b}");
    assert_eq!(v["tooltip"]["trigger"], "item");
    // Few topics: the slider exists (stable components) but is hidden.
    assert_eq!(v["dataZoom"][0]["show"], false);
}

#[test]
fn bytes_per_topic_clamps_bad_sizes_and_picks_the_axis_unit() {
    let bars = [
        TopicBar {
            topic: "over".into(),
            remote_bytes: 3 << 20,
            bytes_to_free: 10 << 20,
        },
        TopicBar {
            topic: "negative".into(),
            remote_bytes: -1,
            bytes_to_free: -5,
        },
    ];
    let v = option(&bytes_per_topic(&bars, false));
    assert_eq!(v["xAxis"]["axisLabel"]["formatter"], "{value} MiB");
    assert_eq!(series(&v)[0]["data"][0]["value"], 0.0);
    assert_eq!(series(&v)[1]["data"][0]["value"], 3.0);
    assert_eq!(series(&v)[0]["data"][1]["value"], 0.0);
    assert_eq!(series(&v)[1]["data"][1]["value"], 0.0);
}

fn topics(n: i64) -> Vec<TopicBar> {
    (0..n)
        .map(|i| TopicBar {
            topic: format!("t{i:03}"),
            remote_bytes: (i + 1) * GIB,
            bytes_to_free: i * GIB / 4,
        })
        .collect()
}

fn values(s: &Value) -> Vec<f64> {
    s["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["value"].as_f64().unwrap())
        .collect()
}

#[test]
fn bytes_per_topic_groups_the_smaller_topics_into_one_other_bar() {
    let bars = topics(150);
    let v = option(&bytes_per_topic(&bars, false));
    let categories = v["yAxis"]["data"].as_array().unwrap();
    assert_eq!(categories.len(), TOPIC_BARS + 1);
    // The largest first, then the rest as one bar.
    assert_eq!(categories[0], "t149");
    assert_eq!(categories[TOPIC_BARS - 1], "t135");
    let rest = 150 - TOPIC_BARS;
    assert_eq!(categories[TOPIC_BARS], other_topics(rest));
    assert_eq!(categories[TOPIC_BARS], "other (135 topics)");
    for s in series(&v) {
        assert_eq!(data_len(s), TOPIC_BARS + 1);
    }

    // The "other" bar is the sum of the topics left out, in both series (in GiB, the unit of
    // the largest topic, rounded to three decimals like every value).
    let gib = |bytes: i64| (bytes as f64 / GIB as f64 * 1000.0).round() / 1000.0;
    let left_out = &bars[..rest];
    let remote: i64 = left_out.iter().map(|b| b.remote_bytes).sum();
    let free: i64 = left_out.iter().map(|b| b.bytes_to_free).sum();
    let (kept, freed) = (values(&series(&v)[0]), values(&series(&v)[1]));
    assert_eq!(kept[TOPIC_BARS], gib(remote - free));
    assert_eq!(freed[TOPIC_BARS], gib(free));
    // Every topic's bytes are drawn exactly once.
    let total: i64 = bars.iter().map(|b| b.remote_bytes).sum();
    let drawn: f64 = kept.iter().chain(&freed).sum();
    assert_eq!(drawn, gib(total));

    // 9,180 GiB against 150 GiB for the largest topic: the axis ends just past the largest
    // topic (a round number), the "other" bar is cut there and its total written on it.
    assert_eq!(v["xAxis"]["axisLabel"]["formatter"], "{value} GiB");
    assert_eq!(v["xAxis"]["max"], 200.0);
    let label = &series(&v)[0]["data"][TOPIC_BARS]["label"];
    assert_eq!(label["show"], true);
    assert_eq!(label["position"], "insideRight");
    assert_eq!(label["opacity"], 1);
    assert_eq!(
        label["formatter"],
        format!("{} ▸", tierlens_core::units::format_bytes(remote))
    );
    let labels = series(&v)
        .iter()
        .flat_map(|s| s["data"].as_array().unwrap())
        .filter(|d| d.get("label").is_some())
        .count();
    assert_eq!(labels, 1, "only the other bar has a label");

    // Its tooltip is plain text with the exact sums; it is drawn paler than the topics.
    let other = &series(&v)[0]["data"][TOPIC_BARS];
    assert_eq!(
        other["name"],
        format!(
            "other (135 topics)\nremote: {}\nkept: {}\ndeleted by the plan: {}",
            tierlens_core::units::format_bytes(remote),
            tierlens_core::units::format_bytes(remote - free),
            tierlens_core::units::format_bytes(free)
        )
    );
    assert!(other["itemStyle"]["opacity"].as_f64().unwrap() < 1.0);
    assert!(series(&v)[0]["data"][0].get("itemStyle").is_none());
    assert_eq!(v["tooltip"]["formatter"], "{b}");
    // No slider needed.
    assert_eq!(v["dataZoom"][0]["show"], false);
}

#[test]
fn bytes_per_topic_groups_nothing_with_few_topics() {
    for n in [1, 3, TOPIC_BARS as i64, TOPIC_BARS as i64 + 1] {
        let v = option(&bytes_per_topic(&topics(n), false));
        let categories = v["yAxis"]["data"].as_array().unwrap();
        assert_eq!(categories.len(), n as usize, "{n} topics");
        assert!(
            categories
                .iter()
                .all(|c| !c.as_str().unwrap().starts_with("other")),
            "{n} topics"
        );
        assert_eq!(categories[0], format!("t{:03}", n - 1));
        assert_eq!(data_len(&series(&v)[1]), n as usize);
    }
    // One more and the two smallest share a bar, on the same scale as the topics (it is not
    // twice the largest): no axis maximum, no label.
    let v = option(&bytes_per_topic(&topics(TOPIC_BARS as i64 + 2), false));
    assert_eq!(v["yAxis"]["data"][TOPIC_BARS], "other (2 topics)");
    assert_eq!(series(&v)[0]["data"][TOPIC_BARS]["value"], 1.0 + 2.0 - 0.25);
    assert_eq!(v["xAxis"]["max"], Value::Null);
    assert!(series(&v)[0]["data"][TOPIC_BARS].get("label").is_none());
}

#[test]
fn bytes_per_topic_other_bar_on_scale_sets_the_axis_unit_when_largest() {
    // 15 topics of 100 MiB and 30 of 6 MiB: "other" is 180 MiB, under twice the largest, so it
    // is drawn to scale and the axis (auto, `max: null`) fits it.
    let mut bars: Vec<TopicBar> = (0..TOPIC_BARS)
        .map(|i| TopicBar {
            topic: format!("big{i:02}"),
            remote_bytes: 100 << 20,
            bytes_to_free: 0,
        })
        .collect();
    bars.extend((0..30).map(|i| TopicBar {
        topic: format!("small{i:02}"),
        remote_bytes: 6 << 20,
        bytes_to_free: 1 << 20,
    }));
    let v = option(&bytes_per_topic(&bars, false));
    assert_eq!(v["yAxis"]["data"][TOPIC_BARS], "other (30 topics)");
    assert_eq!(v["xAxis"]["max"], Value::Null);
    assert_eq!(v["xAxis"]["axisLabel"]["formatter"], "{value} MiB");
    assert_eq!(series(&v)[0]["data"][TOPIC_BARS]["value"], 150.0);
    assert_eq!(series(&v)[1]["data"][TOPIC_BARS]["value"], 30.0);
}

#[test]
fn bytes_per_topic_other_bar_saturates_and_stays_distinct_from_a_topic_named_like_it() {
    let mut bars: Vec<TopicBar> = (0..40)
        .map(|i| TopicBar {
            topic: format!("t{i}"),
            remote_bytes: i64::MAX - i,
            bytes_to_free: i64::MAX,
        })
        .collect();
    bars[0].topic = other_topics(25);
    let v = option(&bytes_per_topic(&bars, false));
    let categories = v["yAxis"]["data"].as_array().unwrap();
    assert_eq!(categories.len(), TOPIC_BARS + 1);
    assert_eq!(categories[0], "other (25 topics)");
    assert_eq!(categories[TOPIC_BARS], "other (25 topics) (2)");
    assert_eq!(v["xAxis"]["axisLabel"]["formatter"], "{value} PiB");
}

// ---------------------------------------------------------------------------------------------
// top partitions
// ---------------------------------------------------------------------------------------------

#[test]
fn top_partitions_keeps_the_largest() {
    let bars: Vec<PartitionBar> = [("a-0", 5), ("a-1", 50), ("b-0", 20), ("b-1", 50)]
        .iter()
        .map(|&(l, g)| PartitionBar {
            label: l.into(),
            remote_bytes: g * GIB,
        })
        .collect();
    let v = option(&top_partitions(&bars, 3, false));
    assert_eq!(names(&v), ["remote size"]);
    assert_eq!(v["yAxis"]["data"], serde_json::json!(["a-1", "b-1", "b-0"]));
    let s = &series(&v)[0];
    assert_eq!(data_len(s), 3);
    assert_eq!(s["data"][0]["value"], 50.0);
    assert_eq!(s["data"][2]["name"], "b-0\n20.00 GiB");
    assert_eq!(v["xAxis"]["axisLabel"]["formatter"], "{value} GiB");
}

// ---------------------------------------------------------------------------------------------
// segment timeline
// ---------------------------------------------------------------------------------------------

#[test]
fn timeline_series_count_is_stable() {
    let empty = option(&segment_timeline(
        &[],
        &TimelineMarks::default(),
        TimelineAxis::Time,
        false,
    ));
    let full = option(&segment_timeline(
        &three_segments(),
        &marks(),
        TimelineAxis::Offset,
        true,
    ));
    assert_eq!(series(&empty).len(), TIMELINE_SERIES_COUNT);
    assert_eq!(names(&empty), names(&full));
    let types = |v: &Value| -> Vec<String> {
        series(v)
            .iter()
            .map(|s| s["type"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(types(&empty), types(&full));
    // Every category has two bar layers, two tick layers and one hover layer.
    for c in TIMELINE_CATEGORIES {
        let (bars, _) = layers(&full, c);
        assert_eq!(bars.len(), 2, "{c}");
        assert_eq!(tick_layers(&full, c).len(), 2, "{c}");
    }
    // Symbol layers use ECharts' large mode (one path per series, not one element per point).
    for s in series(&full).iter().filter(|s| s["type"] == "scatter") {
        assert_eq!(s["large"], true);
        assert_eq!(s["largeThreshold"], 1);
    }
    let legend: Vec<&str> = full["legend"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(legend, TIMELINE_CATEGORIES);
}

#[test]
fn timeline_time_axis_draws_each_segment_once() {
    let v = time_timeline(&marks());
    assert_eq!(v["xAxis"]["type"], "time");
    assert_eq!(v["xAxis"]["min"], 1_000_000);
    assert_eq!(v["xAxis"]["max"], 1_040_000); // now
    assert_eq!(
        v["yAxis"]["data"],
        serde_json::json!(["epoch 0", "epoch 1"])
    );

    // "a" is deleted by the plan: its own layer, whatever its state.
    let (bars, hover) = layers(&v, DELETED_BY_PLAN);
    let bars_deleted = bars.clone();
    let s = series(&v);
    assert_eq!(
        s[bars[0]]["data"],
        serde_json::json!([[1_000_000, 0], [1_009_000, 0], "-"])
    );
    assert_eq!(data_len(&s[bars[1]]), 0);
    assert_eq!(s[bars[0]]["silent"], true);
    assert_eq!(s[bars[0]]["connectNulls"], false);
    let points = s[hover]["data"].as_array().unwrap();
    let xs: Vec<&Value> = points.iter().map(|p| &p["value"][0]).collect();
    assert_eq!(xs, [1_000_000, 1_004_500, 1_009_000]);
    assert!(points.iter().all(|p| p["name"] == "tip a"));
    assert_eq!(s[hover]["itemStyle"]["opacity"], 0.0);

    // "b" follows "a" on epoch 0's row, so it is in the second (tinted) layer.
    let (bars, hover) = layers(&v, "COPY_SEGMENT_FINISHED");
    assert_eq!(data_len(&s[bars[0]]), 0);
    assert_eq!(
        s[bars[1]]["data"],
        serde_json::json!([[1_010_000, 0], [1_019_000, 0], "-"])
    );
    assert_eq!(data_len(&s[hover]), 3);

    // An unknown state is "other state", on epoch 1's row.
    let (bars, hover) = layers(&v, OTHER_STATE);
    assert_eq!(s[bars[0]]["data"][0], serde_json::json!([1_020_000, 1]));
    assert_eq!(s[hover]["data"][0]["name"], "tip c");

    // Nothing else drew anything.
    let drawn: usize = s.iter().filter(|s| s["type"] == "line").map(data_len).sum();
    assert_eq!(drawn, 3 * 3);
    let hovered: usize = s.iter().filter(|s| is_hover(s)).map(data_len).sum();
    assert_eq!(hovered, 3 * 3);
    // Both ends of every bar carry a tick in the bar's own layer and colour.
    let ticks = tick_layers(&v, DELETED_BY_PLAN);
    assert_eq!(
        s[ticks[0]]["data"],
        serde_json::json!([[1_000_000, 0], [1_009_000, 0]])
    );
    assert_eq!(
        s[ticks[0]]["itemStyle"]["color"],
        s[bars_deleted[0]]["lineStyle"]["color"]
    );
    assert_eq!(s[ticks[0]]["z"], s[bars_deleted[0]]["z"]);
    let ticked: usize = s
        .iter()
        .filter(|s| s["type"] == "scatter" && !is_hover(s))
        .map(data_len)
        .sum();
    assert_eq!(ticked, 3 * 2);
}

#[test]
fn timeline_time_axis_marks() {
    let mut m = marks();
    m.epoch_boundaries = vec![(0, 1_000_000), (1, 1_020_000), (9, 5_000_000)];
    let v = time_timeline(&m);
    assert_eq!(
        mark_lines(&v, MARKS_LIMIT),
        [("retention cut-off", &serde_json::json!(1_015_000))]
    );
    // The boundary outside the drawn range is left out; "now" is added.
    assert_eq!(
        mark_lines(&v, MARKS_CONTEXT),
        [
            ("epoch 0", &serde_json::json!(1_000_000)),
            ("epoch 1", &serde_json::json!(1_020_000)),
            ("now", &serde_json::json!(1_040_000)),
        ]
    );
    // Mark labels come from the item names.
    let limit = series(&v)
        .iter()
        .find(|s| s["name"] == MARKS_LIMIT)
        .unwrap();
    assert_eq!(limit["markLine"]["label"]["formatter"], "{b}");
}

#[test]
fn timeline_epochs_starting_close_together_share_one_label() {
    // Drawn range 1_000_000..=1_040_000: boundaries within 400 (1 %) are close. Each keeps its
    // line; the first of a cluster carries the label.
    let mut m = marks();
    m.epoch_boundaries = vec![
        (0, 1_000_000),
        (3, 1_020_000),
        (4, 1_020_000),
        (5, 1_020_300),
        (6, 1_025_000),
    ];
    let v = time_timeline(&m);
    assert_eq!(
        mark_lines(&v, MARKS_CONTEXT),
        [
            ("epoch 0", &serde_json::json!(1_000_000)),
            ("epochs 3, 4, 5", &serde_json::json!(1_020_000)),
            ("", &serde_json::json!(1_020_000)),
            ("", &serde_json::json!(1_020_300)),
            ("epoch 6", &serde_json::json!(1_025_000)),
            ("now", &serde_json::json!(1_040_000)),
        ]
    );
}

#[test]
fn timeline_offset_axis_uses_offsets_and_log_start() {
    let v = option(&segment_timeline(
        &three_segments(),
        &marks(),
        TimelineAxis::Offset,
        false,
    ));
    assert_eq!(v["xAxis"]["type"], "value");
    assert_eq!(v["xAxis"]["min"], 0);
    assert_eq!(v["xAxis"]["max"], 30); // end offset 29 is inclusive
    let (bars, _) = layers(&v, "COPY_SEGMENT_FINISHED");
    assert_eq!(
        series(&v)[bars[1]]["data"],
        serde_json::json!([[10, 0], [20, 0], "-"])
    );
    assert_eq!(
        mark_lines(&v, MARKS_LIMIT),
        [("log start offset", &serde_json::json!(10))]
    );
    // No "now" and no retention cut-off on offsets; boundary 7 at 10 000 is out of range.
    assert_eq!(
        mark_lines(&v, MARKS_CONTEXT),
        [
            ("epoch 0", &serde_json::json!(0)),
            ("epoch 1", &serde_json::json!(20)),
        ]
    );
}

#[test]
fn timeline_alternates_layers_along_a_row_and_splits_overlaps() {
    let segs = vec![
        seg("x", 0, 9, "COPY_SEGMENT_FINISHED", 3),
        seg("y", 10, 19, "COPY_SEGMENT_FINISHED", 3),
        seg("z", 20, 29, "COPY_SEGMENT_FINISHED", 3),
        // A second copy of y's offsets: overlaps, so it gets row "epoch 3 (2)".
        seg("y2", 10, 19, "COPY_SEGMENT_STARTED", 3),
    ];
    let v = option(&segment_timeline(
        &segs,
        &TimelineMarks::default(),
        TimelineAxis::Offset,
        false,
    ));
    assert_eq!(
        v["yAxis"]["data"],
        serde_json::json!(["epoch 3", "epoch 3 (2)"])
    );
    let (bars, _) = layers(&v, "COPY_SEGMENT_FINISHED");
    let s = series(&v);
    assert_eq!(
        s[bars[0]]["data"],
        serde_json::json!([[0, 0], [10, 0], "-", [20, 0], [30, 0], "-"])
    );
    assert_eq!(
        s[bars[1]]["data"],
        serde_json::json!([[10, 0], [20, 0], "-"])
    );
    assert_ne!(
        s[bars[0]]["lineStyle"]["color"],
        s[bars[1]]["lineStyle"]["color"]
    );
    let (bars, _) = layers(&v, "COPY_SEGMENT_STARTED");
    assert_eq!(
        s[bars[0]]["data"],
        serde_json::json!([[10, 1], [20, 1], "-"])
    );
}

#[test]
fn timeline_of_a_single_instant_leaves_the_range_to_echarts() {
    let v = option(&segment_timeline(
        &[],
        &TimelineMarks {
            now_ms: 5,
            ..TimelineMarks::default()
        },
        TimelineAxis::Time,
        false,
    ));
    assert!(v["xAxis"].get("min").is_none());
    assert!(v["xAxis"].get("max").is_none());
    assert_eq!(
        mark_lines(&v, MARKS_CONTEXT),
        [("now", &serde_json::json!(5))]
    );
    assert!(series(&v).iter().all(|s| data_len(s) == 0));
}

#[test]
fn empty_tip_falls_back_to_the_id() {
    let mut s = seg("seg-id", 0, 1, "COPY_SEGMENT_FINISHED", 0);
    s.tip = " \n".into();
    let v = option(&segment_timeline(
        &[s],
        &TimelineMarks::default(),
        TimelineAxis::Offset,
        false,
    ));
    let (_, hover) = layers(&v, "COPY_SEGMENT_FINISHED");
    assert_eq!(series(&v)[hover]["data"][0]["name"], "seg-id");
}

#[test]
fn extreme_values_do_not_panic() {
    let mut s = seg("x", 0, 0, "COPY_SEGMENT_FINISHED", i32::MIN);
    s.start_ms = i64::MIN;
    s.end_ms = i64::MAX;
    s.start_offset = i64::MAX;
    s.end_offset = i64::MIN;
    let m = TimelineMarks {
        retention_cutoff_ms: Some(i64::MIN),
        epoch_boundaries: vec![(i32::MAX, i64::MAX)],
        log_start_offset: Some(i64::MAX),
        now_ms: i64::MAX,
    };
    for axis in [TimelineAxis::Time, TimelineAxis::Offset] {
        let v = option(&segment_timeline(std::slice::from_ref(&s), &m, axis, false));
        assert_eq!(series(&v).len(), TIMELINE_SERIES_COUNT);
    }
    let v = option(&bytes_per_topic(
        &[TopicBar {
            topic: "t".into(),
            remote_bytes: i64::MAX,
            bytes_to_free: i64::MIN,
        }],
        false,
    ));
    assert_eq!(v["xAxis"]["axisLabel"]["formatter"], "{value} PiB");
}

// ---------------------------------------------------------------------------------------------
// every chart
// ---------------------------------------------------------------------------------------------

fn every_chart(text: &str) -> Vec<(&'static str, Value)> {
    let mut s = seg(text, 0, 9, text, 0);
    s.tip = format!("{text}\nsecond line");
    let mut d = s.clone();
    d.deleted = true;
    d.start_offset = 10;
    d.end_offset = 19;
    vec![
        (
            "bytes_per_topic",
            to_option_value(&bytes_per_topic(
                &[TopicBar {
                    topic: text.into(),
                    remote_bytes: GIB,
                    bytes_to_free: 1,
                }],
                false,
            )),
        ),
        (
            "top_partitions",
            to_option_value(&top_partitions(
                &[PartitionBar {
                    label: format!("{text}-0"),
                    remote_bytes: GIB,
                }],
                10,
                true,
            )),
        ),
        (
            "segment_timeline time",
            segment_timeline(&[s.clone(), d.clone()], &marks(), TimelineAxis::Time, false),
        ),
        (
            "segment_timeline offset",
            segment_timeline(&[s, d], &marks(), TimelineAxis::Offset, true),
        ),
    ]
}

#[test]
fn untrusted_text_never_reaches_an_html_tooltip() {
    for (what, chart) in every_chart(HOSTILE) {
        let v = option(&chart);

        // The root tooltip exists and every tooltip anywhere renders text, not HTML.
        assert_eq!(v["tooltip"]["renderMode"], "richText", "{what}");
        let mut tooltips = Vec::new();
        find_all(&v, "tooltip", &mut tooltips);
        assert!(!tooltips.is_empty(), "{what}");
        for t in tooltips {
            assert_eq!(t["renderMode"], "richText", "{what}: {t}");
        }

        // Formatters are string templates, never functions.
        let mut formatters = Vec::new();
        find_all(&v, "formatter", &mut formatters);
        assert!(!formatters.is_empty(), "{what}");
        for f in formatters {
            let f = f
                .as_str()
                .unwrap_or_else(|| panic!("{what}: non-string formatter {f}"));
            assert!(
                !f.contains("function") && !f.contains("=>") && !f.contains("#*#*#*#"),
                "{what}: {f}"
            );
        }

        // The hostile text is shown (as look-alike text), never as markup.
        let mut strings = Vec::new();
        all_strings(&v, &mut strings);
        assert!(
            strings
                .iter()
                .any(|s| s.contains("‹img src=x onerror=alert(1)›")),
            "{what}"
        );
        assert!(strings.iter().all(|s| !s.contains('<')), "{what}");
    }
}

#[test]
fn raw_js_markers_in_data_stay_inert_strings() {
    // charming's `Display` would splice this into the output as code; to_option_json must not.
    let marker = "#*#*#*#function(){alert(1)}#*#*#*#";
    for (what, chart) in every_chart(marker) {
        let text = to_option_json(&chart);
        let v: Value = serde_json::from_str(&text).unwrap();
        let mut strings = Vec::new();
        all_strings(&v, &mut strings);
        assert!(strings.iter().any(|s| s.contains(marker)), "{what}");
        assert!(!text.contains(&format!(":{marker}")), "{what}");
    }
}

#[test]
fn empty_inputs_give_valid_options() {
    let charts = [
        to_option_value(&bytes_per_topic(&[], false)),
        to_option_value(&top_partitions(&[], 10, true)),
        segment_timeline(&[], &TimelineMarks::default(), TimelineAxis::Time, false),
        segment_timeline(&[], &TimelineMarks::default(), TimelineAxis::Offset, true),
    ];
    let counts = [2, 1, TIMELINE_SERIES_COUNT, TIMELINE_SERIES_COUNT];
    for (chart, n) in charts.iter().zip(counts) {
        let v = option(chart);
        assert_eq!(series(&v).len(), n);
        assert!(series(&v).iter().all(|s| data_len(s) == 0));
        assert_eq!(v["useUTC"], true);
        assert_eq!(v["backgroundColor"], "transparent");
        assert!(v["xAxis"].is_object() && v["yAxis"].is_object());
    }
}

#[test]
fn dark_and_light_differ_only_in_colours() {
    let bars = [TopicBar {
        topic: "t".into(),
        remote_bytes: GIB,
        bytes_to_free: 1,
    }];
    let light = option(&bytes_per_topic(&bars, false));
    let dark = option(&bytes_per_topic(&bars, true));
    assert_eq!(light["yAxis"]["axisLabel"]["color"], palette(false).text);
    assert_eq!(dark["yAxis"]["axisLabel"]["color"], palette(true).text);
    assert_ne!(palette(false).text, palette(true).text);
    assert_eq!(light["yAxis"]["data"], dark["yAxis"]["data"]);
    assert_eq!(names(&light), names(&dark));
}
