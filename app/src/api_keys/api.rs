//! Server functions for API keys. Tenant users manage their own tenant's keys; platform
//! administrators list and revoke any tenant's keys (incident response) but do not issue or rotate
//! them: a tenant's machine credentials come from its own people. Each change writes an audit row
//! in the same transaction (see `service.rs`).

use super::types::{ApiKeyList, ApiKeySummary, IssuedApiKey};
use crate::error::AppError;
use crate::ids::{ApiKeyId, TenantId};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod server {
    use crate::auth::context::RequestContext;
    use crate::auth::types::Principal;
    use crate::db::TenantTx;
    use crate::error::AppError;
    use crate::ids::{ApiKeyId, UserId};
    use crate::permissions::types::Permission;

    /// Opens the transaction of the tenant `api_key_id` belongs to, as far as the principal may
    /// see: tenant users only their own (another tenant's key then reads as not found).
    pub async fn key_tx(
        context: &RequestContext,
        api_key_id: ApiKeyId,
        permission: Permission,
    ) -> Result<TenantTx, AppError> {
        let tenant_id = match context.principal.tenant_id() {
            Some(own) => own,
            None => {
                let mut platform = context.platform_tx(permission).await?;
                let tenant = crate::api_keys::db::select_api_key_tenant(&mut platform, api_key_id).await?;
                platform.commit().await?;
                tenant.ok_or(AppError::NotFound)?
            }
        };
        context.tenant_tx(tenant_id).await
    }

    /// The tenant user issuing (or rotating) a key; platform administrators do not.
    pub fn issuer(context: &RequestContext) -> Result<UserId, AppError> {
        match &context.principal {
            Principal::Tenant { user_id, .. } => Ok(*user_id),
            Principal::Platform { .. } => Err(AppError::field("form", crate::i18n::t("keys-platform-no-issue"))),
        }
    }
}

/// One page of the tenant's keys with its quota and signing policy (tenant users: their own
/// tenant; platform administrators name one): narrowed by `status` (empty for all) and placed by
/// the cursors `after`/`before` and the page's number, as the page's URL has them.
#[server]
pub async fn list_api_keys(
    tenant_id: Option<TenantId>,
    #[server(default)] status: String,
    #[server(default)] after: String,
    #[server(default)] before: String,
    #[server(default)] page: u32,
) -> Result<ApiKeyList, AppError> {
    use super::types::ApiKeyStatus;
    use crate::auth::types::Principal;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::ApiKeysRead).await?;
    let tenant = context
        .choose_tenant(crate::auth::context::TenantScope::Named(tenant_id))
        .await?;
    let mut tx = context.tenant_tx(tenant).await?;
    let require_signed_ingest = crate::tenants::db::select_require_signed_ingest(&mut tx)
        .await?
        .unwrap_or(false);
    let status = ApiKeyStatus::parse(status.trim());
    let (after, before) = crate::paging::cursor_args(&after, &before);
    let keys = super::db::select_api_keys(&mut tx, status, [after.as_deref(), before.as_deref()], page).await?;
    let active_count = super::db::select_active_key_count(&mut tx).await?;
    let entitled = crate::plans::service::entitlements(&mut tx).await?;
    tx.commit().await?;
    Ok(ApiKeyList {
        tenant_id: tenant,
        plan: entitled.plan,
        active_count: u32::try_from(active_count).unwrap_or(u32::MAX),
        status,
        max_keys: u32::try_from(entitled.limit(crate::plans::types::Limit::ApiKeys)).unwrap_or(u32::MAX),
        require_signed_ingest,
        can_issue: matches!(context.principal, Principal::Tenant { .. })
            && context.check(Permission::ApiKeysCreate).is_ok(),
        keys,
    })
}

/// Issues a key in the signed-in user's tenant: `name` 1–80 characters, at least one scope
/// (`scopes[0]=metrics:write&…`), `expires_in_days` `never` or 1–730. The key and its signing
/// secret are in the answer and nowhere else.
#[server]
pub async fn create_api_key(
    name: String,
    #[server(default)] scopes: Vec<String>,
    #[server(default)] expires_in_days: String,
) -> Result<IssuedApiKey, AppError> {
    use super::service::{NewApiKey, create_key};
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::ApiKeysCreate).await?;
    let user_id = server::issuer(&context)?;
    let input = NewApiKey::parse(&name, &scopes, &expires_in_days)?;
    let tenant = context.principal.tenant_id().ok_or(AppError::NotFound)?;
    let mut tx = context.tenant_tx(tenant).await?;
    let issued = create_key(&mut tx, &context.actor(), Some(user_id), &input).await?;
    tx.commit().await?;
    Ok(issued)
}

/// Revokes a key immediately.
#[server]
pub async fn revoke_api_key(api_key_id: ApiKeyId) -> Result<ApiKeySummary, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::ApiKeysRevoke).await?;
    let mut tx = server::key_tx(&context, api_key_id, Permission::ApiKeysRevoke).await?;
    let revoked = super::service::revoke_key(&mut tx, &context.actor(), api_key_id).await?;
    tx.commit().await?;
    Ok(revoked)
}

/// Gives a key a new secret and signing secret (returned once); `grace` (`none`, `1h`, `24h`,
/// `7d`) is how long the old ones keep working.
#[server]
pub async fn rotate_api_key(api_key_id: ApiKeyId, grace: String) -> Result<IssuedApiKey, AppError> {
    use super::types::RotationGrace;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::ApiKeysRotate).await?;
    server::issuer(&context)?;
    let grace =
        RotationGrace::parse(&grace).map_err(|_| AppError::field("grace", crate::i18n::t("keys-grace-invalid")))?;
    let mut tx = server::key_tx(&context, api_key_id, Permission::ApiKeysRotate).await?;
    let issued = super::service::rotate_key(&mut tx, &context.actor(), api_key_id, grace).await?;
    tx.commit().await?;
    Ok(issued)
}

/// Turns "require signed ingestion" on (`required=true`) or off for a tenant. A tenant setting,
/// so it needs `settings:update`, like the other tenant settings.
#[server]
pub async fn update_ingest_signing(tenant_id: Option<TenantId>, required: String) -> Result<bool, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::SettingsUpdate).await?;
    let tenant = context
        .choose_tenant(crate::auth::context::TenantScope::Named(tenant_id))
        .await?;
    let required = match required.trim() {
        "true" | "on" => true,
        "false" | "off" | "" => false,
        _ => return Err(AppError::field("required", crate::i18n::t("keys-signing-invalid"))),
    };
    let mut tx = context.tenant_tx(tenant).await?;
    let saved = super::service::set_require_signed_ingest(&mut tx, &context.actor(), required).await?;
    tx.commit().await?;
    Ok(saved)
}
