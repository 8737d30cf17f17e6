//! User queries. Changes happen inside the user's tenant transaction; only listing across tenants
//! uses the platform scope.

use super::types::{User, UserStatus};
use crate::db::keyset::{Key, Order, PlatformTable, Window, explain, platform_total, push_search};
use crate::db::search::{self, Matches};
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

/// `WHERE …` shared by the page and its search: the tenant (when one) and the search.
fn push_user_filter(qb: &mut QueryBuilder<'_, Postgres>, query: &ListQuery, tenant: Option<TenantId>) {
    qb.push(" WHERE true");
    if let Some(tenant) = tenant {
        qb.push(" AND u.tenant_id = ").push_bind(tenant.0);
    }
    push_search(qb, &query.q, &["u.name", "u.email"]);
}

/// The ids a search of the users list matches (see `db::search`); `None` without a search.
async fn user_matches(
    conn: &mut PgConnection,
    query: &ListQuery,
    tenant: Option<TenantId>,
) -> Result<Option<Matches>, sqlx::Error> {
    if query.q.is_empty() {
        return Ok(None);
    }
    search::gather(conn, "users u", "u.user_id", &query.q, |qb| {
        push_user_filter(qb, query, tenant)
    })
    .await
    .map(Some)
}

/// The page's statement: the filter, the search's ids when few, the cursor's condition and the
/// order of one index.
fn push_users_page(
    qb: &mut QueryBuilder<'_, Postgres>,
    query: &ListQuery,
    tenant: Option<TenantId>,
    matches: Option<&Matches>,
    window: &Window,
) {
    qb.push(
        "SELECT u.user_id, u.tenant_id, t.name AS tenant_name, u.email, u.name, u.role, u.status, \
         u.last_login_at, u.created_at, u.updated_at",
    );
    window.push_select(qb);
    // A tenant's whole list (no search, so no matches) carries its kept count on every row: one
    // statement, one round trip.
    if let (Some(tenant), None) = (tenant, matches) {
        qb.push(", (SELECT c.users FROM tenant_user_counts c WHERE c.tenant_id = ")
            .push_bind(tenant.0)
            .push(") AS kept_total");
    }
    qb.push(" FROM users u JOIN tenants t ON t.tenant_id = u.tenant_id");
    push_user_filter(qb, query, tenant);
    if let Some(matches) = matches {
        matches.push_ids(qb, "u.user_id");
    }
    window.push_condition(qb);
    window.push_order(qb);
}

/// PostgreSQL's plan (JSON) for the tenant's users page `query` would read: the check that every
/// sort order and cursor is one index range (tests, and `EXPLAIN` when a list is slow).
pub async fn explain_users_page(tx: &mut TenantTx, query: &ListQuery) -> Result<String, sqlx::Error> {
    let window = Window::new(user_order(&query.sort), query.dir, query);
    let tenant = tx.tenant_id();
    let matches = user_matches(tx, query, Some(tenant)).await?;
    explain(tx, |qb| {
        push_users_page(qb, query, Some(tenant), matches.as_ref(), &window)
    })
    .await
}

/// The plan (JSON) of the statement that gathers a search's matches in the tenant's users.
pub async fn explain_user_search(tx: &mut TenantTx, query: &ListQuery) -> Result<String, sqlx::Error> {
    let tenant = tx.tenant_id();
    search::explain_gather(tx, "users u", "u.user_id", |qb| {
        push_user_filter(qb, query, Some(tenant))
    })
    .await
}

/// Shared by the tenant and platform listings; the caller's transaction decides what is visible.
async fn select_users_page_in(
    conn: &mut PgConnection,
    query: &ListQuery,
    tenant: Option<TenantId>,
) -> Result<Page<User>, sqlx::Error> {
    let window = Window::new(user_order(&query.sort), query.dir, query);
    let matches = user_matches(conn, query, tenant).await?;
    let mut page = QueryBuilder::new("");
    push_users_page(&mut page, query, tenant, matches.as_ref(), &window);
    let rows = page.build().fetch_all(&mut *conn).await?;
    let total = match (&matches, tenant) {
        (Some(matches), _) => matches.total(),
        (None, Some(tenant)) => kept_count(conn, tenant, &rows).await?,
        (None, None) => platform_total(conn, PlatformTable::Users).await?,
    };
    window.finish(rows, total, user_from_row)
}

/// The tenant's user count, kept by triggers as users come and go: exact, and one row to read.
/// The page's rows carry it (`kept_total`); a page past the end has none to carry it.
async fn kept_count(conn: &mut PgConnection, tenant: TenantId, rows: &[PgRow]) -> Result<Total, sqlx::Error> {
    let users = match rows.first() {
        Some(row) => row.try_get::<Option<i64>, _>("kept_total")?,
        None => {
            sqlx::query_scalar!("SELECT users FROM tenant_user_counts WHERE tenant_id = $1", tenant.0)
                .fetch_optional(&mut *conn)
                .await?
        }
    };
    Ok(Total::Exact(u64::try_from(users.unwrap_or(0)).unwrap_or(0)))
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

/// `WHERE …` of a chooser: the tenant's active users holding one of `roles`, not `except`, whose
/// name or email contains `search`.
fn push_choice_filter(
    qb: &mut QueryBuilder<'_, Postgres>,
    tenant: TenantId,
    search: &str,
    roles: &[&str],
    except: UserId,
) {
    let roles: Vec<String> = roles.iter().map(|role| (*role).to_owned()).collect();
    qb.push(" WHERE u.tenant_id = ").push_bind(tenant.0);
    qb.push(" AND u.status = 'active' AND u.role::text = ANY(")
        .push_bind(roles)
        .push(")");
    qb.push(" AND u.user_id <> ").push_bind(except.0);
    push_search(qb, search, &["u.name", "u.email"]);
}

/// Up to `limit` active users of the transaction's tenant whose name or email contains `search`,
/// holding one of `roles` and not `except`, by name: a chooser's answer. Without a search the
/// name index walks in order and stops at the limit; a search gathers its matches through the
/// trigram indexes first (`db::search`), so a name that sorts last is found as fast as one that
/// sorts first.
pub async fn select_user_choices(
    tx: &mut TenantTx,
    search: &str,
    roles: &[&str],
    except: UserId,
    limit: i64,
) -> Result<Vec<crate::paging::Choice>, sqlx::Error> {
    let tenant = tx.tenant_id();
    let matches = if search.is_empty() {
        None
    } else {
        Some(
            search::gather(tx, "users u", "u.user_id", search, |qb| {
                push_choice_filter(qb, tenant, search, roles, except)
            })
            .await?,
        )
    };
    let mut qb = QueryBuilder::new("SELECT u.user_id::text AS value, u.name AS label, u.email AS detail FROM users u");
    push_choice_filter(&mut qb, tenant, search, roles, except);
    if let Some(matches) = &matches {
        matches.push_ids(&mut qb, "u.user_id");
    }
    qb.push(" ORDER BY u.name_key, u.user_id LIMIT ").push_bind(limit);
    let rows = qb.build().fetch_all(&mut **tx).await?;
    rows.iter()
        .map(|row| {
            Ok(crate::paging::Choice {
                value: row.try_get("value")?,
                label: row.try_get("label")?,
                detail: row.try_get("detail")?,
            })
        })
        .collect()
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

/// Members of the transaction's tenant, every status (the plan's `users` limit): the count the
/// triggers keep, one row to read.
pub async fn select_user_count(tx: &mut TenantTx) -> Result<i64, sqlx::Error> {
    let tenant = tx.tenant_id();
    Ok(
        sqlx::query_scalar!("SELECT users FROM tenant_user_counts WHERE tenant_id = $1", tenant.0)
            .fetch_optional(&mut **tx)
            .await?
            .unwrap_or(0),
    )
}

/// Members of the transaction's tenant who signed in since `since` (statistics).
pub async fn count_signed_in_since(
    tx: &mut TenantTx,
    since: chrono::DateTime<chrono::Utc>,
) -> Result<i64, sqlx::Error> {
    let tenant = tx.tenant_id();
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM users WHERE tenant_id = $1 AND last_login_at >= $2"#,
        tenant.0,
        since
    )
    .fetch_one(&mut **tx)
    .await
}

/// Members of every tenant who signed in since `since` (platform statistics).
pub async fn count_all_signed_in_since(
    tx: &mut PlatformTx,
    since: chrono::DateTime<chrono::Utc>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM users WHERE last_login_at >= $1"#,
        since
    )
    .fetch_one(&mut **tx)
    .await
}
