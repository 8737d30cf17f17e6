//! The browser entry point: a wasm module whose only export hydrates the server-rendered app.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    atrium_app::hydrate();
}
