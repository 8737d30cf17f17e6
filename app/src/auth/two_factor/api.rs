//! Server functions for two-factor sign-in: answering the sign-in challenge, enrolling (from the
//! account page, or while signing in when the workspace requires it), turning it off, new backup
//! codes, and an administrator's reset of a member's factor.

use crate::error::AppError;
use atrium_types::two_factor::{BackupCodes, TwoFactorSetup, TwoFactorStatus};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::audit::db::Actor;
    use crate::auth::api::challenge_token;
    use crate::auth::context::{authenticated, db, request_meta};
    use crate::auth::db::Account;
    use crate::auth::db::Purpose;
    use crate::auth::two_factor::service;
    use crate::auth::types::Principal;

    pub fn parts() -> Result<http::request::Parts, AppError> {
        use_context::<http::request::Parts>().ok_or(AppError::Internal)
    }

    pub fn account_of(principal: &Principal) -> Account {
        match principal {
            Principal::Platform { platform_user_id, .. } => Account::Platform(*platform_user_id),
            Principal::Tenant { tenant_id, user_id, .. } => Account::Tenant(*tenant_id, *user_id),
        }
    }

    /// Whose factor this request manages: the signed-in account, or, while signing in to a
    /// workspace that requires a second factor, the account of the enrolment challenge.
    pub struct Enroller {
        pub account: Account,
        pub label: String,
        pub actor: Actor,
        /// The enrolment challenge's token, when enrolling while signing in.
        pub challenge: Option<String>,
        pub email: String,
    }

    pub async fn enroller() -> Result<Enroller, AppError> {
        match authenticated().await {
            Ok(context) => {
                context.own_credentials()?;
                let label = match &context.principal {
                    Principal::Platform { email, .. } => email.clone(),
                    Principal::Tenant { email, tenant_slug, .. } => format!("{email} ({})", tenant_slug.as_str()),
                };
                Ok(Enroller {
                    account: account_of(&context.principal),
                    label,
                    actor: context.actor(),
                    challenge: None,
                    email: context.principal.email().to_owned(),
                })
            }
            Err(AppError::Unauthorized) => {
                let parts = parts()?;
                let token = challenge_token(&parts).ok_or(AppError::Unauthorized)?;
                let challenge = service::challenge_for(&db()?, &token)
                    .await?
                    .filter(|c| c.purpose == Purpose::Enrol)
                    .ok_or_else(|| AppError::SignIn(crate::i18n::t("two-factor-expired")))?;
                let meta = request_meta(&parts);
                let mut actor = Actor::anonymous(meta.ip, meta.user_agent).with_request_id(meta.request_id);
                actor.email = Some(challenge.email.clone());
                challenge.account.act_as(&mut actor);
                Ok(Enroller {
                    account: challenge.account,
                    label: challenge.label,
                    actor,
                    challenge: Some(token),
                    email: challenge.email,
                })
            }
            Err(error) => Err(error),
        }
    }
}

#[cfg(feature = "ssr")]
pub use server::account_of;

/// Answers the sign-in challenge with a code (or a backup code); signed in, goes to `next`.
#[server]
pub async fn verify_two_factor(code: String, next: Option<String>) -> Result<(), AppError> {
    use crate::auth::context::{db, request_meta};
    use crate::auth::types::LocalPath;
    let parts = server::parts()?;
    let token = crate::auth::api::challenge_token(&parts)
        .ok_or_else(|| AppError::SignIn(crate::i18n::t("two-factor-expired")))?;
    let db = db()?;
    let meta = request_meta(&parts);
    let next = LocalPath::or_root(next.as_deref());
    let answered = crate::auth::two_factor::service::answer_challenge(
        &db,
        &token,
        &code,
        &meta,
        crate::auth::two_factor::service::now_unix(),
    )
    .await;
    let session = match answered {
        Ok((session, _)) => session,
        Err(error) => {
            if matches!(error, AppError::SignIn(_)) {
                crate::auth::api::set_challenge_cookie(&parts, "", 0);
            }
            return Err(error);
        }
    };
    crate::auth::api::set_challenge_cookie(&parts, "", 0);
    crate::auth::api::set_session_cookie(&parts, &session);
    let site = parts.extensions.get::<crate::portal::types::PortalSite>().cloned();
    let next = match crate::auth::service::principal_for_token(&db, &session).await? {
        Some(principal) => crate::portal::site::landing(&principal, site.as_ref(), next),
        None => next,
    };
    leptos_axum::redirect(next.as_str());
    Ok(())
}

/// The signed-in account's second factor.
#[server]
pub async fn get_two_factor() -> Result<TwoFactorStatus, AppError> {
    use crate::auth::two_factor::{db as tf_db, service::AccountTx};
    let context = crate::auth::context::authenticated().await?;
    let account = server::account_of(&context.principal);
    let mut tx = AccountTx::begin(&context.db, account).await?;
    let factor = tf_db::select_factor(tx.conn(), account)
        .await?
        .ok_or(AppError::NotFound)?;
    let required = match context.principal.tenant_id() {
        Some(tenant_id) => tf_db::select_tenant_requires(tx.conn(), tenant_id).await?,
        None => false,
    };
    tx.commit().await?;
    Ok(TwoFactorStatus {
        enabled_on: factor.confirmed_at.map(crate::i18n::format_time),
        backup_codes_left: u32::try_from(factor.backup_codes_left).unwrap_or(0),
        required,
    })
}

/// A new secret to enrol, shown as a QR code and as text.
#[server]
pub async fn start_two_factor() -> Result<TwoFactorSetup, AppError> {
    use crate::auth::two_factor::service::{self, AccountTx};
    let enroller = server::enroller().await?;
    let db = crate::auth::context::db()?;
    let mut tx = AccountTx::begin(&db, enroller.account).await?;
    let setup = service::start_enrolment(&mut tx, enroller.account, &enroller.actor, "Atrium", &enroller.label).await?;
    tx.commit().await?;
    Ok(setup)
}

/// Confirms the new secret with a first code and returns the backup codes, once. While signing
/// in (the workspace required it) this also starts the session.
#[server]
pub async fn confirm_two_factor(code: String, next: Option<String>) -> Result<BackupCodes, AppError> {
    use crate::auth::two_factor::service::{self, AccountTx};
    use crate::auth::types::LocalPath;
    let enroller = server::enroller().await?;
    let db = crate::auth::context::db()?;
    let parts = server::parts()?;
    let mut tx = AccountTx::begin(&db, enroller.account).await?;
    let codes =
        service::confirm_enrolment(&mut tx, enroller.account, &enroller.actor, &code, service::now_unix()).await?;
    let Some(token) = enroller.challenge else {
        tx.commit().await?;
        return Ok(BackupCodes {
            codes,
            continue_to: None,
        });
    };
    // Enrolled while signing in: the challenge ends and the session starts in the same
    // transaction as the enrolment.
    let token_hash = crate::auth::service::hash_token(&token);
    if !crate::auth::db::delete_challenge(tx.conn(), &token_hash).await? {
        return Err(AppError::SignIn(crate::i18n::t("two-factor-expired")));
    }
    let meta = crate::auth::context::request_meta(&parts);
    let after = serde_json::json!({ "factor": "totp", "enrolled": true });
    let session =
        crate::auth::service::open_session(tx.conn(), enroller.account, &enroller.email, &meta, Some(after)).await?;
    tx.commit().await?;
    crate::auth::api::set_challenge_cookie(&parts, "", 0);
    crate::auth::api::set_session_cookie(&parts, &session);
    let site = parts.extensions.get::<crate::portal::types::PortalSite>().cloned();
    let next = LocalPath::or_root(next.as_deref());
    let next = match crate::auth::service::principal_for_token(&db, &session).await? {
        Some(principal) => crate::portal::site::landing(&principal, site.as_ref(), next),
        None => next,
    };
    Ok(BackupCodes {
        codes,
        continue_to: Some(next.as_str().to_owned()),
    })
}

/// Turns the second factor off, proven with a current code; refused where the workspace
/// requires one.
#[server]
pub async fn disable_two_factor(disable_code: String) -> Result<(), AppError> {
    use crate::auth::two_factor::{
        db as tf_db,
        service::{self, AccountTx},
    };
    let context = crate::auth::context::authenticated().await?;
    context.own_credentials()?;
    let account = server::account_of(&context.principal);
    let mut tx = AccountTx::begin(&context.db, account).await?;
    if let Some(tenant_id) = context.principal.tenant_id()
        && tf_db::select_tenant_requires(tx.conn(), tenant_id).await?
    {
        return Err(AppError::Conflict(crate::i18n::t("two-factor-required-stays")));
    }
    service::prove_factor(&mut tx, account, &disable_code, "disable_code", service::now_unix()).await?;
    tf_db::update_clear(tx.conn(), account).await?;
    crate::audit::db::insert_audit_event(
        tx.conn(),
        &context.actor(),
        account.audit_event("auth.two_factor_disable", None),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Replaces the backup codes (the old ones stop working), proven with a current code.
#[server]
pub async fn renew_backup_codes(code: String) -> Result<BackupCodes, AppError> {
    use crate::auth::two_factor::{
        code as codes, db as tf_db,
        service::{self, AccountTx},
    };
    let context = crate::auth::context::authenticated().await?;
    context.own_credentials()?;
    let account = server::account_of(&context.principal);
    let mut tx = AccountTx::begin(&context.db, account).await?;
    service::prove_factor(&mut tx, account, &code, "code", service::now_unix()).await?;
    let fresh = codes::new_backup_codes(atrium_types::two_factor::BACKUP_CODE_COUNT);
    let hashes: Vec<Vec<u8>> = fresh.iter().map(|c| codes::hash_backup_code(c)).collect();
    tf_db::update_backup_codes(tx.conn(), account, &hashes).await?;
    crate::audit::db::insert_audit_event(
        tx.conn(),
        &context.actor(),
        account.audit_event("auth.backup_codes_renew", None),
    )
    .await?;
    tx.commit().await?;
    Ok(BackupCodes {
        codes: fresh,
        continue_to: None,
    })
}
