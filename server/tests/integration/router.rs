//! The real axum router on a real PostgreSQL, driven over HTTP as the browser does: probes, the
//! signed-out redirect, CSRF refusal, and the tenant and user server functions with their
//! permission checks, validation errors, conflicts and audit rows.

use crate::common;

use atrium_app::error::AppError;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{PASSWORD, spawn_app};
use leptos::server_fn::ServerFn;
use serde_json::Value;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use atrium_app::tenants::api::{
    CreateTenant, DeleteTenant, GetTenant, ListTenants, SearchTenants, SetTenantStatus, TenantChoice, UpdateTenant,
};
use atrium_app::users::api::{CreateUser, DeleteUser, ListUsers, ResetUserPassword, SetUserStatus, UpdateUser};

#[sqlx::test(migrations = "../migrations")]
async fn probes_answer(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    assert_eq!(app.get("/health", None).await.status, StatusCode::OK);
    let ready = app.get("/ready", None).await;
    assert_eq!((ready.status, ready.body.as_str()), (StatusCode::OK, "ready"));
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_redirect_signed_out_visitors_and_render_for_signed_in_ones(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let reply = app.get("/tenants?q=a", None).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.headers[header::LOCATION], "/login?next=%2Ftenants%3Fq%3Da");
    assert_eq!(reply.headers[header::X_FRAME_OPTIONS], "DENY");
    let login = app.get("/login", None).await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(login.body.contains("Sign in to Atrium"));

    let cookie = app.sign_in("admin@atrium.test").await;
    let page = app.get("/tenants", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("Acme Corp") && page.body.contains("Globex"),
        "server-rendered list"
    );
    // Signed in, /login sends you home.
    assert_eq!(app.get("/login", Some(&cookie)).await.status, StatusCode::SEE_OTHER);
}

#[sqlx::test(migrations = "../migrations")]
async fn session_cookies_are_httponly_samesite_and_rotated(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let reply = app
        .call(
            atrium_app::auth::api::Login::PATH,
            None,
            &[("email", "admin@atrium.test"), ("password", PASSWORD)],
        )
        .await;
    let set_cookie = reply.headers[header::SET_COOKIE].to_str().expect("cookie").to_owned();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax") && set_cookie.contains("Path=/"),
        "{set_cookie}"
    );
    let first = reply.cookie().expect("cookie");
    let second = app
        .call(
            atrium_app::auth::api::Login::PATH,
            Some(&first),
            &[("email", "admin@atrium.test"), ("password", PASSWORD)],
        )
        .await
        .cookie()
        .expect("cookie");
    assert_ne!(first, second, "signing in issues a new session id");
    assert_eq!(
        app.get("/", Some(&first)).await.status,
        StatusCode::SEE_OTHER,
        "the old session ended"
    );
    assert_eq!(app.get("/", Some(&second)).await.status, StatusCode::OK);
    app.call(atrium_app::auth::api::Logout::PATH, Some(&second), &[]).await;
    assert_eq!(
        app.get("/", Some(&second)).await.status,
        StatusCode::SEE_OTHER,
        "signed out"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn cross_site_posts_are_refused(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let cookie = app.sign_in("admin@atrium.test").await;
    let request = Request::post(CreateTenant::PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "atrium.test")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::COOKIE, &cookie)
        .body(Body::from("name=Evil&slug=evil&plan=free"))
        .expect("request");
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.json()["error"]["code"], "cross_site_request");
    assert_eq!(app.tenant_id("evil").await, None);
}

#[sqlx::test(migrations = "../migrations")]
async fn server_functions_require_a_session(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let reply = app.call(ListTenants::PATH, None, &[]).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.error(), AppError::Unauthorized);
    let forged = app.call(ListTenants::PATH, Some("atrium_session=forged"), &[]).await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "../migrations")]
async fn tenants_are_created_validated_updated_and_deleted_with_audit_rows(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let app = spawn_app(options).await;
    let admin = app.sign_in("admin@atrium.test").await;

    let bad = app
        .call(
            CreateTenant::PATH,
            Some(&admin),
            &[("name", " "), ("slug", "Bad Slug"), ("plan", "platinum")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = bad.error();
    assert_eq!(error.field_error("name").as_deref(), Some("This field is required."));
    assert!(error.field_error("slug").is_some_and(|m| m.contains("lowercase")));
    assert_eq!(
        error.field_error("plan").as_deref(),
        Some("Choose one of the listed plans.")
    );

    let long = "x".repeat(121);
    let too_long = app
        .call(
            CreateTenant::PATH,
            Some(&admin),
            &[("name", &long), ("slug", "initech"), ("plan", "free")],
        )
        .await;
    assert!(too_long.error().field_error("name").is_some_and(|m| m.contains("120")));
    assert_eq!(app.tenant_id("initech").await, None, "nothing written on bad input");

    let taken = app
        .call(
            CreateTenant::PATH,
            Some(&admin),
            &[("name", "Acme Again"), ("slug", "acme"), ("plan", "free")],
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        taken.error().field_error("slug").as_deref(),
        Some("Another tenant already uses this slug.")
    );

    let created = app
        .call(
            CreateTenant::PATH,
            Some(&admin),
            &[("name", "Initech"), ("slug", "initech"), ("plan", "starter")],
        )
        .await;
    assert!(created.status.is_success(), "{} {}", created.status, created.body);
    let id = app.tenant_id("initech").await.expect("created");
    assert_eq!(created.json(), Value::String(id.clone()));

    let detail = app
        .call(GetTenant::PATH, Some(&admin), &[("tenant_id", &id)])
        .await
        .json();
    assert_eq!(detail["tenant"]["plan"], "Starter");

    let renamed = app
        .call(
            UpdateTenant::PATH,
            Some(&admin),
            &[
                ("tenant_id", &id),
                ("name", "Initech Global"),
                ("slug", "initech-global"),
                ("plan", "enterprise"),
                ("status", "active"),
            ],
        )
        .await;
    assert!(renamed.status.is_success(), "{}", renamed.body);
    assert_eq!(renamed.json()["name"], "Initech Global");

    let suspended = app
        .call(
            SetTenantStatus::PATH,
            Some(&admin),
            &[("tenant_id", &id), ("status", "suspended")],
        )
        .await;
    assert_eq!(suspended.json()["status"], "Suspended");

    let wrong = app
        .call(
            DeleteTenant::PATH,
            Some(&admin),
            &[("tenant_id", &id), ("confirm", "initech")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.tenant_id("initech-global").await.is_some());
    let deleted = app
        .call(
            DeleteTenant::PATH,
            Some(&admin),
            &[("tenant_id", &id), ("confirm", "initech-global")],
        )
        .await;
    assert!(deleted.status.is_success(), "{}", deleted.body);
    assert_eq!(app.tenant_id("initech-global").await, None);
    let missing = app.call(GetTenant::PATH, Some(&admin), &[("tenant_id", &id)]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let actions = app.audit_actions().await;
    for action in ["tenant.create", "tenant.update", "tenant.suspend", "tenant.delete"] {
        assert!(
            actions.iter().any(|a| a == action),
            "missing audit row {action}: {actions:?}"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn tenant_listing_searches_sorts_and_paginates_on_the_server(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let admin = app.sign_in("admin@atrium.test").await;
    for n in 0..12 {
        let (name, slug) = (format!("Bulk {n:02}"), format!("bulk-{n:02}"));
        app.call(
            CreateTenant::PATH,
            Some(&admin),
            &[("name", &name), ("slug", &slug), ("plan", "free")],
        )
        .await;
    }
    let list = |query: String| {
        let (app, admin) = (&app, &admin);
        async move {
            app.call(ListTenants::PATH, Some(admin), &[("query", &query)])
                .await
                .json()
        }
    };
    let first = list("?q=bulk&sort=name&dir=desc&per_page=10".to_owned()).await;
    assert_eq!(first["total"], serde_json::json!({ "Exact": 12 }));
    assert!(first["prev"].is_null());
    let next = first["next"].as_str().expect("a next page").to_owned();
    // The next page by its cursor, as the pager's link asks for it.
    let page = list(format!(
        "?q=bulk&sort=name&dir=desc&per_page=10&page=2&after={}",
        atrium_app::paging::encode(&next)
    ))
    .await;
    let names: Vec<&str> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(names, ["Bulk 01", "Bulk 00"]);
    assert_eq!((page["page"].as_u64(), page["next"].is_null()), (Some(2), true));
    // LIKE wildcards typed by the user are literal.
    let none = list("?q=%25".to_owned()).await;
    assert_eq!(none["total"], serde_json::json!({ "Exact": 0 }));

    // The tenant choosers ask the same way: by name or slug, in name order, a page at most.
    let search = |q: &'static str| {
        let (app, admin) = (&app, &admin);
        async move { app.call(SearchTenants::PATH, Some(admin), &[("q", q)]).await.json() }
    };
    let found = search("BULK-1").await;
    let labels: Vec<&str> = found
        .as_array()
        .expect("choices")
        .iter()
        .filter_map(|c| c["label"].as_str())
        .collect();
    assert_eq!(labels, ["Bulk 10", "Bulk 11"]);
    assert_eq!(found[0]["detail"], "bulk-10");
    let everyone = search("").await;
    assert_eq!(
        everyone.as_array().map(Vec::len),
        Some(14),
        "Acme, Globex and the 12: {everyone}"
    );
    assert_eq!(search("_").await, serde_json::json!([]), "wildcards are literal");
    let id = found[0]["value"].as_str().expect("an id").to_owned();
    let chosen = app
        .call(TenantChoice::PATH, Some(&admin), &[("tenant_id", &id)])
        .await
        .json();
    assert_eq!(chosen["label"], "Bulk 10");
    let alice = app.sign_in("alice@acme.test").await;
    let refused = app.call(SearchTenants::PATH, Some(&alice), &[("q", "")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let refused = app.call(TenantChoice::PATH, Some(&alice), &[("tenant_id", &id)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn tenant_users_cannot_touch_tenants_or_other_tenants(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await;
    let globex = app.tenant_id("globex").await.expect("globex");

    let create = app
        .call(
            CreateTenant::PATH,
            Some(&alice),
            &[("name", "Mine"), ("slug", "mine"), ("plan", "free")],
        )
        .await;
    assert_eq!(create.status, StatusCode::FORBIDDEN);
    assert_eq!(create.error(), AppError::forbidden("tenants:create"));
    assert_eq!(
        app.call(ListTenants::PATH, Some(&alice), &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let other = app.call(ListUsers::PATH, Some(&alice), &[("tenant_id", &globex)]).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let into_other = app
        .call(
            CreateUser::PATH,
            Some(&alice),
            &[
                ("tenant_id", &globex),
                ("email", "spy@globex.test"),
                ("name", "Spy"),
                ("role", "admin"),
                ("password", "long-enough-pass"),
            ],
        )
        .await;
    assert_eq!(into_other.status, StatusCode::NOT_FOUND);
    let gina = app.user_id("gina@globex.test").await;
    let edit_other = app
        .call(
            UpdateUser::PATH,
            Some(&alice),
            &[
                ("user_id", &gina),
                ("email", "gina@globex.test"),
                ("name", "Pwned"),
                ("role", "viewer"),
            ],
        )
        .await;
    assert_eq!(edit_other.status, StatusCode::NOT_FOUND);
    let delete_other = app
        .call(
            DeleteUser::PATH,
            Some(&alice),
            &[("user_id", &gina), ("confirm", "gina@globex.test")],
        )
        .await;
    assert_eq!(delete_other.status, StatusCode::NOT_FOUND);

    // Alice's own listing holds only Acme's users.
    let own = app.call(ListUsers::PATH, Some(&alice), &[]).await.json();
    let emails: Vec<&str> = own["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|u| u["email"].as_str())
        .collect();
    assert_eq!(emails.len(), 4);
    assert!(emails.iter().all(|e| e.ends_with("@acme.test")), "{emails:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn users_are_managed_within_role_limits(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await; // Admin
    let mark = app.sign_in("mark@acme.test").await; // Manager
    let victor = app.sign_in("victor@acme.test").await; // Viewer

    let viewer_create = app
        .call(
            CreateUser::PATH,
            Some(&victor),
            &[
                ("email", "v2@acme.test"),
                ("name", "V2"),
                ("role", "viewer"),
                ("password", ""),
            ],
        )
        .await;
    assert_eq!(viewer_create.status, StatusCode::FORBIDDEN);

    let escalate = app
        .call(
            CreateUser::PATH,
            Some(&mark),
            &[
                ("email", "boss@acme.test"),
                ("name", "Boss"),
                ("role", "admin"),
                ("password", ""),
            ],
        )
        .await;
    assert_eq!(
        escalate.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a manager cannot create an admin"
    );

    let created = app
        .call(
            CreateUser::PATH,
            Some(&mark),
            &[
                ("email", "New@Acme.test"),
                ("name", "Newbie"),
                ("role", "analyst"),
                ("password", ""),
            ],
        )
        .await;
    assert!(created.status.is_success(), "{}", created.body);
    let issued = created.json();
    assert_eq!(issued["email"], "new@acme.test");
    let generated = issued["password"].as_str().expect("generated password").to_owned();
    assert_eq!(generated.len(), 20);
    let newbie = issued["user_id"].as_str().expect("id").to_owned();

    let duplicate = app
        .call(
            CreateUser::PATH,
            Some(&alice),
            &[
                ("email", "new@acme.test"),
                ("name", "Again"),
                ("role", "viewer"),
                ("password", "long-enough-pass"),
            ],
        )
        .await;
    assert_eq!(
        duplicate.error().field_error("email").as_deref(),
        Some("A user with this email already exists in this tenant.")
    );
    let bad = app
        .call(
            CreateUser::PATH,
            Some(&alice),
            &[("email", "nope"), ("name", ""), ("role", "root"), ("password", "short")],
        )
        .await;
    let error = bad.error();
    for field in ["email", "name", "role", "password"] {
        assert!(error.field_error(field).is_some(), "no message for {field}: {error:?}");
    }

    // The generated password signs the new user in.
    let login = app
        .call(
            atrium_app::auth::api::Login::PATH,
            None,
            &[("email", "new@acme.test"), ("password", &generated)],
        )
        .await;
    let newbie_cookie = login.cookie().expect("new user's session");

    let disabled = app
        .call(
            SetUserStatus::PATH,
            Some(&alice),
            &[("user_id", &newbie), ("status", "disabled")],
        )
        .await;
    assert_eq!(disabled.json()["status"], "Disabled");
    assert_eq!(
        app.get("/", Some(&newbie_cookie)).await.status,
        StatusCode::SEE_OTHER,
        "disabling signs the user out"
    );
    app.call(
        SetUserStatus::PATH,
        Some(&alice),
        &[("user_id", &newbie), ("status", "active")],
    )
    .await;

    let reset = app
        .call(ResetUserPassword::PATH, Some(&victor), &[("user_id", &newbie)])
        .await;
    assert_eq!(reset.status, StatusCode::FORBIDDEN, "viewers cannot reset passwords");
    let alice_id = app.user_id("alice@acme.test").await;
    let upward = app
        .call(ResetUserPassword::PATH, Some(&mark), &[("user_id", &alice_id)])
        .await;
    assert_eq!(
        upward.status,
        StatusCode::FORBIDDEN,
        "a manager cannot reset an admin's password"
    );
    let reset = app
        .call(ResetUserPassword::PATH, Some(&alice), &[("user_id", &newbie)])
        .await
        .json();
    let fresh = reset["password"].as_str().expect("new password");
    assert_ne!(fresh, generated);

    let renamed = app
        .call(
            UpdateUser::PATH,
            Some(&alice),
            &[
                ("user_id", &newbie),
                ("email", "newbie@acme.test"),
                ("name", "Newbie Two"),
                ("role", "manager"),
            ],
        )
        .await;
    assert!(
        renamed.status.is_success() || renamed.status.is_redirection(),
        "{}",
        renamed.body
    );

    let self_delete = app
        .call(
            DeleteUser::PATH,
            Some(&alice),
            &[("user_id", &alice_id), ("confirm", "alice@acme.test")],
        )
        .await;
    assert_eq!(self_delete.status, StatusCode::CONFLICT);
    let deleted = app
        .call(
            DeleteUser::PATH,
            Some(&alice),
            &[("user_id", &newbie), ("confirm", "newbie@acme.test")],
        )
        .await;
    assert!(
        deleted.status.is_success() || deleted.status.is_redirection(),
        "{}",
        deleted.body
    );

    let actions = app.audit_actions().await;
    for action in [
        "user.create",
        "user.disable",
        "user.enable",
        "user.reset_password",
        "user.update",
        "user.delete",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "missing audit row {action}: {actions:?}"
        );
    }
}

#[test]
fn every_server_function_declares_its_access() {
    let declared: Vec<&str> = atrium_app::shell::registry::server_fn_access()
        .into_iter()
        .map(|(path, _)| path)
        .collect();
    let registered: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    assert!(registered.len() >= declared.len(), "registered: {registered:?}");
    for path in &registered {
        assert!(
            declared.contains(&path.as_str()),
            "server function {path} declares no permission in shell/registry.rs"
        );
    }
    for path in declared {
        assert!(
            registered.iter().any(|r| r == path),
            "{path} is declared but not registered"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_function_requiring_an_undeclared_permission_is_refused(_: PgPoolOptions, options: PgConnectOptions) {
    // GetOverview declares users:read; calling `require` for another permission at its path is
    // what a forgetful function would do, and it must fail closed.
    let app = spawn_app(options).await;
    let cookie = app.sign_in("admin@atrium.test").await;
    let ok = app
        .call(atrium_app::shell::home::GetOverview::PATH, Some(&cookie), &[])
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let db = app.db.clone();
    let owner = leptos::prelude::Owner::new();
    let result = owner
        .with(|| {
            let (parts, _) = Request::post(atrium_app::shell::home::GetOverview::PATH)
                .header(header::COOKIE, &cookie)
                .body(())
                .expect("request")
                .into_parts();
            leptos::prelude::provide_context(parts);
            leptos::prelude::provide_context(db);
            leptos::prelude::provide_context(atrium_app::shell::registry::declared_access());
            atrium_app::auth::context::require(atrium_app::permissions::types::Permission::TenantsDelete)
        })
        .await;
    assert!(
        matches!(result, Err(AppError::Internal)),
        "undeclared permission must be refused"
    );
}
