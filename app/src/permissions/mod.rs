//! Who may do what: permissions, roles and the mapping between them.
pub mod types;
