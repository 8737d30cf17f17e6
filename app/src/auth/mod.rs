//! Sign-in, sessions and the per-request context every server function starts from.
pub mod account;
pub mod api;
#[cfg(feature = "ssr")]
pub mod context;
#[cfg(feature = "ssr")]
pub mod db;
pub mod language;
#[cfg(feature = "ssr")]
pub mod password;
pub mod preferences;
#[cfg(feature = "ssr")]
pub mod service;
pub mod sessions;
#[cfg(feature = "ssr")]
pub mod settings;
pub use atrium_types::auth as types;
pub mod two_factor;
pub mod views;

/// The session cookie's name over plain http (development, tests).
pub const SESSION_COOKIE: &str = "atrium_session";

/// The session cookie's name over https. Browsers accept a `__Host-` cookie only when it is
/// Secure, has `Path=/` and no `Domain`, and only from a secure origin, so a sibling subdomain or
/// a plain-http response cannot plant or overwrite it (cookie tossing).
pub const SECURE_SESSION_COOKIE: &str = "__Host-atrium_session";

/// The session cookie's name for a request served over https or not.
pub const fn session_cookie_name(https: bool) -> &'static str {
    if https { SECURE_SESSION_COOKIE } else { SESSION_COOKIE }
}
