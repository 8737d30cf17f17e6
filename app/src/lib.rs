//! Atrium's app: pages, components and server functions shared by the server (`ssr`) and the
//! browser (`hydrate`).
#![recursion_limit = "256"]

pub mod alerts;
pub mod analytics;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod components;
pub mod data_export;
pub mod db;
pub mod error;
pub mod ip_blocks;
#[cfg(feature = "ssr")]
pub mod limits;
pub mod live;
pub mod notifications;
pub mod palette;
pub mod permissions;
pub mod plans;
pub mod portal;
#[cfg(feature = "ssr")]
pub mod secrets;
pub mod shell;
pub mod sso;
pub mod tenants;
pub mod users;

// The shared types layer, at the paths the app has always used.
pub use atrium_types::{i18n, ids, labels, paging, preferences, validation};

pub use shell::{App, shell};

/// Runs in the browser: waits for the chunk of the route the page shows (code splitting, see
/// `shell::routes`), attaches to the server-rendered DOM, then marks the body so tests (and
/// scripts) know the page is interactive. `hydrate_body` cannot wait for a chunk; this is
/// Leptos' `hydrate_lazy` with the mark set once hydration has really happened.
#[cfg(feature = "hydrate")]
pub fn hydrate() {
    // `hydrate_from_async` sets up Leptos' executor itself; until then only wasm-bindgen's runs.
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) else {
            return;
        };
        leptos::mount::hydrate_from_async(body.clone(), App).await.forget();
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
