//! User queries. Changes happen inside the user's tenant transaction; only listing across tenants
//! uses the platform scope.

use super::types::{User, UserStatus};
use crate::db::keyset::{Key, Order, PlatformTable, Window, capped_count, explain, platform_total, push_search};
use crate::db::{PlatformTx, TenantTx};
use crate::ids::{TenantId, UserId};
use crate::paging::{ListQuery, Page, Total};
use crate::permissions::types::Role;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Postgres, QueryBuilder, Row};

pub struct UserFields<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
}

/// The users list's sort orders, each answered in order by one index (see the migration
/// `list_indexes`): by tenant first for a tenant's list, on its own for the platform's.
fn user_order(sort: &str) -> &'static Order {
    static BY_NAME: Order = Order::by_uuid("u.user_id", &[Key::text("u.name_key")]);
    static BY_EMAIL: Order = Order::by_uuid("u.user_id", &[Key::text("u.email")]);
    static BY_ROLE: Order = Order::by_uuid("u.user_id", &[Key::text("u.role_key")]);
    static BY_STATUS: Order = Order::by_uuid("u.user_id", &[Key::text("u.status_key")]);
    static BY_LOGIN: Order = Order::by_uuid("u.user_id", &[Key::time("u.login_key")]);
    match sort {
        "email" => &BY_EMAIL,
        "role" => &BY_ROLE,
        "status" => &BY_STATUS,
        "last_login" => &BY_LOGIN,
        _ => &BY_NAME,
    }
}

fn user_from_row(row: &PgRow) -> Result<User, sqlx::Error> {
    Ok(User {
        user_id: UserId(row.try_get("user_id")?),
        tenant_id: TenantId(row.try_get("tenant_id")?),
        tenant_name: row.try_get("tenant_name")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        role: row.try_get("role")?,
        status: row.try_get("status")?,
        last_login_at: row.try_get("last_login_at")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// `WHERE …` shared by the page and its count: the tenant (when one) and the search.
fn push_user_filter(qb: &mut QueryBuilder<'_, Postgres>, query: &ListQuery, tenant: Option<TenantId>) {
    qb.push(" WHERE true");
    if let Some(tenant) = tenant {
        qb.push(" AND u.tenant_id = ").push_bind(tenant.0);
    }
    push_search(qb, &query.q, &["u.name", "u.email"]);
}

/// The page's statement: the filter, the cursor's condition and the order of one index.
fn push_users_page(qb: &mut QueryBuilder<'_, Postgres>, query: &ListQuery, tenant: Option<TenantId>, window: &Window) {
    qb.push(
        "SELECT u.user_id, u.tenant_id, t.name AS tenant_name, u.email, u.name, u.role, u.status, \
         u.last_login_at, u.created_at, u.updated_at",
    );
    window.push_select(qb);
    qb.push(" FROM users u JOIN tenants t ON t.tenant_id = u.tenant_id");
    push_user_filter(qb, query, tenant);
    window.push_condition(qb);
    window.push_order(qb);
}

/// PostgreSQL's plan (JSON) for the tenant's users page `query` would read: the check that every
/// sort order and cursor is one index range (tests, and `EXPLAIN` when a list is slow).
pub async fn explain_users_page(tx: &mut TenantTx, query: &ListQuery) -> Result<String, sqlx::Error> {
    let window = Window::new(user_order(&query.sort), query.dir, query);
    let tenant = tx.tenant_id();
    explain(tx, |qb| push_users_page(qb, query, Some(tenant), &window)).await
}

/// Shared by the tenant and platform listings; the caller's transaction decides what is visible.
async fn select_users_page_in(
    conn: &mut PgConnection,
    query: &ListQuery,
    tenant: Option<TenantId>,
) -> Result<Page<User>, sqlx::Error> {
    let window = Window::new(user_order(&query.sort), query.dir, query);
    let total = if !query.q.is_empty() {
        capped_count(conn, "users u", |qb| push_user_filter(qb, query, tenant)).await?
    } else if let Some(tenant) = tenant {
        // Kept by triggers as users come and go: exact, and one row to read.
        let users: Option<i64> =
            sqlx::query_scalar!("SELECT users FROM tenant_user_counts WHERE tenant_id = $1", tenant.0)
                .fetch_optional(&mut *conn)
                .await?;
        Total::Exact(u64::try_from(users.unwrap_or(0)).unwrap_or(0))
    } else {
        platform_total(conn, PlatformTable::Users).await?
    };
    let mut page = QueryBuilder::new("");
    push_users_page(&mut page, query, tenant, &window);
    let rows = page.build().fetch_all(&mut *conn).await?;
    window.finish(rows, total, user_from_row)
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

/// Up to `limit` active users of the transaction's tenant whose name or email contains `search`,
/// holding one of `roles` and not `except`, by name: a chooser's answer. The name index walks
/// in order and stops at the limit; a rare term goes through the trigram indexes instead.
pub async fn select_user_choices(
    tx: &mut TenantTx,
    search: &str,
    roles: &[&str],
    except: UserId,
    limit: i64,
) -> Result<Vec<crate::paging::Choice>, sqlx::Error> {
    let tenant = tx.tenant_id();
    let pattern = crate::paging::like_pattern(search);
    let roles: Vec<String> = roles.iter().map(|role| (*role).to_owned()).collect();
    sqlx::query_as!(
        crate::paging::Choice,
        r#"SELECT u.user_id::text AS "value!", u.name AS label, u.email AS detail
           FROM users u
           WHERE u.tenant_id = $1 AND u.status = 'active' AND u.role::text = ANY($2) AND u.user_id <> $3
             AND ($4 = '' OR u.name ILIKE $5 OR u.email ILIKE $5)
           ORDER BY u.name_key, u.user_id
           LIMIT $6"#,
        tenant.0,
        &roles,
        except.0,
        search,
        pattern,
        limit
    )
    .fetch_all(&mut **tx)
    .await
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
