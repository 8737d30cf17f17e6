//! Queries for single sign-on: a workspace's provider (written in its own transaction, read
//! before sign-in in the auth scope) and the sign-ins under way through it (auth scope only).

use crate::db::{AuthTx, TenantTx};
use crate::ids::{TenantId, UserId};
use crate::permissions::types::Role;
use chrono::{DateTime, Utc};

/// A workspace's provider as stored; the client secret still sealed.
#[derive(Debug, Clone)]
pub struct ProviderRow {
    pub tenant_id: TenantId,
    pub display_name: String,
    pub issuer_url: String,
    pub client_id: String,
    pub client_secret: Vec<u8>,
    pub allowed_domains: Vec<String>,
    pub default_role: Role,
    pub enabled: bool,
}

/// The provider's settings a save writes; the secret only when a new one was typed.
pub struct ProviderFields<'a> {
    pub display_name: &'a str,
    pub issuer_url: &'a str,
    pub client_id: &'a str,
    pub allowed_domains: &'a [String],
    pub default_role: Role,
    pub enabled: bool,
}

/// The transaction's workspace's provider, enabled or not.
pub async fn select_provider(tx: &mut TenantTx) -> Result<Option<ProviderRow>, sqlx::Error> {
    let tenant = tx.tenant_id();
    sqlx::query_as!(
        ProviderRow,
        r#"SELECT tenant_id AS "tenant_id: TenantId", display_name, issuer_url, client_id, client_secret,
                  allowed_domains, default_role AS "default_role: Role", enabled
           FROM sso_providers WHERE tenant_id = $1"#,
        tenant.0
    )
    .fetch_optional(&mut **tx)
    .await
}

/// The enabled provider of the active workspace `slug`, before anyone is signed in.
pub async fn select_enabled_by_slug(tx: &mut AuthTx, slug: &str) -> Result<Option<ProviderRow>, sqlx::Error> {
    sqlx::query_as!(
        ProviderRow,
        r#"SELECT p.tenant_id AS "tenant_id: TenantId", p.display_name, p.issuer_url, p.client_id, p.client_secret,
                  p.allowed_domains, p.default_role AS "default_role: Role", p.enabled
           FROM tenants t JOIN sso_providers p ON p.tenant_id = t.tenant_id
           WHERE t.slug = $1 AND t.status = 'active' AND p.enabled"#,
        slug
    )
    .fetch_optional(&mut **tx)
    .await
}

/// Creates or replaces the workspace's provider. `secret` (sealed) replaces the stored one;
/// `None` keeps it, and then a provider must already exist (`false` when none does).
pub async fn upsert_provider(
    tx: &mut TenantTx,
    fields: &ProviderFields<'_>,
    secret: Option<&[u8]>,
) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_id();
    let written = match secret {
        Some(secret) => sqlx::query!(
            "INSERT INTO sso_providers
                 (tenant_id, display_name, issuer_url, client_id, client_secret, allowed_domains, default_role, enabled)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (tenant_id) DO UPDATE SET
                 display_name = EXCLUDED.display_name, issuer_url = EXCLUDED.issuer_url,
                 client_id = EXCLUDED.client_id, client_secret = EXCLUDED.client_secret,
                 allowed_domains = EXCLUDED.allowed_domains, default_role = EXCLUDED.default_role,
                 enabled = EXCLUDED.enabled, updated_at = now()",
            tenant.0,
            fields.display_name,
            fields.issuer_url,
            fields.client_id,
            secret,
            fields.allowed_domains,
            fields.default_role as Role,
            fields.enabled
        )
        .execute(&mut **tx)
        .await?
        .rows_affected(),
        None => sqlx::query!(
            "UPDATE sso_providers SET display_name = $2, issuer_url = $3, client_id = $4, allowed_domains = $5,
                 default_role = $6, enabled = $7, updated_at = now()
             WHERE tenant_id = $1",
            tenant.0,
            fields.display_name,
            fields.issuer_url,
            fields.client_id,
            fields.allowed_domains,
            fields.default_role as Role,
            fields.enabled
        )
        .execute(&mut **tx)
        .await?
        .rows_affected(),
    };
    Ok(written == 1)
}

/// Removes the workspace's provider; false when there was none.
pub async fn delete_provider(tx: &mut TenantTx) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_id();
    let result = sqlx::query!("DELETE FROM sso_providers WHERE tenant_id = $1", tenant.0)
        .execute(&mut **tx)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// A sign-in leaving for the provider.
pub struct NewRequest<'a> {
    pub state_hash: &'a [u8],
    pub tenant_id: TenantId,
    pub nonce: &'a str,
    pub pkce_verifier: &'a str,
    pub redirect_uri: &'a str,
    pub next: &'a str,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert_request(tx: &mut AuthTx, request: NewRequest<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO sso_requests (state_hash, tenant_id, nonce, pkce_verifier, redirect_uri, next, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        request.state_hash,
        request.tenant_id.0,
        request.nonce,
        request.pkce_verifier,
        request.redirect_uri,
        request.next,
        request.expires_at
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A sign-in come back from the provider, as it left.
#[derive(Debug, Clone)]
pub struct PendingRequest {
    pub tenant_id: TenantId,
    pub nonce: String,
    pub pkce_verifier: String,
    pub redirect_uri: String,
    pub next: String,
    pub expires_at: DateTime<Utc>,
}

/// Takes the sign-in whose state hashes to `state_hash`: deleted as it is read, so a second
/// return with the same state (a replayed redirect) finds nothing.
pub async fn take_request(tx: &mut AuthTx, state_hash: &[u8]) -> Result<Option<PendingRequest>, sqlx::Error> {
    sqlx::query_as!(
        PendingRequest,
        r#"DELETE FROM sso_requests WHERE state_hash = $1
           RETURNING tenant_id AS "tenant_id: TenantId", nonce, pkce_verifier, redirect_uri, next, expires_at"#,
        state_hash
    )
    .fetch_optional(&mut **tx)
    .await
}

/// Deletes sign-ins that never came back (the session cleanup job's pass); returns how many.
pub async fn delete_expired_requests(tx: &mut AuthTx) -> Result<u64, sqlx::Error> {
    let result = sqlx::query!("DELETE FROM sso_requests WHERE expires_at <= now()")
        .execute(&mut **tx)
        .await?;
    Ok(result.rows_affected())
}

/// A member found by the email the provider vouched for.
#[derive(Debug, Clone)]
pub struct Member {
    pub user_id: UserId,
    pub active: bool,
}

pub async fn select_member_by_email(tx: &mut TenantTx, email: &str) -> Result<Option<Member>, sqlx::Error> {
    let tenant = tx.tenant_id();
    sqlx::query_as!(
        Member,
        r#"SELECT user_id AS "user_id: UserId", status = 'active' AS "active!" FROM users
           WHERE tenant_id = $1 AND email = $2"#,
        tenant.0,
        email
    )
    .fetch_optional(&mut **tx)
    .await
}

/// Stamps a member's sign-in (the users list's "last sign-in").
pub async fn update_signed_in(tx: &mut TenantTx, user_id: UserId) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE users SET last_login_at = now() WHERE user_id = $1", user_id.0)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
