//! The theme a person picks: saved with their account (audited), mirrored in a cookie, rendered
//! into the first byte of every page, and only ever their own (the function names no account).

use crate::common::spawn_app;
use atrium_app::auth::preferences::SetTheme;
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

#[sqlx::test(migrations = "../migrations")]
async fn a_chosen_theme_is_saved_audited_and_rendered_from_the_first_byte(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await;
    let home = app.page("/t/acme", Some(&alice)).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(!home.body.contains("data-theme"), "the device decides by default");

    let reply = app.call(SetTheme::PATH, Some(&alice), &[("theme", "dark")]).await;
    assert!(
        reply.status.is_success() || reply.status.is_redirection(),
        "{}: {}",
        reply.status,
        reply.body
    );
    assert!(
        reply.set_cookies().iter().any(|c| c.starts_with("atrium_theme=dark;")),
        "{:?}",
        reply.set_cookies()
    );
    // Rendered dark from the account, whatever the browser's cookie says; a stale cookie is
    // brought in line.
    let home = app.get("/t/acme", Some(&format!("{alice}; atrium_theme=light"))).await;
    assert!(
        home.body.contains(r#"<html lang="en" dir="ltr" data-theme="dark">"#),
        "{}",
        &home.body[..300]
    );
    let pressed = home.pressed_in("theme-switch");
    assert_eq!(pressed.len(), 1, "{pressed:?}");
    assert!(pressed[0].contains(r#"value="dark""#), "{pressed:?}");
    assert!(home.set_cookies().iter().any(|c| c.starts_with("atrium_theme=dark;")));
    let again = app.get("/t/acme", Some(&format!("{alice}; atrium_theme=dark"))).await;
    assert!(
        again.set_cookies().iter().all(|c| !c.starts_with("atrium_theme=")),
        "in line: nothing to set"
    );
    assert!(app.audit_actions().await.contains(&"account.theme".to_owned()));

    // Signed out, the cookie alone renders the sign-in page in it.
    let login = app.get("/login", Some("atrium_theme=dark")).await;
    assert!(login.body.contains(r#"data-theme="dark""#));
    let login = app.get("/login", Some("atrium_theme=<script>")).await;
    assert!(
        !login.body.contains("data-theme"),
        "an unknown cookie value renders nothing"
    );

    // Not one of the three: refused at the field, nothing stored.
    let bad = app.call(SetTheme::PATH, Some(&alice), &[("theme", "purple")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("theme"), "{}", bad.body);
    let home = app.get("/t/acme", Some(&alice)).await;
    assert!(home.body.contains(r#"data-theme="dark""#));

    // A platform administrator's theme is theirs alone.
    let admin = app.sign_in("admin@atrium.test").await;
    app.call(SetTheme::PATH, Some(&admin), &[("theme", "light")]).await;
    assert!(app.get("/", Some(&admin)).await.body.contains(r#"data-theme="light""#));
    assert!(
        app.get("/t/acme", Some(&alice))
            .await
            .body
            .contains(r#"data-theme="dark""#)
    );

    // Nobody signed in: nothing to save it to.
    let anonymous = app.call(SetTheme::PATH, None, &[("theme", "dark")]).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{}", anonymous.body);
}
