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
use crate::preferences::Language;
use leptos::nonce::use_nonce;
use leptos::prelude::*;

/// `chunks`: the wasm files of the split module the requested route renders (`shell::routes`),
/// preloaded so they download beside the main module; the browser waits for them to hydrate.
/// `language`: the page's; its catalogue downloads beside the wasm too and is handed to the
/// module before it hydrates (`i18n::install`). Should it fail to arrive, the page stays as the
/// server rendered it (every form still posts) rather than hydrate into message keys.
#[component]
pub fn HydrationBootstrap(assets: SiteAssets, chunks: Vec<String>, language: Language) -> impl IntoView {
    let catalogue = assets.catalogue(language).to_owned();
    let SiteAssets { js, wasm, loader, .. } = assets;
    // What Leptos' hydration_script.js does with `defer` off, plus the catalogue: fetch it, load
    // the glue, instantiate the wasm, install the catalogue, hydrate. The paths and the tag are
    // the site's own settings, written as JSON string literals.
    let bootstrap = format!(
        "const catalogue = fetch({catalogue}).then(r => r.ok ? r.text() : Promise.reject(new Error(`catalogue: ${{r.status}}`)));\n\
         import({js}).then(mod => mod.default({{module_or_path: {wasm}}}).then(() => catalogue).then(text => mod.hydrate({tag}, text)));",
        catalogue = serde_json::Value::from(catalogue.clone()),
        js = serde_json::Value::from(js.clone()),
        wasm = serde_json::Value::from(wasm.clone()),
        tag = serde_json::Value::from(language.as_str()),
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
        <link rel="preload" href=catalogue r#as="fetch" crossorigin="" />
        <script type="module" nonce=use_nonce()>{bootstrap}</script>
    }
}
