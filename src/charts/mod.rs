//! Charts on the page. The options themselves are built by the pure `tierlens-charts` crate;
//! this module only owns ECharts instances.
mod echarts;

use leptos::html::Div;
use leptos::prelude::*;
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsValue;

/// How long the zoom must rest before `on_zoom` hears of it: a wheel or a drag sends dozens of
/// events, and each re-query rebuilds the chart.
const ZOOM_SETTLE: Duration = Duration::from_millis(150);

/// The first `dataZoom`'s range in percent, from `chart.getOption()`.
fn zoom_percent(chart: &echarts::ECharts) -> Option<(f64, f64)> {
    let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &JsValue::from_str(k)).ok();
    let option = chart.get_option().ok()?;
    let first = get(&get(&option, "dataZoom")?, "0")?;
    Some((
        get(&first, "start")?.as_f64()?,
        get(&first, "end")?.as_f64()?,
    ))
}

/// One ECharts instance bound to one `<div>`. `option` is the ECharts option as JSON; each
/// change is applied with `setOption` on the same instance, never a re-init.
#[component]
pub fn EChart(
    /// The ECharts option (JSON text).
    #[prop(into)]
    option: Signal<String>,
    /// Accessible name of the chart; the data is also in a table nearby.
    #[prop(into)]
    label: String,
    #[prop(into, optional)] class: String,
    /// Report each update's end to [`crate::perf`] (the what-if's redraw measurement).
    #[prop(optional)]
    measured: bool,
    /// Told the zoom's range in percent of the x axis, once it has settled.
    #[prop(optional)]
    on_zoom: Option<Callback<(f64, f64)>>,
    /// Told the chart's width in pixels, when drawn and on every resize.
    #[prop(optional)]
    on_width: Option<Callback<u32>>,
) -> impl IntoView {
    let node = NodeRef::<Div>::new();
    let chart = StoredValue::new_local(None::<echarts::ECharts>);
    let failed = RwSignal::new(None::<String>);
    // The `datazoom` handler (kept alive while the chart is) and the latest zoom event's number.
    let zoom_handler = StoredValue::new_local(None::<Closure<dyn FnMut(JsValue)>>);
    let zoom_event = StoredValue::new(0u64);
    let report_width = move || {
        if let (Some(cb), Some(el)) = (on_width, node.get_untracked()) {
            cb.run(el.client_width().max(0) as u32);
        }
    };

    Effect::new(move |_| {
        let json = option.get();
        let Some(el) = node.get() else { return };
        let option = match crate::perf::phase("JSON.parse", || js_sys::JSON::parse(&json)) {
            Ok(v) => v,
            Err(_) => {
                failed.set(Some("chart options are not valid JSON".into()));
                return;
            }
        };
        let fresh = chart.with_value(|c| c.is_none());
        if fresh {
            let opts = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&opts, &"renderer".into(), &"canvas".into());
            // Repaint only what changed: a moved cut-off line should not redraw every bar.
            let _ = js_sys::Reflect::set(&opts, &"useDirtyRect".into(), &true.into());
            match echarts::init(&el, JsValue::NULL, &opts) {
                Ok(c) => {
                    if let Some(cb) = on_zoom {
                        let handler = Closure::<dyn FnMut(JsValue)>::new(move |_| {
                            zoom_event.update_value(|n| *n += 1);
                            let mine = zoom_event.get_value();
                            set_timeout(
                                move || {
                                    if zoom_event.try_get_value() != Some(mine) {
                                        return;
                                    }
                                    let range = chart
                                        .try_with_value(|c| c.as_ref().and_then(zoom_percent))
                                        .flatten();
                                    if let Some(range) = range {
                                        cb.run(range);
                                    }
                                },
                                ZOOM_SETTLE,
                            );
                        });
                        c.on("datazoom", handler.as_ref().unchecked_ref());
                        zoom_handler.set_value(Some(handler));
                    }
                    chart.set_value(Some(c));
                    report_width();
                }
                Err(_) => {
                    failed.set(Some(
                        "ECharts did not load; the table below has the same data".into(),
                    ));
                    return;
                }
            }
        }
        chart.with_value(|c| {
            if let Some(c) = c {
                // Builders keep the series count of a chart kind stable, so later options merge
                // into the first (ECharts then diffs instead of rebuilding everything).
                if crate::perf::phase("setOption", || c.set_option(&option, fresh)).is_err() {
                    failed.set(Some("ECharts rejected the chart options".into()));
                } else if measured {
                    crate::perf::mark_end();
                }
            }
        });
    });

    // Charts follow the container's width.
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        chart.try_with_value(|c| {
            if let Some(c) = c {
                c.resize();
            }
        });
        report_width();
    });
    on_cleanup(move || {
        resize.remove();
        chart.try_with_value(|c| {
            if let Some(c) = c {
                c.dispose();
            }
        });
        zoom_handler.try_set_value(None);
    });

    view! {
        <div class=format!("chart {class}") node_ref=node role="img" aria-label=label></div>
        {move || failed.get().map(|m| view! { <p class="chart-error">{m}</p> })}
    }
}
