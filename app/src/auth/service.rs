//! The sign-in procedure: candidate lookup, constant-effort password checks, lockout claimed
//! before hashing, session.

use super::context::RequestMeta;
use super::db::{self as auth_db, Account, LoginCandidate, NewChallenge, NewSession, Purpose};
use super::password;
use super::settings;
use crate::audit::db::{Actor, insert_audit_event};
use crate::db::{AuthTx, Db, TenantTx};
use crate::error::{AppError, FieldErrors};
use crate::i18n::t;
use crate::validation::Email;
use chrono::{Duration, Utc};
use sha2::{Digest, Sha256};

/// How long a session lasts before the user must sign in again.
pub const SESSION_TTL_HOURS: i64 = 12;

/// A fresh random session token (sent in the cookie) and its hash (stored).
pub fn new_token() -> (String, Vec<u8>) {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = hash_token(&token);
    (token, hash)
}

pub fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

pub struct LoginRequest {
    pub email: String,
    pub password: String,
    pub workspace: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
}

/// Signs in; returns the new session token.
///
/// Every refusal that is not about the password being right (a wrong password, an unknown email,
/// a locked account) gives the same answer after the same argon2 work, so neither the message
/// nor the timing tells whether an email exists or is locked. Before an account's real hash is
/// checked the attempt claims one of the five failures its window allows
/// (`update_*_claim`); a locked account, or one with five failures and attempts in flight, is
/// checked against the dummy hash instead. So however many guesses arrive at once, at most five
/// meet the real hash per window, and a right password wins only if it claimed its place before
/// the fifth failure.
///
/// The attempt runs to its end in a task of its own: a client that disconnects mid-hash must not
/// leave a claim unsettled. It keeps the request's context, so its refusals are worded in the
/// request's language.
pub async fn login(db: &Db, request: LoginRequest) -> Result<SignIn, AppError> {
    let db = db.clone();
    let attempt = leptos::prelude::ScopedFuture::new_untracked(async move { attempt(&db, request).await });
    tokio::spawn(attempt).await.map_err(|error| {
        tracing::error!(%error, "sign-in task failed");
        AppError::Internal
    })?
}

/// How a right password ends.
#[derive(Debug)]
pub enum SignIn {
    /// Signed in: the new session's token.
    Session(String),
    /// Not yet: the account must prove (or, as its workspace requires, set up) a second factor.
    /// The challenge's token, for its own short-lived cookie.
    Challenge(String, Purpose),
}

async fn attempt(db: &Db, request: LoginRequest) -> Result<SignIn, AppError> {
    let refused = || AppError::SignIn(t("login-failed"));
    let workspace = request
        .workspace
        .as_deref()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase);
    let Ok(email) = Email::parse(&request.email) else {
        password::verify(None, request.password).await?;
        return Err(refused());
    };

    let mut tx = AuthTx::begin(db).await?;
    let candidates = auth_db::select_login_candidates(&mut tx, email.as_str(), workspace.as_deref()).await?;
    tx.commit().await?;
    if candidates.is_empty() {
        password::verify(None, request.password.clone()).await?;
    }

    let actor =
        Actor::anonymous(request.ip.clone(), request.user_agent.clone()).with_request_id(request.request_id.clone());
    let mut matched: Vec<&LoginCandidate> = Vec::new();
    for candidate in &candidates {
        if !claim_attempt(db, candidate.account).await? {
            // Locked, or five failures and attempts in flight: the same work, the same answer.
            if let Err(error) = password::verify(None, request.password.clone()).await {
                release_attempts(db, &matched).await?;
                return Err(error);
            }
            continue;
        }
        let checked = password::verify(Some(candidate.password_hash.clone()), request.password.clone()).await;
        match checked {
            Ok(true) => matched.push(candidate),
            Ok(false) => {
                record_failure(db, candidate.account, &actor, email.as_str(), None).await?;
            }
            Err(error) => {
                // Not checked (hashing is saturated): the attempt counts for nothing.
                release_attempts(db, &[candidate]).await?;
                release_attempts(db, &matched).await?;
                return Err(error);
            }
        }
    }

    match matched.as_slice() {
        [] => Err(refused()),
        [candidate] if !candidate.active => {
            release_attempts(db, &matched).await?;
            Err(AppError::SignIn(t("login-disabled")))
        }
        [candidate] if !candidate.tenant_active => {
            release_attempts(db, &matched).await?;
            Err(AppError::SignIn(t("login-suspended")))
        }
        [candidate] if candidate.two_factor || candidate.two_factor_required => {
            let purpose = if candidate.two_factor {
                Purpose::Verify
            } else {
                Purpose::Enrol
            };
            let meta = RequestMeta {
                ip: request.ip.clone(),
                user_agent: request.user_agent.clone(),
                request_id: request.request_id.clone(),
                path: None,
            };
            issue_challenge(db, candidate.account, purpose, &meta)
                .await?
                .map(|token| SignIn::Challenge(token, purpose))
                .ok_or_else(refused)
        }
        [candidate] => start_session(db, candidate.account, email.as_str(), &request)
            .await?
            .map(SignIn::Session)
            .ok_or_else(refused),
        _ => {
            release_attempts(db, &matched).await?;
            Err(AppError::Validation(FieldErrors::single(
                "workspace",
                t("login-ambiguous"),
            )))
        }
    }
}

/// How long a sign-in challenge stays good: time to open an app and type a code, or to enrol.
pub const CHALLENGE_TTL_MINUTES: i64 = 10;

/// After a right password when a second factor is asked for: settles the attempt's claim (a
/// right password does not clear the window's failures; only the whole sign-in does) and issues
/// a challenge, in one transaction. Returns its token, or `None` when the account turned out
/// locked.
async fn issue_challenge(
    db: &Db,
    account: Account,
    purpose: Purpose,
    meta: &RequestMeta,
) -> Result<Option<String>, AppError> {
    let (token, token_hash) = new_token();
    let challenge = NewChallenge {
        token_hash: &token_hash,
        account,
        purpose,
        expires_at: Utc::now() + Duration::minutes(CHALLENGE_TTL_MINUTES),
        ip: meta.ip.as_deref(),
        user_agent: meta.user_agent.as_deref(),
    };
    match account {
        Account::Platform(id) => {
            let mut tx = AuthTx::begin(db).await?;
            if !auth_db::update_platform_user_release(&mut tx, id, false).await? {
                tx.commit().await?;
                return Ok(None);
            }
            auth_db::insert_challenge(&mut tx, challenge).await?;
            tx.commit().await?;
        }
        Account::Tenant(tenant_id, user_id) => {
            let mut tx = TenantTx::begin(db, tenant_id).await?;
            if !auth_db::update_tenant_user_release(&mut tx, user_id, false).await? {
                tx.commit().await?;
                return Ok(None);
            }
            auth_db::insert_challenge(&mut tx, challenge).await?;
            tx.commit().await?;
        }
    }
    Ok(Some(token))
}

/// Claims a place for one attempt on `account` (see `auth_db::update_tenant_user_claim`), in a
/// transaction of its own that commits before the hash is checked.
pub(super) async fn claim_attempt(db: &Db, account: Account) -> Result<bool, AppError> {
    match account {
        Account::Platform(id) => {
            let mut tx = AuthTx::begin(db).await?;
            let claimed = auth_db::update_platform_user_claim(&mut tx, id).await?;
            tx.commit().await?;
            Ok(claimed)
        }
        Account::Tenant(tenant_id, user_id) => {
            let mut tx = TenantTx::begin(db, tenant_id).await?;
            let claimed = auth_db::update_tenant_user_claim(&mut tx, user_id).await?;
            tx.commit().await?;
            Ok(claimed)
        }
    }
}

/// Hands back the claims of attempts that end without a session and without a failure.
async fn release_attempts(db: &Db, candidates: &[&LoginCandidate]) -> Result<(), AppError> {
    for candidate in candidates {
        release_claim(db, candidate.account).await?;
    }
    Ok(())
}

/// Hands back one account's claim, in a transaction of its own.
pub(super) async fn release_claim(db: &Db, account: Account) -> Result<(), AppError> {
    match account {
        Account::Platform(id) => {
            let mut tx = AuthTx::begin(db).await?;
            auth_db::update_platform_user_release(&mut tx, id, false).await?;
            tx.commit().await?;
        }
        Account::Tenant(tenant_id, user_id) => {
            let mut tx = TenantTx::begin(db, tenant_id).await?;
            auth_db::update_tenant_user_release(&mut tx, user_id, false).await?;
            tx.commit().await?;
        }
    }
    Ok(())
}

/// Settles a claimed attempt as a failure, with its audit row (`auth.locked` for the fifth);
/// `factor` names the second factor that was wrong. Returns whether this failure locked the
/// account.
pub(super) async fn record_failure(
    db: &Db,
    account: Account,
    actor: &Actor,
    email: &str,
    factor: Option<&str>,
) -> Result<bool, AppError> {
    let after = Some(match factor {
        Some(factor) => serde_json::json!({ "email": email, "factor": factor }),
        None => serde_json::json!({ "email": email }),
    });
    let action = |locked: bool| if locked { "auth.locked" } else { "auth.login_failed" };
    let locked = match account {
        Account::Platform(id) => {
            let mut tx = AuthTx::begin(db).await?;
            let locked = auth_db::update_platform_user_failure(&mut tx, id).await?;
            insert_audit_event(&mut tx, actor, account.audit_event(action(locked), after)).await?;
            tx.commit().await?;
            locked
        }
        Account::Tenant(tenant_id, user_id) => {
            let mut tx = TenantTx::begin(db, tenant_id).await?;
            let locked = auth_db::update_tenant_user_failure(&mut tx, user_id).await?;
            insert_audit_event(&mut tx, actor, account.audit_event(action(locked), after)).await?;
            tx.commit().await?;
            locked
        }
    };
    Ok(locked)
}

/// Settles the claimed attempt as a success and starts the session, in one transaction; `None`
/// (nothing written) when the account turned out locked.
async fn start_session(
    db: &Db,
    account: Account,
    email: &str,
    request: &LoginRequest,
) -> Result<Option<String>, AppError> {
    let meta = RequestMeta {
        ip: request.ip.clone(),
        user_agent: request.user_agent.clone(),
        request_id: request.request_id.clone(),
        path: None,
    };
    match account {
        Account::Platform(id) => {
            let mut tx = AuthTx::begin(db).await?;
            if !auth_db::update_platform_user_release(&mut tx, id, true).await? {
                tx.commit().await?;
                return Ok(None);
            }
            let token = open_session(&mut tx, account, email, &meta, None).await?;
            tx.commit().await?;
            Ok(Some(token))
        }
        Account::Tenant(tenant_id, user_id) => {
            let mut tx = TenantTx::begin(db, tenant_id).await?;
            if !auth_db::update_tenant_user_release(&mut tx, user_id, true).await? {
                tx.commit().await?;
                return Ok(None);
            }
            // Sessions are not tenant rows; writing it in this transaction keeps it atomic with
            // the settled attempt and the audit entry.
            let token = open_session(&mut tx, account, email, &meta, None).await?;
            tx.commit().await?;
            Ok(Some(token))
        }
    }
}

/// Writes a new session of `account` and its `auth.login` row (`after` says how it signed in
/// when a second factor took part) in the caller's transaction: the auth scope's for a platform
/// administrator, the tenant's for a member. Returns the session's token.
pub async fn open_session(
    conn: &mut sqlx::PgConnection,
    account: Account,
    email: &str,
    meta: &RequestMeta,
    after: Option<serde_json::Value>,
) -> Result<String, AppError> {
    let (token, token_hash) = new_token();
    let session = NewSession {
        token_hash: &token_hash,
        account,
        expires_at: Utc::now() + Duration::hours(SESSION_TTL_HOURS),
        ip: meta.ip.as_deref(),
        user_agent: meta.user_agent.as_deref(),
        impersonation: None,
    };
    let mut actor = Actor::anonymous(meta.ip.clone(), meta.user_agent.clone()).with_request_id(meta.request_id.clone());
    actor.email = Some(email.to_owned());
    account.act_as(&mut actor);
    insert_audit_event(conn, &actor, account.audit_event("auth.login", after)).await?;
    auth_db::insert_session(conn, session).await?;
    Ok(token)
}

/// Starts a session for a member created in `tx` a moment ago (an accepted invitation), with its
/// `auth.login` row, in that same transaction: the account, the session and both audit rows
/// commit together or not at all.
pub async fn start_member_session(
    tx: &mut TenantTx,
    user_id: crate::ids::UserId,
    email: &str,
    meta: &RequestMeta,
) -> Result<String, AppError> {
    let account = Account::Tenant(tx.tenant_id(), user_id);
    open_session(tx, account, email, meta, None).await
}

/// Ends one session (sign-out) and records `auth.logout` in the same transaction, in the
/// tenant's chain for a tenant user; unknown tokens are ignored.
pub async fn logout(db: &Db, token: &str, meta: &RequestMeta) -> Result<(), AppError> {
    let token_hash = hash_token(token);
    let mut tx = AuthTx::begin(db).await?;
    let Some((account, email)) = auth_db::select_session_account(&mut tx, &token_hash).await? else {
        tx.commit().await?;
        return Ok(());
    };
    let mut actor = Actor::anonymous(meta.ip.clone(), meta.user_agent.clone()).with_request_id(meta.request_id.clone());
    actor.email = email;
    account.act_as(&mut actor);
    match account {
        Account::Platform(_) => {
            auth_db::delete_session(&mut tx, &token_hash).await?;
            insert_audit_event(&mut tx, &actor, account.audit_event("auth.logout", None)).await?;
            tx.commit().await?;
        }
        Account::Tenant(tenant_id, _) => {
            tx.commit().await?;
            let mut tx = TenantTx::begin(db, tenant_id).await?;
            auth_db::delete_session(&mut tx, &token_hash).await?;
            insert_audit_event(&mut tx, &actor, account.audit_event("auth.logout", None)).await?;
            tx.commit().await?;
        }
    }
    Ok(())
}

/// The principal behind a session token, if the session is live: unexpired and used within the
/// idle timeout. A use is written back when the last one written is a minute old or more.
pub async fn principal_for_token(db: &Db, token: &str) -> Result<Option<super::types::Principal>, AppError> {
    Ok(session_for_token(db, token).await?.map(|live| live.principal))
}

/// `principal_for_token` with the rest of what the session's row says (the account's theme).
pub async fn session_for_token(db: &Db, token: &str) -> Result<Option<auth_db::LiveSession>, AppError> {
    let token_hash = hash_token(token);
    let mut tx = AuthTx::begin(db).await?;
    let live = auth_db::select_session_principal(&mut tx, &token_hash, settings::session_idle_secs()).await?;
    let granularity = Duration::seconds(settings::SESSION_SEEN_GRANULARITY_SECS);
    if live
        .as_ref()
        .is_some_and(|live| live.last_seen_at <= Utc::now() - granularity)
    {
        auth_db::update_session_seen(&mut tx, &token_hash, granularity.as_seconds_f64()).await?;
    }
    tx.commit().await?;
    Ok(live)
}

/// Deletes expired and idle sessions (the `session_cleanup` job's pass); returns how many.
pub async fn delete_stale_sessions(db: &Db) -> Result<u64, AppError> {
    let mut tx = AuthTx::begin(db).await?;
    let deleted = auth_db::delete_stale_sessions(&mut tx, settings::session_idle_secs()).await?;
    auth_db::delete_expired_challenges(&mut tx).await?;
    tx.commit().await?;
    Ok(deleted)
}
