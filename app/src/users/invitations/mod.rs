//! Invitations to a workspace (issue 13): its administrators invite people by email; the link
//! expires, can be revoked, and works once. Part of the users domain: accepting one creates a
//! member.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod mail;
pub use atrium_types::invitations as types;
pub mod views;
