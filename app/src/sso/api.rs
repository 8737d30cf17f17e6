//! Server functions of the Security page's single sign-on section: read, save and remove the
//! workspace's OpenID provider. Reading needs `settings:read`, changing `settings:update`; each
//! change is audited (`tenant.sso`, `tenant.sso_removed`) without the secret.

use super::types::SsoSettings;
use crate::error::AppError;
use leptos::prelude::*;

/// The workspace's provider (without its secret), the redirect URI to register, and what the
/// caller may choose.
#[server]
pub async fn get_sso_settings() -> Result<SsoSettings, AppError> {
    use crate::auth::context::TenantScope;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::SettingsRead).await?;
    let sso = server::sso()?;
    let mut tx = context.tenant_tx(TenantScope::Own).await?;
    let row = super::db::select_provider(&mut tx).await?;
    tx.commit().await?;
    Ok(server::settings(&context, &sso, row))
}

/// Saves the workspace's provider. The issuer must answer OpenID Connect discovery before it is
/// saved; an empty secret keeps the stored one. People created on first sign-in get
/// `default_role`, which must be below the caller's own.
#[server]
#[allow(clippy::too_many_arguments)]
pub async fn save_sso_provider(
    display_name: String,
    issuer_url: String,
    client_id: String,
    client_secret: String,
    allowed_domains: String,
    default_role: String,
    enabled: Option<String>,
) -> Result<SsoSettings, AppError> {
    use super::db::ProviderFields;
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::auth::context::TenantScope;
    use crate::error::FieldErrors;
    use crate::i18n::t;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::SettingsUpdate).await?;
    let sso = server::sso()?;
    let mut errors = FieldErrors::new();
    let display_name = server::text(&display_name, super::types::DISPLAY_NAME_MAX)
        .map_err(|message| errors.add("display_name", message))
        .ok();
    let issuer = server::issuer(&issuer_url, sso.policy())
        .map_err(|message| errors.add("issuer_url", message))
        .ok();
    let client_id = server::text(&client_id, 255)
        .map_err(|message| errors.add("client_id", message))
        .ok();
    let typed_secret = client_secret.trim();
    if typed_secret.chars().count() > 1024 || typed_secret.chars().any(char::is_control) {
        errors.add("client_secret", t("sso-secret-invalid"));
    }
    let domains = super::types::parse_domains(&allowed_domains)
        .map_err(|key| errors.add("allowed_domains", t(key)))
        .ok();
    let role = crate::permissions::types::Role::parse(&default_role)
        .filter(|role| server::assignable(&context).contains(role));
    if role.is_none() {
        errors.add("default_role", t("sso-role-too-high"));
    }
    if !typed_secret.is_empty() && !sso.sealer().has_key() {
        errors.add("client_secret", t("sso-no-key"));
    }
    errors.into_result()?;
    let (Some(display_name), Some(issuer), Some(client_id), Some(domains), Some(role)) =
        (display_name, issuer, client_id, domains, role)
    else {
        return Err(AppError::Internal);
    };
    // A provider that does not answer discovery now would refuse every sign-in: said here, next
    // to the field, instead.
    if let Err(error) = sso.relying_party().discover(&issuer, true).await {
        tracing::info!(%error, "single sign-on issuer refused on save");
        return Err(AppError::field("issuer_url", t("sso-issuer-unreachable")));
    }
    let enabled = enabled.is_some();
    let mut tx = context.tenant_tx(TenantScope::Own).await?;
    let tenant = tx.tenant_id();
    let before = super::db::select_provider(&mut tx).await?;
    if typed_secret.is_empty() && before.is_none() {
        return Err(AppError::field("client_secret", t("valid-required")));
    }
    let sealed = if typed_secret.is_empty() {
        None
    } else {
        Some(
            sso.sealer()
                .seal(typed_secret.as_bytes(), tenant.0.as_bytes())
                .map_err(|_| AppError::field("client_secret", t("sso-no-key")))?,
        )
    };
    let fields = ProviderFields {
        display_name: &display_name,
        issuer_url: &issuer,
        client_id: &client_id,
        allowed_domains: &domains,
        default_role: role,
        enabled,
    };
    if !super::db::upsert_provider(&mut tx, &fields, sealed.as_deref()).await? {
        return Err(AppError::Conflict(t("sso-changed-meanwhile")));
    }
    let event = AuditEvent {
        tenant_id: Some(tenant),
        action: "tenant.sso",
        entity_type: "tenant",
        entity_id: Some(tenant.to_string()),
        before: before.as_ref().map(server::audited),
        after: Some(serde_json::json!({
            "display_name": display_name, "issuer_url": issuer, "client_id": client_id,
            "allowed_domains": domains, "default_role": role, "enabled": enabled,
            "client_authentication_changed": sealed.is_some(),
        })),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    let row = super::db::select_provider(&mut tx).await?;
    tx.commit().await?;
    Ok(server::settings(&context, &sso, row))
}

/// Removes the workspace's provider: nobody signs in through it any more. Members it created
/// stay, with their sessions.
#[server]
pub async fn remove_sso_provider() -> Result<SsoSettings, AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::auth::context::TenantScope;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::SettingsUpdate).await?;
    let sso = server::sso()?;
    let mut tx = context.tenant_tx(TenantScope::Own).await?;
    let tenant = tx.tenant_id();
    let before = super::db::select_provider(&mut tx).await?.ok_or(AppError::NotFound)?;
    super::db::delete_provider(&mut tx).await?;
    let event = AuditEvent {
        tenant_id: Some(tenant),
        action: "tenant.sso_removed",
        entity_type: "tenant",
        entity_id: Some(tenant.to_string()),
        before: Some(server::audited(&before)),
        after: None,
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    Ok(server::settings(&context, &sso, None))
}

#[cfg(feature = "ssr")]
pub mod server {
    use crate::auth::context::RequestContext;
    use crate::auth::types::Principal;
    use crate::error::AppError;
    use crate::i18n::{t, t_args};
    use crate::notifications::outbound::{AddressPolicy, parse_url};
    use crate::permissions::types::Role;
    use crate::sso::db::ProviderRow;
    use crate::sso::service::Sso;
    use crate::sso::types::{SsoProvider, SsoSettings};

    pub fn sso() -> Result<Sso, AppError> {
        leptos::prelude::use_context::<Sso>().ok_or(AppError::Internal)
    }

    /// Roles the caller may hand to people the provider brings: those below their own.
    pub fn assignable(context: &RequestContext) -> Vec<Role> {
        match &context.principal {
            Principal::Platform { .. } => Role::ALL.to_vec(),
            Principal::Tenant { .. } => {
                let standing = context.permissions.standing();
                Role::ALL
                    .into_iter()
                    .filter(|role| crate::permissions::effective::outranks(standing, *role))
                    .collect()
            }
        }
    }

    /// A one-line text of 1 to `max` characters without control characters, trimmed.
    pub fn text(raw: &str, max: usize) -> Result<String, String> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(t("valid-required"));
        }
        if value.chars().count() > max {
            return Err(t_args("valid-too-long", &[("max", &max.to_string())]));
        }
        if value.chars().any(char::is_control) {
            return Err(t("sso-text-invalid"));
        }
        Ok(value.to_owned())
    }

    /// An issuer: an https URL without query or fragment (http only where outbound requests may
    /// reach private addresses: tests and on-premises providers), whose host the outbound policy
    /// lets the server reach. Kept without a trailing slash, as providers name themselves.
    pub fn issuer(raw: &str, policy: AddressPolicy) -> Result<String, String> {
        let url = parse_url(raw, policy).map_err(|problem| problem.message())?;
        if url.scheme() != "https" && !policy.allow_private {
            return Err(t("sso-issuer-https"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(t("sso-issuer-query"));
        }
        Ok(url.as_str().trim_end_matches('/').to_owned())
    }

    /// The audit row's view of a provider: everything but the secret.
    pub fn audited(row: &ProviderRow) -> serde_json::Value {
        serde_json::json!({
            "display_name": row.display_name, "issuer_url": row.issuer_url, "client_id": row.client_id,
            "allowed_domains": row.allowed_domains, "default_role": row.default_role, "enabled": row.enabled,
        })
    }

    /// The section's settings; the redirect URI is the signed-in workspace's (read with the
    /// session, no query).
    pub fn settings(context: &RequestContext, sso: &Sso, row: Option<ProviderRow>) -> SsoSettings {
        let redirect_uri = match &context.principal {
            Principal::Tenant { tenant_slug, .. } => sso.redirect_uri(tenant_slug),
            Principal::Platform { .. } => String::new(),
        };
        SsoSettings {
            provider: row.map(|row| SsoProvider {
                display_name: row.display_name,
                issuer_url: row.issuer_url,
                client_id: row.client_id,
                allowed_domains: row.allowed_domains,
                default_role: row.default_role,
                enabled: row.enabled,
            }),
            redirect_uri,
            can_store_secrets: sso.sealer().has_key(),
            assignable_roles: assignable(context),
        }
    }
}
