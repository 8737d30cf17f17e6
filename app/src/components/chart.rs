//! A chart container: server-rendered as an empty, labelled box; in the browser ECharts draws
//! the `ChartOption` into it and redraws whenever the chart signal changes. ECharts' script
//! (about 1 MB) is loaded on first use, so pages without charts never fetch it.

use super::chart_option::ChartOption;
use leptos::prelude::*;

/// The `<meta>` that tells the browser half where ECharts is (it loads it on a chart's first use);
/// the shell writes it into the document head.
pub const ECHARTS_META: &str = "atrium-echarts";

#[component]
pub fn Chart(
    /// Unique in the page; ECharts finds the container by it.
    id: String,
    /// What the chart shows, for screen readers (the data table beside it has the numbers).
    label: Signal<String>,
    chart: Signal<ChartOption>,
    #[prop(default = 360)] height: u32,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let element_id = id.clone();
        let ready = RwSignal::new(false);
        Effect::new(move |_| browser::ensure_echarts(ready));
        Effect::new(move |_| {
            let chart = chart.get();
            if ready.get() {
                browser::draw(&element_id, height, &chart);
            }
        });
        let element_id = id.clone();
        on_cleanup(move || browser::dispose(&element_id));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = chart;
    view! {
        <div id=id class="chart" role="img" aria-label=move || label.get() style=format!("block-size: {height}px")></div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    //! ECharts' global API: the few calls a chart needs.
    use super::ChartOption;
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        type Instance;
        #[wasm_bindgen(js_namespace = echarts)]
        fn init(element: &web_sys::Element, theme: JsValue, options: &js_sys::Object) -> Instance;
        #[wasm_bindgen(js_namespace = echarts, js_name = getInstanceByDom)]
        fn instance_of(element: &web_sys::Element) -> Option<Instance>;
        #[wasm_bindgen(method, js_name = setOption)]
        fn set_option(this: &Instance, option: JsValue, not_merge: bool);
        #[wasm_bindgen(method)]
        fn dispose(this: &Instance);
        #[wasm_bindgen(method)]
        fn resize(this: &Instance);
    }

    #[wasm_bindgen]
    extern "C" {
        type MediaQueryList;
        #[wasm_bindgen(js_namespace = window, js_name = matchMedia)]
        fn match_media(query: &str) -> MediaQueryList;
        #[wasm_bindgen(method, getter)]
        fn matches(this: &MediaQueryList) -> bool;
    }

    /// ECharts' theme for the page's: `dark` when the person chose it, or left it to a device
    /// that prefers it (the page reloads when the choice changes, so reading it once is enough).
    fn echarts_theme(document: &web_sys::Document) -> JsValue {
        let chosen = document
            .document_element()
            .and_then(|root| root.get_attribute("data-theme"));
        let dark = match chosen.as_deref() {
            Some("dark") => true,
            Some(_) => false,
            None => match_media("(prefers-color-scheme: dark)").matches(),
        };
        if dark { JsValue::from_str("dark") } else { JsValue::NULL }
    }

    fn echarts_loaded() -> bool {
        web_sys::window()
            .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("echarts")).ok())
            .is_some_and(|v| !v.is_undefined())
    }

    /// ECharts' (content-hashed) URL, from the `<meta>` the document head carries.
    fn echarts_src(document: &web_sys::Document) -> String {
        let selector = format!("meta[name=\"{}\"]", super::ECHARTS_META);
        document
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|meta| meta.get_attribute("content"))
            .filter(|src| src.starts_with('/'))
            // An unhashed site (built without the asset list).
            .unwrap_or_else(|| "/pkg/echarts.min.js".to_owned())
    }

    /// Sets `ready` once `window.echarts` exists, adding the script tag if no one has yet.
    pub fn ensure_echarts(ready: RwSignal<bool>) {
        if echarts_loaded() {
            ready.set(true);
            return;
        }
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let script = match document.get_element_by_id("echarts-script") {
            Some(existing) => existing,
            None => {
                let Ok(element) = document.create_element("script") else {
                    return;
                };
                let _ = element.set_attribute("id", "echarts-script");
                let _ = element.set_attribute("src", &echarts_src(&document));
                if let Some(head) = document.head() {
                    let _ = head.append_child(&element);
                }
                element
            }
        };
        let onload = Closure::<dyn FnMut()>::new(move || ready.set(true));
        let _ = script.add_event_listener_with_callback("load", onload.as_ref().unchecked_ref());
        // Lives as long as the page: a chart may mount again later and wait on the same tag.
        onload.forget();
        if echarts_loaded() {
            ready.set(true);
        }
    }

    pub fn draw(id: &str, height: u32, chart: &ChartOption) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Some(element) = document.get_element_by_id(id) else {
            return;
        };
        // Through JSON text: serde_json's writer for these few types is small, and `JSON.parse`
        // builds the object natively.
        let option = match serde_json::to_string(chart).map(|json| js_sys::JSON::parse(&json)) {
            Ok(Ok(option)) => option,
            Ok(Err(error)) => return leptos::logging::error!("chart option: {error:?}"),
            Err(error) => return leptos::logging::error!("chart option: {error}"),
        };
        let instance = match instance_of(&element) {
            Some(instance) => instance,
            None => {
                let size = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&size, &"height".into(), &height.into());
                init(&element, echarts_theme(&document), &size)
            }
        };
        // Replace, not merge: series come and go with the chosen statistics.
        instance.set_option(option, true);
        instance.resize();
        follow_window_size();
    }

    /// Charts take their container's width, which follows the window (a phone turned, a
    /// sidebar folded away): one listener for the page redraws every chart on it at its new size.
    fn follow_window_size() {
        use std::sync::atomic::{AtomicBool, Ordering};
        static FOLLOWING: AtomicBool = AtomicBool::new(false);
        if FOLLOWING.swap(true, Ordering::Relaxed) {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        let on_resize = Closure::<dyn FnMut()>::new(|| {
            let Some(charts) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector_all(".chart").ok())
            else {
                return;
            };
            for index in 0..charts.length() {
                let element = charts
                    .item(index)
                    .and_then(|node| node.dyn_into::<web_sys::Element>().ok());
                if let Some(instance) = element.as_ref().and_then(instance_of) {
                    instance.resize();
                }
            }
        });
        let _ = window.add_event_listener_with_callback("resize", on_resize.as_ref().unchecked_ref());
        // Lives as long as the page, like the charts it serves.
        on_resize.forget();
    }

    pub fn dispose(id: &str) {
        if !echarts_loaded() {
            return;
        }
        if let Some(instance) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|element| instance_of(&element))
        {
            instance.dispose();
        }
    }
}
