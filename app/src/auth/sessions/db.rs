//! Queries for an account's own sessions: list them, end one, end the others.

use crate::auth::db::Account;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// The most sessions "Your sessions" lists (the newest used first).
pub const LIST_LIMIT: i64 = 50;

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub session_id: uuid::Uuid,
    pub token_hash: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// The account's unexpired sessions, the most recently used first (served by
/// `sessions_user_idx` / `sessions_platform_user_idx`: an account has few).
pub async fn select_sessions(conn: &mut PgConnection, account: Account) -> Result<Vec<SessionRow>, sqlx::Error> {
    let (platform_user_id, tenant_id, user_id) = columns(account);
    sqlx::query_as!(
        SessionRow,
        "SELECT session_id, token_hash, created_at, last_seen_at, ip, user_agent FROM sessions
         WHERE expires_at > now()
           AND (platform_user_id = $1 OR (tenant_id = $2 AND user_id = $3))
         ORDER BY last_seen_at DESC, session_id
         LIMIT $4",
        platform_user_id,
        tenant_id,
        user_id,
        LIST_LIMIT
    )
    .fetch_all(conn)
    .await
}

/// Ends one of the account's sessions; false when it is not one of theirs (or already ended).
pub async fn delete_session(
    conn: &mut PgConnection,
    account: Account,
    session_id: uuid::Uuid,
) -> Result<bool, sqlx::Error> {
    let (platform_user_id, tenant_id, user_id) = columns(account);
    let result = sqlx::query!(
        "DELETE FROM sessions WHERE session_id = $4
           AND (platform_user_id = $1 OR (tenant_id = $2 AND user_id = $3))",
        platform_user_id,
        tenant_id,
        user_id,
        session_id
    )
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Ends every session of the account but `keep` (the token hash of the one in use), or all of
/// them with `None`. Returns how many ended.
pub async fn delete_sessions_except(
    conn: &mut PgConnection,
    account: Account,
    keep: Option<&[u8]>,
) -> Result<u64, sqlx::Error> {
    let (platform_user_id, tenant_id, user_id) = columns(account);
    let result = sqlx::query!(
        "DELETE FROM sessions
         WHERE (platform_user_id = $1 OR (tenant_id = $2 AND user_id = $3))
           AND ($4::bytea IS NULL OR token_hash <> $4)",
        platform_user_id,
        tenant_id,
        user_id,
        keep
    )
    .execute(conn)
    .await?;
    Ok(result.rows_affected())
}

fn columns(account: Account) -> (Option<uuid::Uuid>, Option<uuid::Uuid>, Option<uuid::Uuid>) {
    match account {
        Account::Platform(id) => (Some(id.0), None, None),
        Account::Tenant(tenant, user) => (None, Some(tenant.0), Some(user.0)),
    }
}

/// The account's password hash, to check the current password before a change.
pub async fn select_password_hash(conn: &mut PgConnection, account: Account) -> Result<Option<String>, sqlx::Error> {
    match account {
        Account::Platform(id) => {
            sqlx::query_scalar!(
                "SELECT password_hash FROM platform_users WHERE platform_user_id = $1",
                id.0
            )
            .fetch_optional(conn)
            .await
        }
        Account::Tenant(_, user) => {
            sqlx::query_scalar!("SELECT password_hash FROM users WHERE user_id = $1", user.0)
                .fetch_optional(conn)
                .await
        }
    }
}

/// Sets the account's own new password hash.
pub async fn update_password_hash(conn: &mut PgConnection, account: Account, hash: &str) -> Result<bool, sqlx::Error> {
    let result = match account {
        Account::Platform(id) => {
            sqlx::query!(
                "UPDATE platform_users SET password_hash = $2, updated_at = now() WHERE platform_user_id = $1",
                id.0,
                hash
            )
            .execute(conn)
            .await?
        }
        Account::Tenant(_, user) => {
            sqlx::query!(
                "UPDATE users SET password_hash = $2, updated_at = now() WHERE user_id = $1",
                user.0,
                hash
            )
            .execute(conn)
            .await?
        }
    };
    Ok(result.rows_affected() == 1)
}
