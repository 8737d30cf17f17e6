//! The hydration bootstrap in the document head: Leptos 0.8.23's `HydrationScripts`, minus a bug.
//! Its wasm preload carries the CSP nonce as the value of `crossorigin` (leptos#4843, fixed after
//! 0.8.23), which no browser reads as a credentials mode: the preload never matches
//! wasm-bindgen's `fetch`, is downloaded twice, and Firefox aborts it, which can stop hydration.
//! Here the preload says `crossorigin=""` (anonymous, i.e. credentials "same-origin", as
//! `fetch()` asks) and only the inline module script carries the nonce.
//!
//! The file names are the built site's content-hashed ones ([`SiteAssets`]), not Leptos' own
//! hash-file convention, which reads a file next to the server binary.

use super::assets::SiteAssets;
use leptos::nonce::use_nonce;
use leptos::prelude::*;

/// `chunks`: the wasm files of the split module the requested route renders (`shell::routes`),
/// preloaded so they download beside the main module; the browser waits for them to hydrate.
#[component]
pub fn HydrationBootstrap(assets: SiteAssets, chunks: Vec<String>) -> impl IntoView {
    let SiteAssets { js, wasm, loader, .. } = assets;
    // What Leptos' hydration_script.js does with `defer` off: load the glue, instantiate the
    // wasm, hydrate. The paths are the site's own settings, written as JSON string literals.
    let bootstrap = format!(
        "import({js}).then(mod => mod.default({{module_or_path: {wasm}}}).then(() => mod.hydrate()));",
        js = serde_json::Value::from(js.clone()),
        wasm = serde_json::Value::from(wasm.clone()),
    );
    let wasm_preload = |href: String| {
        view! { <link rel="preload" href=href r#as="fetch" r#type="application/wasm" crossorigin="" /> }
    };
    view! {
        <link rel="modulepreload" href=js />
        // The glue imports the split loader: fetch it now rather than after the glue is parsed.
        {loader.map(|href| view! { <link rel="modulepreload" href=href /> })}
        {wasm_preload(wasm)}
        {chunks.into_iter().map(wasm_preload).collect_view()}
        <script type="module" nonce=use_nonce()>{bootstrap}</script>
    }
}
