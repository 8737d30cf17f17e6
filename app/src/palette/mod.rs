//! The command palette (Ctrl/Cmd-K) and the keyboard help (`?`): jump to any page, tenant, user,
//! metric or open alert by typing, and run the common actions, without the mouse.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub use atrium_types::palette as types;
pub mod views;
