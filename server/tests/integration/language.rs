//! The interface language: taken from the browser until the person picks one, then saved with
//! their account (audited) and mirrored in a cookie; every page is rendered in it from the first
//! byte, `lang` and `dir` included, and server functions answer in it too.

use crate::common::{Reply, TestApp, spawn_app};
use atrium_app::auth::language::SetLanguage;
use atrium_app::i18n::{t_args_in, t_in};
use atrium_app::preferences::Language;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use leptos::server_fn::ServerFn;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// A page as a browser asking for `accept_language` gets it.
async fn page_in(app: &TestApp, path: &str, cookie: Option<&str>, accept_language: &str) -> Reply {
    let mut request = Request::get(path).header(header::ACCEPT_LANGUAGE, accept_language);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    app.send(request.body(Body::empty()).expect("request")).await
}

fn root_of(body: &str) -> &str {
    let start = body.find("<html").unwrap_or_default();
    let end = body[start..].find('>').map_or(body.len(), |end| start + end + 1);
    &body[start..end]
}

/// No message key of the English catalogue shows as text: every string was found in the page's
/// catalogue.
fn assert_no_raw_keys(body: &str) {
    let english = include_str!("../../../crates/atrium-types/locales/en.ftl");
    let keys = english
        .lines()
        .filter_map(|line| line.split_once(" = ").map(|(key, _)| key.trim()))
        .filter(|key| !key.is_empty() && !key.starts_with(['#', ' ', '.']));
    for key in keys {
        assert!(!body.contains(&format!(">{key}<")), "{key} shows untranslated");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_browser_language_renders_signed_out_pages_right_to_left_from_the_first_byte(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let app = spawn_app(options).await;
    let login = page_in(&app, "/login", None, "ar-EG,ar;q=0.9,en;q=0.8").await;
    assert_eq!(login.status, StatusCode::OK);
    assert_eq!(root_of(&login.body), r#"<html lang="ar" dir="rtl">"#);
    assert!(
        login.body.contains(&t_in(Language::Ar, "login-heading")),
        "{}",
        login.body
    );
    assert!(
        login.body.contains(r#"mod.hydrate("ar", text)"#),
        "the browser installs the Arabic catalogue"
    );
    assert_no_raw_keys(&login.body);

    // English where the browser prefers it, or names nothing Atrium speaks.
    for accept in ["en-GB,en;q=0.9,ar;q=0.8", "fr-FR,de;q=0.5", ""] {
        let login = page_in(&app, "/login", None, accept).await;
        assert_eq!(root_of(&login.body), r#"<html lang="en" dir="ltr">"#, "{accept:?}");
        assert!(login.body.contains(r#"mod.hydrate("en", text)"#));
    }
    // A chosen language (the cookie) beats the browser's; an unknown cookie value does not count.
    let login = page_in(&app, "/login", Some("atrium_lang=en"), "ar").await;
    assert_eq!(root_of(&login.body), r#"<html lang="en" dir="ltr">"#);
    let login = page_in(&app, "/login", Some("atrium_lang=<script>"), "ar").await;
    assert_eq!(root_of(&login.body), r#"<html lang="ar" dir="rtl">"#);

    // A refused sign-in (checked in a task of its own) is worded in the request's language.
    let refused = app
        .call(
            atrium_app::auth::api::Login::PATH,
            Some("atrium_lang=ar"),
            &[("email", "alice@acme.test"), ("password", "not the password")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.body);
    assert!(
        refused.body.contains(&t_in(Language::Ar, "login-failed")),
        "{}",
        refused.body
    );

    // Signed out, the switch keeps the choice in the cookie alone.
    let reply = app.call(SetLanguage::PATH, None, &[("language", "ar")]).await;
    assert!(
        reply.status.is_redirection() || reply.status.is_success(),
        "{}: {}",
        reply.status,
        reply.body
    );
    assert!(
        reply.set_cookies().iter().any(|c| c.starts_with("atrium_lang=ar;")),
        "{:?}",
        reply.set_cookies()
    );
    assert!(
        app.audit_actions()
            .await
            .iter()
            .all(|action| action != "account.language")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_chosen_language_is_saved_audited_and_follows_the_account(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await;
    let home = page_in(&app, "/t/acme", Some(&alice), "en").await;
    assert_eq!(root_of(&home.body), r#"<html lang="en" dir="ltr">"#);

    let reply = app.call(SetLanguage::PATH, Some(&alice), &[("language", "ar")]).await;
    assert!(
        reply.status.is_redirection() || reply.status.is_success(),
        "{}: {}",
        reply.status,
        reply.body
    );
    assert!(reply.set_cookies().iter().any(|c| c.starts_with("atrium_lang=ar;")));
    assert!(app.audit_actions().await.contains(&"account.language".to_owned()));

    // From the account, whatever the browser's cookie and preference say; the stale cookie is
    // brought in line.
    let home = page_in(&app, "/t/acme", Some(&format!("{alice}; atrium_lang=en")), "en").await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(root_of(&home.body), r#"<html lang="ar" dir="rtl">"#);
    assert!(
        home.body.contains(&t_in(Language::Ar, "nav-users")),
        "the sidebar speaks Arabic"
    );
    assert!(home.set_cookies().iter().any(|c| c.starts_with("atrium_lang=ar;")));
    let pressed = home.pressed_in("language-switch");
    assert_eq!(pressed.len(), 1, "{pressed:?}");
    assert!(pressed[0].contains(r#"value="ar""#), "{pressed:?}");
    assert_no_raw_keys(&home.body);
    for path in [
        "/t/acme/users",
        "/t/acme/alerts",
        "/t/acme/alerts/rules",
        "/t/acme/account",
        "/t/acme/roles",
    ] {
        let page = app.get(path, Some(&format!("{alice}; atrium_lang=ar"))).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        assert_eq!(root_of(&page.body), r#"<html lang="ar" dir="rtl">"#, "{path}");
        assert_no_raw_keys(&page.body);
    }

    // Server functions answer in it: a refused value, in Arabic, next to its field.
    let bad = app
        .call(
            SetLanguage::PATH,
            Some(&format!("{alice}; atrium_lang=ar")),
            &[("language", "fr")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("language"), "{}", bad.body);
    assert!(
        bad.body.contains(&t_in(Language::Ar, "language-invalid")),
        "{}",
        bad.body
    );
    // Plural forms follow the language's rules (Arabic's dual).
    assert_eq!(t_args_in(Language::Ar, "table-total", &[("total", "2")]), "نتيجتان");

    // Another account's language is its own.
    let admin = app.sign_in("admin@atrium.test").await;
    let console = page_in(&app, "/", Some(&admin), "en").await;
    assert_eq!(root_of(&console.body), r#"<html lang="en" dir="ltr">"#);

    // Back to English: saved and audited again.
    app.call(SetLanguage::PATH, Some(&alice), &[("language", "en")]).await;
    let home = page_in(&app, "/t/acme", Some(&alice), "ar").await;
    assert_eq!(root_of(&home.body), r#"<html lang="en" dir="ltr">"#);
    let changes = app
        .audit_actions()
        .await
        .into_iter()
        .filter(|action| action == "account.language")
        .count();
    assert_eq!(changes, 2);
}
