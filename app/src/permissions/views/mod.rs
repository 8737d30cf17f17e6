//! Roles & permissions pages: the role × permission matrix, the custom set editor, the user's
//! Permissions tab and the delegations page.

pub mod delegations;
pub mod roles;
pub mod set_editor;
pub mod user_tab;

use crate::ids::TenantId;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn tenant_param() -> Memo<Option<TenantId>> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get("tenant_id").and_then(|id| id.parse().ok()))
}

fn tenant_suffix(tenant: Option<TenantId>) -> String {
    tenant.map(|id| format!("?tenant_id={id}")).unwrap_or_default()
}
