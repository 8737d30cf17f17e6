//! Two-factor sign-in with time-based codes (RFC 6238) and backup codes (issue 14).
pub mod api;
#[cfg(feature = "ssr")]
pub mod code;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod service;
pub mod views;
