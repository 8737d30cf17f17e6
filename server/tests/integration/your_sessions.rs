//! One's own sessions and password over HTTP on the seeded demo (issue 14): the list marks the
//! session in use, ending one (or all the others, or all) refuses its cookie at once, nobody ends
//! someone else's by id; a password change needs the current password, refuses common and
//! mistyped new ones and ends the other sessions; an administrator signs a member out
//! everywhere, but not someone they do not outrank, and never across workspaces.

use crate::common;

use atrium_app::auth::api::{GetCurrentUser, Login};
use atrium_app::auth::sessions::api::{
    ChangePassword, EndMySession, EndOtherSessions, ListMySessions, SignOutEverywhere,
};
use atrium_app::users::credentials::EndMemberSessions;
use axum::http::StatusCode;
use common::{PASSWORD, TestApp, spawn_app};
use leptos::server_fn::ServerFn;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

async fn signed_in(app: &TestApp, cookie: &str) -> bool {
    let reply = app.call(GetCurrentUser::PATH, Some(cookie), &[]).await;
    match reply.status {
        StatusCode::OK => true,
        StatusCode::UNAUTHORIZED => false,
        other => panic!("{other}: {}", reply.body),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn sessions_are_listed_and_ended_one_the_others_or_all(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let a = app.sign_in("alice@acme.test").await;
    let b = app.sign_in("alice@acme.test").await;
    let list = app.call(ListMySessions::PATH, Some(&a), &[]).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let rows = list.json();
    let rows = rows.as_array().expect("a list");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows.iter().filter(|row| row["current"] == true).count(), 1);
    let other = rows
        .iter()
        .find(|row| row["current"] == false)
        .expect("the other session");
    let other_id = other["id"].as_str().expect("id").to_owned();

    // Another workspace's administrator cannot end it by its id.
    let gina = app.sign_in("gina@globex.test").await;
    let foreign = app
        .call(EndMySession::PATH, Some(&gina), &[("session_id", &other_id)])
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND, "{}", foreign.body);
    assert!(signed_in(&app, &b).await);

    let ended = app
        .call(EndMySession::PATH, Some(&a), &[("session_id", &other_id)])
        .await;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.body);
    assert!(
        !signed_in(&app, &b).await,
        "the ended session's cookie is refused at once"
    );
    assert!(signed_in(&app, &a).await);

    let c = app.sign_in("alice@acme.test").await;
    let d = app.sign_in("alice@acme.test").await;
    let others = app.call(EndOtherSessions::PATH, Some(&a), &[]).await;
    assert_eq!(others.status, StatusCode::OK, "{}", others.body);
    assert_eq!(others.json(), 2);
    assert!(!signed_in(&app, &c).await && !signed_in(&app, &d).await);
    assert!(signed_in(&app, &a).await);

    let everywhere = app.call(SignOutEverywhere::PATH, Some(&a), &[]).await;
    assert!(
        everywhere.status.is_success() || everywhere.status.is_redirection(),
        "{}",
        everywhere.body
    );
    assert!(!signed_in(&app, &a).await);
    assert!(signed_in(&app, &gina).await, "another account's sessions stay");
    let actions = app.audit_actions().await;
    for action in ["auth.session_end", "auth.sessions_end_others", "auth.logout_everywhere"] {
        assert!(actions.contains(&action.to_owned()), "{action}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_password_change_needs_the_current_one_and_ends_the_other_sessions(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let app = spawn_app(options).await;
    let here = app.sign_in("mark@acme.test").await;
    let elsewhere = app.sign_in("mark@acme.test").await;
    let change = |current: &'static str, new: &'static str, again: &'static str| {
        let app = &app;
        let here = here.clone();
        async move {
            app.call(
                ChangePassword::PATH,
                Some(&here),
                &[
                    ("current_password", current),
                    ("new_password", new),
                    ("new_password_again", again),
                ],
            )
            .await
        }
    };
    let wrong = change("not-my-password", "a fresh long passphrase", "a fresh long passphrase").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", wrong.body);
    assert!(wrong.error().field_error("current_password").is_some());
    let common = change(PASSWORD, "password123", "password123").await;
    assert_eq!(common.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        common
            .error()
            .field_error("new_password")
            .expect("message")
            .contains("most common")
    );
    let mistyped = change(PASSWORD, "a fresh long passphrase", "a fresh long passfrase").await;
    assert!(mistyped.error().field_error("new_password_again").is_some());
    let changed = change(PASSWORD, "a fresh long passphrase", "a fresh long passphrase").await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert!(signed_in(&app, &here).await, "the session that changed it stays");
    assert!(!signed_in(&app, &elsewhere).await, "every other session ends");
    let old = app
        .call(
            Login::PATH,
            None,
            &[("email", "mark@acme.test"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = app
        .call(
            Login::PATH,
            None,
            &[("email", "mark@acme.test"), ("password", "a fresh long passphrase")],
        )
        .await;
    assert!(new.cookie().is_some(), "{} {}", new.status, new.body);
    let actions = app.audit_actions().await;
    assert!(actions.contains(&"auth.password_change".to_owned()));
    assert!(
        actions.contains(&"auth.login_failed".to_owned()),
        "the wrong current password counts"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_administrator_signs_a_member_out_everywhere_within_their_reach(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await;
    let victor = app.sign_in("victor@acme.test").await;
    let gina = app.sign_in("gina@globex.test").await;
    let victor_id = app.user_id("victor@acme.test").await;
    let alice_id = app.user_id("alice@acme.test").await;
    let foreign = app
        .call(EndMemberSessions::PATH, Some(&gina), &[("user_id", &victor_id)])
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND, "{}", foreign.body);
    let upward = app
        .call(EndMemberSessions::PATH, Some(&victor), &[("user_id", &alice_id)])
        .await;
    assert_eq!(upward.status, StatusCode::FORBIDDEN, "{}", upward.body);
    assert!(signed_in(&app, &victor).await && signed_in(&app, &alice).await);
    let ended = app
        .call(EndMemberSessions::PATH, Some(&alice), &[("user_id", &victor_id)])
        .await;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.body);
    assert!(!signed_in(&app, &victor).await);
    assert!(app.audit_actions().await.contains(&"user.sessions_end".to_owned()));
}
