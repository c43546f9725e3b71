//! Charts on the page. The options themselves are built by the pure `tierlens-charts` crate;
//! this module only owns ECharts instances.
mod echarts;

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

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
) -> impl IntoView {
    let node = NodeRef::<Div>::new();
    let chart = StoredValue::new_local(None::<echarts::ECharts>);
    let failed = RwSignal::new(None::<String>);

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
                Ok(c) => chart.set_value(Some(c)),
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
    });
    on_cleanup(move || {
        resize.remove();
        chart.try_with_value(|c| {
            if let Some(c) = c {
                c.dispose();
            }
        });
    });

    view! {
        <div class=format!("chart {class}") node_ref=node role="img" aria-label=label></div>
        {move || failed.get().map(|m| view! { <p class="chart-error">{m}</p> })}
    }
}
