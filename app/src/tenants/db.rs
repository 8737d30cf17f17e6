//! Tenant queries. Listing and changing tenants is platform work (`PlatformTx`); reading one
//! tenant's own row works inside its `TenantTx`.

use super::types::{Plan, Tenant, TenantOption, TenantStatus};
use crate::db::{PlatformTx, TenantTx};
use crate::ids::TenantId;
use crate::paging::{ListQuery, Page};

pub struct TenantFields<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub plan: Plan,
    pub status: TenantStatus,
}

pub async fn select_tenants_page(tx: &mut PlatformTx, query: &ListQuery) -> Result<Page<Tenant>, sqlx::Error> {
    let pattern = query.like_pattern();
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM tenants WHERE ($1 = '' OR name ILIKE $2 OR slug ILIKE $2)"#,
        query.q,
        pattern
    )
    .fetch_one(&mut **tx)
    .await?;
    let items = sqlx::query_as!(
        Tenant,
        r#"SELECT t.tenant_id, t.slug, t.name, t.plan AS "plan: Plan", t.status AS "status: TenantStatus",
                  (SELECT count(*) FROM users u WHERE u.tenant_id = t.tenant_id) AS "user_count!",
                  t.created_at, t.updated_at
           FROM tenants t
           WHERE ($1 = '' OR t.name ILIKE $2 OR t.slug ILIKE $2)
           ORDER BY
             CASE WHEN $3 = 'name' AND NOT $4 THEN lower(t.name) END ASC,
             CASE WHEN $3 = 'name' AND $4 THEN lower(t.name) END DESC,
             CASE WHEN $3 = 'slug' AND NOT $4 THEN t.slug END ASC,
             CASE WHEN $3 = 'slug' AND $4 THEN t.slug END DESC,
             CASE WHEN $3 = 'plan' AND NOT $4 THEN t.plan END ASC,
             CASE WHEN $3 = 'plan' AND $4 THEN t.plan END DESC,
             CASE WHEN $3 = 'status' AND NOT $4 THEN t.status END ASC,
             CASE WHEN $3 = 'status' AND $4 THEN t.status END DESC,
             CASE WHEN $3 = 'created' AND NOT $4 THEN t.created_at END ASC,
             CASE WHEN $3 = 'created' AND $4 THEN t.created_at END DESC,
             t.created_at DESC, t.tenant_id
           LIMIT $5 OFFSET $6"#,
        query.q,
        pattern,
        query.sort,
        query.dir.is_desc(),
        i64::from(query.per_page),
        query.offset()
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(Page {
        items,
        total,
        page: query.page,
        per_page: query.per_page,
    })
}

/// The tenant this transaction belongs to (RLS shows no other).
pub async fn select_own_tenant(tx: &mut TenantTx) -> Result<Option<Tenant>, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    sqlx::query_as!(
        Tenant,
        r#"SELECT t.tenant_id, t.slug, t.name, t.plan AS "plan: Plan", t.status AS "status: TenantStatus",
                  (SELECT count(*) FROM users u WHERE u.tenant_id = t.tenant_id) AS "user_count!",
                  t.created_at, t.updated_at
           FROM tenants t WHERE t.tenant_id = $1"#,
        tenant_id.0
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn select_active_user_count(tx: &mut TenantTx) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM users WHERE status = 'active'"#)
        .fetch_one(&mut **tx)
        .await
}

/// The tenant row locked for a change, for the audit "before".
pub async fn select_tenant_for_update(tx: &mut PlatformTx, tenant_id: TenantId) -> Result<Option<Tenant>, sqlx::Error> {
    sqlx::query_as!(
        Tenant,
        r#"SELECT t.tenant_id, t.slug, t.name, t.plan AS "plan: Plan", t.status AS "status: TenantStatus",
                  (SELECT count(*) FROM users u WHERE u.tenant_id = t.tenant_id) AS "user_count!",
                  t.created_at, t.updated_at
           FROM tenants t WHERE t.tenant_id = $1 FOR UPDATE"#,
        tenant_id.0
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn insert_tenant(tx: &mut PlatformTx, fields: &TenantFields<'_>) -> Result<Tenant, sqlx::Error> {
    sqlx::query_as!(
        Tenant,
        r#"INSERT INTO tenants (name, slug, plan, status) VALUES ($1, $2, $3, $4)
           RETURNING tenant_id, slug, name, plan AS "plan: Plan", status AS "status: TenantStatus",
                     0::bigint AS "user_count!", created_at, updated_at"#,
        fields.name,
        fields.slug,
        fields.plan as Plan,
        fields.status as TenantStatus,
    )
    .fetch_one(&mut **tx)
    .await
}

pub async fn update_tenant(
    tx: &mut PlatformTx,
    tenant_id: TenantId,
    fields: &TenantFields<'_>,
) -> Result<Option<Tenant>, sqlx::Error> {
    sqlx::query_as!(
        Tenant,
        r#"UPDATE tenants t SET name = $2, slug = $3, plan = $4, status = $5, updated_at = now()
           WHERE t.tenant_id = $1
           RETURNING t.tenant_id, t.slug, t.name, t.plan AS "plan: Plan", t.status AS "status: TenantStatus",
                     (SELECT count(*) FROM users u WHERE u.tenant_id = t.tenant_id) AS "user_count!",
                     t.created_at, t.updated_at"#,
        tenant_id.0,
        fields.name,
        fields.slug,
        fields.plan as Plan,
        fields.status as TenantStatus,
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn delete_tenant(tx: &mut PlatformTx, tenant_id: TenantId) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!("DELETE FROM tenants WHERE tenant_id = $1", tenant_id.0)
        .execute(&mut **tx)
        .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn select_tenant_options(tx: &mut PlatformTx) -> Result<Vec<TenantOption>, sqlx::Error> {
    sqlx::query_as!(TenantOption, "SELECT tenant_id, name FROM tenants ORDER BY lower(name)")
        .fetch_all(&mut **tx)
        .await
}

/// Platform overview figures: (tenants, active tenants, users).
pub async fn select_platform_counts(tx: &mut PlatformTx) -> Result<(i64, i64, i64), sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT (SELECT count(*) FROM tenants) AS "tenants!",
                  (SELECT count(*) FROM tenants WHERE status = 'active') AS "active!",
                  (SELECT count(*) FROM users) AS "users!""#
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok((row.tenants, row.active, row.users))
}

/// How many days the tenant keeps audit entries (the pruning job honours it).
pub async fn select_audit_retention(tx: &mut TenantTx) -> Result<Option<i32>, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    sqlx::query_scalar!(
        "SELECT audit_retention_days FROM tenants WHERE tenant_id = $1",
        tenant_id.0
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn update_audit_retention(tx: &mut TenantTx, days: i32) -> Result<bool, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let result = sqlx::query!(
        "UPDATE tenants SET audit_retention_days = $2, updated_at = now() WHERE tenant_id = $1",
        tenant_id.0,
        days
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Every tenant with its plan, for jobs that apply plan limits (retention) tenant by tenant.
pub async fn select_tenant_plans(tx: &mut PlatformTx) -> Result<Vec<(TenantId, Plan)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT tenant_id AS "tenant_id: TenantId", plan AS "plan: Plan" FROM tenants ORDER BY tenant_id"#
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|row| (row.tenant_id, row.plan)).collect())
}

/// Whether the tenant refuses unsigned ingestion requests (API keys page, ingestion).
pub async fn select_require_signed_ingest(tx: &mut TenantTx) -> Result<Option<bool>, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    sqlx::query_scalar!(
        "SELECT require_signed_ingest FROM tenants WHERE tenant_id = $1",
        tenant_id.0
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn update_require_signed_ingest(tx: &mut TenantTx, required: bool) -> Result<bool, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let result = sqlx::query!(
        "UPDATE tenants SET require_signed_ingest = $2, updated_at = now() WHERE tenant_id = $1",
        tenant_id.0,
        required
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}
