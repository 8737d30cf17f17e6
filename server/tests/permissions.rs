//! Permission sets, grants and delegations over HTTP on a real database: effective permissions
//! change as they should, expired and revoked delegations stop counting, and every attempt to
//! gain or hand out more than one holds is refused.

mod common;

use atrium_app::permissions::api::{
    CreateDelegation, DeletePermissionSet, ExplainPermission, GetRoleMatrix, GetUserPermissions, ListDelegations,
    RevokeDelegation, SavePermissionSet, SetUserGrant, SetUserPermissionSet,
};
use atrium_app::users::api::{CreateUser, DeleteUser, ListUsers};
use axum::http::StatusCode;
use common::{TestApp, spawn_app};
use leptos::server_fn::ServerFn;
use serde_json::Value;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

fn in_days(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

async fn effective(app: &TestApp, cookie: &str, user: &str) -> Vec<String> {
    let reply = app
        .call(GetUserPermissions::PATH, Some(cookie), &[("user_id", user)])
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let entries = reply.json()["effective"]["entries"].clone();
    match entries {
        Value::Object(map) => map.keys().cloned().collect(),
        other => panic!("unexpected entries {other}"),
    }
}

/// Server functions take `Vec<String>` as `permissions[0]=…&permissions[1]=…`.
fn indexed<'a>(name: &str, values: &'a [&'a str]) -> Vec<(String, &'a str)> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("{name}[{i}]"), *v))
        .collect()
}

async fn call_with(
    app: &TestApp,
    path: &str,
    cookie: &str,
    fields: &[(&str, &str)],
    list: &[(String, &str)],
) -> common::Reply {
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    form.extend(list.iter().map(|(k, v)| (k.as_str(), *v)));
    app.call(path, Some(cookie), &form).await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_custom_set_changes_a_users_effective_permissions(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await;
    let victor = app.user_id("victor@acme.test").await;
    let before = effective(&app, &alice, &victor).await;
    assert!(!before.contains(&"AlertsAcknowledge".to_owned()), "{before:?}");

    let perms = indexed("permissions", &["alerts:acknowledge", "alerts:resolve"]);
    let saved = call_with(
        &app,
        SavePermissionSet::PATH,
        &alice,
        &[
            ("name", "On-call"),
            ("description", "Handles alerts"),
            ("inherits", "role:analyst"),
        ],
        &perms,
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let set_id = saved.json().as_str().expect("id").to_owned();

    let assigned = app
        .call(
            SetUserPermissionSet::PATH,
            Some(&alice),
            &[("user_id", &victor), ("set_id", &set_id), ("assign", "true")],
        )
        .await;
    assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.body);
    let after = effective(&app, &alice, &victor).await;
    for permission in ["AlertsAcknowledge", "AlertsResolve", "AnalyticsExport"] {
        assert!(
            after.contains(&permission.to_owned()),
            "{permission} missing: {after:?}"
        );
    }
    let why = app
        .call(
            ExplainPermission::PATH,
            Some(&alice),
            &[("user_id", &victor), ("permission", "analytics:export")],
        )
        .await
        .json();
    assert_eq!(why["allowed"], true);
    assert!(why["reasons"][0].as_str().expect("reason").contains("On-call"), "{why}");
    let no = app
        .call(
            ExplainPermission::PATH,
            Some(&alice),
            &[("user_id", &victor), ("permission", "users:delete")],
        )
        .await
        .json();
    assert_eq!(no["allowed"], false);

    // The matrix shows the set as a column; a duplicate name is a field error.
    let matrix = app.call(GetRoleMatrix::PATH, Some(&alice), &[]).await.json();
    assert!(
        matrix["columns"]
            .as_array()
            .expect("columns")
            .iter()
            .any(|c| c["label"] == "On-call")
    );
    let dup = call_with(
        &app,
        SavePermissionSet::PATH,
        &alice,
        &[("name", "On-call"), ("description", ""), ("inherits", "")],
        &perms,
    )
    .await;
    assert_eq!(
        dup.error().field_error("name").as_deref(),
        Some("Another permission set already has this name.")
    );

    // Deleting the set takes the permissions away again.
    let deleted = app
        .call(DeletePermissionSet::PATH, Some(&alice), &[("set_id", &set_id)])
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert!(
        !effective(&app, &alice, &victor)
            .await
            .contains(&"AlertsAcknowledge".to_owned())
    );
    let actions = app.audit_actions().await;
    for action in [
        "permission_set.create",
        "permission_set.assign",
        "permission_set.delete",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action} not audited");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn set_inheritance_cycles_are_rejected(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await;
    let none: Vec<(String, &str)> = Vec::new();
    let a = call_with(
        &app,
        SavePermissionSet::PATH,
        &alice,
        &[("name", "A"), ("description", ""), ("inherits", "")],
        &none,
    )
    .await
    .json();
    let a = a.as_str().expect("a").to_owned();
    let b = call_with(
        &app,
        SavePermissionSet::PATH,
        &alice,
        &[("name", "B"), ("description", ""), ("inherits", &format!("set:{a}"))],
        &none,
    )
    .await
    .json();
    let b = b.as_str().expect("b").to_owned();
    let cycle = call_with(
        &app,
        SavePermissionSet::PATH,
        &alice,
        &[
            ("set_id", &a),
            ("name", "A"),
            ("description", ""),
            ("inherits", &format!("set:{b}")),
        ],
        &none,
    )
    .await;
    assert_eq!(
        cycle.error().field_error("inherits").as_deref(),
        Some("That would make the set inherit from itself.")
    );
    let parent_delete = app
        .call(DeletePermissionSet::PATH, Some(&alice), &[("set_id", &a)])
        .await;
    assert_eq!(parent_delete.status, StatusCode::CONFLICT);
}

#[sqlx::test(migrations = "../migrations")]
async fn delegations_grant_until_revoked_or_expired(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let mark = app.sign_in("mark@acme.test").await; // Manager: may delegate what he holds
    let victor_id = app.user_id("victor@acme.test").await;
    let victor = app.sign_in("victor@acme.test").await; // Viewer

    let refused = app
        .call(
            CreateUser::PATH,
            Some(&victor),
            &[
                ("email", "temp@acme.test"),
                ("name", "Temp"),
                ("role", "viewer"),
                ("password", ""),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // Not what Mark lacks (users:delete), not beyond 90 days, not in the past.
    let beyond = call_with(
        &app,
        CreateDelegation::PATH,
        &mark,
        &[("delegate_id", &victor_id), ("expires_at", &in_days(7)), ("reason", "")],
        &indexed("permissions", &["users:delete"]),
    )
    .await;
    assert!(
        beyond
            .error()
            .field_error("permissions")
            .is_some_and(|m| m.contains("users:delete")),
        "{}",
        beyond.body
    );
    let too_long = call_with(
        &app,
        CreateDelegation::PATH,
        &mark,
        &[
            ("delegate_id", &victor_id),
            ("expires_at", &in_days(91)),
            ("reason", ""),
        ],
        &indexed("permissions", &["users:create"]),
    )
    .await;
    assert_eq!(
        too_long.error().field_error("expires_at").as_deref(),
        Some("Delegations last at most 90 days.")
    );
    let past = call_with(
        &app,
        CreateDelegation::PATH,
        &mark,
        &[
            ("delegate_id", &victor_id),
            ("expires_at", &in_days(-1)),
            ("reason", ""),
        ],
        &indexed("permissions", &["users:create"]),
    )
    .await;
    assert!(past.error().field_error("expires_at").is_some());

    let created = call_with(
        &app,
        CreateDelegation::PATH,
        &mark,
        &[
            ("delegate_id", &victor_id),
            ("expires_at", &in_days(7)),
            ("reason", "holiday cover"),
        ],
        &indexed("permissions", &["users:create"]),
    )
    .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let delegation = created.json().as_str().expect("id").to_owned();

    let used = app
        .call(
            CreateUser::PATH,
            Some(&victor),
            &[
                ("email", "temp@acme.test"),
                ("name", "Temp"),
                ("role", "viewer"),
                ("password", ""),
            ],
        )
        .await;
    assert_eq!(used.status, StatusCode::OK, "the delegate can use it: {}", used.body);
    // A loan cannot be passed on.
    let ana = app.user_id("ana@acme.test").await;
    let relend = call_with(
        &app,
        CreateDelegation::PATH,
        &victor,
        &[("delegate_id", &ana), ("expires_at", &in_days(3)), ("reason", "")],
        &indexed("permissions", &["users:create"]),
    )
    .await;
    assert_eq!(
        relend.status,
        StatusCode::FORBIDDEN,
        "viewers may not delegate at all: {}",
        relend.body
    );

    let listed = app.call(ListDelegations::PATH, Some(&victor), &[]).await.json();
    assert_eq!(listed["received"].as_array().map(Vec::len), Some(1));

    // Victor cannot revoke Mark's delegation; Mark can.
    assert_eq!(
        app.call(RevokeDelegation::PATH, Some(&victor), &[("delegation_id", &delegation)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(RevokeDelegation::PATH, Some(&mark), &[("delegation_id", &delegation)])
            .await
            .status,
        StatusCode::OK
    );
    let after = app
        .call(
            CreateUser::PATH,
            Some(&victor),
            &[
                ("email", "temp2@acme.test"),
                ("name", "Temp"),
                ("role", "viewer"),
                ("password", ""),
            ],
        )
        .await;
    assert_eq!(
        after.status,
        StatusCode::FORBIDDEN,
        "revoked delegations stop counting at once"
    );

    // An expired delegation stops counting with no job running: move one into the past.
    let again = call_with(
        &app,
        CreateDelegation::PATH,
        &mark,
        &[("delegate_id", &victor_id), ("expires_at", &in_days(1)), ("reason", "")],
        &indexed("permissions", &["users:create"]),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
    let superuser = sqlx::PgPool::connect_with(app_options(&app)).await.expect("superuser");
    sqlx::query("UPDATE delegations SET created_at = now() - interval '2 days', expires_at = now() - interval '1 minute' WHERE revoked_at IS NULL")
        .execute(&superuser)
        .await
        .expect("expire");
    let expired = app
        .call(
            CreateUser::PATH,
            Some(&victor),
            &[
                ("email", "temp3@acme.test"),
                ("name", "Temp"),
                ("role", "viewer"),
                ("password", ""),
            ],
        )
        .await;
    assert_eq!(
        expired.status,
        StatusCode::FORBIDDEN,
        "expired delegations stop counting"
    );
    let actions = app.audit_actions().await;
    assert!(actions.iter().any(|a| a == "delegation.create") && actions.iter().any(|a| a == "delegation.revoke"));
}

/// The test database's own connection options (the login role, which may bypass the app role).
fn app_options(app: &TestApp) -> PgConnectOptions {
    app.owner_options.clone()
}

#[sqlx::test(migrations = "../migrations")]
async fn escalation_attempts_are_refused(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await; // Acme admin
    let mark = app.sign_in("mark@acme.test").await; // Acme manager
    let victor = app.user_id("victor@acme.test").await;
    let gina = app.user_id("gina@globex.test").await;
    let globex = app.tenant_id("globex").await.expect("globex");

    // Platform permissions cannot be granted or put in a set inside a tenant.
    let platform_grant = app
        .call(
            SetUserGrant::PATH,
            Some(&alice),
            &[
                ("user_id", &victor),
                ("permission", "tenants:create"),
                ("grant", "true"),
            ],
        )
        .await;
    assert!(
        platform_grant
            .error()
            .field_error("permission")
            .is_some_and(|m| m.contains("platform permission"))
    );
    let platform_set = call_with(
        &app,
        SavePermissionSet::PATH,
        &alice,
        &[("name", "Root"), ("description", ""), ("inherits", "")],
        &indexed("permissions", &["tenants:delete"]),
    )
    .await;
    assert!(platform_set.error().field_error("permissions").is_some());
    // No super_admin role exists for tenant users.
    let root_user = app
        .call(
            CreateUser::PATH,
            Some(&alice),
            &[
                ("email", "root@acme.test"),
                ("name", "Root"),
                ("role", "super_admin"),
                ("password", ""),
            ],
        )
        .await;
    assert!(root_user.error().field_error("role").is_some());

    // A manager cannot grant, build sets or assign sets (roles:manage is an admin permission).
    let grant = app
        .call(
            SetUserGrant::PATH,
            Some(&mark),
            &[("user_id", &victor), ("permission", "users:delete"), ("grant", "true")],
        )
        .await;
    assert_eq!(grant.status, StatusCode::FORBIDDEN);

    // Other tenants' ids lead nowhere.
    let other_user = app
        .call(GetUserPermissions::PATH, Some(&alice), &[("user_id", &gina)])
        .await;
    assert_eq!(other_user.status, StatusCode::NOT_FOUND);
    let other_grant = app
        .call(
            SetUserGrant::PATH,
            Some(&alice),
            &[("user_id", &gina), ("permission", "users:read"), ("grant", "true")],
        )
        .await;
    assert_eq!(other_grant.status, StatusCode::NOT_FOUND);
    let other_sets = app
        .call(GetRoleMatrix::PATH, Some(&alice), &[("tenant_id", &globex)])
        .await;
    assert_eq!(other_sets.status, StatusCode::NOT_FOUND);
    let other_delegate = call_with(
        &app,
        CreateDelegation::PATH,
        &alice,
        &[("delegate_id", &gina), ("expires_at", &in_days(2)), ("reason", "")],
        &indexed("permissions", &["users:read"]),
    )
    .await;
    assert!(
        other_delegate.error().field_error("delegate_id").is_some(),
        "{}",
        other_delegate.body
    );
    let other_list = app.call(ListUsers::PATH, Some(&alice), &[("tenant_id", &globex)]).await;
    assert_eq!(other_list.status, StatusCode::NOT_FOUND);
    let other_delete = app
        .call(
            DeleteUser::PATH,
            Some(&alice),
            &[("user_id", &gina), ("confirm", "gina@globex.test")],
        )
        .await;
    assert_eq!(other_delete.status, StatusCode::NOT_FOUND);

    // A grant from an admin does count, and is explained.
    let ok = app
        .call(
            SetUserGrant::PATH,
            Some(&alice),
            &[("user_id", &victor), ("permission", "users:delete"), ("grant", "true")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let why = app
        .call(
            ExplainPermission::PATH,
            Some(&alice),
            &[("user_id", &victor), ("permission", "users:delete")],
        )
        .await
        .json();
    assert_eq!(why["allowed"], true);
    assert!(
        why["reasons"][0].as_str().expect("reason").contains("alice@acme.test"),
        "{why}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_check_endpoint_answers_with_reasons(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await;
    let reply = app
        .get(
            "/api/v1/permissions/check?user=mark@acme.test&permission=analytics:export",
            Some(&alice),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let answer = reply.json();
    assert_eq!(answer["allowed"], true);
    assert_eq!(
        answer["reasons"][0],
        "Granted by the role Manager, which inherits it from Analyst."
    );
    let denied = app
        .get(
            "/api/v1/permissions/check?user=mark@acme.test&permission=users:delete",
            Some(&alice),
        )
        .await
        .json();
    assert_eq!(denied["allowed"], false);

    // Errors are JSON with stable codes.
    let anonymous = app
        .get(
            "/api/v1/permissions/check?user=mark@acme.test&permission=users:read",
            None,
        )
        .await;
    assert_eq!(
        (anonymous.status, anonymous.json()["error"]["code"].clone()),
        (StatusCode::UNAUTHORIZED, Value::from("unauthorized"))
    );
    let bad = app
        .get(
            "/api/v1/permissions/check?user=mark@acme.test&permission=users:fly",
            Some(&alice),
        )
        .await;
    assert_eq!(
        (bad.status, bad.json()["error"]["code"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, Value::from("invalid_request"))
    );
    // Another tenant's user is simply not found.
    let gina = app.user_id("gina@globex.test").await;
    let other = app
        .get(
            &format!("/api/v1/permissions/check?user={gina}&permission=users:read"),
            Some(&alice),
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    // A platform admin asks by id across tenants.
    let admin = app.sign_in("admin@atrium.test").await;
    let platform = app
        .get(
            &format!("/api/v1/permissions/check?user={gina}&permission=users:delete"),
            Some(&admin),
        )
        .await
        .json();
    assert_eq!(platform["allowed"], true);
    assert_eq!(platform["email"], "gina@globex.test");
}

#[sqlx::test(migrations = "../migrations")]
async fn every_rest_route_refuses_anonymous_callers(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    use atrium_app::permissions::registry::Access;
    for (path, access) in atrium_app::permissions::registry::REST_ROUTES {
        let reply = app.get(path, None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{path}: {}", reply.body);
        let expected = if matches!(access, Access::ApiKey(_)) {
            "missing_api_key"
        } else {
            "unauthorized"
        };
        assert_eq!(reply.json()["error"]["code"], expected, "{path}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn tenant_admins_set_their_audit_retention(_: PgPoolOptions, options: PgConnectOptions) {
    use atrium_app::tenants::api::{GetAuditRetention, SetAuditRetention};
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await;
    let victor = app.sign_in("victor@acme.test").await;
    assert_eq!(app.call(GetAuditRetention::PATH, Some(&alice), &[]).await.json(), 365);
    let saved = app.call(SetAuditRetention::PATH, Some(&alice), &[("days", "30")]).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(app.call(GetAuditRetention::PATH, Some(&victor), &[]).await.json(), 30);
    let bad = app.call(SetAuditRetention::PATH, Some(&alice), &[("days", "0")]).await;
    assert_eq!(
        bad.error().field_error("days").as_deref(),
        Some("Choose a whole number of days from 1 to 3650.")
    );
    assert_eq!(
        app.call(SetAuditRetention::PATH, Some(&victor), &[("days", "7")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Another tenant's retention is out of reach; a platform admin names the tenant.
    let globex = app.tenant_id("globex").await.expect("globex");
    assert_eq!(
        app.call(
            SetAuditRetention::PATH,
            Some(&alice),
            &[("tenant_id", &globex), ("days", "1")]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let admin = app.sign_in("admin@atrium.test").await;
    let platform = app
        .call(
            SetAuditRetention::PATH,
            Some(&admin),
            &[("tenant_id", &globex), ("days", "90")],
        )
        .await;
    assert_eq!(platform.json(), 90);
    assert!(app.audit_actions().await.iter().any(|a| a == "tenant.audit_retention"));
}

#[test]
fn every_mounted_rest_route_declares_its_access() {
    let mut mounted: Vec<&str> = atrium_server::api::routes().into_iter().map(|(path, _)| path).collect();
    let mut declared: Vec<&str> = atrium_app::permissions::registry::REST_ROUTES
        .iter()
        .map(|(path, _)| *path)
        .collect();
    mounted.sort_unstable();
    declared.sort_unstable();
    assert_eq!(
        mounted, declared,
        "a /api/v1 route without a declared permission (or a stale declaration)"
    );
}
