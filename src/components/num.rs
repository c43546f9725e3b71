//! Numbers for people, with the exact value one hover away.
use crate::state::Settings;
use leptos::prelude::*;
use tierlens_core::units::{format_bytes, format_count, format_duration_ms, format_timestamp_utc};

/// Bytes as GiB/TiB with two decimals; the tooltip and `data-bytes` hold the exact count.
#[component]
pub fn Bytes(
    #[prop(into)] value: Signal<i64>,
    #[prop(into, optional)] testid: String,
) -> impl IntoView {
    view! {
        <span
            class="num"
            data-testid=(!testid.is_empty()).then_some(testid)
            data-bytes=move || value.get().to_string()
            title=move || format!("{} bytes", format_count(value.get()))
        >
            {move || format_bytes(value.get())}
        </span>
    }
}

/// A count with thousands separators; `data-count` holds the raw number.
#[component]
pub fn Count(
    #[prop(into)] value: Signal<i64>,
    #[prop(into, optional)] testid: String,
) -> impl IntoView {
    view! {
        <span
            class="num"
            data-testid=(!testid.is_empty()).then_some(testid)
            data-count=move || value.get().to_string()
        >
            {move || format_count(value.get())}
        </span>
    }
}

/// A duration like `3d 4h`; the tooltip has the milliseconds.
#[component]
pub fn Duration(#[prop(into)] ms: Signal<i64>) -> impl IntoView {
    view! {
        <span class="num" title=move || format!("{} ms", format_count(ms.get()))>
            {move || format_duration_ms(ms.get())}
        </span>
    }
}

/// An instant in the user's time zone (or UTC with `?utc=1`); the tooltip has both and the
/// epoch milliseconds.
#[component]
pub fn Instant(#[prop(into)] ms: Signal<i64>) -> impl IntoView {
    let settings = expect_context::<Settings>();
    view! {
        <span
            class="num"
            title=move || format!("{} · {} ms since the epoch", format_timestamp_utc(ms.get()), ms.get())
        >
            {move || format_instant(ms.get(), settings.utc.0.get() == Some(1))}
        </span>
    }
}

/// Local time via the browser's locale, or UTC.
pub fn format_instant(ms: i64, utc: bool) -> String {
    if utc {
        return format_timestamp_utc(ms);
    }
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    if date.get_time().is_nan() {
        return format_timestamp_utc(ms);
    }
    String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}
