//! The audit trail: every mutation records who did what to which entity, before and after.
#[cfg(feature = "ssr")]
pub mod db;
