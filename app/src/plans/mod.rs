//! Plans the platform controls: limits and feature flags per plan, a tenant's own values, and
//! enforcement and usage in each tenant (issue 13).
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod stats;
pub use atrium_types::plans as types;
pub mod views;
