//! Queries for second factors (on the account's own row) and sign-in challenges. A member's
//! factor is read and written in its tenant's transaction, a platform administrator's in the
//! auth or platform scope; each query takes the connection of whichever transaction the caller
//! holds and the account decides the table.

use crate::auth::db::Account;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// An account's second factor as stored.
#[derive(Debug, Clone)]
pub struct Factor {
    pub secret: Option<Vec<u8>>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub last_step: Option<i64>,
    pub backup_codes_left: i32,
}

impl Factor {
    /// The secret of a confirmed factor: the only kind sign-in asks for.
    pub fn confirmed_secret(&self) -> Option<&[u8]> {
        self.confirmed_at.and(self.secret.as_deref())
    }
}

pub async fn select_factor(conn: &mut PgConnection, account: Account) -> Result<Option<Factor>, sqlx::Error> {
    match account {
        Account::Platform(id) => {
            sqlx::query_as!(
                Factor,
                r#"SELECT totp_secret AS secret, totp_confirmed_at AS confirmed_at, totp_last_step AS last_step,
                          cardinality(totp_backup_codes) AS "backup_codes_left!"
                   FROM platform_users WHERE platform_user_id = $1"#,
                id.0
            )
            .fetch_optional(conn)
            .await
        }
        Account::Tenant(_, user) => {
            sqlx::query_as!(
                Factor,
                r#"SELECT totp_secret AS secret, totp_confirmed_at AS confirmed_at, totp_last_step AS last_step,
                          cardinality(totp_backup_codes) AS "backup_codes_left!"
                   FROM users WHERE user_id = $1"#,
                user.0
            )
            .fetch_optional(conn)
            .await
        }
    }
}

/// Starts (or restarts) an enrolment with a new secret; refused (false) when a confirmed factor
/// exists, which must be turned off first.
pub async fn update_pending_secret(
    conn: &mut PgConnection,
    account: Account,
    secret: &[u8],
) -> Result<bool, sqlx::Error> {
    let result = match account {
        Account::Platform(id) => {
            sqlx::query!(
                "UPDATE platform_users SET totp_secret = $2, totp_last_step = NULL, totp_backup_codes = '{}',
                        updated_at = now()
                 WHERE platform_user_id = $1 AND totp_confirmed_at IS NULL",
                id.0,
                secret
            )
            .execute(conn)
            .await?
        }
        Account::Tenant(_, user) => {
            sqlx::query!(
                "UPDATE users SET totp_secret = $2, totp_last_step = NULL, totp_backup_codes = '{}', updated_at = now()
                 WHERE user_id = $1 AND totp_confirmed_at IS NULL",
                user.0,
                secret
            )
            .execute(conn)
            .await?
        }
    };
    Ok(result.rows_affected() == 1)
}

/// Confirms the pending secret whose first code was for `step`, with the backup codes' hashes.
/// Refused (false) when nothing is pending or the secret changed since it was read.
pub async fn update_confirm(
    conn: &mut PgConnection,
    account: Account,
    secret: &[u8],
    step: i64,
    backup_hashes: &[Vec<u8>],
) -> Result<bool, sqlx::Error> {
    let result = match account {
        Account::Platform(id) => {
            sqlx::query!(
                "UPDATE platform_users SET totp_confirmed_at = now(), totp_last_step = $3, totp_backup_codes = $4,
                        updated_at = now()
                 WHERE platform_user_id = $1 AND totp_secret = $2 AND totp_confirmed_at IS NULL",
                id.0,
                secret,
                step,
                backup_hashes
            )
            .execute(conn)
            .await?
        }
        Account::Tenant(_, user) => {
            sqlx::query!(
                "UPDATE users SET totp_confirmed_at = now(), totp_last_step = $3, totp_backup_codes = $4,
                        updated_at = now()
                 WHERE user_id = $1 AND totp_secret = $2 AND totp_confirmed_at IS NULL",
                user.0,
                secret,
                step,
                backup_hashes
            )
            .execute(conn)
            .await?
        }
    };
    Ok(result.rows_affected() == 1)
}

/// Records that a code of `step` was accepted; false when that step or a later one already was
/// (two sign-ins racing with one observed code: one wins, the other is a replay).
pub async fn update_accept_step(conn: &mut PgConnection, account: Account, step: i64) -> Result<bool, sqlx::Error> {
    let result = match account {
        Account::Platform(id) => {
            sqlx::query!(
                "UPDATE platform_users SET totp_last_step = $2
                 WHERE platform_user_id = $1 AND totp_confirmed_at IS NOT NULL
                   AND (totp_last_step IS NULL OR totp_last_step < $2)",
                id.0,
                step
            )
            .execute(conn)
            .await?
        }
        Account::Tenant(_, user) => {
            sqlx::query!(
                "UPDATE users SET totp_last_step = $2
                 WHERE user_id = $1 AND totp_confirmed_at IS NOT NULL
                   AND (totp_last_step IS NULL OR totp_last_step < $2)",
                user.0,
                step
            )
            .execute(conn)
            .await?
        }
    };
    Ok(result.rows_affected() == 1)
}

/// Uses up the backup code with this hash; false when it is not (or no longer) among the unused.
pub async fn update_use_backup_code(
    conn: &mut PgConnection,
    account: Account,
    hash: &[u8],
) -> Result<bool, sqlx::Error> {
    let result = match account {
        Account::Platform(id) => {
            sqlx::query!(
                "UPDATE platform_users SET totp_backup_codes = array_remove(totp_backup_codes, $2)
                 WHERE platform_user_id = $1 AND totp_confirmed_at IS NOT NULL AND $2 = ANY (totp_backup_codes)",
                id.0,
                hash
            )
            .execute(conn)
            .await?
        }
        Account::Tenant(_, user) => {
            sqlx::query!(
                "UPDATE users SET totp_backup_codes = array_remove(totp_backup_codes, $2)
                 WHERE user_id = $1 AND totp_confirmed_at IS NOT NULL AND $2 = ANY (totp_backup_codes)",
                user.0,
                hash
            )
            .execute(conn)
            .await?
        }
    };
    Ok(result.rows_affected() == 1)
}

/// Replaces the unused backup codes of a confirmed factor.
pub async fn update_backup_codes(
    conn: &mut PgConnection,
    account: Account,
    backup_hashes: &[Vec<u8>],
) -> Result<bool, sqlx::Error> {
    let result = match account {
        Account::Platform(id) => {
            sqlx::query!(
                "UPDATE platform_users SET totp_backup_codes = $2, updated_at = now()
                 WHERE platform_user_id = $1 AND totp_confirmed_at IS NOT NULL",
                id.0,
                backup_hashes
            )
            .execute(conn)
            .await?
        }
        Account::Tenant(_, user) => {
            sqlx::query!(
                "UPDATE users SET totp_backup_codes = $2, updated_at = now()
                 WHERE user_id = $1 AND totp_confirmed_at IS NOT NULL",
                user.0,
                backup_hashes
            )
            .execute(conn)
            .await?
        }
    };
    Ok(result.rows_affected() == 1)
}

/// Removes the factor (turned off, or reset by an administrator); false when there was none.
pub async fn update_clear(conn: &mut PgConnection, account: Account) -> Result<bool, sqlx::Error> {
    let result = match account {
        Account::Platform(id) => {
            sqlx::query!(
                "UPDATE platform_users SET totp_secret = NULL, totp_confirmed_at = NULL, totp_last_step = NULL,
                        totp_backup_codes = '{}', updated_at = now()
                 WHERE platform_user_id = $1 AND totp_secret IS NOT NULL",
                id.0
            )
            .execute(conn)
            .await?
        }
        Account::Tenant(_, user) => {
            sqlx::query!(
                "UPDATE users SET totp_secret = NULL, totp_confirmed_at = NULL, totp_last_step = NULL,
                        totp_backup_codes = '{}', updated_at = now()
                 WHERE user_id = $1 AND totp_secret IS NOT NULL",
                user.0
            )
            .execute(conn)
            .await?
        }
    };
    Ok(result.rows_affected() == 1)
}

/// Whether the member's workspace requires a second factor (read in its tenant transaction).
pub async fn select_tenant_requires(
    conn: &mut PgConnection,
    tenant_id: crate::ids::TenantId,
) -> Result<bool, sqlx::Error> {
    let required = sqlx::query_scalar!(
        "SELECT require_two_factor FROM tenants WHERE tenant_id = $1",
        tenant_id.0
    )
    .fetch_optional(conn)
    .await?;
    Ok(required.unwrap_or(false))
}

/// Sets whether the member's workspace requires a second factor (in its tenant transaction).
pub async fn update_tenant_requires(
    conn: &mut PgConnection,
    tenant_id: crate::ids::TenantId,
    required: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE tenants SET require_two_factor = $2, updated_at = now() WHERE tenant_id = $1",
        tenant_id.0,
        required
    )
    .execute(conn)
    .await?;
    Ok(())
}
