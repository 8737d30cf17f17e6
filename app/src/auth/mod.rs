//! Sign-in, sessions and the per-request context every server function starts from.
pub mod api;
#[cfg(feature = "ssr")]
pub mod context;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod service;
pub mod types;
pub mod views;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "atrium_session";
