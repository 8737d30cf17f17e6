//! Who may do what: permissions, roles, custom permission sets, grants, delegations, and the one
//! place that combines them into a user's effective permissions.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub use atrium_types::permissions::effective;
#[cfg(feature = "ssr")]
pub mod rank;
pub use atrium_types::permissions as types;
pub mod views;
