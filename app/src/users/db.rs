//! User queries. Changes happen inside the user's tenant transaction; only listing across tenants
//! uses the platform scope.

use super::types::{User, UserStatus};
use crate::db::{PlatformTx, TenantTx};
use crate::ids::{TenantId, UserId};
use crate::paging::{ListQuery, Page};
use crate::permissions::types::Role;
use sqlx::PgConnection;

pub struct UserFields<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
}

/// Shared by the tenant and platform listings; the caller's transaction decides what is visible.
async fn select_users_page_in(
    conn: &mut PgConnection,
    query: &ListQuery,
    tenant: Option<TenantId>,
) -> Result<Page<User>, sqlx::Error> {
    let pattern = query.like_pattern();
    let tenant = tenant.map(|id| id.0);
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM users
           WHERE ($1 = '' OR name ILIKE $2 OR email ILIKE $2) AND ($3::uuid IS NULL OR tenant_id = $3)"#,
        query.q,
        pattern,
        tenant
    )
    .fetch_one(&mut *conn)
    .await?;
    let items = sqlx::query_as!(
        User,
        r#"SELECT u.user_id, u.tenant_id, t.name AS tenant_name, u.email, u.name, u.role AS "role: Role",
                  u.status AS "status: UserStatus", u.last_login_at, u.created_at, u.updated_at
           FROM users u JOIN tenants t USING (tenant_id)
           WHERE ($1 = '' OR u.name ILIKE $2 OR u.email ILIKE $2) AND ($3::uuid IS NULL OR u.tenant_id = $3)
           ORDER BY
             CASE WHEN $4 = 'name' AND NOT $5 THEN lower(u.name) END ASC,
             CASE WHEN $4 = 'name' AND $5 THEN lower(u.name) END DESC,
             CASE WHEN $4 = 'email' AND NOT $5 THEN u.email END ASC,
             CASE WHEN $4 = 'email' AND $5 THEN u.email END DESC,
             CASE WHEN $4 = 'role' AND NOT $5 THEN u.role END ASC,
             CASE WHEN $4 = 'role' AND $5 THEN u.role END DESC,
             CASE WHEN $4 = 'status' AND NOT $5 THEN u.status END ASC,
             CASE WHEN $4 = 'status' AND $5 THEN u.status END DESC,
             CASE WHEN $4 = 'tenant' AND NOT $5 THEN lower(t.name) END ASC,
             CASE WHEN $4 = 'tenant' AND $5 THEN lower(t.name) END DESC,
             CASE WHEN $4 = 'last_login' AND NOT $5 THEN u.last_login_at END ASC NULLS FIRST,
             CASE WHEN $4 = 'last_login' AND $5 THEN u.last_login_at END DESC NULLS LAST,
             lower(u.name), u.user_id
           LIMIT $6 OFFSET $7"#,
        query.q,
        pattern,
        tenant,
        query.sort,
        query.dir.is_desc(),
        i64::from(query.per_page),
        query.offset()
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(Page {
        items,
        total,
        page: query.page,
        per_page: query.per_page,
    })
}

/// Users of the transaction's tenant.
pub async fn select_users_page(tx: &mut TenantTx, query: &ListQuery) -> Result<Page<User>, sqlx::Error> {
    let tenant = tx.tenant_id();
    select_users_page_in(tx, query, Some(tenant)).await
}

/// Users of every tenant (platform administrators).
pub async fn select_all_users_page(tx: &mut PlatformTx, query: &ListQuery) -> Result<Page<User>, sqlx::Error> {
    select_users_page_in(tx, query, None).await
}

/// Which tenant a user belongs to, so platform administrators can open that tenant's transaction.
pub async fn select_user_tenant(tx: &mut PlatformTx, user_id: UserId) -> Result<Option<TenantId>, sqlx::Error> {
    let tenant = sqlx::query_scalar!("SELECT tenant_id FROM users WHERE user_id = $1", user_id.0)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(tenant.map(TenantId))
}

pub async fn select_user(tx: &mut TenantTx, user_id: UserId) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as!(
        User,
        r#"SELECT u.user_id, u.tenant_id, t.name AS tenant_name, u.email, u.name, u.role AS "role: Role",
                  u.status AS "status: UserStatus", u.last_login_at, u.created_at, u.updated_at
           FROM users u JOIN tenants t USING (tenant_id) WHERE u.user_id = $1 FOR UPDATE OF u"#,
        user_id.0
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn insert_user(
    tx: &mut TenantTx,
    fields: &UserFields<'_>,
    password_hash: &str,
) -> Result<UserId, sqlx::Error> {
    let tenant = tx.tenant_id();
    let id = sqlx::query_scalar!(
        "INSERT INTO users (tenant_id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5) RETURNING user_id",
        tenant.0,
        fields.email,
        fields.name,
        fields.role as Role,
        password_hash
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(UserId(id))
}

pub async fn update_user(tx: &mut TenantTx, user_id: UserId, fields: &UserFields<'_>) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "UPDATE users SET email = $2, name = $3, role = $4, updated_at = now() WHERE user_id = $1",
        user_id.0,
        fields.email,
        fields.name,
        fields.role as Role
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn update_user_status(tx: &mut TenantTx, user_id: UserId, status: UserStatus) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "UPDATE users SET status = $2, updated_at = now() WHERE user_id = $1",
        user_id.0,
        status as UserStatus
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Sets a new password hash and clears any lockout.
pub async fn update_user_password(
    tx: &mut TenantTx,
    user_id: UserId,
    password_hash: &str,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "UPDATE users SET password_hash = $2, failed_logins = 0, failed_window_start = NULL, locked_until = NULL,
                updated_at = now() WHERE user_id = $1",
        user_id.0,
        password_hash
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn delete_user(tx: &mut TenantTx, user_id: UserId) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!("DELETE FROM users WHERE user_id = $1", user_id.0)
        .execute(&mut **tx)
        .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn select_user_by_email(tx: &mut TenantTx, email: &str) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as!(
        User,
        r#"SELECT u.user_id, u.tenant_id, t.name AS tenant_name, u.email, u.name, u.role AS "role: Role",
                  u.status AS "status: UserStatus", u.last_login_at, u.created_at, u.updated_at
           FROM users u JOIN tenants t USING (tenant_id) WHERE u.email = $1"#,
        email
    )
    .fetch_optional(&mut **tx)
    .await
}
