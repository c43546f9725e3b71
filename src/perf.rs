//! How long a what-if change takes to recompute and redraw, measured with
//! `performance.now()` and kept in `window.__tierlensPerf` (milliseconds) for the browser
//! tests to report. Start: the proposed plan begins recomputing. End: the segment timeline's
//! `setOption` returned. Phases go to `window.__tierlensPhases[label]`.
use std::cell::Cell;
use wasm_bindgen::{JsCast, JsValue};

thread_local! {
    static STARTED: Cell<Option<f64>> = const { Cell::new(None) };
}

fn now() -> Option<f64> {
    web_sys::window()?.performance().map(|p| p.now())
}

/// `holder[key]`, created as `empty()` when it is missing or not an object.
fn child(holder: &JsValue, key: &str, empty: impl FnOnce() -> JsValue) -> JsValue {
    let key = JsValue::from_str(key);
    js_sys::Reflect::get(holder, &key)
        .ok()
        .filter(|v| v.is_object())
        .unwrap_or_else(|| {
            let v = empty();
            let _ = js_sys::Reflect::set(holder, &key, &v);
            v
        })
}

/// Appends `ms` to the array at `path` under `window` (objects on the way are created).
fn record(path: &[&str], ms: f64) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let holder = parents.iter().fold(JsValue::from(window), |h, k| {
        child(&h, k, || js_sys::Object::new().into())
    });
    if let Ok(list) =
        child(&holder, last, || js_sys::Array::new().into()).dyn_into::<js_sys::Array>()
    {
        list.push(&JsValue::from_f64(ms));
    }
}

pub fn mark_start() {
    STARTED.with(|s| s.set(now()));
}

pub fn mark_end() {
    if let (Some(start), Some(end)) = (STARTED.with(|s| s.take()), now()) {
        record(&["__tierlensPerf"], end - start);
    }
}

/// Runs `f` and records its duration under `label`, so the browser tests can say where the
/// time of an update goes.
pub fn phase<T>(label: &str, f: impl FnOnce() -> T) -> T {
    let start = now();
    let out = f();
    if let (Some(start), Some(end)) = (start, now()) {
        record(&["__tierlensPhases", label], end - start);
    }
    out
}

/// `performance.mark(name)` on the next animation frame, i.e. once the DOM change that
/// prompted it is on screen. The browser benchmark reads `tierlens:totals` (a snapshot's totals
/// are shown) as its load time.
pub fn mark_after_paint(name: &'static str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let cb = wasm_bindgen::closure::Closure::once_into_js(move || {
        if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
            let _ = p.mark(name);
        }
    });
    let _ = window.request_animation_frame(cb.unchecked_ref());
}

/// Runs `f` once the next frame has been painted (a timeout queued from the frame callback), so
/// a slow computation waits until what is already known is on screen.
pub fn after_paint(f: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else {
        return f();
    };
    let after = wasm_bindgen::closure::Closure::once_into_js(f);
    let frame = wasm_bindgen::closure::Closure::once_into_js(move || {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback(after.unchecked_ref());
        }
    });
    let _ = window.request_animation_frame(frame.unchecked_ref());
}

/// Bytes of wasm linear memory: what the tab holds for good (it never shrinks). The browser
/// benchmark reads it as `window.wasmBindings.tierlens_wasm_memory_bytes()`.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn tierlens_wasm_memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}
