//! Support access over HTTP on the seeded demo (issue 14): only a platform administrator, with a
//! reason, opens a session as a workspace member; the session says so on every page, acts as the
//! member, writes every action with both identities (audit format 3, and `atrium audit verify`
//! stays green), cannot change the member's credentials, and ends back in the administrator's
//! own session. A workspace can refuse it, and the platform can leave it out of its plan; either
//! also ends support sessions already open; a
//! platform administrator is never a target.

use crate::common;

use atrium_app::auth::api::GetCurrentUser;
use atrium_app::auth::sessions::api::ChangePassword;
use atrium_app::db::PlatformGuard;
use atrium_app::portal::api::{GetSecuritySettings, SaveSecuritySettings};
use atrium_app::users::api::SetUserStatus;
use atrium_app::users::support::api::{EndSupportAccess, StartSupportAccess};
use axum::http::StatusCode;
use common::{PASSWORD, TestApp, spawn_app};
use leptos::server_fn::ServerFn;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

const REASON: &str = "Ticket 4711: charts look empty to this member";

async fn me(app: &TestApp, cookie: &str) -> Option<serde_json::Value> {
    let reply = app.call(GetCurrentUser::PATH, Some(cookie), &[]).await;
    (reply.status == StatusCode::OK).then(|| reply.json())
}

/// Starts support access as `admin` on `email`; the support session's and the return cookies.
async fn start(app: &TestApp, admin: &str, email: &str) -> (String, String) {
    let user_id = app.user_id(email).await;
    let reply = app
        .call(
            StartSupportAccess::PATH,
            Some(admin),
            &[("user_id", &user_id), ("reason", REASON)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json(), "/t/acme");
    let session = reply.cookie_named("atrium_session").expect("the support session");
    let back = reply
        .cookie_named("atrium_support_return")
        .expect("the administrator's own session, kept");
    assert_eq!(
        back.split_once('=').map(|(_, v)| v),
        admin.split_once('=').map(|(_, v)| v)
    );
    (session, back)
}

#[sqlx::test(migrations = "../migrations")]
async fn support_access_acts_as_the_member_under_both_names_and_ends_back_home(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let app = spawn_app(options).await;
    let admin = app.sign_in("admin@atrium.test").await;
    let alice = app.sign_in("alice@acme.test").await;
    let mark_id = app.user_id("mark@acme.test").await;

    let short = app
        .call(
            StartSupportAccess::PATH,
            Some(&admin),
            &[("user_id", &mark_id), ("reason", "why")],
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", short.body);
    assert!(short.error().field_error("reason").is_some());
    // A workspace administrator holds users:impersonate in the matrix, but support access is the
    // platform's.
    let by_member = app
        .call(
            StartSupportAccess::PATH,
            Some(&alice),
            &[("user_id", &mark_id), ("reason", REASON)],
        )
        .await;
    assert_eq!(by_member.status, StatusCode::FORBIDDEN, "{}", by_member.body);
    // A platform administrator is no member: there is nobody to sign in as.
    let owner = app.owner_pool().await;
    let admin_id: uuid::Uuid =
        sqlx::query_scalar("SELECT platform_user_id FROM platform_users WHERE email = 'admin@atrium.test'")
            .fetch_one(&owner)
            .await
            .expect("admin");
    let of_admin = app
        .call(
            StartSupportAccess::PATH,
            Some(&admin),
            &[("user_id", &admin_id.to_string()), ("reason", REASON)],
        )
        .await;
    assert_eq!(of_admin.status, StatusCode::NOT_FOUND, "{}", of_admin.body);

    let (support, back) = start(&app, &admin, "mark@acme.test").await;
    let as_mark = me(&app, &support).await.expect("signed in as Mark");
    assert_eq!(as_mark["email"], "mark@acme.test");
    assert_eq!(as_mark["workspace"]["support_by"], "admin@atrium.test");
    let page = app.page("/t/acme", Some(&support)).await;
    assert!(
        page.body.contains("data-testid=\"support-banner\""),
        "every page says so"
    );

    // Acting as Mark: written under both names.
    let victor_id = app.user_id("victor@acme.test").await;
    let disabled = app
        .call(
            SetUserStatus::PATH,
            Some(&support),
            &[("user_id", &victor_id), ("status", "disabled")],
        )
        .await;
    assert_eq!(disabled.status, StatusCode::OK, "{}", disabled.body);
    let (actor, impersonator, format): (Option<uuid::Uuid>, Option<uuid::Uuid>, i16) =
        sqlx::query_as("SELECT actor_id, impersonator_id, format FROM audit_events WHERE action = 'user.disable'")
            .fetch_one(&owner)
            .await
            .expect("the audit row");
    assert_eq!(actor.map(|id| id.to_string()), Some(mark_id.clone()));
    assert_eq!(impersonator, Some(admin_id));
    assert_eq!(format, 3);
    // The member's credentials stay theirs.
    let password = app
        .call(
            ChangePassword::PATH,
            Some(&support),
            &[
                ("current_password", PASSWORD),
                ("new_password", "a fresh long passphrase"),
                ("new_password_again", "a fresh long passphrase"),
            ],
        )
        .await;
    assert_eq!(password.status, StatusCode::CONFLICT, "{}", password.body);

    // Ending it: the support session is gone, the administrator is back on Mark's page.
    let both = format!("{support}; {back}");
    let ended = app.call(EndSupportAccess::PATH, Some(&both), &[]).await;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.body);
    assert_eq!(ended.json(), format!("/users/{mark_id}"));
    let restored = ended
        .cookie_named("atrium_session")
        .expect("the administrator's session again");
    assert_eq!(restored, admin);
    assert!(me(&app, &support).await.is_none(), "the support session ended");
    assert_eq!(me(&app, &admin).await.expect("admin")["is_platform"], true);

    let reasons: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT action, after->>'reason' FROM audit_events WHERE action LIKE 'user.support_access_%' ORDER BY audit_id",
    )
    .fetch_all(&owner)
    .await
    .expect("rows");
    assert_eq!(
        reasons,
        [
            ("user.support_access_start".to_owned(), Some(REASON.to_owned())),
            ("user.support_access_end".to_owned(), Some(REASON.to_owned())),
        ]
    );
    let report = atrium_app::audit::db::verify_all_chains(&app.db, PlatformGuard::for_system_task())
        .await
        .expect("verify");
    assert!(report.is_intact(), "{report:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_workspace_that_refuses_support_access_ends_it_at_once(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let admin = app.sign_in("admin@atrium.test").await;
    let alice = app.sign_in("alice@acme.test").await;
    let (support, _) = start(&app, &admin, "victor@acme.test").await;
    assert!(me(&app, &support).await.is_some());
    let refuse = app
        .call(
            SaveSecuritySettings::PATH,
            Some(&alice),
            &[("idle_minutes", ""), ("max_hours", "")],
        )
        .await;
    assert_eq!(refuse.status, StatusCode::OK, "{}", refuse.body);
    assert_eq!(refuse.json()["allow_support_access"], false);
    assert!(
        me(&app, &support).await.is_none(),
        "the open support session ends with the setting"
    );
    let victor_id = app.user_id("victor@acme.test").await;
    let refused = app
        .call(
            StartSupportAccess::PATH,
            Some(&admin),
            &[("user_id", &victor_id), ("reason", REASON)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    let allow = app
        .call(
            SaveSecuritySettings::PATH,
            Some(&alice),
            &[("idle_minutes", ""), ("max_hours", ""), ("allow_support_access", "on")],
        )
        .await;
    assert_eq!(allow.json()["allow_support_access"], true);
    start(&app, &admin, "victor@acme.test").await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_plan_without_support_access_refuses_it_and_ends_it_at_once(_: PgPoolOptions, options: PgConnectOptions) {
    use atrium_app::plans::api::SaveEntitlements;
    let app = spawn_app(options).await;
    let admin = app.sign_in("admin@atrium.test").await;
    let alice = app.sign_in("alice@acme.test").await;
    let (support, _) = start(&app, &admin, "victor@acme.test").await;
    assert!(me(&app, &support).await.is_some());
    // The platform takes support access out of Acme's entitlements (its feature switch).
    let acme = app.tenant_id("acme").await.expect("acme");
    let off = app
        .call(
            SaveEntitlements::PATH,
            Some(&admin),
            &[("tenant_id", &acme), ("features[support_access]", "off")],
        )
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);
    assert!(
        me(&app, &support).await.is_none(),
        "the open support session ends with the feature"
    );
    let victor_id = app.user_id("victor@acme.test").await;
    let refused = app
        .call(
            StartSupportAccess::PATH,
            Some(&admin),
            &[("user_id", &victor_id), ("reason", REASON)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        refused.body.contains("plan does not include support access"),
        "{}",
        refused.body
    );
    // The workspace's own setting stays on, and its Security page says why it has no effect.
    let settings = app.call(GetSecuritySettings::PATH, Some(&alice), &[]).await;
    assert_eq!(settings.json()["allow_support_access"], true);
    assert_eq!(settings.json()["support_access_in_plan"], false);
    // Back to the plan's choice (every plan includes it): admitted again.
    let back = app
        .call(
            SaveEntitlements::PATH,
            Some(&admin),
            &[("tenant_id", &acme), ("features[support_access]", "plan")],
        )
        .await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.body);
    start(&app, &admin, "victor@acme.test").await;
}
