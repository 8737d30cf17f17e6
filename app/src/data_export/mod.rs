//! Data exports (issue 13, data rights): everything a workspace holds, or everything about one
//! member, as a ZIP of one JSON file per table, streamed as it is read, with its progress on
//! the Data page.
pub mod api;
#[cfg(feature = "ssr")]
pub mod archive;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod tables;
pub use atrium_types::data_export as types;
pub mod views;
#[cfg(feature = "ssr")]
pub mod zip;
