//! Plans over HTTP on the seeded demo: every limit refuses at its boundary with the named error
//! (one under works), the platform's plan and tenant edits apply at once and are audited,
//! features gate their server functions and stop granting access when switched off, and no
//! tenant reads or changes another's plan data.

use crate::common;

use atrium_app::alerts::api::SaveRule;
use atrium_app::api_keys::api::CreateApiKey;
use atrium_app::auth::api::GetCurrentUser;
use atrium_app::db::TenantTx;
use atrium_app::error::AppError;
use atrium_app::ids::TenantId;
use atrium_app::notifications::api::CreateChannel;
use atrium_app::notifications::outbound::AddressPolicy;
use atrium_app::notifications::outbox::DeliverySettings;
use atrium_app::permissions::api::{CreateDelegation, GetUserPermissions, SavePermissionSet};
use atrium_app::plans::api::{GetTenantPlan, GetUsage, ListPlans, SaveEntitlements, SavePlan};
use atrium_app::plans::types::{Feature, Limit};
use atrium_app::tenants::api::SetAuditRetention;
use atrium_app::tenants::types::Plan;
use atrium_app::users::api::CreateUser;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Reply, TestApp, spawn_app, spawn_app_delivering};
use leptos::server_fn::ServerFn;
use serde_json::{Value, json};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

async fn globex(app: &TestApp) -> String {
    app.tenant_id("globex").await.expect("globex")
}

/// A connection as the owner (no row-level security), for counting and checking what is stored.
async fn owner(app: &TestApp) -> sqlx::PgConnection {
    use sqlx::Connection;
    sqlx::PgConnection::connect_with(&app.owner_options)
        .await
        .expect("owner")
}

/// Counts rows of a table for one tenant, as the owner.
async fn count(app: &TestApp, table: &str, tenant: &str) -> i64 {
    let sql = format!("SELECT count(*) FROM {table} WHERE tenant_id = $1::uuid");
    sqlx::query_scalar(&sql)
        .bind(tenant)
        .fetch_one(&mut owner(app).await)
        .await
        .expect("count")
}

/// Sets a tenant's own limits and feature switches through the platform's server function. The
/// form is whole: a limit or feature it leaves out follows the plan.
async fn save_own(
    app: &TestApp,
    admin: &str,
    tenant: &str,
    limits: &[(Limit, String)],
    features: &[(Feature, &str)],
) -> Reply {
    let mut names: Vec<(String, String)> = limits
        .iter()
        .map(|(limit, value)| (format!("limits[{}]", limit.as_str()), value.clone()))
        .collect();
    names.extend(
        features
            .iter()
            .map(|(feature, choice)| (format!("features[{}]", feature.as_str()), (*choice).to_owned())),
    );
    let mut form: Vec<(&str, &str)> = vec![("tenant_id", tenant)];
    form.extend(names.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    app.call(SaveEntitlements::PATH, Some(admin), &form).await
}

async fn set_limits(app: &TestApp, admin: &str, tenant: &str, limits: &[(Limit, String)]) -> Reply {
    save_own(app, admin, tenant, limits, &[]).await
}

async fn set_feature(app: &TestApp, admin: &str, tenant: &str, feature: Feature, choice: &str) {
    let reply = save_own(app, admin, tenant, &[], &[(feature, choice)]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

fn assert_limit(reply: &Reply, limit: Limit, allowed: u64) {
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    match reply.error() {
        AppError::LimitReached {
            limit: l,
            allowed: a,
            plan: Plan::Free,
        } => {
            assert_eq!((l, a), (limit, allowed));
            let message = reply.error().to_string();
            assert!(
                message.contains(&allowed.to_string()) && message.contains("Free"),
                "{message}"
            );
        }
        other => panic!("expected the {limit:?} limit, got {other:?}"),
    }
}

fn assert_feature_off(reply: &Reply, feature: Feature) {
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    assert_eq!(
        reply.error(),
        AppError::FeatureOff {
            feature,
            plan: Plan::Free
        }
    );
}

fn ok(reply: &Reply) {
    assert!(
        reply.status.is_success() || reply.status.is_redirection(),
        "{} {}",
        reply.status,
        reply.body
    );
}

async fn new_user(app: &TestApp, cookie: &str, email: &str) -> Reply {
    app.call(
        CreateUser::PATH,
        Some(cookie),
        &[
            ("email", email),
            ("name", "New Member"),
            ("role", "viewer"),
            ("password", ""),
        ],
    )
    .await
}

async fn new_key(app: &TestApp, cookie: &str, name: &str) -> Reply {
    app.call(
        CreateApiKey::PATH,
        Some(cookie),
        &[
            ("name", name),
            ("scopes[0]", "metrics:write"),
            ("expires_in_days", "never"),
        ],
    )
    .await
}

async fn new_channel(app: &TestApp, cookie: &str, name: &str) -> Reply {
    app.call(
        CreateChannel::PATH,
        Some(cookie),
        &[("name", name), ("kind", "webhook"), ("url", "http://127.0.0.1:9/hook")],
    )
    .await
}

async fn new_rule(app: &TestApp, cookie: &str, name: &str, extra: &[(&str, &str)]) -> Reply {
    let mut form = vec![
        ("intent", "save"),
        ("name", name),
        ("metric", "plan.metric"),
        ("aggregation", "max"),
        ("comparison", "gt"),
        ("threshold", "1"),
        ("window", "5m"),
        ("pending", "0s"),
        ("severity", "critical"),
        ("cooldown", "0s"),
        ("no_data", "ok"),
        ("enabled", "on"),
    ];
    for (k, v) in extra {
        form.retain(|(name, _)| name != k);
        form.push((k, v));
    }
    app.call(SaveRule::PATH, Some(cookie), &form).await
}

async fn send_points(app: &TestApp, key: &str, points: Value) -> Reply {
    let request = Request::post("/api/v1/metrics")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {key}"));
    app.send(request.body(Body::from(points.to_string())).expect("request"))
        .await
}

#[sqlx::test(migrations = "../migrations")]
async fn each_limit_refuses_at_its_boundary_and_one_under_works(_: PgPoolOptions, options: PgConnectOptions) {
    // Webhook channels on 127.0.0.1 (nothing is sent: creating one only checks the address).
    let delivery = DeliverySettings {
        policy: AddressPolicy {
            allow_private: true,
            ..AddressPolicy::default()
        },
        ..DeliverySettings::default()
    };
    let app = spawn_app_delivering(options, delivery).await;
    let admin = app.sign_in("admin@atrium.test").await;
    let gina = app.sign_in("gina@globex.test").await;
    let tenant = globex(&app).await;
    let users = count(&app, "users", &tenant).await;
    let rules = count(&app, "alert_rules", &tenant).await;
    let channels = count(&app, "channels", &tenant).await;
    // Room for exactly one more of each; one key (the ingest key below) and one metric.
    let limits = [
        (Limit::Users, (users + 1).to_string()),
        (Limit::AlertRules, (rules + 1).to_string()),
        (Limit::Channels, (channels + 1).to_string()),
        (Limit::ApiKeys, "1".to_owned()),
        (Limit::Metrics, "1".to_owned()),
    ];
    ok(&set_limits(&app, &admin, &tenant, &limits).await);

    ok(&new_user(&app, &gina, "one@globex.test").await);
    assert_limit(
        &new_user(&app, &gina, "two@globex.test").await,
        Limit::Users,
        (users + 1) as u64,
    );

    let key = new_key(&app, &gina, "ingest").await;
    ok(&key);
    let key = key.json()["key"].as_str().expect("key").to_owned();
    assert_limit(&new_key(&app, &gina, "second").await, Limit::ApiKeys, 1);

    ok(&new_channel(&app, &gina, "ops mail").await);
    assert_limit(
        &new_channel(&app, &gina, "more mail").await,
        Limit::Channels,
        (channels + 1) as u64,
    );

    // One metric: the first name is declared, a second new one is refused point by point.
    let now = chrono::Utc::now().timestamp_millis();
    let reply = send_points(
        &app,
        &key,
        json!({"points": [
            {"metric": "plan.metric", "value": 1.0, "ts": now},
            {"metric": "plan.other", "value": 2.0, "ts": now},
            {"metric": "plan.metric", "value": 3.0, "ts": now},
        ]}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::MULTI_STATUS, "{}", reply.body);
    assert_eq!(reply.json()["accepted"], 2, "{}", reply.body);
    assert_eq!(reply.json()["rejected"][0]["index"], 1);
    assert_eq!(
        reply.json()["rejected"][0]["code"],
        "metric_limit_reached",
        "{}",
        reply.body
    );

    ok(&new_rule(&app, &gina, "first rule", &[]).await);
    assert_limit(
        &new_rule(&app, &gina, "second rule", &[]).await,
        Limit::AlertRules,
        (rules + 1) as u64,
    );

    // The longest audit retention: the free plan's ceiling, and one day more.
    let ceiling: i64 = {
        sqlx::query_scalar("SELECT value FROM plan_limits WHERE plan = 'free' AND limit_name = 'audit_retention_days'")
            .fetch_one(&mut owner(&app).await)
            .await
            .expect("ceiling")
    };
    let at = ceiling.to_string();
    let over = (ceiling + 1).to_string();
    let reply = app.call(SetAuditRetention::PATH, Some(&gina), &[("days", &at)]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let reply = app.call(SetAuditRetention::PATH, Some(&gina), &[("days", &over)]).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    let message = reply.error().field_error("days").expect("a message next to the field");
    assert!(message.contains(&at) && message.contains("Free"), "{message}");

    // The usage page shows what was counted against each limit.
    let reply = app.call(GetUsage::PATH, Some(&gina), &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let lines = reply.json()["lines"].clone();
    let line = |name: &str| {
        lines
            .as_array()
            .and_then(|l| l.iter().find(|line| line["limit"] == name).cloned())
            .unwrap_or_else(|| panic!("no {name} line in {lines}"))
    };
    assert_eq!(line("Users")["used"], users + 1);
    assert_eq!(line("Users")["allowed"], users + 1);
    assert_eq!(line("Users")["overridden"], true);
    assert_eq!(line("Metrics")["used"], 1);
    assert_eq!(line("PointsPerDay")["used"], 2);
    assert_eq!(line("ApiKeys")["used"], 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_api_rate_follows_the_tenants_own_value(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let admin = app.sign_in("admin@atrium.test").await;
    let gina = app.sign_in("gina@globex.test").await;
    let tenant = globex(&app).await;
    ok(&set_limits(&app, &admin, &tenant, &[(Limit::ApiRequestsPerKey, "2".to_owned())]).await);
    let key = new_key(&app, &gina, "slow").await;
    let key = key.json()["key"].as_str().expect("key").to_owned();
    let point = || json!({"points": [{"metric": "rate.test", "value": 1.0}]});
    for _ in 0..2 {
        let reply = send_points(&app, &key, point()).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    let refused = send_points(&app, &key, point()).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{}", refused.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn plan_edits_apply_at_once_are_audited_and_only_the_platform_makes_them(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let app = spawn_app(options).await;
    let admin = app.sign_in("admin@atrium.test").await;
    let gina = app.sign_in("gina@globex.test").await;
    let alice = app.sign_in("alice@acme.test").await;
    let tenant = globex(&app).await;
    let plans = app.call(ListPlans::PATH, Some(&admin), &[]).await;
    assert_eq!(plans.status, StatusCode::OK, "{}", plans.body);
    let free = plans.json()[0].clone();
    assert_eq!(free["plan"], "Free");
    assert_eq!(free["tenant_count"], 1);

    // A full plan form: every limit as it is, users lowered to the members Globex has, and
    // delegations switched on.
    let members = count(&app, "users", &tenant).await;
    let mut fields: Vec<(String, String)> = vec![("plan".into(), "free".into())];
    for pair in free["limits"].as_array().expect("limits") {
        let name = Limit::ALL
            .into_iter()
            .find(|l| serde_json::to_value(l).ok().as_ref() == Some(&pair[0]))
            .expect("a limit");
        let value = if name == Limit::Users {
            members.to_string()
        } else {
            pair[1].to_string()
        };
        fields.push((format!("limits[{}]", name.as_str()), value));
    }
    fields.push(("features[delegations]".into(), "on".into()));
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();

    // Nobody but the platform edits plans, not even a tenant's administrator.
    let refused = app.call(SavePlan::PATH, Some(&gina), &form).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let refused = set_limits(&app, &gina, &tenant, &[(Limit::Users, "1000".into())]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);

    let saved = app.call(SavePlan::PATH, Some(&admin), &form).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(app.audit_actions().await.contains(&"plan.update".to_owned()));
    assert_limit(
        &new_user(&app, &gina, "late@globex.test").await,
        Limit::Users,
        members as u64,
    );
    let me = app.call(GetCurrentUser::PATH, Some(&gina), &[]).await;
    assert_eq!(me.json()["features"], json!(["Delegations"]), "{}", me.body);

    // A bad value is refused next to its field and nothing is written.
    let mut bad = form.clone();
    bad.retain(|(k, _)| *k != "limits[users]");
    bad.push(("limits[users]", "lots"));
    let reply = app.call(SavePlan::PATH, Some(&admin), &bad).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert!(reply.error().field_error("limits[users]").is_some());

    // The tenant's own value wins over the plan, and the change is in the tenant's audit chain.
    ok(&set_limits(&app, &admin, &tenant, &[(Limit::Users, (members + 1).to_string())]).await);
    ok(&new_user(&app, &gina, "late@globex.test").await);
    assert!(
        app.audit_actions()
            .await
            .contains(&"tenant.entitlements.update".to_owned())
    );
    let plan = app
        .call(GetTenantPlan::PATH, Some(&admin), &[("tenant_id", &tenant)])
        .await;
    assert_eq!(plan.json()["entitlements"]["limits"][0]["override_value"], members + 1);
    assert_eq!(plan.json()["usage"]["lines"][0]["used"], members + 1);

    // Another tenant's administrator sees none of it; nor does the tenant's own.
    for cookie in [&alice, &gina] {
        let hidden = app
            .call(GetTenantPlan::PATH, Some(cookie), &[("tenant_id", &tenant)])
            .await;
        assert!(
            hidden.status == StatusCode::NOT_FOUND || hidden.json().is_null(),
            "{}",
            hidden.body
        );
    }
    let foreign = app.call(GetUsage::PATH, Some(&alice), &[("tenant_id", &tenant)]).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND, "{}", foreign.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn lowering_the_retention_ceiling_lowers_the_tenants_setting(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let admin = app.sign_in("admin@atrium.test").await;
    let tenant = globex(&app).await;
    ok(&set_limits(&app, &admin, &tenant, &[(Limit::AuditRetentionDays, "60".into())]).await);
    let days: i32 = sqlx::query_scalar("SELECT audit_retention_days FROM tenants WHERE slug = 'globex'")
        .fetch_one(&mut owner(&app).await)
        .await
        .expect("days");
    assert_eq!(days, 60);
    let refused = set_limits(&app, &admin, &tenant, &[(Limit::AuditRetentionDays, "29".into())]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.error().field_error("limits[audit_retention_days]").is_some());
}

#[sqlx::test(migrations = "../migrations")]
async fn features_gate_their_functions_and_grant_nothing_while_off(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let admin = app.sign_in("admin@atrium.test").await;
    let gina = app.sign_in("gina@globex.test").await;
    let tenant = globex(&app).await;
    let hank = app.user_id("hank@globex.test").await;
    let expires = (chrono::Utc::now() + chrono::Duration::days(3))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let delegate = |cookie: String| {
        let (app, hank, expires) = (&app, hank.clone(), expires.clone());
        async move {
            app.call(
                CreateDelegation::PATH,
                Some(&cookie),
                &[
                    ("delegate_id", &hank),
                    ("permissions[0]", "users:create"),
                    ("expires_at", &expires),
                    ("reason", "holiday"),
                ],
            )
            .await
        }
    };
    sqlx::query("INSERT INTO metrics (tenant_id, name) VALUES ($1::uuid, 'plan.metric')")
        .bind(&tenant)
        .execute(&mut owner(&app).await)
        .await
        .expect("a metric");
    // The free plan has neither custom sets nor delegations, nor escalation or anomaly rules.
    let set = app
        .call(
            SavePermissionSet::PATH,
            Some(&gina),
            &[
                ("name", "Auditors"),
                ("description", ""),
                ("inherits", ""),
                ("permissions[0]", "audit:read"),
            ],
        )
        .await;
    assert_feature_off(&set, Feature::PermissionSets);
    assert_feature_off(&delegate(gina.clone()).await, Feature::Delegations);
    assert_feature_off(
        &new_rule(
            &app,
            &gina,
            "anomalous",
            &[("comparison", "anomaly"), ("threshold", "")],
        )
        .await,
        Feature::AnomalyDetection,
    );

    // Switched on for Globex alone, a delegation works and lends its permission.
    set_feature(&app, &admin, &tenant, Feature::Delegations, "on").await;
    ok(&delegate(gina.clone()).await);
    let lent = || {
        let (app, hank, gina) = (&app, hank.clone(), gina.clone());
        async move {
            let reply = app
                .call(GetUserPermissions::PATH, Some(&gina), &[("user_id", &hank)])
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            reply.json()["effective"]["entries"]
                .as_object()
                .is_some_and(|entries| entries.contains_key("UsersCreate"))
        }
    };
    assert!(lent().await, "the delegation lends users:create");
    // Switched off again, the stored delegation grants nothing.
    set_feature(&app, &admin, &tenant, Feature::Delegations, "off").await;
    assert!(!lent().await, "a delegation counts only while its feature is on");
    let me = app.call(GetCurrentUser::PATH, Some(&gina), &[]).await;
    assert_eq!(me.json()["features"], json!(["SupportAccess"]), "{}", me.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_tenant_reads_only_its_own_overrides_and_writes_none(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let admin = app.sign_in("admin@atrium.test").await;
    let globex: TenantId = globex(&app).await.parse().expect("uuid");
    let acme: TenantId = app.tenant_id("acme").await.expect("acme").parse().expect("uuid");
    ok(&save_own(
        &app,
        &admin,
        &globex.to_string(),
        &[(Limit::Users, "7".into())],
        &[(Feature::Escalation, "on")],
    )
    .await);

    let mut tx = TenantTx::begin(&app.db, acme).await.expect("acme tx");
    let seen: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM tenant_limit_overrides) + (SELECT count(*) FROM tenant_feature_overrides)",
    )
    .fetch_one(&mut *tx)
    .await
    .expect("count");
    assert_eq!(seen, 0, "Acme sees none of Globex's values");
    let write =
        sqlx::query("INSERT INTO tenant_limit_overrides (tenant_id, limit_name, value) VALUES ($1, 'users', 100000)")
            .bind(acme.0)
            .execute(&mut *tx)
            .await;
    assert!(write.is_err(), "a tenant cannot raise its own limits");
    drop(tx);
    let mut tx = TenantTx::begin(&app.db, acme).await.expect("acme tx");
    let write = sqlx::query("UPDATE plan_limits SET value = 1000000 WHERE limit_name = 'users'")
        .execute(&mut *tx)
        .await;
    assert!(write.is_err(), "a tenant cannot change a plan");
    drop(tx);

    let mut tx = TenantTx::begin(&app.db, globex).await.expect("globex tx");
    let own: i64 = sqlx::query_scalar("SELECT value FROM tenant_limit_overrides WHERE limit_name = 'users'")
        .fetch_one(&mut *tx)
        .await
        .expect("its own value");
    assert_eq!(own, 7);
    let write = sqlx::query("UPDATE tenant_limit_overrides SET value = 100000")
        .execute(&mut *tx)
        .await;
    assert!(write.is_err(), "a tenant cannot change its own values");
}

/// The usage notices a tenant's channels were sent, as `(event type, title)` in order.
async fn usage_deliveries(app: &TestApp, tenant: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT event_type, notification->>'title' FROM deliveries
         WHERE tenant_id = $1::uuid AND event_type LIKE 'usage.%' ORDER BY created_at, delivery_id",
    )
    .bind(tenant)
    .fetch_all(&mut owner(app).await)
    .await
    .expect("deliveries")
}

#[sqlx::test(migrations = "../migrations")]
async fn channels_hear_once_when_usage_reaches_80_and_100_percent(_: PgPoolOptions, options: PgConnectOptions) {
    let delivery = DeliverySettings {
        policy: AddressPolicy {
            allow_private: true,
            ..AddressPolicy::default()
        },
        ..DeliverySettings::default()
    };
    let app = spawn_app_delivering(options, delivery).await;
    let admin = app.sign_in("admin@atrium.test").await;
    let gina = app.sign_in("gina@globex.test").await;
    let tenant = globex(&app).await;
    ok(&new_channel(&app, &gina, "ops").await);
    let keys = count(&app, "api_keys", &tenant).await;
    let allowed = keys + 5;
    ok(&set_limits(&app, &admin, &tenant, &[(Limit::ApiKeys, allowed.to_string())]).await);

    // One key at a time: the warning comes with the key that reaches 80 %, once; the keys after
    // it in the band add nothing; the last place brings the "used up" message.
    for used in keys + 1..=allowed {
        ok(&new_key(&app, &gina, &format!("key {used}")).await);
        let sent = usage_deliveries(&app, &tenant).await;
        let warned = used * 100 >= allowed * 80;
        let expected = usize::from(warned) + usize::from(used == allowed);
        assert_eq!(sent.len(), expected, "after {used} of {allowed}: {sent:?}");
    }
    let sent = usage_deliveries(&app, &tenant).await;
    assert_eq!(sent[0].0, "usage.warning");
    assert!(
        sent[0].1.starts_with("Active API keys at 8") && sent[0].1.contains("Free plan"),
        "{}",
        sent[0].1
    );
    assert_eq!(sent[1].0, "usage.full");
    assert_eq!(
        sent[1].1,
        format!("Active API keys used up on the Free plan ({allowed} of {allowed})")
    );
    // Refused at the limit: nothing more is announced.
    assert_limit(
        &new_key(&app, &gina, "one too many").await,
        Limit::ApiKeys,
        u64::try_from(allowed).expect("u64"),
    );
    assert_eq!(usage_deliveries(&app, &tenant).await.len(), 2);
    // The link opens the workspace's usage page; another workspace heard nothing.
    let link: String = sqlx::query_scalar(
        "SELECT notification->>'link' FROM deliveries WHERE tenant_id = $1::uuid AND event_type = 'usage.full'",
    )
    .bind(&tenant)
    .fetch_one(&mut owner(&app).await)
    .await
    .expect("link");
    assert_eq!(link, "/t/globex/usage");
    let acme = app.tenant_id("acme").await.expect("acme");
    assert!(usage_deliveries(&app, &acme).await.is_empty());

    // Ingestion: the batch that takes today's points to 80 % is announced (Acme, its own key).
    let alice = app.sign_in("alice@acme.test").await;
    ok(&new_channel(&app, &alice, "acme ops").await);
    ok(&set_limits(&app, &admin, &acme, &[(Limit::PointsPerDay, "10".to_owned())]).await);
    let key = new_key(&app, &alice, "ingest").await;
    let key = key.json()["key"].as_str().expect("key").to_owned();
    let points =
        |n: usize| json!({"points": (0..n).map(|i| json!({"metric": "notice.test", "value": i})).collect::<Vec<_>>()});
    assert_eq!(send_points(&app, &key, points(7)).await.status, StatusCode::OK);
    assert!(usage_deliveries(&app, &acme).await.is_empty(), "70 % says nothing");
    assert_eq!(send_points(&app, &key, points(1)).await.status, StatusCode::OK);
    let sent = usage_deliveries(&app, &acme).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].1.starts_with("Points per day at 80 %"), "{}", sent[0].1);
}

#[sqlx::test(migrations = "../migrations")]
async fn statistics_count_what_a_workspace_holds_and_sum_over_the_platform(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    use atrium_app::plans::api::{GetPlatformStatistics, GetTenantStatistics};
    let app = spawn_app(options).await;
    let admin = app.sign_in("admin@atrium.test").await;
    let alice = app.sign_in("alice@acme.test").await;
    let acme = app.tenant_id("acme").await.expect("acme");
    let key = new_key(&app, &alice, "stats").await;
    let key = key.json()["key"].as_str().expect("key").to_owned();
    let points = json!({"points": (0..5).map(|i| json!({"metric": "stats.test", "value": i})).collect::<Vec<_>>()});
    assert_eq!(send_points(&app, &key, points).await.status, StatusCode::OK);
    // The catalog's row estimates come from ANALYZE (autovacuum's, in production).
    sqlx::query("ANALYZE point_chunks")
        .execute(&mut owner(&app).await)
        .await
        .expect("analyze");

    let stats = app
        .call(GetTenantStatistics::PATH, Some(&admin), &[("tenant_id", &acme)])
        .await;
    assert_eq!(stats.status, StatusCode::OK, "{}", stats.body);
    let stats = stats.json();
    let members = count(&app, "users", &acme).await;
    assert_eq!(stats["members"], members);
    assert_eq!(
        stats["active_members"], 1,
        "alice signed in; the seed's others never did"
    );
    assert_eq!(stats["points_today"], 5);
    assert_eq!(stats["points_30_days"], 5);
    assert!(stats["api_keys"].as_i64().expect("keys") >= 1);
    assert_eq!(stats["metrics"], count(&app, "metrics", &acme).await);
    assert!(stats["storage_bytes"].as_i64().expect("bytes") > 0, "{stats}");

    let platform = app.call(GetPlatformStatistics::PATH, Some(&admin), &[]).await;
    assert_eq!(platform.status, StatusCode::OK, "{}", platform.body);
    let platform = platform.json();
    assert_eq!(platform["tenants"], 2);
    assert!(platform["totals"]["members"].as_i64().expect("members") > members);
    assert_eq!(platform["totals"]["points_today"], 5);
    assert!(platform["totals"]["storage_bytes"].as_i64().expect("bytes") > 0);
    // The platform page shows them; a workspace reads neither another's nor the platform's.
    let home = app.get("/", Some(&admin)).await;
    assert!(home.body.contains("Platform statistics"), "{}", home.body.len());
    let gina = app.sign_in("gina@globex.test").await;
    let other = app
        .call(GetTenantStatistics::PATH, Some(&gina), &[("tenant_id", &acme)])
        .await;
    assert!(other.status.is_client_error(), "{} {}", other.status, other.body);
    assert!(!other.body.contains("\"points_today\":5"));
    assert!(
        app.call(GetPlatformStatistics::PATH, Some(&gina), &[])
            .await
            .status
            .is_client_error()
    );
}
