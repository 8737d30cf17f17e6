//! The sign-in procedure: candidate lookup, constant-effort password checks, lockout, session.

use super::context::RequestMeta;
use super::db::{self as auth_db, Account, LoginCandidate, NewSession};
use super::password;
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

/// Signs in; returns the new session token. Every failure path does the same argon2 work as a
/// success, so timing does not reveal whether an email exists.
pub async fn login(db: &Db, request: LoginRequest) -> Result<String, AppError> {
    let failed = || AppError::SignIn(t("login-failed"));
    let workspace = request
        .workspace
        .as_deref()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase);
    let Ok(email) = Email::parse(&request.email) else {
        password::verify(None, request.password).await;
        return Err(failed());
    };

    let mut tx = AuthTx::begin(db).await?;
    let candidates = auth_db::select_login_candidates(&mut tx, email.as_str(), workspace.as_deref()).await?;
    tx.commit().await?;

    let now = Utc::now();
    let mut matched: Vec<&LoginCandidate> = Vec::new();
    let mut locked = false;
    if candidates.is_empty() {
        password::verify(None, request.password.clone()).await;
    }
    for candidate in &candidates {
        if candidate.locked_until.is_some_and(|until| until > now) {
            // Keep the work constant, but a locked account is refused whatever the password.
            password::verify(None, request.password.clone()).await;
            locked = true;
            continue;
        }
        if password::verify(Some(candidate.password_hash.clone()), request.password.clone()).await {
            matched.push(candidate);
        }
    }

    let actor =
        Actor::anonymous(request.ip.clone(), request.user_agent.clone()).with_request_id(request.request_id.clone());
    match matched.as_slice() {
        [] => {
            for candidate in candidates.iter().filter(|c| c.locked_until.is_none_or(|u| u <= now)) {
                locked |= record_failure(db, candidate.account, &actor, email.as_str()).await?;
            }
            if locked {
                Err(AppError::SignIn(t("login-locked")))
            } else {
                Err(failed())
            }
        }
        [candidate] => {
            if !candidate.active {
                return Err(AppError::SignIn(t("login-disabled")));
            }
            if !candidate.tenant_active {
                return Err(AppError::SignIn(t("login-suspended")));
            }
            start_session(db, candidate.account, email.as_str(), &request).await
        }
        _ => Err(AppError::Validation(FieldErrors::single(
            "workspace",
            t("login-ambiguous"),
        ))),
    }
}

async fn record_failure(db: &Db, account: Account, actor: &Actor, email: &str) -> Result<bool, AppError> {
    let after = Some(serde_json::json!({ "email": email }));
    let action = |locked: bool| if locked { "auth.locked" } else { "auth.login_failed" };
    match account {
        Account::Platform(id) => {
            let mut tx = AuthTx::begin(db).await?;
            let locked = auth_db::update_platform_user_failure(&mut tx, id).await?;
            insert_audit_event(&mut tx, actor, account.audit_event(action(locked), after)).await?;
            tx.commit().await?;
            Ok(locked)
        }
        Account::Tenant(tenant_id, user_id) => {
            let mut tx = TenantTx::begin(db, tenant_id).await?;
            let locked = auth_db::update_tenant_user_failure(&mut tx, user_id).await?;
            insert_audit_event(&mut tx, actor, account.audit_event(action(locked), after)).await?;
            tx.commit().await?;
            Ok(locked)
        }
    }
}

async fn start_session(db: &Db, account: Account, email: &str, request: &LoginRequest) -> Result<String, AppError> {
    let (token, token_hash) = new_token();
    let session = NewSession {
        token_hash: &token_hash,
        account,
        expires_at: Utc::now() + Duration::hours(SESSION_TTL_HOURS),
        ip: request.ip.as_deref(),
        user_agent: request.user_agent.as_deref(),
    };
    let mut actor =
        Actor::anonymous(request.ip.clone(), request.user_agent.clone()).with_request_id(request.request_id.clone());
    actor.email = Some(email.to_owned());
    match account {
        Account::Platform(id) => {
            let mut tx = AuthTx::begin(db).await?;
            auth_db::update_platform_user_success(&mut tx, id).await?;
            auth_db::insert_session(&mut tx, session).await?;
            account.act_as(&mut actor);
            insert_audit_event(&mut tx, &actor, account.audit_event("auth.login", None)).await?;
            tx.commit().await?;
        }
        Account::Tenant(tenant_id, user_id) => {
            let mut tx = TenantTx::begin(db, tenant_id).await?;
            auth_db::update_tenant_user_success(&mut tx, user_id).await?;
            account.act_as(&mut actor);
            insert_audit_event(&mut tx, &actor, account.audit_event("auth.login", None)).await?;
            // Sessions are not tenant rows; writing it in this transaction keeps it atomic with
            // the counter reset and the audit entry.
            auth_db::insert_session(&mut tx, session).await?;
            tx.commit().await?;
        }
    }
    Ok(token)
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

/// The principal behind a session token, if the session is live.
pub async fn principal_for_token(db: &Db, token: &str) -> Result<Option<super::types::Principal>, AppError> {
    let mut tx = AuthTx::begin(db).await?;
    let principal = auth_db::select_session_principal(&mut tx, &hash_token(token)).await?;
    tx.commit().await?;
    Ok(principal)
}
