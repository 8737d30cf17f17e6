//! The browser entry point: a wasm module whose only export hydrates the server-rendered app.
//! Empty when built for the host (see the dependencies in the root `Cargo.toml`).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    atrium_app::hydrate();
}
