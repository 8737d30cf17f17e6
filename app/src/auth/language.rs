//! The interface language: picked in the shell (signed in or not), saved with the account so it
//! follows the person to another browser, mirrored in a cookie, and otherwise taken from the
//! browser's `Accept-Language`. The server renders the first byte of every page in it, `lang` and
//! `dir` included, so an Arabic page never flashes left-to-right.

use crate::error::AppError;
use crate::i18n::t;
use crate::preferences::Language;
use leptos::prelude::*;

/// The `Set-Cookie` value that makes `language` the browser's.
#[cfg(feature = "ssr")]
pub fn language_set_cookie(language: Language) -> String {
    super::preferences::preference_cookie(crate::preferences::LANGUAGE_COOKIE, language.as_str())
}

/// The language a request is answered in: the signed-in account's (the page middleware puts it
/// in the request), else the browser's cookie, else its `Accept-Language`, else English.
#[cfg(feature = "ssr")]
pub fn request_language(parts: &http::request::Parts) -> Language {
    parts
        .extensions
        .get::<Language>()
        .copied()
        .or_else(|| {
            crate::auth::context::cookie_value(&parts.headers, crate::preferences::LANGUAGE_COOKIE)
                .and_then(|value| Language::parse(&value))
        })
        .or_else(|| {
            parts
                .headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok())
                .and_then(Language::from_accept_language)
        })
        .unwrap_or_default()
}

/// The language this page is rendered in, the same on both sides: the server's choice, which
/// the browser installed with its catalogue before hydrating.
pub fn current_language() -> Language {
    crate::i18n::language()
}

/// Saves the language and sends the browser back to the page it came from (a plain form, so the
/// page reloads in the new language and direction, and the main module carries no code for it).
/// Signed out (the sign-in page), the cookie alone keeps it.
#[server]
pub async fn set_language(language: String) -> Result<(), AppError> {
    let chosen = Language::parse(&language).ok_or_else(|| AppError::field("language", t("language-invalid")))?;
    match crate::auth::context::authenticated().await {
        Ok(context) => save(&context, chosen).await?,
        Err(AppError::Unauthorized) => {}
        Err(other) => return Err(other),
    }
    let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
    crate::auth::api::set_cookie(language_set_cookie(chosen));
    leptos_axum::redirect(super::preferences::back_to(&parts).as_str());
    Ok(())
}

/// Writes the signed-in person's choice, audited as `account.language` when it changes.
#[cfg(feature = "ssr")]
async fn save(context: &crate::auth::context::RequestContext, chosen: Language) -> Result<(), AppError> {
    use crate::auth::two_factor::api::account_of;
    use crate::auth::two_factor::service::AccountTx;
    // A member's preferences are theirs: support access shows their pages as they chose them.
    context.own_credentials()?;
    let account = account_of(&context.principal);
    let mut tx = AccountTx::begin(&context.db, account).await?;
    let before = super::db::update_language(tx.conn(), account, Some(chosen))
        .await?
        .ok_or(AppError::NotFound)?;
    if before != Some(chosen) {
        let mut event = account.audit_event(
            "account.language",
            Some(serde_json::json!({ "language": chosen.as_str() })),
        );
        event.before = Some(serde_json::json!({ "language": before.map(Language::as_str) }));
        crate::audit::db::insert_audit_event(tx.conn(), &context.actor(), event).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The language switch: one button per language of one plain form, each named in its own
/// language (and marked so, for screen readers), the current one pressed.
#[component]
pub fn LanguageSwitch(current: Language) -> impl IntoView {
    use leptos::server_fn::ServerFn;
    view! {
        <form method="post" action=SetLanguage::PATH class="language-switch" aria-label=t("language-label")>
            <span class="muted">{t("language-label")}</span>
            {Language::ALL.into_iter().map(|language| view! {
                <button type="submit" name="language" value=language.as_str() class="button small"
                    lang=language.as_str() dir=language.direction().as_str()
                    aria-pressed=if language == current { "true" } else { "false" }>
                    {language.endonym()}
                </button>
            }).collect_view()}
        </form>
    }
}
