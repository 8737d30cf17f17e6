//! The hydration bootstrap in the document head: Leptos 0.8.23's `HydrationScripts`, minus a bug.
//! Its wasm preload carries the CSP nonce as the value of `crossorigin` (leptos#4843, fixed after
//! 0.8.23), which no browser reads as a credentials mode: the preload never matches
//! wasm-bindgen's `fetch`, is downloaded twice, and Firefox aborts it, which can stop hydration.
//! Here the preload says `crossorigin=""` (anonymous, i.e. credentials "same-origin", as
//! `fetch()` asks) and only the inline module script carries the nonce.
//!
//! Atrium builds no split wasm and no hashed file names (see xtask/src/site.rs), so the files
//! are `/{pkg}/{output_name}.js` and `/{pkg}/{output_name}_bg.wasm`, exactly as Leptos names them.

use leptos::nonce::use_nonce;
use leptos::prelude::*;

#[component]
pub fn HydrationBootstrap(options: LeptosOptions) -> impl IntoView {
    let pkg = options.site_pkg_dir.to_string();
    let name = options.output_name.to_string();
    let js = format!("/{pkg}/{name}.js");
    let wasm = format!("/{pkg}/{name}_bg.wasm");
    // What Leptos' hydration_script.js does with `defer` off: load the glue, instantiate the
    // wasm, hydrate. The paths are the site's own settings, written as JSON string literals.
    let bootstrap = format!(
        "import({js}).then(mod => mod.default({{module_or_path: {wasm}}}).then(() => mod.hydrate()));",
        js = serde_json::Value::from(js.clone()),
        wasm = serde_json::Value::from(wasm.clone()),
    );
    view! {
        <link rel="modulepreload" href=js />
        <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin="" />
        <script type="module" nonce=use_nonce()>{bootstrap}</script>
    }
}
