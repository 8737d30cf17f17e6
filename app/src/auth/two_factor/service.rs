//! Two-factor procedures: issuing and answering a sign-in challenge, enrolling, turning off.
//! Every write of a member's factor happens in its tenant's transaction, with its audit row.

use super::code::{self, Submitted};
use super::db as tf_db;
use crate::audit::db::{Actor, insert_audit_event};
use crate::auth::context::RequestMeta;
use crate::auth::db::{self as auth_db, Account};
use crate::auth::db::{Challenge, Purpose};
use crate::auth::service::{claim_attempt, hash_token, open_session, record_failure, release_claim};
use crate::db::{AuthTx, Db, TenantTx};
use crate::error::AppError;
use crate::i18n::t;
use atrium_types::two_factor::{BACKUP_CODE_COUNT, TwoFactorSetup};
use chrono::Utc;

/// The transaction an account's own row is written in: its tenant's for a member, the auth
/// scope's for a platform administrator.
pub enum AccountTx {
    Tenant(TenantTx),
    Auth(AuthTx),
}

impl AccountTx {
    pub async fn begin(db: &Db, account: Account) -> Result<Self, AppError> {
        Ok(match account {
            Account::Tenant(tenant_id, _) => Self::Tenant(TenantTx::begin(db, tenant_id).await?),
            Account::Platform(_) => Self::Auth(AuthTx::begin(db).await?),
        })
    }

    pub fn conn(&mut self) -> &mut sqlx::PgConnection {
        match self {
            Self::Tenant(tx) => tx,
            Self::Auth(tx) => tx,
        }
    }

    pub async fn commit(self) -> Result<(), AppError> {
        match self {
            Self::Tenant(tx) => tx.commit().await?,
            Self::Auth(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// The live challenge behind a cookie's token.
pub async fn challenge_for(db: &Db, token: &str) -> Result<Option<Challenge>, AppError> {
    let mut tx = AuthTx::begin(db).await?;
    let challenge = auth_db::select_challenge(&mut tx, &hash_token(token)).await?;
    tx.commit().await?;
    Ok(challenge)
}

fn expired() -> AppError {
    AppError::SignIn(t("two-factor-expired"))
}

fn wrong_code() -> AppError {
    AppError::field("code", t("two-factor-wrong"))
}

/// Answers a `Verify` challenge with a code from the authenticator or a backup code, at
/// `unix_secs`. A right one ends the challenge and starts the session (its `auth.login` row says
/// which factor); a wrong one counts towards the lockout like a wrong password, and the failure
/// that locks the account also ends the challenge.
pub async fn answer_challenge(
    db: &Db,
    token: &str,
    typed: &str,
    meta: &RequestMeta,
    unix_secs: u64,
) -> Result<(String, Account), AppError> {
    let Some(challenge) = challenge_for(db, token).await? else {
        return Err(expired());
    };
    if challenge.purpose != Purpose::Verify {
        return Err(expired());
    }
    let Some(submitted) = Submitted::parse(typed) else {
        return Err(AppError::field("code", t("two-factor-format")));
    };
    let token_hash = hash_token(token);
    let account = challenge.account;
    if !claim_attempt(db, account).await? {
        let mut tx = AuthTx::begin(db).await?;
        auth_db::delete_challenge(&mut tx, &token_hash).await?;
        tx.commit().await?;
        return Err(AppError::SignIn(t("two-factor-locked")));
    }
    let factor = match submitted {
        Submitted::Totp(_) => "totp",
        Submitted::Backup(_) => "backup_code",
    };
    let mut tx = AccountTx::begin(db, account).await?;
    let stored = tf_db::select_factor(tx.conn(), account).await?;
    // A factor reset since the password step leaves nothing to check against.
    let accepted = match &stored {
        Some(factor) => accept(tx.conn(), account, factor, &submitted, unix_secs).await?,
        None => false,
    };
    let mut actor = Actor::anonymous(meta.ip.clone(), meta.user_agent.clone()).with_request_id(meta.request_id.clone());
    actor.email = Some(challenge.email.clone());
    account.act_as(&mut actor);
    if !accepted {
        drop(tx);
        let locked = record_failure(db, account, &actor, &challenge.email, Some(factor)).await?;
        if locked {
            let mut tx = AuthTx::begin(db).await?;
            auth_db::delete_challenge(&mut tx, &token_hash).await?;
            tx.commit().await?;
            return Err(AppError::SignIn(t("two-factor-locked")));
        }
        return Err(wrong_code());
    }
    let unlocked = match (&mut tx, account) {
        (AccountTx::Auth(tx), Account::Platform(id)) => auth_db::update_platform_user_release(tx, id, true).await?,
        (AccountTx::Tenant(tx), Account::Tenant(_, user)) => {
            auth_db::update_tenant_user_release(tx, user, true).await?
        }
        _ => return Err(AppError::Internal),
    };
    // A racing request already used this challenge, or the account locked meanwhile: nothing
    // written (the transaction rolls back with the accepted step), the claim handed back.
    if !unlocked || !auth_db::delete_challenge(tx.conn(), &token_hash).await? {
        drop(tx);
        release_claim(db, account).await?;
        return Err(expired());
    }
    let after = serde_json::json!({ "factor": factor });
    let session = open_session(tx.conn(), account, &challenge.email, meta, Some(after)).await?;
    tx.commit().await?;
    Ok((session, account))
}

/// A new secret for `account` to enrol, replacing one that was never confirmed. Refused when a
/// confirmed factor exists (turn it off first). Audited as `auth.two_factor_enrol_start`.
pub async fn start_enrolment(
    tx: &mut AccountTx,
    account: Account,
    actor: &Actor,
    issuer: &str,
    label: &str,
) -> Result<TwoFactorSetup, AppError> {
    let secret = code::new_secret();
    if !tf_db::update_pending_secret(tx.conn(), account, &secret).await? {
        return Err(AppError::Conflict(t("two-factor-already-on")));
    }
    // A new secret replaces any pending one: recorded, so the trail shows who set a factor up
    // and when, not only its confirmation.
    insert_audit_event(
        tx.conn(),
        actor,
        account.audit_event("auth.two_factor_enrol_start", None),
    )
    .await?;
    let uri = code::otpauth_uri(&secret, issuer, label);
    let qr_svg = code::qr_svg(&uri).ok_or(AppError::Internal)?;
    Ok(TwoFactorSetup {
        secret: code::secret_for_typing(&secret),
        uri,
        qr_svg,
    })
}

/// Confirms the pending secret with a first code at `unix_secs` and issues the backup codes
/// (returned once; only their hashes are kept). Audited as `auth.two_factor_enable`.
pub async fn confirm_enrolment(
    tx: &mut AccountTx,
    account: Account,
    actor: &Actor,
    typed: &str,
    unix_secs: u64,
) -> Result<Vec<String>, AppError> {
    let Some(Submitted::Totp(typed)) = Submitted::parse(typed) else {
        return Err(AppError::field("code", t("two-factor-format-totp")));
    };
    let stored = tf_db::select_factor(tx.conn(), account)
        .await?
        .ok_or(AppError::NotFound)?;
    let secret = match (&stored.secret, stored.confirmed_at) {
        (Some(secret), None) => secret.clone(),
        (_, Some(_)) => return Err(AppError::Conflict(t("two-factor-already-on"))),
        (None, None) => return Err(AppError::Conflict(t("two-factor-not-started"))),
    };
    let step = code::matching_step(&secret, &typed, unix_secs, None)
        .and_then(|step| i64::try_from(step).ok())
        .ok_or_else(wrong_code)?;
    let codes = code::new_backup_codes(BACKUP_CODE_COUNT);
    let hashes: Vec<Vec<u8>> = codes.iter().map(|c| code::hash_backup_code(c)).collect();
    if !tf_db::update_confirm(tx.conn(), account, &secret, step, &hashes).await? {
        return Err(AppError::Conflict(t("two-factor-not-started")));
    }
    insert_audit_event(tx.conn(), actor, account.audit_event("auth.two_factor_enable", None)).await?;
    Ok(codes)
}

/// Checks a current code (or a backup code) of the confirmed factor, for turning it off or
/// replacing the backup codes: whoever holds the session must also hold the factor. A code's
/// step is used up like at sign-in.
pub async fn prove_factor(
    tx: &mut AccountTx,
    account: Account,
    typed: &str,
    field: &str,
    unix_secs: u64,
) -> Result<(), AppError> {
    let Some(submitted) = Submitted::parse(typed) else {
        return Err(AppError::field(field, t("two-factor-format")));
    };
    let stored = tf_db::select_factor(tx.conn(), account)
        .await?
        .ok_or(AppError::NotFound)?;
    if stored.confirmed_secret().is_none() {
        return Err(AppError::Conflict(t("two-factor-off")));
    }
    if accept(tx.conn(), account, &stored, &submitted, unix_secs).await? {
        Ok(())
    } else {
        Err(AppError::field(field, t("two-factor-wrong")))
    }
}

/// Uses up what was typed against a confirmed factor: a code's step (later than the last
/// accepted one, so never twice) or a backup code. False when it matches nothing usable.
async fn accept(
    conn: &mut sqlx::PgConnection,
    account: Account,
    factor: &tf_db::Factor,
    submitted: &Submitted,
    unix_secs: u64,
) -> Result<bool, AppError> {
    let Some(secret) = factor.confirmed_secret() else {
        return Ok(false);
    };
    Ok(match submitted {
        Submitted::Totp(typed) => {
            let last = factor.last_step.and_then(|step| u64::try_from(step).ok());
            match code::matching_step(secret, typed, unix_secs, last).and_then(|step| i64::try_from(step).ok()) {
                Some(step) => tf_db::update_accept_step(conn, account, step).await?,
                None => false,
            }
        }
        Submitted::Backup(typed) => {
            tf_db::update_use_backup_code(conn, account, &code::hash_backup_code(typed)).await?
        }
    })
}

/// The current Unix time in seconds.
pub fn now_unix() -> u64 {
    u64::try_from(Utc::now().timestamp()).unwrap_or(0)
}
