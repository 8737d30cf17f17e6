//! The browser entry point: a wasm module whose only export hydrates the server-rendered app.
//! Empty when built for the host (see the dependencies in the root `Cargo.toml`).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::prelude::wasm_bindgen;

/// `language`: the page's tag (`<html lang>`); `catalogue`: that language's `.ftl` text, which the
/// bootstrap fetched beside the wasm (the module embeds none).
#[wasm_bindgen]
pub fn hydrate(language: String, catalogue: String) {
    console_error_panic_hook::set_once();
    let language = atrium_app::preferences::Language::parse(&language).unwrap_or_default();
    atrium_app::i18n::install(language, catalogue);
    atrium_app::hydrate();
}
