//! Server functions for one's own sessions and password, and an administrator ending a member's
//! sessions.

use crate::error::AppError;
use crate::ids::SessionId;
use atrium_types::two_factor::SessionInfo;
use leptos::prelude::*;

/// The signed-in account's live sessions, the one in use marked.
#[server]
pub async fn list_my_sessions() -> Result<Vec<SessionInfo>, AppError> {
    use crate::auth::two_factor::api::account_of;
    use crate::auth::two_factor::service::AccountTx;
    let context = crate::auth::context::authenticated().await?;
    let current = server::current_token_hash()?;
    let account = account_of(&context.principal);
    let mut tx = AccountTx::begin(&context.db, account).await?;
    let rows = super::db::select_sessions(tx.conn(), account).await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|row| SessionInfo {
            id: SessionId(row.session_id),
            device: row
                .user_agent
                .as_deref()
                .and_then(super::device::describe)
                .unwrap_or_else(|| crate::i18n::t("sessions-unknown-device")),
            ip: row.ip,
            started: crate::i18n::format_time(row.created_at),
            last_seen: crate::i18n::format_time(row.last_seen_at),
            current: current.as_deref() == Some(row.token_hash.as_slice()),
        })
        .collect())
}

/// Ends one of the signed-in account's other sessions (its cookie stops working at once).
#[server]
pub async fn end_my_session(session_id: SessionId) -> Result<(), AppError> {
    use crate::auth::two_factor::api::account_of;
    use crate::auth::two_factor::service::AccountTx;
    let context = crate::auth::context::authenticated().await?;
    context.own_credentials()?;
    let account = account_of(&context.principal);
    let mut tx = AccountTx::begin(&context.db, account).await?;
    if !super::db::delete_session(tx.conn(), account, session_id.0).await? {
        return Err(AppError::NotFound);
    }
    let after = serde_json::json!({ "session_id": session_id });
    crate::audit::db::insert_audit_event(
        tx.conn(),
        &context.actor(),
        account.audit_event("auth.session_end", Some(after)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Ends every session of the signed-in account but this one.
#[server]
pub async fn end_other_sessions() -> Result<u64, AppError> {
    use crate::auth::two_factor::api::account_of;
    use crate::auth::two_factor::service::AccountTx;
    let context = crate::auth::context::authenticated().await?;
    context.own_credentials()?;
    let current = server::current_token_hash()?.ok_or(AppError::Unauthorized)?;
    let account = account_of(&context.principal);
    let mut tx = AccountTx::begin(&context.db, account).await?;
    let ended = super::db::delete_sessions_except(tx.conn(), account, Some(&current)).await?;
    let after = serde_json::json!({ "ended": ended });
    crate::audit::db::insert_audit_event(
        tx.conn(),
        &context.actor(),
        account.audit_event("auth.sessions_end_others", Some(after)),
    )
    .await?;
    tx.commit().await?;
    Ok(ended)
}

/// Signs the account out everywhere, this browser included, and returns to the sign-in page.
#[server]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    use crate::auth::two_factor::api::account_of;
    use crate::auth::two_factor::service::AccountTx;
    let context = crate::auth::context::authenticated().await?;
    context.own_credentials()?;
    let account = account_of(&context.principal);
    let mut tx = AccountTx::begin(&context.db, account).await?;
    let ended = super::db::delete_sessions_except(tx.conn(), account, None).await?;
    let after = serde_json::json!({ "ended": ended });
    crate::audit::db::insert_audit_event(
        tx.conn(),
        &context.actor(),
        account.audit_event("auth.logout_everywhere", Some(after)),
    )
    .await?;
    tx.commit().await?;
    crate::auth::api::clear_session_cookie();
    leptos_axum::redirect("/login");
    Ok(())
}

/// Changes the signed-in account's password: the current one first (a wrong one counts towards
/// the lockout like a failed sign-in), a new one that passes the rules and is not a common one,
/// typed twice. Every other session ends; this one stays.
#[server]
pub async fn change_password(
    current_password: String,
    new_password: String,
    new_password_again: String,
) -> Result<(), AppError> {
    use crate::auth::password;
    use crate::auth::two_factor::api::account_of;
    use crate::auth::two_factor::service::AccountTx;
    use crate::error::FieldErrors;
    let context = crate::auth::context::authenticated().await?;
    context.own_credentials()?;
    let account = account_of(&context.principal);
    let mut errors = FieldErrors::new();
    let chosen = password::chosen(&new_password)
        .map_err(|message| errors.add("new_password", message))
        .ok();
    if chosen.is_some() && new_password != new_password_again {
        errors.add("new_password_again", crate::i18n::t("password-mismatch"));
    }
    if chosen.is_some() && new_password == current_password {
        errors.add("new_password", crate::i18n::t("password-unchanged"));
    }
    errors.into_result()?;
    let Some(chosen) = chosen else {
        return Err(AppError::Internal);
    };
    if !crate::auth::service::claim_attempt(&context.db, account).await? {
        return Err(AppError::field("current_password", crate::i18n::t("password-locked")));
    }
    let mut tx = AccountTx::begin(&context.db, account).await?;
    let stored = super::db::select_password_hash(tx.conn(), account).await?;
    drop(tx);
    match password::verify(stored, current_password).await {
        Ok(true) => crate::auth::service::release_claim(&context.db, account).await?,
        Ok(false) => {
            let email = context.principal.email();
            crate::auth::service::record_failure(&context.db, account, &context.actor(), email, None).await?;
            return Err(AppError::field(
                "current_password",
                crate::i18n::t("password-current-wrong"),
            ));
        }
        Err(error) => {
            // Not checked (hashing is saturated): the attempt counts for nothing.
            crate::auth::service::release_claim(&context.db, account).await?;
            return Err(error);
        }
    }
    let hash = password::hash(chosen.as_str().to_owned()).await?;
    let current = server::current_token_hash()?;
    let mut tx = AccountTx::begin(&context.db, account).await?;
    super::db::update_password_hash(tx.conn(), account, &hash).await?;
    let ended = super::db::delete_sessions_except(tx.conn(), account, current.as_deref()).await?;
    let after = serde_json::json!({ "sessions_ended": ended });
    crate::audit::db::insert_audit_event(
        tx.conn(),
        &context.actor(),
        account.audit_event("auth.password_change", Some(after)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(feature = "ssr")]
mod server {
    use crate::error::AppError;

    /// The hash of this request's session token, to tell the session in use from the others.
    pub fn current_token_hash() -> Result<Option<Vec<u8>>, AppError> {
        let parts = leptos::prelude::use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
        Ok(crate::auth::context::session_token(&parts.headers).map(|token| crate::auth::service::hash_token(&token)))
    }
}
