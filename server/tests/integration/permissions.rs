//! Permission sets, grants and delegations over HTTP on a real database: effective permissions
//! change as they should, expired and revoked delegations stop counting, and every attempt to
//! gain or hand out more than one holds is refused.

use crate::common;

use atrium_app::permissions::api::{
    CreateDelegation, DeletePermissionSet, ExplainPermission, GetRoleMatrix, GetUserPermissions, ListDelegations,
    RevokeDelegation, SavePermissionSet, SearchDelegates, SetUserGrant, SetUserPermissionSet,
};
use atrium_app::users::api::{CreateUser, DeleteUser, ListUsers, ResetUserPassword, SetUserStatus, UpdateUser};
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
async fn the_check_endpoint_is_explain_permission_over_rest(_: PgPoolOptions, options: PgConnectOptions) {
    use atrium_app::permissions::types::{Access, Permission};
    // Two doors to one answer, behind one permission: the REST route once required roles:read
    // through a session path of its own.
    let rest = atrium_app::shell::registry::REST_ROUTES
        .iter()
        .find(|(path, _)| *path == "/api/v1/permissions/check")
        .map(|(_, access)| *access);
    let server_fn = atrium_app::shell::registry::server_fn_access()
        .into_iter()
        .find(|(path, _)| *path == ExplainPermission::PATH)
        .map(|(_, access)| access);
    assert_eq!(rest, Some(Access::Requires(Permission::UsersRead)));
    assert_eq!(rest, server_fn);

    let app = spawn_app(options).await;
    let victor = app.sign_in("victor@acme.test").await; // Viewer: holds users:read
    let mark = app.user_id("mark@acme.test").await;
    let rest = app
        .get(
            &format!("/api/v1/permissions/check?user={mark}&permission=users:create"),
            Some(&victor),
        )
        .await;
    assert_eq!(rest.status, StatusCode::OK, "{}", rest.body);
    let explained = app
        .call(
            ExplainPermission::PATH,
            Some(&victor),
            &[("user_id", &mark), ("permission", "users:create")],
        )
        .await;
    assert_eq!(explained.status, StatusCode::OK, "{}", explained.body);
    let (rest, explained) = (rest.json(), explained.json());
    assert_eq!(rest["allowed"], true);
    assert_eq!(
        (&rest["allowed"], &rest["reasons"]),
        (&explained["allowed"], &explained["reasons"])
    );
    // Asked about another tenant's user, both say not found.
    let gina = app.user_id("gina@globex.test").await;
    let rest = app
        .get(
            &format!("/api/v1/permissions/check?user={gina}&permission=users:read"),
            Some(&victor),
        )
        .await;
    let explained = app
        .call(
            ExplainPermission::PATH,
            Some(&victor),
            &[("user_id", &gina), ("permission", "users:read")],
        )
        .await;
    assert_eq!(
        (rest.status, explained.status),
        (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn every_rest_route_refuses_anonymous_callers(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    use atrium_app::permissions::types::Access;
    for (path, access) in atrium_app::shell::registry::REST_ROUTES {
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
        Some("Choose a whole number of days from 30 to 3650.")
    );
    assert_eq!(
        app.call(SetAuditRetention::PATH, Some(&victor), &[("days", "60")])
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
    let mut declared: Vec<&str> = atrium_app::shell::registry::REST_ROUTES
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

/// Creates a user in Acme as `cookie` and answers their id.
async fn create_user(app: &TestApp, cookie: &str, email: &str, role: &str) -> String {
    let reply = app
        .call(
            CreateUser::PATH,
            Some(cookie),
            &[
                ("email", email),
                ("name", email),
                ("role", role),
                ("password", common::PASSWORD),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()["user_id"].as_str().expect("user id").to_owned()
}

async fn explain(app: &TestApp, cookie: &str, user: &str, permission: &str) -> Value {
    let reply = app
        .call(
            ExplainPermission::PATH,
            Some(cookie),
            &[("user_id", user), ("permission", permission)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()
}

async fn set_role(app: &TestApp, cookie: &str, user: &str, email: &str, role: &str) -> common::Reply {
    app.call(
        UpdateUser::PATH,
        Some(cookie),
        &[("user_id", user), ("email", email), ("name", email), ("role", role)],
    )
    .await
}

fn ok(reply: &common::Reply) -> bool {
    reply.status.is_success() || reply.status.is_redirection()
}

/// The live attack: a Manager reset another Manager's password, signed in as them and granted
/// himself more. Acting on a user now needs outranking them, by role and by everything they hold.
#[sqlx::test(migrations = "../migrations")]
async fn acting_on_a_user_needs_outranking_them(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await; // Admin
    let mark = app.sign_in("mark@acme.test").await; // Manager
    let admin = app.sign_in("admin@atrium.test").await; // Super Admin
    let victor = app.user_id("victor@acme.test").await; // Viewer
    let m2 = create_user(&app, &alice, "m2@acme.test", "manager").await;

    // Every way of acting on a peer is refused, with nothing changed.
    let reset = app
        .call(ResetUserPassword::PATH, Some(&mark), &[("user_id", &m2)])
        .await;
    assert_eq!(
        reset.status,
        StatusCode::FORBIDDEN,
        "peer password reset: {}",
        reset.body
    );
    assert!(
        !reset.body.contains("password\":\""),
        "no password handed out: {}",
        reset.body
    );
    let _ = app.sign_in("m2@acme.test").await; // the old password still works
    let rename = set_role(&app, &mark, &m2, "m2@acme.test", "manager").await;
    assert_eq!(rename.status, StatusCode::FORBIDDEN, "peer update: {}", rename.body);
    let disable = app
        .call(
            SetUserStatus::PATH,
            Some(&mark),
            &[("user_id", &m2), ("status", "disabled")],
        )
        .await;
    assert_eq!(disable.status, StatusCode::FORBIDDEN, "peer disable: {}", disable.body);
    let lend = call_with(
        &app,
        CreateDelegation::PATH,
        &mark,
        &[("delegate_id", &m2), ("expires_at", &in_days(2)), ("reason", "")],
        &indexed("permissions", &["audit:read"]),
    )
    .await;
    assert_eq!(
        lend.status,
        StatusCode::FORBIDDEN,
        "delegating to a peer: {}",
        lend.body
    );
    // The delegation form's chooser offers only colleagues below him.
    let found = app.call(SearchDelegates::PATH, Some(&mark), &[("q", "")]).await.json();
    let offered: Vec<&str> = found
        .as_array()
        .expect("choices")
        .iter()
        .filter_map(|c| c["value"].as_str())
        .collect();
    assert!(
        offered.contains(&victor.as_str()) && !offered.contains(&m2.as_str()),
        "{offered:?}"
    );

    // Below him, Mark still acts; assigning a role is allowed up to his own.
    let below = app
        .call(ResetUserPassword::PATH, Some(&mark), &[("user_id", &victor)])
        .await;
    assert_eq!(below.status, StatusCode::OK, "{}", below.body);
    let too_high = set_role(&app, &mark, &victor, "victor@acme.test", "admin").await;
    assert!(too_high.error().field_error("role").is_some(), "{}", too_high.body);
    let promoted = set_role(&app, &mark, &victor, "victor@acme.test", "manager").await;
    assert!(ok(&promoted), "{}", promoted.body);
    let now_peer = app
        .call(ResetUserPassword::PATH, Some(&mark), &[("user_id", &victor)])
        .await;
    assert_eq!(
        now_peer.status,
        StatusCode::FORBIDDEN,
        "a promoted user is out of reach"
    );

    // An Admin creates Admins but cannot act on one; the Super Admin can.
    let a2 = create_user(&app, &alice, "a2@acme.test", "admin").await;
    for reply in [
        app.call(ResetUserPassword::PATH, Some(&alice), &[("user_id", &a2)])
            .await,
        app.call(
            DeleteUser::PATH,
            Some(&alice),
            &[("user_id", &a2), ("confirm", "a2@acme.test")],
        )
        .await,
        app.call(
            SetUserGrant::PATH,
            Some(&alice),
            &[("user_id", &a2), ("permission", "users:read"), ("grant", "true")],
        )
        .await,
    ] {
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "acting on a peer admin: {}",
            reply.body
        );
    }
    let platform = app
        .call(ResetUserPassword::PATH, Some(&admin), &[("user_id", &a2)])
        .await;
    assert_eq!(platform.status, StatusCode::OK, "{}", platform.body);

    // Nobody changes their own role, up or down; their own name they may.
    let alice_id = app.user_id("alice@acme.test").await;
    let own_role = set_role(&app, &alice, &alice_id, "alice@acme.test", "manager").await;
    assert!(own_role.error().field_error("role").is_some(), "{}", own_role.body);
    let own_name = set_role(&app, &alice, &alice_id, "alice@acme.test", "admin").await;
    assert!(ok(&own_name), "{}", own_name.body);

    // Rank counts everything a user holds: a Viewer granted roles:manage ranks as an Admin, so
    // taking over their account would hand Mark what he does not hold.
    let v2 = create_user(&app, &alice, "v2@acme.test", "viewer").await;
    let grant = app
        .call(
            SetUserGrant::PATH,
            Some(&alice),
            &[("user_id", &v2), ("permission", "roles:manage"), ("grant", "true")],
        )
        .await;
    assert_eq!(grant.status, StatusCode::OK, "{}", grant.body);
    let takeover = app
        .call(ResetUserPassword::PATH, Some(&mark), &[("user_id", &v2)])
        .await;
    assert_eq!(takeover.status, StatusCode::FORBIDDEN, "{}", takeover.body);

    // A set ranks by its base role: a Viewer holding a Manager-based set is Mark's peer.
    let saved = call_with(
        &app,
        SavePermissionSet::PATH,
        &alice,
        &[("name", "Deputy"), ("description", ""), ("inherits", "role:manager")],
        &[],
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let deputy = saved.json().as_str().expect("set").to_owned();
    let v3 = create_user(&app, &alice, "v3@acme.test", "viewer").await;
    let assigned = app
        .call(
            SetUserPermissionSet::PATH,
            Some(&alice),
            &[("user_id", &v3), ("set_id", &deputy), ("assign", "true")],
        )
        .await;
    assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.body);
    let set_peer = app
        .call(ResetUserPassword::PATH, Some(&mark), &[("user_id", &v3)])
        .await;
    assert_eq!(set_peer.status, StatusCode::FORBIDDEN, "{}", set_peer.body);
}

/// Handing out: grants, sets, delegations and roles all check the actor's firm permissions,
/// so a permission held on loan (here roles:manage and users:update) gives nothing onwards.
#[sqlx::test(migrations = "../migrations")]
async fn nobody_hands_out_what_they_do_not_firmly_hold(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await;
    let mark = app.sign_in("mark@acme.test").await;
    let mark_id = app.user_id("mark@acme.test").await;
    let victor = app.user_id("victor@acme.test").await;
    let lent = call_with(
        &app,
        CreateDelegation::PATH,
        &alice,
        &[
            ("delegate_id", &mark_id),
            ("expires_at", &in_days(7)),
            ("reason", "cover"),
        ],
        &indexed("permissions", &["roles:manage", "users:delete"]),
    )
    .await;
    assert_eq!(lent.status, StatusCode::OK, "{}", lent.body);
    let admins = call_with(
        &app,
        SavePermissionSet::PATH,
        &alice,
        &[
            ("name", "Almost admin"),
            ("description", ""),
            ("inherits", "role:admin"),
        ],
        &[],
    )
    .await
    .json();
    let admins = admins.as_str().expect("set").to_owned();

    let refusals = [
        (
            "grant of a loaned permission",
            app.call(
                SetUserGrant::PATH,
                Some(&mark),
                &[("user_id", &victor), ("permission", "roles:manage"), ("grant", "true")],
            )
            .await,
            "permission",
        ),
        (
            "assigning a set with roles:manage",
            app.call(
                SetUserPermissionSet::PATH,
                Some(&mark),
                &[("user_id", &victor), ("set_id", &admins), ("assign", "true")],
            )
            .await,
            "set_id",
        ),
        (
            "saving a set with a loaned permission",
            call_with(
                &app,
                SavePermissionSet::PATH,
                &mark,
                &[("name", "Mine"), ("description", ""), ("inherits", "")],
                &indexed("permissions", &["users:delete"]),
            )
            .await,
            "permissions",
        ),
        (
            "saving a set inheriting Admin",
            call_with(
                &app,
                SavePermissionSet::PATH,
                &mark,
                &[("name", "Mine"), ("description", ""), ("inherits", "role:admin")],
                &[],
            )
            .await,
            "permissions",
        ),
        (
            "re-lending a loan",
            call_with(
                &app,
                CreateDelegation::PATH,
                &mark,
                &[("delegate_id", &victor), ("expires_at", &in_days(2)), ("reason", "")],
                &indexed("permissions", &["users:delete"]),
            )
            .await,
            "permissions",
        ),
        (
            "assigning a role above his own",
            set_role(&app, &mark, &victor, "victor@acme.test", "admin").await,
            "role",
        ),
    ];
    for (what, reply, field) in refusals {
        assert!(
            reply.error().field_error(field).is_some(),
            "{what}: {} {}",
            reply.status,
            reply.body
        );
    }
    let held = explain(&app, &alice, &victor, "roles:manage").await;
    assert_eq!(held["allowed"], false, "{held}");
}

/// A delegation counts only while its delegator could still make it: holding each permission
/// firmly and outranking the delegate. Explain, the REST check and the server functions agree.
#[sqlx::test(migrations = "../migrations")]
async fn a_delegation_counts_only_while_its_delegator_could_make_it(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await;
    let mark = app.sign_in("mark@acme.test").await;
    let admin = app.sign_in("admin@atrium.test").await;
    let ana = app.sign_in("ana@acme.test").await; // Analyst
    let ana_id = app.user_id("ana@acme.test").await;
    let alice_id = app.user_id("alice@acme.test").await;
    let mark_id = app.user_id("mark@acme.test").await;
    let temp = create_user(&app, &alice, "temp@acme.test", "viewer").await;
    let temp2 = create_user(&app, &alice, "temp2@acme.test", "viewer").await;
    let lent = call_with(
        &app,
        CreateDelegation::PATH,
        &alice,
        &[("delegate_id", &ana_id), ("expires_at", &in_days(7)), ("reason", "")],
        &indexed("permissions", &["users:delete", "audit:read"]),
    )
    .await;
    assert_eq!(lent.status, StatusCode::OK, "{}", lent.body);
    let used = app
        .call(
            DeleteUser::PATH,
            Some(&ana),
            &[("user_id", &temp), ("confirm", "temp@acme.test")],
        )
        .await;
    assert!(ok(&used), "the loan works while Alice is an Admin: {}", used.body);

    // Alice is demoted to Manager: she keeps audit:read but no longer holds users:delete.
    let demoted = set_role(&app, &admin, &alice_id, "alice@acme.test", "manager").await;
    assert!(ok(&demoted), "{}", demoted.body);
    let why = explain(&app, &admin, &ana_id, "users:delete").await;
    assert_eq!(why["allowed"], false, "{why}");
    let still = explain(&app, &admin, &ana_id, "audit:read").await;
    assert_eq!(still["allowed"], true, "{still}");
    let check = app
        .get(
            &format!("/api/v1/permissions/check?user={ana_id}&permission=users:delete"),
            Some(&admin),
        )
        .await
        .json();
    assert_eq!(check["allowed"], false, "{check}");
    let refused = app
        .call(
            DeleteUser::PATH,
            Some(&ana),
            &[("user_id", &temp2), ("confirm", "temp2@acme.test")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);

    // Mark (a Manager granted audit:export) lends it to Victor; once Victor is promoted to Manager
    // Mark no longer outranks him, and the loan stops counting although Mark still holds it.
    let victor_id = app.user_id("victor@acme.test").await;
    let grant = app
        .call(
            SetUserGrant::PATH,
            Some(&admin),
            &[("user_id", &mark_id), ("permission", "audit:export"), ("grant", "true")],
        )
        .await;
    assert_eq!(grant.status, StatusCode::OK, "{}", grant.body);
    let export = call_with(
        &app,
        CreateDelegation::PATH,
        &mark,
        &[("delegate_id", &victor_id), ("expires_at", &in_days(7)), ("reason", "")],
        &indexed("permissions", &["audit:export"]),
    )
    .await;
    assert_eq!(export.status, StatusCode::OK, "{}", export.body);
    assert_eq!(explain(&app, &admin, &victor_id, "audit:export").await["allowed"], true);
    let promoted = set_role(&app, &admin, &victor_id, "victor@acme.test", "manager").await;
    assert!(ok(&promoted), "{}", promoted.body);
    let outranked = explain(&app, &admin, &victor_id, "audit:export").await;
    assert_eq!(outranked["allowed"], false, "{outranked}");
}

/// Changing or deleting a set changes everyone who holds it (directly or through a set built on
/// it), so it needs outranking each of them.
#[sqlx::test(migrations = "../migrations")]
async fn changing_a_set_needs_outranking_everyone_who_holds_it(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await;
    let admin = app.sign_in("admin@atrium.test").await;
    let acme = app.tenant_id("acme").await.expect("acme");
    let a2 = create_user(&app, &alice, "a2@acme.test", "admin").await;
    let base = call_with(
        &app,
        SavePermissionSet::PATH,
        &alice,
        &[("name", "Base"), ("description", ""), ("inherits", "")],
        &indexed("permissions", &["alerts:acknowledge"]),
    )
    .await
    .json();
    let base = base.as_str().expect("base").to_owned();
    let child = call_with(
        &app,
        SavePermissionSet::PATH,
        &alice,
        &[
            ("name", "Child"),
            ("description", ""),
            ("inherits", &format!("set:{base}")),
        ],
        &[],
    )
    .await
    .json();
    let child = child.as_str().expect("child").to_owned();
    // Only the Super Admin may give a set to another Admin.
    let assigned = app
        .call(
            SetUserPermissionSet::PATH,
            Some(&admin),
            &[("user_id", &a2), ("set_id", &child), ("assign", "true")],
        )
        .await;
    assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.body);

    let edit_parent = call_with(
        &app,
        SavePermissionSet::PATH,
        &alice,
        &[
            ("set_id", &base),
            ("name", "Base"),
            ("description", ""),
            ("inherits", ""),
        ],
        &indexed("permissions", &["alerts:acknowledge", "alerts:resolve"]),
    )
    .await;
    assert_eq!(edit_parent.status, StatusCode::FORBIDDEN, "{}", edit_parent.body);
    let delete = app
        .call(DeletePermissionSet::PATH, Some(&alice), &[("set_id", &child)])
        .await;
    assert_eq!(delete.status, StatusCode::FORBIDDEN, "{}", delete.body);
    let platform = call_with(
        &app,
        SavePermissionSet::PATH,
        &admin,
        &[
            ("tenant_id", &acme),
            ("set_id", &base),
            ("name", "Base"),
            ("description", ""),
            ("inherits", ""),
        ],
        &indexed("permissions", &["alerts:acknowledge", "alerts:resolve"]),
    )
    .await;
    assert_eq!(platform.status, StatusCode::OK, "{}", platform.body);
    // Once nobody out of her reach holds it, Alice may change it again.
    let unassigned = app
        .call(
            SetUserPermissionSet::PATH,
            Some(&admin),
            &[("user_id", &a2), ("set_id", &child), ("assign", "false")],
        )
        .await;
    assert_eq!(unassigned.status, StatusCode::OK, "{}", unassigned.body);
    let deleted = app
        .call(DeletePermissionSet::PATH, Some(&alice), &[("set_id", &child)])
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
}

/// Audit retention has a floor of 30 days (a field error below it), and every change is audited
/// with its before and after.
#[sqlx::test(migrations = "../migrations")]
async fn audit_retention_has_a_floor_and_is_audited(_: PgPoolOptions, options: PgConnectOptions) {
    use atrium_app::tenants::api::{GetAuditRetention, SetAuditRetention};
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await;
    for days in ["1", "29"] {
        let short = app.call(SetAuditRetention::PATH, Some(&alice), &[("days", days)]).await;
        assert_eq!(
            short.error().field_error("days").as_deref(),
            Some("Choose a whole number of days from 30 to 3650."),
            "{days}: {}",
            short.body
        );
    }
    assert_eq!(app.call(GetAuditRetention::PATH, Some(&alice), &[]).await.json(), 365);
    let saved = app.call(SetAuditRetention::PATH, Some(&alice), &[("days", "30")]).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let mut tx = atrium_app::db::PlatformTx::begin(&app.db, atrium_app::db::PlatformGuard::for_system_task())
        .await
        .expect("tx");
    let (before, after): (Value, Value) = sqlx::query_as(
        "SELECT before, after FROM audit_events WHERE action = 'tenant.audit_retention' ORDER BY audit_id DESC LIMIT 1",
    )
    .fetch_one(&mut *tx)
    .await
    .expect("audit row");
    assert_eq!(before["audit_retention_days"], 365);
    assert_eq!(after["audit_retention_days"], 30);
    // The database refuses a shorter retention too, whoever writes it.
    let superuser = sqlx::PgPool::connect_with(app_options(&app)).await.expect("owner");
    let direct = sqlx::query("UPDATE tenants SET audit_retention_days = 7")
        .execute(&superuser)
        .await;
    assert!(direct.is_err(), "the table constraint allows 7 days");
}

/// The colleague chooser asks the server as one types: only active colleagues the caller
/// outranks, never the caller, never another tenant's users, at most a page of them, and only
/// for those who may delegate.
#[sqlx::test(migrations = "../migrations")]
async fn the_delegate_chooser_searches_only_whom_the_caller_outranks(_: PgPoolOptions, options: PgConnectOptions) {
    use sqlx::Connection;
    let app = spawn_app(options).await;
    let mark = app.sign_in("mark@acme.test").await; // Manager
    let victor = app.sign_in("victor@acme.test").await; // Viewer: outranks nobody
    let search = |cookie: String, q: &'static str| {
        let app = &app;
        async move {
            let reply = app.call(SearchDelegates::PATH, Some(&cookie), &[("q", q)]).await;
            (reply.status, reply.json())
        }
    };
    let labels = |json: &serde_json::Value| -> Vec<String> {
        json.as_array()
            .expect("choices")
            .iter()
            .map(|c| c["label"].as_str().expect("label").to_owned())
            .collect()
    };
    let (status, everyone) = search(mark.clone(), "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        labels(&everyone),
        ["Ana Analyst", "Victor Viewer"],
        "below a manager, by name"
    );
    // By email too, case-insensitively; a wildcard is a literal character.
    assert_eq!(labels(&search(mark.clone(), "VICTOR@").await.1), ["Victor Viewer"]);
    assert!(labels(&search(mark.clone(), "%").await.1).is_empty());
    // Not Alice (Admin, above him), not Mark himself, not Globex's Hank (a viewer elsewhere).
    for q in ["alice", "mark", "hank"] {
        assert!(labels(&search(mark.clone(), q).await.1).is_empty(), "{q}");
    }
    // A viewer holds no permissions:delegate: refused, not an empty list.
    assert_eq!(search(victor, "").await.0, StatusCode::FORBIDDEN);

    // At most a page, however many match.
    let acme = app.tenant_id("acme").await.expect("acme");
    let mut owner = sqlx::PgConnection::connect_with(&app.owner_options)
        .await
        .expect("owner");
    sqlx::query(
        "INSERT INTO users (tenant_id, email, name, password_hash)
         SELECT $1::uuid, 'bulk' || g || '@acme.test', 'Bulk ' || g, '!' FROM generate_series(1, 30) g",
    )
    .bind(&acme)
    .execute(&mut owner)
    .await
    .expect("users");
    let (_, bulk) = search(mark, "bulk").await;
    assert_eq!(labels(&bulk).len(), atrium_app::paging::CHOICES_LIMIT as usize);
}
