//! API key queries. Listing and changing keys happens in the key's `TenantTx`; finding the tenant
//! of a key for platform administrators in `PlatformTx`; authenticating a presented key in the
//! read-only `ApiKeyTx`; recording a signed request's nonce in the key's `TenantTx` and deleting
//! expired nonces in `PlatformTx`. No query here returns a secret hash to the browser-facing code.

use super::types::{ApiKeyScope, ApiKeyStatus, ApiKeySummary};
use crate::db::keyset::{Key, Order, Window, capped_count, explain};
use crate::db::{ApiKeyTx, PlatformTx, TenantTx};
use crate::ids::{ApiKeyId, TenantId, UserId};
use crate::limits::ApiRates;
use crate::paging::{Page, SortDir};
use crate::tenants::types::{Plan, TenantStatus};
use chrono::{DateTime, Utc};
use sqlx::{FromRow, Postgres, QueryBuilder};

/// A key row as read for listing (no secrets).
#[derive(sqlx::FromRow)]
struct SummaryRow {
    api_key_id: uuid::Uuid,
    name: String,
    prefix: String,
    scopes: Vec<String>,
    created_at: DateTime<Utc>,
    created_by_name: Option<String>,
    expires_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    previous_expires_at: Option<DateTime<Utc>>,
}

impl SummaryRow {
    fn into_summary(self, now: DateTime<Utc>) -> ApiKeySummary {
        ApiKeySummary {
            api_key_id: ApiKeyId(self.api_key_id),
            name: self.name,
            prefix: self.prefix,
            scopes: parse_stored_scopes(&self.scopes),
            created_at: self.created_at,
            created_by_name: self.created_by_name,
            expires_at: self.expires_at,
            last_used_at: self.last_used_at,
            status: ApiKeyStatus::at(self.revoked_at, self.expires_at, now),
            revoked_at: self.revoked_at,
            grace_ends_at: self
                .previous_expires_at
                .filter(|end| *end > now && self.revoked_at.is_none()),
        }
    }
}

/// Stored scope names as the enum; a name this build does not know grants nothing.
pub fn parse_stored_scopes(names: &[String]) -> Vec<ApiKeyScope> {
    names.iter().filter_map(|name| ApiKeyScope::parse(name).ok()).collect()
}

fn scope_names(scopes: &[ApiKeyScope]) -> Vec<String> {
    scopes.iter().map(|scope| scope.as_str().to_owned()).collect()
}

/// The keys list's one order, newest first (`api_keys_created_idx`, read backwards).
static KEY_ORDER: Order = Order::by_uuid("k.api_key_id", &[Key::time("k.created_at")]);

/// Keys a page of the list shows.
pub const KEYS_PAGE: u32 = 50;

/// `WHERE …` of the list narrowed to `status` (all when none), shared by its page and count.
/// Active keys are the unrevoked index's rows, so finding them never reads the revoked ones.
fn push_key_filter(qb: &mut QueryBuilder<'_, Postgres>, tenant: TenantId, status: Option<ApiKeyStatus>) {
    qb.push(" WHERE k.tenant_id = ").push_bind(tenant.0);
    qb.push(match status {
        None => "",
        Some(ApiKeyStatus::Active) => " AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())",
        Some(ApiKeyStatus::Expired) => " AND k.revoked_at IS NULL AND k.expires_at <= now()",
        Some(ApiKeyStatus::Revoked) => " AND k.revoked_at IS NOT NULL",
    });
}

fn push_keys_page(
    qb: &mut QueryBuilder<'_, Postgres>,
    tenant: TenantId,
    status: Option<ApiKeyStatus>,
    window: &Window,
) {
    qb.push(
        "SELECT k.api_key_id, k.name, k.prefix, k.scopes, k.created_at, u.name AS created_by_name, \
         k.expires_at, k.last_used_at, k.revoked_at, k.previous_expires_at",
    );
    window.push_select(qb);
    qb.push(" FROM api_keys k LEFT JOIN users u ON u.tenant_id = k.tenant_id AND u.user_id = k.created_by");
    push_key_filter(qb, tenant, status);
    window.push_condition(qb);
    window.push_order(qb);
}

/// One page of the tenant's keys with `status` (all when none), newest first: `[after, before]`
/// are the cursors of the page's URL, `page` its number.
pub async fn select_api_keys(
    tx: &mut TenantTx,
    status: Option<ApiKeyStatus>,
    cursors: [Option<&str>; 2],
    page: u32,
) -> Result<Page<ApiKeySummary>, sqlx::Error> {
    let now = Utc::now();
    let tenant = tx.tenant_id();
    let window = Window::from_parts(&KEY_ORDER, SortDir::Desc, cursors, page, KEYS_PAGE);
    let total = capped_count(tx, "api_keys k", |qb| push_key_filter(qb, tenant, status)).await?;
    let mut query = QueryBuilder::new("");
    push_keys_page(&mut query, tenant, status, &window);
    let rows = query.build().fetch_all(&mut **tx).await?;
    let page = window.finish(rows, total, |row| SummaryRow::from_row(row))?;
    Ok(page.filter_map_items(|row| Some(row.into_summary(now))))
}

/// PostgreSQL's plan (JSON) for a page of keys after the first: one index range.
pub async fn explain_keys_page(
    tx: &mut TenantTx,
    status: Option<ApiKeyStatus>,
    cursors: [Option<&str>; 2],
) -> Result<String, sqlx::Error> {
    let tenant = tx.tenant_id();
    let window = Window::from_parts(&KEY_ORDER, SortDir::Desc, cursors, 2, KEYS_PAGE);
    explain(tx, |qb| push_keys_page(qb, tenant, status, &window)).await
}

/// One key of the tenant, locked for the change that follows.
pub async fn select_api_key(tx: &mut TenantTx, api_key_id: ApiKeyId) -> Result<Option<ApiKeySummary>, sqlx::Error> {
    let now = Utc::now();
    let row = sqlx::query_as!(
        SummaryRow,
        r#"SELECT k.api_key_id, k.name, k.prefix, k.scopes, k.created_at, u.name AS "created_by_name?",
                  k.expires_at, k.last_used_at, k.revoked_at, k.previous_expires_at
           FROM api_keys k
           LEFT JOIN users u ON u.tenant_id = k.tenant_id AND u.user_id = k.created_by
           WHERE k.api_key_id = $1
           FOR UPDATE OF k"#,
        api_key_id.0
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|row| row.into_summary(now)))
}

/// Keys that count against the plan's quota: neither revoked nor expired.
pub async fn select_active_key_count(tx: &mut TenantTx) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM api_keys
           WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())"#
    )
    .fetch_one(&mut **tx)
    .await
}

pub struct NewKeyRow<'a> {
    pub name: &'a str,
    pub prefix: &'a str,
    pub secret_hash: &'a [u8],
    pub signing_secret: &'a [u8],
    pub scopes: &'a [ApiKeyScope],
    pub created_by: Option<UserId>,
    pub expires_at: Option<DateTime<Utc>>,
}

pub async fn insert_api_key(tx: &mut TenantTx, key: &NewKeyRow<'_>) -> Result<ApiKeyId, sqlx::Error> {
    let tenant = tx.tenant_id();
    let id = sqlx::query_scalar!(
        "INSERT INTO api_keys (tenant_id, name, prefix, secret_hash, signing_secret, scopes, created_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         RETURNING api_key_id",
        tenant.0,
        key.name,
        key.prefix,
        key.secret_hash,
        key.signing_secret,
        &scope_names(key.scopes),
        key.created_by.map(|id| id.0),
        key.expires_at,
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(ApiKeyId(id))
}

/// Revokes a key that is not revoked yet; its previous secret (if rotating) ends with it.
pub async fn update_api_key_revoked(tx: &mut TenantTx, api_key_id: ApiKeyId) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "UPDATE api_keys SET revoked_at = now(), previous_secret_hash = NULL, previous_expires_at = NULL,
                previous_signing_secret = NULL
         WHERE api_key_id = $1 AND revoked_at IS NULL",
        api_key_id.0
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub struct RotatedKey<'a> {
    pub prefix: &'a str,
    pub secret_hash: &'a [u8],
    pub signing_secret: &'a [u8],
    /// Until when the current secret keeps working as the previous one; `None` ends it now.
    pub previous_until: Option<DateTime<Utc>>,
}

/// Replaces the key's secret, prefix and signing secret. With a grace period the current secret
/// and signing secret become the previous ones (replacing any earlier previous pair); without,
/// the old key stops at once.
pub async fn update_api_key_rotated(
    tx: &mut TenantTx,
    api_key_id: ApiKeyId,
    rotated: &RotatedKey<'_>,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "UPDATE api_keys SET
             previous_secret_hash = CASE WHEN $5::timestamptz IS NULL THEN NULL ELSE secret_hash END,
             previous_signing_secret = CASE WHEN $5::timestamptz IS NULL THEN NULL ELSE signing_secret END,
             previous_expires_at = $5,
             prefix = $2, secret_hash = $3, signing_secret = $4
         WHERE api_key_id = $1 AND revoked_at IS NULL",
        api_key_id.0,
        rotated.prefix,
        rotated.secret_hash,
        rotated.signing_secret,
        rotated.previous_until,
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Records a use, at most once a minute per key (ingestion may call many times a second).
pub async fn update_api_key_last_used(tx: &mut TenantTx, api_key_id: ApiKeyId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE api_keys SET last_used_at = now()
         WHERE api_key_id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds')",
        api_key_id.0
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records a signed request's nonce for `api_key_id` until `expires_at`. `false` when the key
/// already used that nonce (a replay): the primary key decides, so two replicas racing with the
/// same request cannot both see `true`.
pub async fn insert_signature_nonce(
    tx: &mut TenantTx,
    api_key_id: ApiKeyId,
    nonce: &str,
    expires_at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query!(
        "INSERT INTO signature_nonces (tenant_id, api_key_id, nonce, expires_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
        tx.tenant_id().0,
        api_key_id.0,
        nonce,
        expires_at
    )
    .execute(&mut **tx)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Deletes every tenant's nonces whose window has closed (the `signature_nonce_cleanup` job);
/// returns how many went.
pub async fn delete_expired_signature_nonces(tx: &mut PlatformTx) -> Result<u64, sqlx::Error> {
    let deleted = sqlx::query!("DELETE FROM signature_nonces WHERE expires_at <= now()")
        .execute(&mut **tx)
        .await?;
    Ok(deleted.rows_affected())
}

/// Which tenant a key belongs to, so platform administrators can open that tenant's transaction.
pub async fn select_api_key_tenant(tx: &mut PlatformTx, api_key_id: ApiKeyId) -> Result<Option<TenantId>, sqlx::Error> {
    let tenant = sqlx::query_scalar!("SELECT tenant_id FROM api_keys WHERE api_key_id = $1", api_key_id.0)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(tenant.map(TenantId))
}

/// A key found by the hash of a presented key, with what authenticating needs from its tenant.
pub struct KeyMatch {
    pub tenant_id: TenantId,
    pub api_key_id: ApiKeyId,
    pub secret_hash: Vec<u8>,
    pub signing_secret: Vec<u8>,
    pub previous_secret_hash: Option<Vec<u8>>,
    pub previous_signing_secret: Option<Vec<u8>>,
    pub previous_expires_at: Option<DateTime<Utc>>,
    pub scopes: Vec<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub tenant_status: TenantStatus,
    pub plan: Plan,
    pub require_signed_ingest: bool,
    pub rates: ApiRates,
}

/// The key whose current or previous secret hashes to `hash` (both are unique per key, and a
/// key's current hash never equals another's previous one: each is SHA-256 of 256 fresh bits).
pub async fn select_key_by_hash(tx: &mut ApiKeyTx, hash: &[u8]) -> Result<Option<KeyMatch>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT k.tenant_id, k.api_key_id, k.secret_hash, k.signing_secret, k.previous_secret_hash,
                  k.previous_signing_secret, k.previous_expires_at, k.scopes, k.expires_at, k.revoked_at,
                  k.last_used_at, t.status AS "tenant_status: TenantStatus", t.plan AS "plan: Plan",
                  t.require_signed_ingest,
                  tenant_limit(t.tenant_id, 'api_requests_per_key') AS "rate_per_key",
                  tenant_limit(t.tenant_id, 'api_requests_per_tenant') AS "rate_per_tenant"
           FROM api_keys k JOIN tenants t USING (tenant_id)
           WHERE k.secret_hash = $1 OR k.previous_secret_hash = $1
           LIMIT 1"#,
        hash
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|row| KeyMatch {
        tenant_id: TenantId(row.tenant_id),
        api_key_id: ApiKeyId(row.api_key_id),
        secret_hash: row.secret_hash,
        signing_secret: row.signing_secret,
        previous_secret_hash: row.previous_secret_hash,
        previous_signing_secret: row.previous_signing_secret,
        previous_expires_at: row.previous_expires_at,
        scopes: row.scopes,
        expires_at: row.expires_at,
        revoked_at: row.revoked_at,
        last_used_at: row.last_used_at,
        tenant_status: row.tenant_status,
        plan: row.plan,
        require_signed_ingest: row.require_signed_ingest,
        rates: ApiRates::from_limits(row.rate_per_key, row.rate_per_tenant),
    }))
}

/// Usable keys of every tenant (platform statistics).
pub async fn count_all_active_keys(tx: &mut PlatformTx) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM api_keys
           WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())"#
    )
    .fetch_one(&mut **tx)
    .await
}
