//! One's own sessions ("Your sessions": list, end one, end the others, sign out everywhere) and
//! password change, and an administrator ending a member's sessions (issue 14).
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod device;
pub mod views;
