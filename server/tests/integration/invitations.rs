//! Invitations over HTTP on the seeded demo, with a real SMTP sink: the link in the received
//! message opens the accept page and works once; expired and revoked links are refused; inviting
//! respects the member limit (open invitations count) and the inviter's rank; another workspace
//! neither sees nor changes an invitation.

use crate::common;

use atrium_app::db::TenantTx;
use atrium_app::error::AppError;
use atrium_app::ids::TenantId;
use atrium_app::notifications::outbound::AddressPolicy;
use atrium_app::notifications::outbox::{DeliverySettings, SmtpSettings, SmtpTls};
use atrium_app::plans::types::Limit;
use atrium_app::users::invitations::api::{
    AcceptInvitation, CreateInvitation, GetInvitation, ListInvitations, ResendInvitation, RevokeInvitation,
};
use axum::http::{StatusCode, header};
use common::smtp::{Mail, smtp_sink};
use common::{Reply, TestApp, spawn_app_delivering};
use leptos::server_fn::ServerFn;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::sync::{Arc, Mutex};

async fn app_with_mail(options: PgConnectOptions) -> (TestApp, Arc<Mutex<Vec<Mail>>>) {
    let (sink, mails) = smtp_sink().await;
    let settings = DeliverySettings {
        policy: AddressPolicy {
            allow_private: true,
            ..AddressPolicy::default()
        },
        public_url: "https://atrium.example.com".into(),
        smtp: Some(SmtpSettings {
            host: "127.0.0.1".into(),
            port: sink.port(),
            tls: SmtpTls::None,
            username: None,
            password: None,
            from: "Atrium <invitations@atrium.test>".into(),
        }),
        ..DeliverySettings::default()
    };
    (spawn_app_delivering(options, settings).await, mails)
}

/// The accept link's token from the last message to `to` (quoted-printable soft breaks undone).
fn token_for(mails: &Arc<Mutex<Vec<Mail>>>, to: &str) -> String {
    let mails = mails.lock().expect("lock");
    let mail = mails
        .iter()
        .rev()
        .find(|mail| mail.to.iter().any(|rcpt| rcpt.contains(to)))
        .unwrap_or_else(|| panic!("no mail to {to}"));
    let data = mail.data.replace("=\n", "");
    let at = data.find("/t/acme/invite/inv_").expect("the link") + "/t/acme/invite/".len();
    data[at..at + 47].to_owned()
}

async fn invite(app: &TestApp, cookie: &str, email: &str, role: &str) -> Reply {
    app.call(
        CreateInvitation::PATH,
        Some(cookie),
        &[("email", email), ("role", role)],
    )
    .await
}

async fn accept(app: &TestApp, token: &str, name: &str) -> Reply {
    app.call(
        AcceptInvitation::PATH,
        None,
        &[("token", token), ("name", name), ("password", "a-long-password-1")],
    )
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn an_invitation_link_from_the_mail_works_once(_: PgPoolOptions, options: PgConnectOptions) {
    let (app, mails) = app_with_mail(options).await;
    let alice = app.sign_in("alice@acme.test").await;

    let sent = invite(&app, &alice, "Nina@Acme.test", "manager").await;
    assert!(sent.status.is_success(), "{}", sent.body);
    assert!(sent.json()["send_error"].is_null(), "{}", sent.body);
    assert_eq!(sent.json()["invitation"]["email"], "nina@acme.test");
    {
        let mails = mails.lock().expect("lock");
        let mail = mails.last().expect("a message");
        assert!(mail.data.contains("Subject: Join Acme Corp on Atrium"), "{}", mail.data);
        assert!(mail.data.contains("Alice"), "names the inviter");
    }
    let token = token_for(&mails, "nina@acme.test");
    assert!(token.starts_with("inv_"));

    // The page the link opens, before anyone signs in: the workspace and what is offered.
    let page = app.get(&format!("/t/acme/invite/{token}"), None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Join Acme Corp") && page.body.contains("nina@acme.test"));
    let preview = app.call(GetInvitation::PATH, None, &[("token", &token)]).await.json();
    assert_eq!(preview["state"], "Open");

    // Bad input is named next to its field and creates nothing.
    let bad = app
        .call(
            AcceptInvitation::PATH,
            None,
            &[("token", &token), ("name", ""), ("password", "short")],
        )
        .await;
    let AppError::Validation(fields) = bad.error() else {
        panic!("{}", bad.body)
    };
    assert!(fields.get("name").is_some() && fields.get("password").is_some());

    let accepted = accept(&app, &token, "Nina New").await;
    assert!(
        accepted.status.is_success() || accepted.status.is_redirection(),
        "{}",
        accepted.body
    );
    assert_eq!(accepted.headers[header::LOCATION], "/t/acme");
    let nina = accepted.cookie().expect("signed in");
    let home = app.get("/t/acme", Some(&nina)).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Nina New"));
    let actions = app.audit_actions().await;
    for action in ["invitation.create", "invitation.accept", "auth.login"] {
        assert!(actions.contains(&action.to_owned()), "{action} in {actions:?}");
    }

    // Once only.
    let again = accept(&app, &token, "Someone Else").await;
    let AppError::Validation(fields) = again.error() else {
        panic!("{}", again.body)
    };
    assert!(fields.get("form").is_some_and(|m| m.contains("already been used")));
    // The list no longer shows it; the member exists with the invited role.
    let list = app.call(ListInvitations::PATH, Some(&alice), &[]).await.json();
    assert_eq!(list["invitations"].as_array().map(Vec::len), Some(0));
    let nina_id = app.user_id("nina@acme.test").await;
    let user = app
        .call(
            atrium_app::users::api::GetUser::PATH,
            Some(&alice),
            &[("user_id", &nina_id)],
        )
        .await
        .json();
    assert_eq!(user["user"]["role"], "Manager");
}

#[sqlx::test(migrations = "../migrations")]
async fn expired_and_revoked_links_are_refused_and_resending_replaces_the_link(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let (app, mails) = app_with_mail(options).await;
    let alice = app.sign_in("alice@acme.test").await;
    invite(&app, &alice, "late@acme.test", "viewer").await;
    let first = token_for(&mails, "late@acme.test");
    // Expire it (as the owner: time is not the test's to wait for).
    let mut owner = owner(&app).await;
    sqlx::query("UPDATE invitations SET expires_at = now() - interval '1 second' WHERE email = 'late@acme.test'")
        .execute(&mut owner)
        .await
        .expect("expire");
    let expired = accept(&app, &first, "Late Comer").await;
    let AppError::Validation(fields) = expired.error() else {
        panic!("{}", expired.body)
    };
    assert!(fields.get("form").is_some_and(|m| m.contains("expired")));
    let page = app.get(&format!("/t/acme/invite/{first}"), None).await;
    assert!(page.body.contains("This invitation has expired"));

    // Sending again: a new link and expiry; the old link names nothing any more.
    let list = app.call(ListInvitations::PATH, Some(&alice), &[]).await.json();
    assert_eq!(list["invitations"][0]["state"], "Expired");
    let id = list["invitations"][0]["invitation_id"].as_str().expect("id").to_owned();
    let resent = app
        .call(ResendInvitation::PATH, Some(&alice), &[("invitation_id", &id)])
        .await;
    assert!(resent.status.is_success(), "{}", resent.body);
    let second = token_for(&mails, "late@acme.test");
    assert_ne!(first, second);
    assert_eq!(accept(&app, &first, "Late Comer").await.status, StatusCode::NOT_FOUND);

    // Revoked: the link stops working at once.
    let revoked = app
        .call(RevokeInvitation::PATH, Some(&alice), &[("invitation_id", &id)])
        .await;
    assert!(revoked.status.is_success(), "{}", revoked.body);
    let refused = accept(&app, &second, "Late Comer").await;
    let AppError::Validation(fields) = refused.error() else {
        panic!("{}", refused.body)
    };
    assert!(fields.get("form").is_some_and(|m| m.contains("withdrawn")));
    let actions = app.audit_actions().await;
    assert!(actions.contains(&"invitation.resend".to_owned()) && actions.contains(&"invitation.revoke".to_owned()));
    // A made-up token is not found, and its page says so.
    let made_up = format!("inv_{}", "A".repeat(43));
    assert_eq!(accept(&app, &made_up, "X Y").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&format!("/t/acme/invite/{made_up}"), None).await.status,
        StatusCode::NOT_FOUND
    );
}

async fn owner(app: &TestApp) -> sqlx::PgConnection {
    use sqlx::Connection;
    sqlx::PgConnection::connect_with(&app.owner_options)
        .await
        .expect("owner")
}

#[sqlx::test(migrations = "../migrations")]
async fn inviting_respects_rank_limits_and_workspaces(_: PgPoolOptions, options: PgConnectOptions) {
    let (app, mails) = app_with_mail(options).await;
    let alice = app.sign_in("alice@acme.test").await;
    let mark = app.sign_in("mark@acme.test").await;

    // A Manager invites at most a Manager; a Viewer invites nobody.
    let above = invite(&app, &mark, "boss@acme.test", "admin").await;
    assert!(matches!(above.error(), AppError::Validation(_)), "{}", above.body);
    let victor = app.sign_in("victor@acme.test").await;
    assert_eq!(
        invite(&app, &victor, "v@acme.test", "viewer").await.status,
        StatusCode::FORBIDDEN
    );
    // Members and open invitations are refused by name.
    let member = invite(&app, &alice, "ana@acme.test", "viewer").await;
    let AppError::Validation(fields) = member.error() else {
        panic!("{}", member.body)
    };
    assert!(fields.get("email").is_some_and(|m| m.contains("already belongs")));
    assert!(
        invite(&app, &alice, "twice@acme.test", "viewer")
            .await
            .status
            .is_success()
    );
    let twice = invite(&app, &alice, "twice@acme.test", "viewer").await;
    let AppError::Validation(fields) = twice.error() else {
        panic!("{}", twice.body)
    };
    assert!(fields.get("email").is_some_and(|m| m.contains("open invitation")));

    // The member limit counts open invitations: at members + open = limit the next is refused
    // next to the field, one under works.
    let acme = TenantId(app.tenant_id("acme").await.expect("acme").parse().expect("uuid"));
    let mut owner = owner(&app).await;
    let members: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE tenant_id = $1")
        .bind(acme.0)
        .fetch_one(&mut owner)
        .await
        .expect("count");
    // Members + the one open invitation + one more place.
    let limit = members + 2;
    sqlx::query("INSERT INTO tenant_limit_overrides (tenant_id, limit_name, value) VALUES ($1, $2::plan_limit, $3)")
        .bind(acme.0)
        .bind(Limit::Users.as_str())
        .bind(limit)
        .execute(&mut owner)
        .await
        .expect("override");
    assert!(
        invite(&app, &alice, "last@acme.test", "viewer")
            .await
            .status
            .is_success(),
        "one under the limit"
    );
    let full = invite(&app, &alice, "over@acme.test", "viewer").await;
    let AppError::Validation(fields) = full.error() else {
        panic!("{}", full.body)
    };
    assert!(fields.get("email").is_some_and(|m| m.contains("Members")), "{fields:?}");
    assert!(
        !mails
            .lock()
            .expect("lock")
            .iter()
            .any(|m| m.to.iter().any(|t| t.contains("over@acme.test")))
    );

    // Globex cannot see, resend or revoke Acme's invitations, in its functions or its rows.
    let gina = app.sign_in("gina@globex.test").await;
    let list = app.call(ListInvitations::PATH, Some(&gina), &[]).await.json();
    assert_eq!(list["invitations"].as_array().map(Vec::len), Some(0));
    let acme_list = app.call(ListInvitations::PATH, Some(&alice), &[]).await.json();
    let id = acme_list["invitations"][0]["invitation_id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(
        app.call(RevokeInvitation::PATH, Some(&gina), &[("invitation_id", &id)])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.call(ResendInvitation::PATH, Some(&gina), &[("invitation_id", &id)])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let globex = TenantId(app.tenant_id("globex").await.expect("globex").parse().expect("uuid"));
    let mut tx = TenantTx::begin(&app.db, globex).await.expect("tx");
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM invitations")
        .fetch_one(&mut *tx)
        .await
        .expect("count");
    assert_eq!(seen, 0, "row-level security hides Acme's invitations");
    let changed = sqlx::query("UPDATE invitations SET revoked_at = now()")
        .execute(&mut *tx)
        .await
        .expect("update");
    assert_eq!(changed.rows_affected(), 0);
}
