//! UI building blocks: form fields, tables, toasts, confirmations, the error view and the hooks
//! every page uses. Pages depend on these, never on the shell.
pub mod chart;
pub mod chart_option;
pub mod combobox;
pub mod confirm;
pub mod copy;
pub mod error_view;
pub mod form;
pub mod hooks;
pub mod link;
pub mod page_title;
pub mod resource;
pub mod scroll;
pub mod sparkline;
pub mod table;
pub mod toast;
