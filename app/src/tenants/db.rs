//! Tenant queries. Listing and changing tenants is platform work (`PlatformTx`); reading one
//! tenant's own row works inside its `TenantTx`.

use super::types::{Plan, Tenant, TenantStatus};
use crate::db::keyset::{Key, Order, PlatformTable, Window, capped_count, explain, platform_total, push_search};
use crate::db::{PlatformTx, TenantTx};
use crate::ids::TenantId;
use crate::paging::{ListQuery, Page, SortDir};
use sqlx::postgres::PgRow;
use sqlx::{Postgres, QueryBuilder, Row};

pub struct TenantFields<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub plan: Plan,
    pub status: TenantStatus,
}

/// The tenants list's sort orders, each answered in order by one index (migration
/// `list_indexes`). Without a sort, newest first.
fn tenant_order(sort: &str) -> &'static Order {
    static BY_NAME: Order = Order::by_uuid("t.tenant_id", &[Key::text("t.name_key")]);
    static BY_SLUG: Order = Order::by_uuid("t.tenant_id", &[Key::text("t.slug")]);
    static BY_PLAN: Order = Order::by_uuid("t.tenant_id", &[Key::text("t.plan_key")]);
    static BY_STATUS: Order = Order::by_uuid("t.tenant_id", &[Key::text("t.status_key")]);
    static BY_CREATED: Order = Order::by_uuid("t.tenant_id", &[Key::time("t.created_at")]);
    match sort {
        "name" => &BY_NAME,
        "slug" => &BY_SLUG,
        "plan" => &BY_PLAN,
        "status" => &BY_STATUS,
        _ => &BY_CREATED,
    }
}

fn tenant_from_row(row: &PgRow) -> Result<Tenant, sqlx::Error> {
    Ok(Tenant {
        tenant_id: TenantId(row.try_get("tenant_id")?),
        slug: row.try_get("slug")?,
        name: row.try_get("name")?,
        plan: row.try_get("plan")?,
        status: row.try_get("status")?,
        user_count: row.try_get("user_count")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        erase_after: row.try_get("erase_after")?,
    })
}

fn push_tenant_filter(qb: &mut QueryBuilder<'_, Postgres>, query: &ListQuery) {
    qb.push(" WHERE true");
    push_search(qb, &query.q, &["t.name", "t.slug"]);
}

fn push_tenants_page(qb: &mut QueryBuilder<'_, Postgres>, query: &ListQuery, window: &Window) {
    qb.push(
        "SELECT t.tenant_id, t.slug, t.name, t.plan, t.status, coalesce(c.users, 0) AS user_count, \
         t.created_at, t.updated_at, t.erase_after",
    );
    window.push_select(qb);
    qb.push(" FROM tenants t LEFT JOIN tenant_user_counts c ON c.tenant_id = t.tenant_id");
    push_tenant_filter(qb, query);
    window.push_condition(qb);
    window.push_order(qb);
}

fn tenants_window(query: &ListQuery) -> Window {
    // Without a sort the list is newest first, as it was before sorting existed.
    let dir = if query.sort.is_empty() {
        SortDir::Desc
    } else {
        query.dir
    };
    Window::new(tenant_order(&query.sort), dir, query)
}

/// PostgreSQL's plan (JSON) for the tenants page `query` would read (see `explain_users_page`).
pub async fn explain_tenants_page(tx: &mut PlatformTx, query: &ListQuery) -> Result<String, sqlx::Error> {
    let window = tenants_window(query);
    explain(tx, |qb| push_tenants_page(qb, query, &window)).await
}

pub async fn select_tenants_page(tx: &mut PlatformTx, query: &ListQuery) -> Result<Page<Tenant>, sqlx::Error> {
    let window = tenants_window(query);
    let total = if query.q.is_empty() {
        platform_total(tx, PlatformTable::Tenants).await?
    } else {
        capped_count(tx, "tenants t", |qb| push_tenant_filter(qb, query)).await?
    };
    let mut page = QueryBuilder::new("");
    push_tenants_page(&mut page, query, &window);
    let rows = page.build().fetch_all(&mut **tx).await?;
    window.finish(rows, total, tenant_from_row)
}

/// The tenant this transaction belongs to (RLS shows no other).
pub async fn select_own_tenant(tx: &mut TenantTx) -> Result<Option<Tenant>, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    sqlx::query_as!(
        Tenant,
        r#"SELECT t.tenant_id, t.slug, t.name, t.plan AS "plan: Plan", t.status AS "status: TenantStatus",
                  coalesce((SELECT c.users FROM tenant_user_counts c WHERE c.tenant_id = t.tenant_id), 0) AS "user_count!",
                  t.created_at, t.updated_at, t.erase_after
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
                  coalesce((SELECT c.users FROM tenant_user_counts c WHERE c.tenant_id = t.tenant_id), 0) AS "user_count!",
                  t.created_at, t.updated_at, t.erase_after
           FROM tenants t WHERE t.tenant_id = $1 FOR UPDATE"#,
        tenant_id.0
    )
    .fetch_optional(&mut **tx)
    .await
}

/// The active tenants with these slugs (the live demo finds its tenants by them after a restart).
pub async fn select_active_tenants_by_slug(tx: &mut PlatformTx, slugs: &[&str]) -> Result<Vec<Tenant>, sqlx::Error> {
    let slugs: Vec<String> = slugs.iter().map(|slug| (*slug).to_owned()).collect();
    sqlx::query_as!(
        Tenant,
        r#"SELECT t.tenant_id, t.slug, t.name, t.plan AS "plan: Plan", t.status AS "status: TenantStatus",
                  coalesce((SELECT c.users FROM tenant_user_counts c WHERE c.tenant_id = t.tenant_id), 0) AS "user_count!",
                  t.created_at, t.updated_at, t.erase_after
           FROM tenants t WHERE t.slug = ANY($1) AND t.status = 'active' AND t.erase_after IS NULL
           ORDER BY t.slug"#,
        &slugs
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn insert_tenant(tx: &mut PlatformTx, fields: &TenantFields<'_>) -> Result<Tenant, sqlx::Error> {
    sqlx::query_as!(
        Tenant,
        r#"INSERT INTO tenants (name, slug, plan, status) VALUES ($1, $2, $3, $4)
           RETURNING tenant_id, slug, name, plan AS "plan: Plan", status AS "status: TenantStatus",
                     0::bigint AS "user_count!", created_at, updated_at, erase_after"#,
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
                     coalesce((SELECT c.users FROM tenant_user_counts c WHERE c.tenant_id = t.tenant_id), 0) AS "user_count!",
                     t.created_at, t.updated_at, t.erase_after"#,
        tenant_id.0,
        fields.name,
        fields.slug,
        fields.plan as Plan,
        fields.status as TenantStatus,
    )
    .fetch_optional(&mut **tx)
    .await
}

/// Whether `tenant_purge` keeps the workspace's audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditTrail {
    /// The platform's immediate "Delete tenant": the trail outlives the tenant until pruned.
    Keep,
    /// Erasure: the trail goes too.
    Purge,
}

/// Deletes the tenant and every row it owns (`tenant_purge`); the rows deleted per table that the
/// tenant row's cascades do not reach, or `None` when there was no such tenant.
pub async fn purge(
    tx: &mut PlatformTx,
    tenant_id: TenantId,
    trail: AuditTrail,
) -> Result<Option<serde_json::Value>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT tenant_purge($1, $2) AS counts",
        tenant_id.0,
        trail == AuditTrail::Keep
    )
    .fetch_one(&mut **tx)
    .await
}

/// Deletes a tenant and every row it owns except its audit trail, which outlives it until pruned
/// (`tenant_purge`; erasure purges the trail too).
pub async fn delete_tenant(tx: &mut PlatformTx, tenant_id: TenantId) -> Result<bool, sqlx::Error> {
    let deleted = purge(tx, tenant_id, AuditTrail::Keep).await?;
    Ok(deleted.is_some())
}

/// Tenants whose name or slug contains `search` (all when empty), in name order, at most `limit`:
/// a chooser's answer, read in order from the name index.
pub async fn select_tenant_choices(
    tx: &mut PlatformTx,
    search: &str,
    limit: i64,
) -> Result<Vec<crate::paging::Choice>, sqlx::Error> {
    let pattern = crate::paging::like_pattern(search);
    sqlx::query_as!(
        crate::paging::Choice,
        r#"SELECT tenant_id::text AS "value!", name AS label, slug AS detail
           FROM tenants
           WHERE ($1 = '' OR name ILIKE $2 OR slug ILIKE $2)
           ORDER BY name_key, tenant_id
           LIMIT $3"#,
        search,
        pattern,
        limit
    )
    .fetch_all(&mut **tx)
    .await
}

/// One tenant as a chooser shows it (the current choice, before anything is typed).
pub async fn select_tenant_choice(
    tx: &mut PlatformTx,
    tenant_id: TenantId,
) -> Result<Option<crate::paging::Choice>, sqlx::Error> {
    sqlx::query_as!(
        crate::paging::Choice,
        r#"SELECT tenant_id::text AS "value!", name AS label, slug AS detail FROM tenants WHERE tenant_id = $1"#,
        tenant_id.0
    )
    .fetch_optional(&mut **tx)
    .await
}

/// Platform overview figures: (tenants, active tenants, users).
pub async fn select_platform_counts(tx: &mut PlatformTx) -> Result<(i64, i64, i64), sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT (SELECT count(*) FROM tenants) AS "tenants!",
                  (SELECT count(*) FROM tenants WHERE status = 'active') AS "active!",
                  (SELECT coalesce(sum(users), 0)::bigint FROM tenant_user_counts) AS "users!""#
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

/// Lowers to `ceiling` the audit retention of every tenant on `plan` that chose more and has no
/// ceiling of its own; returns how many. (The floor, 30 days, is also every ceiling's minimum.)
pub async fn clamp_plan_audit_retention(tx: &mut PlatformTx, plan: Plan, ceiling: u64) -> Result<u64, sqlx::Error> {
    let ceiling = i32::try_from(ceiling).unwrap_or(i32::MAX);
    let result = sqlx::query!(
        "UPDATE tenants t SET audit_retention_days = $2, updated_at = now()
         WHERE t.plan = $1 AND t.audit_retention_days > $2
           AND NOT EXISTS (SELECT 1 FROM tenant_limit_overrides o
                           WHERE o.tenant_id = t.tenant_id AND o.limit_name = 'audit_retention_days')",
        plan as Plan,
        ceiling
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected())
}

/// Lowers one tenant's audit retention to `ceiling` if it chose more; whether it did.
pub async fn clamp_tenant_audit_retention(
    tx: &mut PlatformTx,
    tenant_id: TenantId,
    ceiling: u64,
) -> Result<bool, sqlx::Error> {
    let ceiling = i32::try_from(ceiling).unwrap_or(i32::MAX);
    let result = sqlx::query!(
        "UPDATE tenants SET audit_retention_days = $2, updated_at = now()
         WHERE tenant_id = $1 AND audit_retention_days > $2",
        tenant_id.0,
        ceiling
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// A tenant's branding columns as stored (NULL: not set).
pub struct BrandingRow {
    pub tenant_name: String,
    pub brand_name: Option<String>,
    pub brand_logo_url: Option<String>,
    pub brand_color: Option<String>,
}

/// The signed-in tenant's branding (portal layout, branding page).
pub async fn select_branding(tx: &mut TenantTx) -> Result<Option<BrandingRow>, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    sqlx::query_as!(
        BrandingRow,
        "SELECT name AS tenant_name, brand_name, brand_logo_url, brand_color FROM tenants WHERE tenant_id = $1",
        tenant_id.0
    )
    .fetch_optional(&mut **tx)
    .await
}

/// Replaces the signed-in tenant's branding; false when the row is gone.
pub async fn update_branding(
    tx: &mut TenantTx,
    name: Option<&str>,
    logo_url: Option<&str>,
    color: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let result = sqlx::query!(
        "UPDATE tenants SET brand_name = $2, brand_logo_url = $3, brand_color = $4, updated_at = now()
         WHERE tenant_id = $1",
        tenant_id.0,
        name,
        logo_url,
        color
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// The signed-in tenant's session policy: `(idle minutes, max hours)`, `None` for the platform's.
pub async fn select_session_policy(tx: &mut TenantTx) -> Result<Option<(Option<i32>, Option<i32>)>, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query!(
        "SELECT session_idle_minutes, session_max_hours FROM tenants WHERE tenant_id = $1",
        tenant_id.0
    )
    .fetch_optional(&mut **tx)
    .await?
    .map(|row| (row.session_idle_minutes, row.session_max_hours)))
}

/// Replaces the signed-in tenant's session policy.
pub async fn update_session_policy(
    tx: &mut TenantTx,
    idle_minutes: Option<i32>,
    max_hours: Option<i32>,
) -> Result<(), sqlx::Error> {
    let tenant_id = tx.tenant_id();
    sqlx::query!(
        "UPDATE tenants SET session_idle_minutes = $2, session_max_hours = $3, updated_at = now()
         WHERE tenant_id = $1",
        tenant_id.0,
        idle_minutes,
        max_hours
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The signed-in tenant's slug (links into its portal).
pub async fn select_own_slug(tx: &mut TenantTx) -> Result<Option<String>, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    sqlx::query_scalar!("SELECT slug FROM tenants WHERE tenant_id = $1", tenant_id.0)
        .fetch_optional(&mut **tx)
        .await
}
