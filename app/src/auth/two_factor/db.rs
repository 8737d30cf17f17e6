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

/// What a sign-in challenge lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Prove the confirmed factor.
    Verify,
    /// Set one up: the workspace requires it and the account has none.
    Enrol,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::Verify => "verify",
            Self::Enrol => "enrol",
        }
    }
}

/// A live challenge, with the account's email for the audit rows it leads to.
#[derive(Debug, Clone)]
pub struct Challenge {
    pub account: Account,
    pub purpose: Purpose,
    pub email: String,
    /// How an authenticator app names the account: the email, and a member's workspace.
    pub label: String,
}

pub struct NewChallenge<'a> {
    pub token_hash: &'a [u8],
    pub account: Account,
    pub purpose: Purpose,
    pub expires_at: DateTime<Utc>,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

pub async fn insert_challenge(conn: &mut PgConnection, challenge: NewChallenge<'_>) -> Result<(), sqlx::Error> {
    let (platform_user_id, tenant_id, user_id) = match challenge.account {
        Account::Platform(id) => (Some(id.0), None, None),
        Account::Tenant(tenant, user) => (None, Some(tenant.0), Some(user.0)),
    };
    sqlx::query!(
        "INSERT INTO sign_in_challenges (token_hash, platform_user_id, tenant_id, user_id, purpose, expires_at, ip, user_agent)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        challenge.token_hash,
        platform_user_id,
        tenant_id,
        user_id,
        challenge.purpose.as_str(),
        challenge.expires_at,
        challenge.ip,
        challenge.user_agent
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The unexpired challenge behind a token hash (auth scope).
pub async fn select_challenge(tx: &mut crate::db::AuthTx, token_hash: &[u8]) -> Result<Option<Challenge>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT c.platform_user_id, c.tenant_id, c.user_id, c.purpose,
                  coalesce(p.email, u.email) AS "email!",
                  coalesce(p.email, u.email || ' (' || t.slug || ')') AS "label!"
           FROM sign_in_challenges c
           LEFT JOIN platform_users p USING (platform_user_id)
           LEFT JOIN users u ON u.tenant_id = c.tenant_id AND u.user_id = c.user_id
           LEFT JOIN tenants t ON t.tenant_id = c.tenant_id
           WHERE c.token_hash = $1 AND c.expires_at > now()"#,
        token_hash
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.and_then(|row| {
        let account = match (row.platform_user_id, row.tenant_id, row.user_id) {
            (Some(id), None, None) => Account::Platform(crate::ids::PlatformUserId(id)),
            (None, Some(tenant), Some(user)) => Account::Tenant(crate::ids::TenantId(tenant), crate::ids::UserId(user)),
            _ => return None,
        };
        let purpose = match row.purpose.as_str() {
            "verify" => Purpose::Verify,
            "enrol" => Purpose::Enrol,
            _ => return None,
        };
        Some(Challenge {
            account,
            purpose,
            email: row.email,
            label: row.label,
        })
    }))
}

/// Ends a challenge; false when it was already gone (used by a racing request, or expired and
/// swept).
pub async fn delete_challenge(conn: &mut PgConnection, token_hash: &[u8]) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!("DELETE FROM sign_in_challenges WHERE token_hash = $1", token_hash)
        .execute(conn)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Sweeps expired challenges (with the session clean-up).
pub async fn delete_expired_challenges(tx: &mut crate::db::AuthTx) -> Result<u64, sqlx::Error> {
    let result = sqlx::query!("DELETE FROM sign_in_challenges WHERE expires_at <= now()")
        .execute(&mut **tx)
        .await?;
    Ok(result.rows_affected())
}
