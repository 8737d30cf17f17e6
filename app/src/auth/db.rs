//! Queries for sign-in and sessions.

use crate::auth::types::Principal;
use crate::db::{AuthTx, TenantTx};
use crate::ids::{PlatformUserId, TenantId, UserId};
use crate::permissions::types::Role;
use crate::tenants::types::{TenantSlug, TenantStatus};
use crate::users::types::UserStatus;
use atrium_types::portal::Branding;
use atrium_types::preferences::{Language, Theme};
use chrono::{DateTime, Utc};

/// One account an email address could sign in to.
#[derive(Debug, Clone)]
pub struct LoginCandidate {
    pub account: Account,
    pub password_hash: String,
    pub active: bool,
    pub tenant_active: bool,
    /// The account has a confirmed second factor: a right password leads to asking for it.
    pub two_factor: bool,
    /// The account's workspace requires a second factor of every member.
    pub two_factor_required: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Account {
    Platform(PlatformUserId),
    Tenant(TenantId, UserId),
}

impl Account {
    /// The audit entry about this account: its chain (tenant, or the platform's) and entity.
    pub fn audit_event(self, action: &str, after: Option<serde_json::Value>) -> crate::audit::db::AuditEvent<'_> {
        let (tenant_id, entity_type, id) = match self {
            Self::Platform(id) => (None, "platform_user", id.0),
            Self::Tenant(tenant, user) => (Some(tenant), "user", user.0),
        };
        crate::audit::db::AuditEvent {
            tenant_id,
            action,
            entity_type,
            entity_id: Some(id.to_string()),
            before: None,
            after,
        }
    }

    /// Marks `actor` as this account acting on its own behalf (sign-in, sign-out).
    pub fn act_as(self, actor: &mut crate::audit::db::Actor) {
        let (kind, id) = match self {
            Self::Platform(id) => ("platform_user", id.0),
            Self::Tenant(_, user) => ("user", user.0),
        };
        actor.kind = kind;
        actor.id = Some(id);
    }
}

/// Accounts with this email: platform users (unless a workspace is named) and tenant users.
pub async fn select_login_candidates(
    tx: &mut AuthTx,
    email: &str,
    workspace: Option<&str>,
) -> Result<Vec<LoginCandidate>, sqlx::Error> {
    let mut candidates = Vec::new();
    if workspace.is_none() {
        let rows = sqlx::query!(
            r#"SELECT platform_user_id, password_hash, status AS "status: UserStatus",
                      totp_confirmed_at IS NOT NULL AS "two_factor!"
               FROM platform_users WHERE email = $1"#,
            email
        )
        .fetch_all(&mut **tx)
        .await?;
        candidates.extend(rows.into_iter().map(|row| LoginCandidate {
            account: Account::Platform(PlatformUserId(row.platform_user_id)),
            password_hash: row.password_hash,
            active: row.status == UserStatus::Active,
            tenant_active: true,
            two_factor: row.two_factor,
            two_factor_required: false,
        }));
    }
    let rows = sqlx::query!(
        r#"SELECT u.tenant_id, u.user_id, u.password_hash, u.status AS "status: UserStatus",
                  t.status AS "tenant_status: TenantStatus",
                  u.totp_confirmed_at IS NOT NULL AS "two_factor!", t.require_two_factor
           FROM users u JOIN tenants t USING (tenant_id)
           WHERE u.email = $1 AND ($2::text IS NULL OR t.slug = $2)
           ORDER BY t.slug"#,
        email,
        workspace
    )
    .fetch_all(&mut **tx)
    .await?;
    candidates.extend(rows.into_iter().map(|row| LoginCandidate {
        account: Account::Tenant(TenantId(row.tenant_id), UserId(row.user_id)),
        password_hash: row.password_hash,
        active: row.status == UserStatus::Active,
        tenant_active: row.tenant_status == TenantStatus::Active,
        two_factor: row.two_factor,
        two_factor_required: row.require_two_factor,
    }));
    Ok(candidates)
}

/// Claims a place for one sign-in attempt among the five failures a 15-minute window allows,
/// before its password is checked. Refused (false) while the account is locked or while failures
/// and attempts in flight already make five; PostgreSQL re-evaluates the WHERE of an UPDATE that
/// waited for a concurrent one, so two attempts can never both take the last place. A window
/// older than 15 minutes starts again. Every claim is settled by `update_tenant_user_failure` or
/// `update_tenant_user_release`.
pub async fn update_tenant_user_claim(tx: &mut TenantTx, id: UserId) -> Result<bool, sqlx::Error> {
    let claimed = sqlx::query_scalar!(
        r#"UPDATE users SET
             failed_logins = CASE WHEN failed_window_start > now() - interval '15 minutes'
                                  THEN failed_logins ELSE 0 END,
             pending_logins = CASE WHEN failed_window_start > now() - interval '15 minutes'
                                   THEN pending_logins + 1 ELSE 1 END,
             failed_window_start = CASE WHEN failed_window_start > now() - interval '15 minutes'
                                        THEN failed_window_start ELSE now() END
           WHERE user_id = $1
             AND (locked_until IS NULL OR locked_until <= now())
             AND (failed_window_start IS NULL
                  OR failed_window_start <= now() - interval '15 minutes'
                  OR failed_logins + pending_logins < 5)
           RETURNING true AS "claimed!""#,
        id.0
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(claimed.unwrap_or(false))
}

/// Settles a claimed attempt whose password was wrong: one more failure; the fifth in the window
/// locks the account for 15 minutes. Returns whether this failure is the one that locked it.
pub async fn update_tenant_user_failure(tx: &mut TenantTx, id: UserId) -> Result<bool, sqlx::Error> {
    let locked = sqlx::query_scalar!(
        r#"UPDATE users SET
             pending_logins = greatest(pending_logins - 1, 0),
             failed_logins = failed_logins + 1,
             locked_until = CASE WHEN failed_logins + 1 >= 5 AND (locked_until IS NULL OR locked_until <= now())
                                 THEN now() + interval '15 minutes' ELSE locked_until END
           WHERE user_id = $1
           RETURNING failed_logins = 5 AS "locked!""#,
        id.0
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(locked.unwrap_or(false))
}

/// Settles a claimed attempt whose password was right: the claim is handed back (failures in the
/// window stay counted: a right password does not buy more guesses), and `signed_in` stamps
/// `last_login_at`. Returns false when the account is locked after all, which then must not sign
/// in.
pub async fn update_tenant_user_release(tx: &mut TenantTx, id: UserId, signed_in: bool) -> Result<bool, sqlx::Error> {
    let unlocked = sqlx::query_scalar!(
        r#"UPDATE users SET
             pending_logins = greatest(pending_logins - 1, 0),
             failed_window_start = CASE WHEN failed_logins = 0 AND pending_logins <= 1
                                        THEN NULL ELSE failed_window_start END,
             last_login_at = CASE WHEN $2 THEN now() ELSE last_login_at END
           WHERE user_id = $1
           RETURNING (locked_until IS NULL OR locked_until <= now()) AS "unlocked!""#,
        id.0,
        signed_in
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(unlocked.unwrap_or(false))
}

/// The platform-user twin of `update_tenant_user_claim`.
pub async fn update_platform_user_claim(tx: &mut AuthTx, id: PlatformUserId) -> Result<bool, sqlx::Error> {
    let claimed = sqlx::query_scalar!(
        r#"UPDATE platform_users SET
             failed_logins = CASE WHEN failed_window_start > now() - interval '15 minutes'
                                  THEN failed_logins ELSE 0 END,
             pending_logins = CASE WHEN failed_window_start > now() - interval '15 minutes'
                                   THEN pending_logins + 1 ELSE 1 END,
             failed_window_start = CASE WHEN failed_window_start > now() - interval '15 minutes'
                                        THEN failed_window_start ELSE now() END
           WHERE platform_user_id = $1
             AND (locked_until IS NULL OR locked_until <= now())
             AND (failed_window_start IS NULL
                  OR failed_window_start <= now() - interval '15 minutes'
                  OR failed_logins + pending_logins < 5)
           RETURNING true AS "claimed!""#,
        id.0
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(claimed.unwrap_or(false))
}

/// The platform-user twin of `update_tenant_user_failure`.
pub async fn update_platform_user_failure(tx: &mut AuthTx, id: PlatformUserId) -> Result<bool, sqlx::Error> {
    let locked = sqlx::query_scalar!(
        r#"UPDATE platform_users SET
             pending_logins = greatest(pending_logins - 1, 0),
             failed_logins = failed_logins + 1,
             locked_until = CASE WHEN failed_logins + 1 >= 5 AND (locked_until IS NULL OR locked_until <= now())
                                 THEN now() + interval '15 minutes' ELSE locked_until END
           WHERE platform_user_id = $1
           RETURNING failed_logins = 5 AS "locked!""#,
        id.0
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(locked.unwrap_or(false))
}

/// The platform-user twin of `update_tenant_user_release`.
pub async fn update_platform_user_release(
    tx: &mut AuthTx,
    id: PlatformUserId,
    signed_in: bool,
) -> Result<bool, sqlx::Error> {
    let unlocked = sqlx::query_scalar!(
        r#"UPDATE platform_users SET
             pending_logins = greatest(pending_logins - 1, 0),
             failed_window_start = CASE WHEN failed_logins = 0 AND pending_logins <= 1
                                        THEN NULL ELSE failed_window_start END,
             last_login_at = CASE WHEN $2 THEN now() ELSE last_login_at END
           WHERE platform_user_id = $1
           RETURNING (locked_until IS NULL OR locked_until <= now()) AS "unlocked!""#,
        id.0,
        signed_in
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(unlocked.unwrap_or(false))
}

pub struct NewSession<'a> {
    pub token_hash: &'a [u8],
    pub account: Account,
    pub expires_at: DateTime<Utc>,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    /// Support access: the platform administrator opening it in the member's name, and why.
    pub impersonation: Option<(PlatformUserId, &'a str)>,
}

/// Takes a bare connection because a tenant sign-in writes it inside that tenant's transaction.
/// Sets the account's theme; returns the one it had (`None`: no such account in this scope).
pub async fn update_theme(
    conn: &mut sqlx::PgConnection,
    account: Account,
    theme: Theme,
) -> Result<Option<Theme>, sqlx::Error> {
    // Joined to itself, the UPDATE returns the row as it was before.
    let before = match account {
        Account::Platform(id) => {
            sqlx::query_scalar!(
                "UPDATE platform_users p SET theme = $2 FROM platform_users old
                 WHERE p.platform_user_id = $1 AND old.platform_user_id = p.platform_user_id
                 RETURNING old.theme",
                id.0,
                theme.as_str()
            )
            .fetch_optional(conn)
            .await?
        }
        Account::Tenant(tenant, user) => {
            sqlx::query_scalar!(
                "UPDATE users u SET theme = $3 FROM users old
                 WHERE u.tenant_id = $1 AND u.user_id = $2
                   AND old.tenant_id = u.tenant_id AND old.user_id = u.user_id
                 RETURNING old.theme",
                tenant.0,
                user.0,
                theme.as_str()
            )
            .fetch_optional(conn)
            .await?
        }
    };
    Ok(before.map(|stored| Theme::parse(&stored).unwrap_or_default()))
}

/// Sets the account's language (`None`: follow the browser); returns the one it had (outer
/// `None`: no such account in this scope).
pub async fn update_language(
    conn: &mut sqlx::PgConnection,
    account: Account,
    language: Option<Language>,
) -> Result<Option<Option<Language>>, sqlx::Error> {
    let tag = language.map(Language::as_str);
    // Joined to itself, the UPDATE returns the row as it was before.
    let before = match account {
        Account::Platform(id) => {
            sqlx::query_scalar!(
                "UPDATE platform_users p SET language = $2 FROM platform_users old
                 WHERE p.platform_user_id = $1 AND old.platform_user_id = p.platform_user_id
                 RETURNING old.language",
                id.0,
                tag
            )
            .fetch_optional(conn)
            .await?
        }
        Account::Tenant(tenant, user) => {
            sqlx::query_scalar!(
                "UPDATE users u SET language = $3 FROM users old
                 WHERE u.tenant_id = $1 AND u.user_id = $2
                   AND old.tenant_id = u.tenant_id AND old.user_id = u.user_id
                 RETURNING old.language",
                tenant.0,
                user.0,
                tag
            )
            .fetch_optional(conn)
            .await?
        }
    };
    Ok(before.map(|stored| stored.as_deref().and_then(Language::parse)))
}

pub async fn insert_session(conn: &mut sqlx::PgConnection, session: NewSession<'_>) -> Result<(), sqlx::Error> {
    let (platform_user_id, tenant_id, user_id) = match session.account {
        Account::Platform(id) => (Some(id.0), None, None),
        Account::Tenant(tenant, user) => (None, Some(tenant.0), Some(user.0)),
    };
    let (impersonator_id, reason) = session
        .impersonation
        .map_or((None, None), |(id, reason)| (Some(id.0), Some(reason)));
    sqlx::query!(
        "INSERT INTO sessions (token_hash, platform_user_id, tenant_id, user_id, expires_at, ip, user_agent,
                               impersonator_id, impersonation_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        session.token_hash,
        platform_user_id,
        tenant_id,
        user_id,
        session.expires_at,
        session.ip,
        session.user_agent,
        impersonator_id,
        reason,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes a bare connection because a tenant sign-out is written inside that tenant's transaction
/// (with its audit row).
pub async fn delete_session(conn: &mut sqlx::PgConnection, token_hash: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM sessions WHERE token_hash = $1", token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Whose session this is (expired or not) and their email, for the sign-out audit row.
pub async fn select_session_account(
    tx: &mut AuthTx,
    token_hash: &[u8],
) -> Result<Option<(Account, Option<String>)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT s.platform_user_id, s.tenant_id, s.user_id, coalesce(p.email, u.email) AS "email?"
           FROM sessions s
           LEFT JOIN platform_users p ON p.platform_user_id = s.platform_user_id
           LEFT JOIN users u ON u.tenant_id = s.tenant_id AND u.user_id = s.user_id
           WHERE s.token_hash = $1"#,
        token_hash
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.and_then(|row| {
        let account = match (row.platform_user_id, row.tenant_id, row.user_id) {
            (Some(id), _, _) => Account::Platform(PlatformUserId(id)),
            (None, Some(tenant), Some(user)) => Account::Tenant(TenantId(tenant), UserId(user)),
            _ => return None,
        };
        Some((account, row.email))
    }))
}

/// Signs a tenant user out everywhere (disable, delete, password reset).
pub async fn delete_user_sessions(tx: &mut TenantTx, user_id: UserId) -> Result<(), sqlx::Error> {
    let tenant_id = tx.tenant_id();
    sqlx::query!(
        "DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2",
        tenant_id.0,
        user_id.0
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A live session's principal and when the session was last used (to refresh it).
pub struct LiveSession {
    pub principal: Principal,
    pub last_seen_at: DateTime<Utc>,
    /// The account's colour theme (the page is rendered in it).
    pub theme: Theme,
    /// The account's language; `None`: the browser's.
    pub language: Option<Language>,
}

/// The principal behind a live session: unexpired, used within the last `idle_secs`, account
/// active, tenant not suspended.
pub async fn select_session_principal(
    tx: &mut AuthTx,
    token_hash: &[u8],
    idle_secs: f64,
) -> Result<Option<LiveSession>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT s.platform_user_id, p.email AS "p_email?", p.name AS "p_name?",
                  s.tenant_id, s.user_id, u.email AS "u_email?", u.name AS "u_name?",
                  u.role AS "role?: Role", t.name AS "tenant_name?", t.slug AS "tenant_slug?",
                  t.brand_name, t.brand_logo_url, t.brand_color, t.erase_after, s.last_seen_at,
                  s.impersonator_id, i.email AS "impersonator_email?", s.impersonation_reason,
                  coalesce(p.theme, u.theme) AS theme, coalesce(p.language, u.language) AS language
           FROM sessions s
           LEFT JOIN platform_users p ON p.platform_user_id = s.platform_user_id AND p.status = 'active'
           LEFT JOIN users u ON u.tenant_id = s.tenant_id AND u.user_id = s.user_id AND u.status = 'active'
           LEFT JOIN tenants t ON t.tenant_id = s.tenant_id AND t.status = 'active'
           -- Support access lasts while the administrator who opened it stays active, the
           -- workspace still allows it and its plan (or switch) still includes it.
           LEFT JOIN platform_users i ON i.platform_user_id = s.impersonator_id AND i.status = 'active'
           WHERE s.token_hash = $1 AND s.expires_at > now()
             AND (s.impersonator_id IS NULL OR (i.email IS NOT NULL AND t.allow_impersonation
                                                AND 'support_access' = ANY (t.features)))
             -- The workspace's own policy can only shorten the platform's (migration
             -- 20261211000003_session_policy).
             AND s.last_seen_at > now() - make_interval(secs => least($2::float8, coalesce(t.session_idle_minutes * 60::float8, $2::float8)))
             AND (t.session_max_hours IS NULL OR s.created_at > now() - make_interval(hours => t.session_max_hours))"#,
        token_hash,
        idle_secs
    )
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let principal = match (row.platform_user_id, row.p_email, row.p_name) {
        (Some(id), Some(email), Some(name)) => Some(Principal::Platform {
            platform_user_id: PlatformUserId(id),
            email,
            name,
        }),
        _ => match (
            row.tenant_id,
            row.user_id,
            row.u_email,
            row.u_name,
            row.role,
            row.tenant_name,
            row.tenant_slug.and_then(|slug| TenantSlug::parse(&slug).ok()),
        ) {
            (
                Some(tenant_id),
                Some(user_id),
                Some(email),
                Some(name),
                Some(role),
                Some(tenant_name),
                Some(tenant_slug),
            ) => Some(Principal::Tenant {
                tenant_id: TenantId(tenant_id),
                branding: Branding::from_stored(
                    &tenant_name,
                    row.brand_name.as_deref(),
                    row.brand_logo_url.as_deref(),
                    row.brand_color.as_deref(),
                ),
                erase_after: row.erase_after,
                tenant_name,
                tenant_slug,
                user_id: UserId(user_id),
                email,
                name,
                role,
                impersonator: match (row.impersonator_id, row.impersonator_email, row.impersonation_reason) {
                    (Some(id), Some(email), Some(reason)) => Some(crate::auth::types::Impersonator {
                        platform_user_id: PlatformUserId(id),
                        email,
                        reason,
                    }),
                    _ => None,
                },
            }),
            _ => None,
        },
    };
    let theme = row.theme.as_deref().and_then(Theme::parse).unwrap_or_default();
    Ok(principal.map(|principal| LiveSession {
        principal,
        last_seen_at: row.last_seen_at,
        theme,
        language: row.language.as_deref().and_then(Language::parse),
    }))
}

/// Marks a session as used now, unless that was written less than `granularity_secs` ago (so
/// concurrent requests of one session do not all write).
pub async fn update_session_seen(tx: &mut AuthTx, token_hash: &[u8], granularity_secs: f64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE sessions SET last_seen_at = now()
         WHERE token_hash = $1 AND last_seen_at <= now() - make_interval(secs => $2)",
        token_hash,
        granularity_secs
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Deletes sessions that can no longer sign anyone in: expired, or unused for `idle_secs`
/// (the `session_cleanup` job). Returns how many went.
pub async fn delete_stale_sessions(tx: &mut AuthTx, idle_secs: f64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!(
        "DELETE FROM sessions WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(secs => $1)",
        idle_secs
    )
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

/// Creates a platform administrator (seeding and, later, platform user management).
pub async fn insert_platform_user(
    tx: &mut crate::db::PlatformTx,
    email: &str,
    name: &str,
    password_hash: &str,
) -> Result<PlatformUserId, sqlx::Error> {
    let id = sqlx::query_scalar!(
        "INSERT INTO platform_users (email, name, password_hash) VALUES ($1, $2, $3) RETURNING platform_user_id",
        email,
        name,
        password_hash
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(PlatformUserId(id))
}

pub async fn select_platform_user_count(tx: &mut crate::db::PlatformTx) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM platform_users"#)
        .fetch_one(&mut **tx)
        .await
}

// Sign-in challenges: the step between a right password and a session when a second factor
// is asked for or must be set up (issue 14).

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

pub async fn insert_challenge(conn: &mut sqlx::PgConnection, challenge: NewChallenge<'_>) -> Result<(), sqlx::Error> {
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
pub async fn select_challenge(tx: &mut AuthTx, token_hash: &[u8]) -> Result<Option<Challenge>, sqlx::Error> {
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
pub async fn delete_challenge(conn: &mut sqlx::PgConnection, token_hash: &[u8]) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!("DELETE FROM sign_in_challenges WHERE token_hash = $1", token_hash)
        .execute(conn)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Sweeps expired challenges (with the session clean-up).
pub async fn delete_expired_challenges(tx: &mut AuthTx) -> Result<u64, sqlx::Error> {
    let result = sqlx::query!("DELETE FROM sign_in_challenges WHERE expires_at <= now()")
        .execute(&mut **tx)
        .await?;
    Ok(result.rows_affected())
}

/// Whether a workspace admits support access now, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupportAdmission {
    Admitted,
    /// The workspace's plan (or its feature switch) leaves support access out.
    NotInPlan,
    /// The workspace refuses it (its Security page), or is not active.
    Refused,
}

pub async fn select_support_admission(tx: &mut TenantTx, tenant_id: TenantId) -> Result<SupportAdmission, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT allow_impersonation AND status = 'active' AS "allowed!",
                  'support_access' = ANY (features) AS "in_plan!"
           FROM tenants WHERE tenant_id = $1"#,
        tenant_id.0
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(match row {
        Some(row) if !row.in_plan => SupportAdmission::NotInPlan,
        Some(row) if row.allowed => SupportAdmission::Admitted,
        _ => SupportAdmission::Refused,
    })
}

/// The workspace's own setting for support access (its Security page).
pub async fn select_support_setting(tx: &mut TenantTx, tenant_id: TenantId) -> Result<bool, sqlx::Error> {
    let allowed = sqlx::query_scalar!(
        "SELECT allow_impersonation FROM tenants WHERE tenant_id = $1",
        tenant_id.0
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(allowed.unwrap_or(false))
}

/// Sets whether platform support may sign in as the workspace's members. Support sessions
/// already open end with it: the session lookup checks the setting.
pub async fn update_support_setting(tx: &mut TenantTx, tenant_id: TenantId, allowed: bool) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE tenants SET allow_impersonation = $2, updated_at = now() WHERE tenant_id = $1",
        tenant_id.0,
        allowed
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
