//! Display preferences: the colour theme a person picks in the sidebar, saved with their account
//! (so it follows them to another browser) and mirrored in a cookie (so every page, the sign-in
//! page too, is rendered in it from its first byte).

use crate::error::AppError;
use crate::i18n::t;
use crate::preferences::Theme;
use leptos::prelude::*;

/// How long the browser keeps a preference cookie (theme, language): a year, renewed whenever
/// the account's differs.
#[cfg(feature = "ssr")]
const PREFERENCE_COOKIE_MAX_AGE: i64 = 365 * 24 * 3600;

/// The `Set-Cookie` value of a display preference: `value` is one of a preference enum's words.
#[cfg(feature = "ssr")]
pub(crate) fn preference_cookie(name: &str, value: &str) -> String {
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={PREFERENCE_COOKIE_MAX_AGE}")
}

/// The `Set-Cookie` value that makes `theme` the browser's.
#[cfg(feature = "ssr")]
pub fn theme_set_cookie(theme: Theme) -> String {
    preference_cookie(crate::preferences::THEME_COOKIE, theme.as_str())
}

/// The theme the page being rendered uses: the signed-in account's (the page middleware puts it
/// in the request), else the browser's cookie, else the device's.
#[cfg(feature = "ssr")]
pub fn request_theme(parts: &http::request::Parts) -> Theme {
    parts.extensions.get::<Theme>().copied().unwrap_or_else(|| {
        crate::auth::context::cookie_value(&parts.headers, crate::preferences::THEME_COOKIE)
            .and_then(|value| Theme::parse(&value))
            .unwrap_or_default()
    })
}

/// The theme this page is rendered in, the same on both sides: the server's choice
/// (`request_theme`), which the browser reads back from the document's `data-theme`.
pub fn current_theme() -> Theme {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|parts| request_theme(&parts))
            .unwrap_or_default()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.document_element())
            .and_then(|root| root.get_attribute("data-theme"))
            .and_then(|value| Theme::parse(&value))
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Theme::default()
    }
}

/// Saves the signed-in person's theme and sends the browser back to the page it came from (the
/// sidebar posts it as a plain form, so the page reloads in the new theme and the main module
/// carries no code for it).
#[server]
pub async fn set_theme(theme: String) -> Result<(), AppError> {
    use crate::auth::two_factor::api::account_of;
    use crate::auth::two_factor::service::AccountTx;
    let context = crate::auth::context::authenticated().await?;
    // A member's preferences are theirs: support access shows their pages as they chose them.
    context.own_credentials()?;
    let chosen = Theme::parse(&theme).ok_or_else(|| AppError::field("theme", t("theme-invalid")))?;
    let account = account_of(&context.principal);
    let mut tx = AccountTx::begin(&context.db, account).await?;
    let before = super::db::update_theme(tx.conn(), account, chosen)
        .await?
        .ok_or(AppError::NotFound)?;
    if before != chosen {
        let mut event = account.audit_event("account.theme", Some(serde_json::json!({ "theme": chosen.as_str() })));
        event.before = Some(serde_json::json!({ "theme": before.as_str() }));
        crate::audit::db::insert_audit_event(tx.conn(), &context.actor(), event).await?;
    }
    tx.commit().await?;
    let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
    crate::auth::api::set_cookie(theme_set_cookie(chosen));
    leptos_axum::redirect(back_to(&parts).as_str());
    Ok(())
}

/// The page the form was on: the path of the `Referer` (same origin: the edge refuses posts from
/// other origins), if it is a path of this site; else the home page.
#[cfg(feature = "ssr")]
pub(crate) fn back_to(parts: &http::request::Parts) -> crate::auth::types::LocalPath {
    let page = parts
        .headers
        .get(http::header::REFERER)
        .and_then(|value| value.to_str().ok())
        .and_then(|referer| url::Url::parse(referer).ok())
        .map(|url| match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        });
    crate::auth::types::LocalPath::or_root(page.as_deref())
}

/// The sidebar's theme switch: three buttons of one plain form, the current one pressed.
#[component]
pub fn ThemeSwitch(current: Theme) -> impl IntoView {
    use leptos::server_fn::ServerFn;
    view! {
        <form method="post" action=SetTheme::PATH class="theme-switch" aria-label=t("theme-label")>
            <span class="muted">{t("theme-label")}</span>
            {Theme::ALL.into_iter().map(|theme| view! {
                <button type="submit" name="theme" value=theme.as_str() class="button small"
                    aria-pressed=if theme == current { "true" } else { "false" }>
                    {t(theme.label_key())}
                </button>
            }).collect_view()}
        </form>
    }
}
