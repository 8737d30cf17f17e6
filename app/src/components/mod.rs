//! Domain-free UI building blocks: form fields, tables, toasts, confirmations.
pub mod chart;
pub mod confirm;
pub mod copy;
pub mod form;
pub mod page_title;
pub mod scroll;
pub mod sparkline;
pub mod table;
pub mod toast;
