//! The few ECharts calls tierlens needs, bound directly so a chart can be updated in place
//! (`setOption`) and disposed on unmount (charming's renderer re-initialises instead).
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// An ECharts instance.
    pub type ECharts;

    /// `echarts.init(el, theme, opts)`; errs (rather than panics) when ECharts is not loaded.
    #[wasm_bindgen(catch, js_namespace = echarts, js_name = init)]
    pub fn init(
        el: &web_sys::HtmlElement,
        theme: JsValue,
        opts: &JsValue,
    ) -> Result<ECharts, JsValue>;

    #[wasm_bindgen(catch, method, js_name = setOption)]
    pub fn set_option(this: &ECharts, option: &JsValue, not_merge: bool) -> Result<(), JsValue>;

    #[wasm_bindgen(method)]
    pub fn resize(this: &ECharts);

    /// `chart.on(event, handler)`.
    #[wasm_bindgen(method)]
    pub fn on(this: &ECharts, event: &str, handler: &js_sys::Function);

    /// `chart.getOption()`: the merged option, with the components' current state (the zoom).
    #[wasm_bindgen(catch, method, js_name = getOption)]
    pub fn get_option(this: &ECharts) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method)]
    pub fn dispose(this: &ECharts);
}
