//! Two-factor sign-in over HTTP on the seeded demo (issue 14): enrolment confirmed by a first
//! code, a sign-in that stops at the code step (whose cookie is no session), replayed codes and
//! used backup codes refused, wrong codes counted towards the lockout, a workspace that requires
//! a second factor sending its members to enrolment, and an administrator's reset (which ends the
//! member's sessions) refused to those who may not act on the member. Codes are computed from the
//! secret the enrolment shows, as an authenticator app would (RFC 6238, checked against the RFC's
//! own vectors in `two_factor::code`).

use crate::common;

use atrium_app::auth::api::{GetCurrentUser, Login};
use atrium_app::auth::two_factor::api::{ConfirmTwoFactor, DisableTwoFactor, StartTwoFactor, VerifyTwoFactor};
use atrium_app::auth::two_factor::code::{STEP_SECS, code_at};
use atrium_app::portal::api::SaveSecuritySettings;
use atrium_app::users::credentials::ResetTwoFactor;
use axum::http::{StatusCode, header};
use common::{PASSWORD, Reply, TestApp, spawn_app};
use leptos::server_fn::ServerFn;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

fn now() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).expect("after 1970")
}

fn location(reply: &Reply) -> String {
    reply
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// RFC 4648 base32 (no padding, spaces ignored), as an app reads the typed key.
fn base32(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bits = 0u64;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let value = ALPHABET.iter().position(|a| *a == c).expect("base32") as u64;
        bits = (bits << 5) | value;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

/// Enrols the signed-in `session`; returns the secret and the backup codes.
async fn enrol(app: &TestApp, session: &str) -> (Vec<u8>, Vec<String>) {
    let setup = app.call(StartTwoFactor::PATH, Some(session), &[]).await;
    assert_eq!(setup.status, StatusCode::OK, "{}", setup.body);
    let setup = setup.json();
    assert!(
        setup["uri"]
            .as_str()
            .expect("uri")
            .starts_with("otpauth://totp/Atrium:")
    );
    assert!(setup["qr_svg"].as_str().expect("svg").contains("<svg"));
    let secret = base32(setup["secret"].as_str().expect("secret"));
    assert_eq!(secret.len(), 20);
    let wrong = app
        .call(ConfirmTwoFactor::PATH, Some(session), &[("code", "000000")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", wrong.body);
    assert!(wrong.error().field_error("code").is_some());
    let code = code_at(&secret, now());
    let confirmed = app
        .call(ConfirmTwoFactor::PATH, Some(session), &[("code", &code)])
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    let codes: Vec<String> = serde_json::from_value(confirmed.json()["codes"].clone()).expect("codes");
    assert_eq!(codes.len(), 10);
    (secret, codes)
}

/// Password step: the challenge cookie and where it sends the browser.
async fn password_step(app: &TestApp, email: &str) -> (String, String) {
    let reply = app
        .call(
            Login::PATH,
            None,
            &[("email", email), ("password", PASSWORD), ("next", "/alerts")],
        )
        .await;
    assert!(
        reply.status.is_success() || reply.status.is_redirection(),
        "{} {}",
        reply.status,
        reply.body
    );
    assert_eq!(
        reply.cookie_named("atrium_session"),
        None,
        "no session before the second factor"
    );
    let challenge = reply.cookie_named("atrium_challenge").expect("challenge cookie");
    (challenge, location(&reply))
}

async fn verify(app: &TestApp, challenge: &str, code: &str) -> Reply {
    app.call(
        VerifyTwoFactor::PATH,
        Some(challenge),
        &[("code", code), ("next", "/alerts")],
    )
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_second_factor_is_asked_after_the_password_and_each_code_works_once(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let app = spawn_app(options).await;
    let session = app.sign_in("alice@acme.test").await;
    let (secret, backup) = enrol(&app, &session).await;

    let (challenge, to) = password_step(&app, "alice@acme.test").await;
    assert_eq!(to, "/login/verify?next=%2Falerts");
    // The code step's page is open to the browser between password and session.
    let step = app.get(&to, Some(&challenge)).await;
    assert_eq!(step.status, StatusCode::OK, "{}", step.body);
    assert!(step.body.contains("Enter the six-digit code"), "{}", step.body);
    // The challenge is no session: nothing signed-in accepts it.
    let me = app.call(GetCurrentUser::PATH, Some(&challenge), &[]).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED, "{}", me.body);
    // The enrolment's code was for this step: the next one is what the app shows next.
    let code = code_at(&secret, now() + STEP_SECS);
    let bad = verify(&app, &challenge, "12345").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let signed_in = verify(&app, &challenge, &code).await;
    assert!(
        signed_in.status.is_success() || signed_in.status.is_redirection(),
        "{}",
        signed_in.body
    );
    assert_eq!(location(&signed_in), "/t/acme/alerts");
    let new_session = signed_in.cookie_named("atrium_session").expect("session");
    let me = app.call(GetCurrentUser::PATH, Some(&new_session), &[]).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    // The challenge ended with the sign-in.
    let again = verify(&app, &challenge, &code).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED, "{}", again.body);

    // The same code on a new sign-in is a replay.
    let (challenge, _) = password_step(&app, "alice@acme.test").await;
    let replay = verify(&app, &challenge, &code).await;
    assert_eq!(replay.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", replay.body);
    assert!(replay.error().field_error("code").is_some());

    // A backup code signs in once, typed however.
    let typed = backup[0].to_uppercase().replace('-', " ");
    let by_backup = verify(&app, &challenge, &typed).await;
    assert!(
        by_backup.cookie_named("atrium_session").is_some(),
        "{} {}",
        by_backup.status,
        by_backup.body
    );
    let (challenge, _) = password_step(&app, "alice@acme.test").await;
    let reused = verify(&app, &challenge, &backup[0]).await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reused.body);

    let actions = app.audit_actions().await;
    assert!(actions.contains(&"auth.two_factor_enrol_start".to_owned()));
    assert!(actions.contains(&"auth.two_factor_enable".to_owned()));
    let owner = app.owner_pool().await;
    let factors: Vec<String> = sqlx::query_scalar(
        "SELECT after->>'factor' FROM audit_events WHERE action = 'auth.login' AND after ? 'factor' ORDER BY audit_id",
    )
    .fetch_all(&owner)
    .await
    .expect("logins");
    assert_eq!(factors, ["totp", "backup_code"]);
    let failed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'auth.login_failed' AND after->>'factor' IS NOT NULL",
    )
    .fetch_one(&owner)
    .await
    .expect("failures");
    assert_eq!(failed, 2, "the replay and the reused backup code");
}

#[sqlx::test(migrations = "../migrations")]
async fn wrong_codes_count_towards_the_lockout(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let session = app.sign_in("admin@atrium.test").await;
    let (secret, _) = enrol(&app, &session).await;
    let (challenge, to) = password_step(&app, "admin@atrium.test").await;
    assert!(to.starts_with("/login/verify"));
    let right = code_at(&secret, now() + STEP_SECS);
    let wrong = if right == "111111" { "222222" } else { "111111" };
    for attempt in 1..=4 {
        let reply = verify(&app, &challenge, wrong).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "attempt {attempt}: {}",
            reply.body
        );
    }
    let fifth = verify(&app, &challenge, wrong).await;
    assert_eq!(fifth.status, StatusCode::UNAUTHORIZED, "{}", fifth.body);
    // Locked: the right code no longer helps, and neither does the password.
    let late = verify(&app, &challenge, &right).await;
    assert_eq!(late.status, StatusCode::UNAUTHORIZED, "{}", late.body);
    let password = app
        .call(
            Login::PATH,
            None,
            &[("email", "admin@atrium.test"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(password.status, StatusCode::UNAUTHORIZED, "{}", password.body);
    assert!(app.audit_actions().await.contains(&"auth.locked".to_owned()));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_workspace_can_require_it_and_an_administrator_resets_a_members_factor(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await;
    // Signed in before the requirement: sessions already open stay open.
    let victor = app.sign_in("victor@acme.test").await;
    let saved = app
        .call(
            SaveSecuritySettings::PATH,
            Some(&alice),
            &[("idle_minutes", ""), ("max_hours", ""), ("require_two_factor", "on")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.json()["require_two_factor"], true);

    // Mark has no second factor: the password leads to enrolment, not into the workspace.
    let (challenge, to) = password_step(&app, "mark@acme.test").await;
    assert_eq!(to, "/login/enrol?next=%2Falerts");
    let step = app.get(&to, Some(&challenge)).await;
    assert_eq!(step.status, StatusCode::OK, "{}", step.body);
    let me = app.call(GetCurrentUser::PATH, Some(&challenge), &[]).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    let setup = app.call(StartTwoFactor::PATH, Some(&challenge), &[]).await;
    assert_eq!(setup.status, StatusCode::OK, "{}", setup.body);
    let secret = base32(setup.json()["secret"].as_str().expect("secret"));
    let code = code_at(&secret, now());
    let confirmed = app
        .call(
            ConfirmTwoFactor::PATH,
            Some(&challenge),
            &[("code", &code), ("next", "/alerts")],
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert_eq!(confirmed.json()["continue_to"], "/t/acme/alerts");
    let mark = confirmed
        .cookie_named("atrium_session")
        .expect("signed in after enrolling");
    let me = app.call(GetCurrentUser::PATH, Some(&mark), &[]).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    // Required: it stays on.
    let off = app
        .call(
            DisableTwoFactor::PATH,
            Some(&mark),
            &[("disable_code", &code_at(&secret, now() + STEP_SECS))],
        )
        .await;
    assert_eq!(off.status, StatusCode::CONFLICT, "{}", off.body);

    // Who may reset Mark's factor: not Victor (a viewer), not Globex's administrator, not Mark
    // for Alice (he does not outrank her); Alice may, and Mark is signed out at once.
    let mark_id = app.user_id("mark@acme.test").await;
    let alice_id = app.user_id("alice@acme.test").await;
    let refused = app
        .call(ResetTwoFactor::PATH, Some(&victor), &[("user_id", &mark_id)])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let gina = app.sign_in("gina@globex.test").await;
    let foreign = app
        .call(ResetTwoFactor::PATH, Some(&gina), &[("user_id", &mark_id)])
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND, "{}", foreign.body);
    let upward = app
        .call(ResetTwoFactor::PATH, Some(&mark), &[("user_id", &alice_id)])
        .await;
    assert!(!upward.status.is_success(), "{} {}", upward.status, upward.body);
    let reset = app
        .call(ResetTwoFactor::PATH, Some(&alice), &[("user_id", &mark_id)])
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    let me = app.call(GetCurrentUser::PATH, Some(&mark), &[]).await;
    assert_eq!(
        me.status,
        StatusCode::UNAUTHORIZED,
        "the reset ends the member's sessions"
    );
    assert!(app.audit_actions().await.contains(&"user.two_factor_reset".to_owned()));
    // With the factor gone and the requirement on, the next sign-in enrols again.
    let (_, to) = password_step(&app, "mark@acme.test").await;
    assert!(to.starts_with("/login/enrol"), "{to}");
}
