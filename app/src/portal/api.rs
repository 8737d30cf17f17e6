//! Server functions of the portal: the branding its sign-in page shows before anyone is signed
//! in, the branding its administrators set, and their session policy.

use super::types::{BrandingSettings, SecuritySettings, SignInSite};
use crate::error::AppError;
use leptos::prelude::*;

/// An active workspace's branding by its slug, and the name of its OpenID provider if one is
/// enabled, for its portal's sign-in page; `None` when no active workspace has that slug (the
/// page then looks like Atrium's own).
#[server]
pub async fn get_sign_in_site(slug: String) -> Result<Option<SignInSite>, AppError> {
    use crate::db::AuthTx;
    use crate::tenants::types::TenantSlug;
    let Ok(slug) = TenantSlug::parse(&slug) else {
        return Ok(None);
    };
    let db = crate::auth::context::db()?;
    let mut tx = AuthTx::begin(&db).await?;
    let row = super::db::select_sign_in_site(&mut tx, slug.as_str()).await?;
    tx.commit().await?;
    Ok(row.map(|row| SignInSite {
        branding: super::types::Branding::from_stored(
            &row.tenant_name,
            row.brand_name.as_deref(),
            row.brand_logo_url.as_deref(),
            row.brand_color.as_deref(),
        ),
        sso_provider: row.sso_provider,
    }))
}

/// The signed-in workspace's branding as set (empty fields: not set).
#[server]
pub async fn get_branding_settings() -> Result<BrandingSettings, AppError> {
    use crate::auth::context::TenantScope;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::SettingsRead).await?;
    let mut tx = context.tenant_tx(TenantScope::Own).await?;
    let row = crate::tenants::db::select_branding(&mut tx)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(server::settings(row))
}

/// Sets the workspace's display name, logo and primary colour; an empty field goes back to the
/// default. The colour must stand out from the page (3:1); the logo must be an https address.
#[server]
pub async fn save_branding(
    display_name: String,
    logo_url: String,
    color: String,
) -> Result<BrandingSettings, AppError> {
    use super::types::{BrandColor, LogoUrl, parse_display_name};
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::auth::context::TenantScope;
    use crate::error::FieldErrors;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::SettingsUpdate).await?;
    let mut errors = FieldErrors::new();
    fn optional(raw: &str) -> Option<&str> {
        Some(raw.trim()).filter(|value| !value.is_empty())
    }
    let name = optional(&display_name).and_then(|raw| {
        parse_display_name(raw)
            .map_err(|message| errors.add("display_name", message))
            .ok()
    });
    let logo = optional(&logo_url).and_then(|raw| {
        LogoUrl::parse(raw)
            .map_err(|message| errors.add("logo_url", message))
            .ok()
    });
    let color = optional(&color).and_then(|raw| {
        BrandColor::parse(raw)
            .map_err(|message| errors.add("color", message))
            .ok()
    });
    errors.into_result()?;
    let mut tx = context.tenant_tx(TenantScope::Own).await?;
    let before = crate::tenants::db::select_branding(&mut tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let color_hex = color.map(BrandColor::hex);
    crate::tenants::db::update_branding(
        &mut tx,
        name.as_deref(),
        logo.as_ref().map(LogoUrl::as_str),
        color_hex.as_deref(),
    )
    .await?;
    let tenant = tx.tenant_id();
    let event = AuditEvent {
        tenant_id: Some(tenant),
        action: "tenant.branding",
        entity_type: "tenant",
        entity_id: Some(tenant.to_string()),
        before: Some(serde_json::json!({
            "display_name": before.brand_name,
            "logo_url": before.brand_logo_url,
            "color": before.brand_color,
        })),
        after: Some(serde_json::json!({
            "display_name": name,
            "logo_url": logo.as_ref().map(LogoUrl::as_str),
            "color": color_hex,
        })),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    Ok(BrandingSettings {
        display_name: name,
        logo_url: logo,
        color,
        tenant_name: before.tenant_name,
    })
}

/// The workspace's session policy and the platform's limits around it.
#[server]
pub async fn get_security_settings() -> Result<SecuritySettings, AppError> {
    use crate::auth::context::TenantScope;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::SettingsRead).await?;
    let mut tx = context.tenant_tx(TenantScope::Own).await?;
    let (idle, max) = crate::tenants::db::select_session_policy(&mut tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let tenant_id = tx.tenant_id();
    let require_two_factor = crate::auth::two_factor::db::select_tenant_requires(&mut tx, tenant_id).await?;
    let allow_support_access = crate::auth::db::select_support_setting(&mut tx, tenant_id).await?;
    let in_plan = server::support_in_plan(&mut tx).await?;
    tx.commit().await?;
    Ok(server::security(
        idle,
        max,
        require_two_factor,
        allow_support_access,
        in_plan,
    ))
}

/// Sets how long the workspace's sessions may sit unused and last at most (an empty field goes
/// back to the platform's value; signed-in members are held to it from their next request) and
/// whether every member must sign in with a second factor (from their next sign-in).
#[server]
pub async fn save_security_settings(
    idle_minutes: String,
    max_hours: String,
    require_two_factor: Option<String>,
    allow_support_access: Option<String>,
) -> Result<SecuritySettings, AppError> {
    use super::types::SessionPolicy;
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::auth::context::TenantScope;
    use crate::error::FieldErrors;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::SettingsUpdate).await?;
    let platform = server::security(None, None, false, true, true);
    let require_two_factor = require_two_factor.is_some();
    let allow_support_access = allow_support_access.is_some();
    let mut errors = FieldErrors::new();
    let idle = SessionPolicy::parse_idle_minutes(&idle_minutes, platform.platform_idle_minutes)
        .map_err(|message| errors.add("idle_minutes", message))
        .ok()
        .flatten();
    let max = SessionPolicy::parse_max_hours(&max_hours, platform.platform_max_hours)
        .map_err(|message| errors.add("max_hours", message))
        .ok()
        .flatten();
    errors.into_result()?;
    let mut tx = context.tenant_tx(TenantScope::Own).await?;
    let before = crate::tenants::db::select_session_policy(&mut tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let (idle, max) = (idle.map(i32::from), max.map(i32::from));
    crate::tenants::db::update_session_policy(&mut tx, idle, max).await?;
    let tenant = tx.tenant_id();
    let required_before = crate::auth::two_factor::db::select_tenant_requires(&mut tx, tenant).await?;
    crate::auth::two_factor::db::update_tenant_requires(&mut tx, tenant, require_two_factor).await?;
    let support_before = crate::auth::db::select_support_setting(&mut tx, tenant).await?;
    crate::auth::db::update_support_setting(&mut tx, tenant, allow_support_access).await?;
    let event = AuditEvent {
        tenant_id: Some(tenant),
        action: "tenant.security",
        entity_type: "tenant",
        entity_id: Some(tenant.to_string()),
        before: Some(serde_json::json!({
            "session_idle_minutes": before.0, "session_max_hours": before.1, "require_two_factor": required_before,
            "allow_support_access": support_before,
        })),
        after: Some(serde_json::json!({
            "session_idle_minutes": idle, "session_max_hours": max, "require_two_factor": require_two_factor,
            "allow_support_access": allow_support_access,
        })),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    let in_plan = server::support_in_plan(&mut tx).await?;
    tx.commit().await?;
    Ok(server::security(
        idle,
        max,
        require_two_factor,
        allow_support_access,
        in_plan,
    ))
}

#[cfg(feature = "ssr")]
mod server {
    use super::BrandingSettings;
    use crate::portal::types::{BrandColor, LogoUrl};
    use crate::portal::types::{SecuritySettings, SessionPolicy};
    use crate::tenants::db::BrandingRow;

    /// Whether the transaction's workspace's plan (or switch) includes support access.
    pub async fn support_in_plan(tx: &mut crate::db::TenantTx) -> Result<bool, crate::error::AppError> {
        let tenant = tx.tenant_id();
        Ok(
            crate::auth::db::select_support_admission(tx, tenant).await?
                != crate::auth::db::SupportAdmission::NotInPlan,
        )
    }

    /// The policy as stored, with the platform's limits.
    pub fn security(
        idle: Option<i32>,
        max: Option<i32>,
        require_two_factor: bool,
        allow_support_access: bool,
        support_access_in_plan: bool,
    ) -> SecuritySettings {
        let narrow = |value: Option<i32>| value.and_then(|v| u16::try_from(v).ok());
        SecuritySettings {
            policy: SessionPolicy {
                idle_minutes: narrow(idle),
                max_hours: narrow(max),
            },
            require_two_factor,
            allow_support_access,
            support_access_in_plan,
            platform_idle_minutes: u16::try_from(crate::auth::settings::session_idle_minutes()).unwrap_or(u16::MAX),
            platform_max_hours: u16::try_from(crate::auth::service::SESSION_TTL_HOURS).unwrap_or(u16::MAX),
        }
    }

    pub fn settings(row: BrandingRow) -> BrandingSettings {
        BrandingSettings {
            display_name: row.brand_name,
            logo_url: row.brand_logo_url.and_then(|url| LogoUrl::parse(&url).ok()),
            color: row.brand_color.and_then(|hex| BrandColor::parse_hex(&hex).ok()),
            tenant_name: row.tenant_name,
        }
    }
}
