//! Users: people who sign in to one tenant, managed by platform and tenant administrators.
pub mod api;
pub mod credentials;
#[cfg(feature = "ssr")]
pub mod db;
pub mod erasure;
pub mod invitations;
pub mod support;
pub use atrium_types::users as types;
pub mod views;
