//! Domain-free UI building blocks: form fields, tables, toasts, confirmations.
pub mod confirm;
pub mod form;
pub mod table;
pub mod toast;
