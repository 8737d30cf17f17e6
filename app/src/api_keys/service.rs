//! Issuing, revoking and rotating keys, and the tenant's signing policy: each inside the caller's
//! tenant transaction, each with its audit row in that transaction. Server functions check the
//! permission and open the transaction; tests call these directly.
//!
//! Audit rows describe keys by name, prefix, scopes and dates only; secrets, their hashes and the
//! signing secret never reach them (and `insert_audit_event` would redact them anyway).

use super::db::{self as keys_db, NewKeyRow, RotatedKey};
use super::secret;
use super::types::{ApiKeyScope, ApiKeyStatus, ApiKeySummary, IssuedApiKey, KeyExpiry, RotationGrace};
use crate::audit::db::{Actor, AuditEvent, insert_audit_event};
use crate::db::TenantTx;
use crate::error::{AppError, FieldErrors};
use crate::i18n::t;
use crate::ids::{ApiKeyId, UserId};
use crate::plans::types::Limit;
use chrono::Utc;

/// A parsed "new key" form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiKey {
    pub name: String,
    pub scopes: Vec<ApiKeyScope>,
    pub expiry: KeyExpiry,
}

impl NewApiKey {
    /// Parses every field, collecting one message per bad field (`name`, `scopes`,
    /// `expires_in_days`).
    pub fn parse(name: &str, scopes: &[String], expires_in_days: &str) -> Result<Self, AppError> {
        let mut errors = FieldErrors::new();
        let name = super::types::parse_key_name(name)
            .map_err(|e| errors.add("name", e))
            .ok();
        let scopes = super::types::parse_scopes(scopes)
            .map_err(|e| errors.add("scopes", e))
            .ok();
        let expiry = KeyExpiry::parse(expires_in_days)
            .map_err(|e| errors.add("expires_in_days", e))
            .ok();
        match (name, scopes, expiry) {
            (Some(name), Some(scopes), Some(expiry)) => Ok(Self { name, scopes, expiry }),
            _ => Err(AppError::Validation(errors)),
        }
    }
}

/// What the audit trail records about a key.
fn audit_json(key: &ApiKeySummary) -> Option<serde_json::Value> {
    Some(serde_json::json!({
        "name": key.name,
        "prefix": key.prefix,
        "scopes": key.scopes,
        "expires_at": key.expires_at,
        "revoked_at": key.revoked_at,
        "grace_ends_at": key.grace_ends_at,
    }))
}

/// A prefix collision (36⁸ choices) or, impossibly, a hash collision: ask to try again.
fn collision(error: sqlx::Error) -> AppError {
    if let sqlx::Error::Database(db) = &error
        && db.is_unique_violation()
    {
        return AppError::Conflict(t("keys-collision"));
    }
    error.into()
}

/// Issues a key in the transaction's tenant, within its limit of active keys.
pub async fn create_key(
    tx: &mut TenantTx,
    actor: &Actor,
    created_by: Option<UserId>,
    input: &NewApiKey,
) -> Result<IssuedApiKey, AppError> {
    let entitled = crate::plans::service::lock(tx, Limit::ApiKeys).await?;
    let active = keys_db::select_active_key_count(tx).await?;
    let place = crate::plans::service::room_for(&entitled, Limit::ApiKeys, active, 1)?;
    let key = secret::generate_key();
    let signing = secret::generate_signing_secret();
    let row = NewKeyRow {
        name: &input.name,
        prefix: &key.prefix,
        secret_hash: &key.hash,
        signing_secret: &signing.bytes,
        scopes: &input.scopes,
        created_by,
        expires_at: input.expiry.expires_at(Utc::now()),
    };
    let api_key_id = keys_db::insert_api_key(tx, &row).await.map_err(collision)?;
    place.taken(tx).await?;
    let summary = keys_db::select_api_key(tx, api_key_id)
        .await?
        .ok_or(AppError::Internal)?;
    let event = AuditEvent {
        tenant_id: Some(tx.tenant_id()),
        action: "api_key.create",
        entity_type: "api_key",
        entity_id: Some(api_key_id.to_string()),
        before: None,
        after: audit_json(&summary),
    };
    insert_audit_event(tx, actor, event).await?;
    Ok(IssuedApiKey {
        summary,
        key: key.key,
        signing_secret: signing.text,
    })
}

/// Revokes a key at once (with any previous secret still in its grace period).
pub async fn revoke_key(tx: &mut TenantTx, actor: &Actor, api_key_id: ApiKeyId) -> Result<ApiKeySummary, AppError> {
    let before = keys_db::select_api_key(tx, api_key_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if before.status == ApiKeyStatus::Revoked {
        return Err(AppError::Conflict(t("keys-already-revoked")));
    }
    keys_db::update_api_key_revoked(tx, api_key_id).await?;
    let after = keys_db::select_api_key(tx, api_key_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let event = AuditEvent {
        tenant_id: Some(tx.tenant_id()),
        action: "api_key.revoke",
        entity_type: "api_key",
        entity_id: Some(api_key_id.to_string()),
        before: audit_json(&before),
        after: audit_json(&after),
    };
    insert_audit_event(tx, actor, event).await?;
    Ok(after)
}

/// Gives an active key a new secret, prefix and signing secret, returned once. The old pair keeps
/// working until the grace period ends (not at all with `RotationGrace::None`).
pub async fn rotate_key(
    tx: &mut TenantTx,
    actor: &Actor,
    api_key_id: ApiKeyId,
    grace: RotationGrace,
) -> Result<IssuedApiKey, AppError> {
    let before = keys_db::select_api_key(tx, api_key_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if before.status != ApiKeyStatus::Active {
        return Err(AppError::Conflict(t("keys-not-active")));
    }
    let key = secret::generate_key();
    let signing = secret::generate_signing_secret();
    let rotated = RotatedKey {
        prefix: &key.prefix,
        secret_hash: &key.hash,
        signing_secret: &signing.bytes,
        previous_until: grace.duration().map(|grace| Utc::now() + grace),
    };
    if !keys_db::update_api_key_rotated(tx, api_key_id, &rotated)
        .await
        .map_err(collision)?
    {
        return Err(AppError::NotFound);
    }
    let after = keys_db::select_api_key(tx, api_key_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut after_json = audit_json(&after);
    if let Some(serde_json::Value::Object(map)) = &mut after_json {
        map.insert("grace".into(), grace.as_str().into());
    }
    let event = AuditEvent {
        tenant_id: Some(tx.tenant_id()),
        action: "api_key.rotate",
        entity_type: "api_key",
        entity_id: Some(api_key_id.to_string()),
        before: audit_json(&before),
        after: after_json,
    };
    insert_audit_event(tx, actor, event).await?;
    Ok(IssuedApiKey {
        summary: after,
        key: key.key,
        signing_secret: signing.text,
    })
}

/// Turns "require signed ingestion" on or off for the transaction's tenant.
pub async fn set_require_signed_ingest(tx: &mut TenantTx, actor: &Actor, required: bool) -> Result<bool, AppError> {
    let before = crate::tenants::db::select_require_signed_ingest(tx)
        .await?
        .ok_or(AppError::NotFound)?;
    crate::tenants::db::update_require_signed_ingest(tx, required).await?;
    let tenant = tx.tenant_id();
    let event = AuditEvent {
        tenant_id: Some(tenant),
        action: "tenant.require_signed_ingest",
        entity_type: "tenant",
        entity_id: Some(tenant.to_string()),
        before: Some(serde_json::json!({ "require_signed_ingest": before })),
        after: Some(serde_json::json!({ "require_signed_ingest": required })),
    };
    insert_audit_event(tx, actor, event).await?;
    Ok(required)
}
