//! Server functions for tenants. Each starts with `require(permission)`; each change writes an
//! audit row in the same transaction.

use super::types::{Tenant, TenantDetail};
use crate::error::AppError;
use crate::ids::TenantId;
use crate::paging::Page;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod server {
    use super::super::db::TenantFields;
    use super::super::types::{Plan, Tenant, TenantSlug, TenantStatus};
    use crate::error::{AppError, FieldErrors, map_unique};
    use crate::validation::DisplayName;

    pub const UNIQUE: &[(&str, &str, &str)] = &[("tenants_slug_key", "slug", "valid-slug-taken")];

    pub struct ParsedTenant {
        pub name: DisplayName,
        pub slug: TenantSlug,
        pub plan: Plan,
        pub status: TenantStatus,
    }

    impl ParsedTenant {
        pub fn fields(&self) -> TenantFields<'_> {
            TenantFields {
                name: self.name.as_str(),
                slug: self.slug.as_str(),
                plan: self.plan,
                status: self.status,
            }
        }
    }

    /// Parses every field, collecting one message per bad field.
    pub fn parse(name: &str, slug: &str, plan: &str, status: &str) -> Result<ParsedTenant, AppError> {
        let mut errors = FieldErrors::new();
        let name = DisplayName::parse(name).map_err(|e| errors.add("name", e)).ok();
        let slug = TenantSlug::parse(slug).map_err(|e| errors.add("slug", e)).ok();
        let plan = Plan::parse(plan).map_err(|e| errors.add("plan", e)).ok();
        let status = TenantStatus::parse(status).map_err(|e| errors.add("status", e)).ok();
        match (name, slug, plan, status) {
            (Some(name), Some(slug), Some(plan), Some(status)) if errors.is_empty() => Ok(ParsedTenant {
                name,
                slug,
                plan,
                status,
            }),
            _ => Err(AppError::Validation(errors)),
        }
    }

    pub fn unique(error: sqlx::Error) -> AppError {
        map_unique(error, UNIQUE)
    }

    pub fn json(tenant: &Tenant) -> Option<serde_json::Value> {
        serde_json::to_value(tenant).ok()
    }
}

/// One page of tenants (platform administrators); `query` is the list's URL query string.
#[server]
pub async fn list_tenants(query: Option<String>) -> Result<Page<Tenant>, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::TenantsRead).await?;
    let query = crate::paging::ListQuery::from_query_string(query.as_deref().unwrap_or_default());
    let key = format!("list_tenants {}", query.to_query_string());
    crate::auth::context::memo_read(key, || async move {
        let mut tx = context.platform_tx(Permission::TenantsRead).await?;
        let page = super::db::select_tenants_page(&mut tx, &query).await?;
        tx.commit().await?;
        Ok(page)
    })
    .await
}

/// A tenant with its counts. Tenant users may read only their own tenant.
#[server]
pub async fn get_tenant(tenant_id: TenantId) -> Result<TenantDetail, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::TenantsRead).await?;
    let mut tx = context.tenant_tx(tenant_id).await?;
    let tenant = super::db::select_own_tenant(&mut tx).await?.ok_or(AppError::NotFound)?;
    let active_user_count = super::db::select_active_user_count(&mut tx).await?;
    // The tenant row says whether one is pending; only then read who asked.
    let erasure = match tenant.erase_after {
        Some(_) => super::erasure::db::select_pending(&mut tx).await?,
        None => None,
    };
    tx.commit().await?;
    Ok(TenantDetail {
        tenant,
        active_user_count,
        erasure,
    })
}

/// Tenants whose name or slug contains `q`, at most `CHOICES_LIMIT`: the tenant choosers of
/// platform pages search as one types instead of loading 10,000 tenants into a `<select>`.
#[server]
pub async fn search_tenants(q: String) -> Result<Vec<crate::paging::Choice>, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::TenantsRead).await?;
    let search: String = q.trim().chars().take(100).collect();
    let mut tx = context.platform_tx(Permission::TenantsRead).await?;
    let choices = super::db::select_tenant_choices(&mut tx, &search, crate::paging::CHOICES_LIMIT).await?;
    tx.commit().await?;
    Ok(choices)
}

/// The tenant a chooser shows as chosen (from the URL), or `None` for an unknown id.
#[server]
pub async fn tenant_choice(tenant_id: TenantId) -> Result<Option<crate::paging::Choice>, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::TenantsRead).await?;
    let mut tx = context.platform_tx(Permission::TenantsRead).await?;
    let choice = super::db::select_tenant_choice(&mut tx, tenant_id).await?;
    tx.commit().await?;
    Ok(choice)
}

/// Creates a tenant and opens its page.
#[server]
pub async fn create_tenant(name: String, slug: String, plan: String) -> Result<TenantId, AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::TenantsCreate).await?;
    let parsed = server::parse(&name, &slug, &plan, "active")?;
    let mut tx = context.platform_tx(Permission::TenantsCreate).await?;
    let tenant = super::db::insert_tenant(&mut tx, &parsed.fields())
        .await
        .map_err(server::unique)?;
    let event = AuditEvent {
        tenant_id: Some(tenant.tenant_id),
        action: "tenant.create",
        entity_type: "tenant",
        entity_id: Some(tenant.tenant_id.to_string()),
        before: None,
        after: server::json(&tenant),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    leptos_axum::redirect(&format!("/tenants/{}", tenant.tenant_id));
    Ok(tenant.tenant_id)
}

/// Saves a tenant's name, slug, plan and status.
#[server]
pub async fn update_tenant(
    tenant_id: TenantId,
    name: String,
    slug: String,
    plan: String,
    status: String,
) -> Result<Tenant, AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::TenantsUpdate).await?;
    let parsed = server::parse(&name, &slug, &plan, &status)?;
    let mut tx = context.platform_tx(Permission::TenantsUpdate).await?;
    let before = super::db::select_tenant_for_update(&mut tx, tenant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if before.status != parsed.status {
        context.check(Permission::TenantsSuspend)?;
    }
    let after = super::db::update_tenant(&mut tx, tenant_id, &parsed.fields())
        .await
        .map_err(server::unique)?
        .ok_or(AppError::NotFound)?;
    let event = AuditEvent {
        tenant_id: Some(tenant_id),
        action: "tenant.update",
        entity_type: "tenant",
        entity_id: Some(tenant_id.to_string()),
        before: server::json(&before),
        after: server::json(&after),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    leptos_axum::redirect(&format!("/tenants/{tenant_id}"));
    Ok(after)
}

/// Suspends (`suspended`) or reactivates (`active`) a tenant. Suspended tenants' users cannot sign in.
#[server]
pub async fn set_tenant_status(tenant_id: TenantId, status: String) -> Result<Tenant, AppError> {
    use super::types::TenantStatus;
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::TenantsSuspend).await?;
    let status = TenantStatus::parse(&status).map_err(|e| AppError::field("status", e))?;
    let mut tx = context.platform_tx(Permission::TenantsSuspend).await?;
    let before = super::db::select_tenant_for_update(&mut tx, tenant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let fields = super::db::TenantFields {
        name: &before.name,
        slug: &before.slug,
        plan: before.plan,
        status,
    };
    let after = super::db::update_tenant(&mut tx, tenant_id, &fields)
        .await?
        .ok_or(AppError::NotFound)?;
    let action = if status == TenantStatus::Suspended {
        "tenant.suspend"
    } else {
        "tenant.reactivate"
    };
    let event = AuditEvent {
        tenant_id: Some(tenant_id),
        action,
        entity_type: "tenant",
        entity_id: Some(tenant_id.to_string()),
        before: server::json(&before),
        after: server::json(&after),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    Ok(after)
}

/// Deletes a tenant and everything in it at once (its audit trail stays until pruned); `confirm`
/// must repeat the slug. A workspace's own erasure waits a delay instead (`erasure`).
#[server]
pub async fn delete_tenant(tenant_id: TenantId, confirm: String) -> Result<(), AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::TenantsDelete).await?;
    let mut tx = context.platform_tx(Permission::TenantsDelete).await?;
    let before = super::db::select_tenant_for_update(&mut tx, tenant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if confirm.trim() != before.slug {
        return Err(AppError::field(
            "confirm",
            crate::i18n::t_args("valid-confirm", &[("expected", &before.slug)]),
        ));
    }
    // The audit row outlives the tenant: it is written in platform scope with no tenant id.
    let event = AuditEvent {
        tenant_id: None,
        action: "tenant.delete",
        entity_type: "tenant",
        entity_id: Some(tenant_id.to_string()),
        before: server::json(&before),
        after: None,
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    super::db::delete_tenant(&mut tx, tenant_id).await?;
    tx.commit().await?;
    leptos_axum::redirect("/tenants");
    Ok(())
}

/// The signed-in tenant's audit retention in days (tenant users; platform admins name a tenant).
#[server]
pub async fn get_audit_retention(tenant_id: Option<TenantId>) -> Result<i32, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::SettingsRead).await?;
    let tenant = context
        .choose_tenant(crate::auth::context::TenantScope::Named(tenant_id))
        .await?;
    let mut tx = context.tenant_tx(tenant).await?;
    let days = super::db::select_audit_retention(&mut tx)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(days)
}

/// Sets how long audit entries are kept: 30 days up to the plan's ceiling (at most 3650). Older entries are pruned hourly behind a
/// checkpoint, so the chain stays verifiable. The floor keeps anyone holding `settings:update`
/// from wiping last month's trail (their own actions included) by setting one day; the change
/// itself is an audit row with the old and new value.
#[server]
pub async fn set_audit_retention(tenant_id: Option<TenantId>, days: String) -> Result<i32, AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::SettingsUpdate).await?;
    let tenant = context
        .choose_tenant(crate::auth::context::TenantScope::Named(tenant_id))
        .await?;
    let days: i32 = days
        .trim()
        .parse()
        .ok()
        .filter(|d| super::types::AUDIT_RETENTION_DAYS.contains(d))
        .ok_or_else(|| AppError::field("days", crate::i18n::t("audit-retention-range")))?;
    let mut tx = context.tenant_tx(tenant).await?;
    let entitled = crate::plans::service::entitlements(&mut tx).await?;
    let ceiling = entitled.limit(crate::plans::types::Limit::AuditRetentionDays);
    if u64::try_from(days).unwrap_or(0) > ceiling {
        return Err(AppError::field(
            "days",
            crate::i18n::t_args(
                "audit-retention-plan-max",
                &[("max", &ceiling.to_string()), ("plan", &entitled.plan.label())],
            ),
        ));
    }
    let before = super::db::select_audit_retention(&mut tx)
        .await?
        .ok_or(AppError::NotFound)?;
    super::db::update_audit_retention(&mut tx, days).await?;
    let event = AuditEvent {
        tenant_id: Some(tenant),
        action: "tenant.audit_retention",
        entity_type: "tenant",
        entity_id: Some(tenant.to_string()),
        before: Some(serde_json::json!({ "audit_retention_days": before })),
        after: Some(serde_json::json!({ "audit_retention_days": days })),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    Ok(days)
}
