//! How long a what-if change takes to recompute and redraw, measured with
//! `performance.now()` and kept in `window.__tierlensPerf` (milliseconds) for the browser
//! tests to report. Start: the proposed plan begins recomputing. End: the segment timeline's
//! `setOption` returned.
use std::cell::Cell;

thread_local! {
    static STARTED: Cell<Option<f64>> = const { Cell::new(None) };
}

fn now() -> Option<f64> {
    web_sys::window()?.performance().map(|p| p.now())
}

pub fn mark_start() {
    STARTED.with(|s| s.set(now()));
}

pub fn mark_end() {
    let (Some(start), Some(end)) = (STARTED.with(|s| s.take()), now()) else {
        return;
    };
    let Some(window) = web_sys::window() else {
        return;
    };
    let key = wasm_bindgen::JsValue::from_str("__tierlensPerf");
    let list = js_sys::Reflect::get(&window, &key)
        .ok()
        .filter(|v| v.is_object())
        .unwrap_or_else(|| {
            let a = js_sys::Array::new();
            let _ = js_sys::Reflect::set(&window, &key, &a);
            a.into()
        });
    if let Ok(list) = wasm_bindgen::JsCast::dyn_into::<js_sys::Array>(list) {
        list.push(&wasm_bindgen::JsValue::from_f64(end - start));
    }
}

/// Runs `f` and appends its duration to `window.__tierlensPhases[label]`, so the browser tests
/// can say where the time of an update goes.
pub fn phase<T>(label: &str, f: impl FnOnce() -> T) -> T {
    let start = now();
    let out = f();
    if let (Some(start), Some(end), Some(window)) = (start, now(), web_sys::window()) {
        let key = wasm_bindgen::JsValue::from_str("__tierlensPhases");
        let phases = js_sys::Reflect::get(&window, &key)
            .ok()
            .filter(|v| v.is_object())
            .unwrap_or_else(|| {
                let o = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&window, &key, &o);
                o.into()
            });
        let label = wasm_bindgen::JsValue::from_str(label);
        let list = js_sys::Reflect::get(&phases, &label)
            .ok()
            .filter(|v| v.is_object())
            .unwrap_or_else(|| {
                let a = js_sys::Array::new();
                let _ = js_sys::Reflect::set(&phases, &label, &a);
                a.into()
            });
        if let Ok(list) = wasm_bindgen::JsCast::dyn_into::<js_sys::Array>(list) {
            list.push(&wasm_bindgen::JsValue::from_f64(end - start));
        }
    }
    out
}
