//! The standing attack suite: every server function in the access registry and every REST route,
//! called the ways an attacker would — as tenant A's admin with tenant B's ids, signed out, as a
//! Viewer, and from a foreign origin — against the real router on a seeded database.
//!
//! The calls are generated: `visit_server_fns` hands over each server function's type, its
//! arguments are learnt from its `Deserialize` impl (`shape.rs`), and ids are filled by argument
//! name from entities created in both tenants. A new server function is covered as soon as it is
//! registered (a test elsewhere fails when it is not); an id argument the suite cannot fill fails
//! here until someone says which entity it names.
//!
//! What counts as a pass: no 5xx, no panic, the refusal the case calls for, nothing of B in any
//! answer, and B's rows (and A's, in the cases that must change nothing) byte-identical after.
#![allow(clippy::unwrap_used, reason = "test code")]

use crate::common;
#[path = "attack/shape.rs"]
mod shape;

use atrium_app::notifications::outbound::AddressPolicy;
use atrium_app::notifications::outbox::DeliverySettings;
use atrium_app::permissions::types::Access;
use atrium_app::permissions::types::Role;
use atrium_app::shell::registry::{REST_ROUTES, ServerFnVisitor, visit_server_fns};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Reply, TestApp, spawn_app_delivering};
use serde_json::{Map, Value, json};
use shape::Shape;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

static PANICS: AtomicUsize = AtomicUsize::new(0);

/// Counts panics anywhere in the process (a handler's panic may be caught by the runtime and
/// turned into a dropped connection; it still must not happen).
fn count_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // The tests' own assertions (this file, in parallel tests of one process) are not
        // panics of the server.
        let in_tests = info.location().is_some_and(|l| l.file().contains("tests/"));
        if !in_tests {
            PANICS.fetch_add(1, Ordering::SeqCst);
        }
        default(info);
    }));
}

/// One tenant's entities, each an id an attacker would try.
#[derive(Debug, Clone)]
struct Entities {
    tenant: String,
    /// A low-ranked user of the tenant (the one acted upon).
    victim: String,
    set: String,
    delegation: String,
    rule: String,
    alert: String,
    silence: String,
    channel: String,
    delivery: String,
    api_key: String,
    /// The bearer token of `api_key`.
    key_token: String,
    metric_id: String,
    metric: String,
    /// An open invitation (written as the owner: the suite's app has no mail relay).
    invitation: String,
    /// The administrator's own session (its id, as "Your sessions" names it).
    session: String,
}

impl Entities {
    /// Every id of the tenant as text, to look for in answers to the other tenant.
    fn ids(&self) -> Vec<&str> {
        vec![
            &self.tenant,
            &self.victim,
            &self.set,
            &self.delegation,
            &self.rule,
            &self.alert,
            &self.silence,
            &self.channel,
            &self.delivery,
            &self.api_key,
            &self.metric_id,
            &self.invitation,
            &self.session,
        ]
    }
}

/// The value of one argument, by its name, aimed at `target`'s entities. `None`: leave it out.
/// An argument that names an id the suite does not know panics, so it gets a mapping here.
fn argument(name: &str, shape: &Shape, target: &Entities, text: &str) -> Option<Value> {
    let id = |value: &str| Some(json!(value));
    let by_name = match name {
        "tenant_id" => id(&target.tenant),
        "user_id" | "delegate_id" => id(&target.victim),
        "set_id" => id(&target.set),
        "delegation_id" => id(&target.delegation),
        "rule_id" => id(&target.rule),
        "alert_id" => id(&target.alert),
        "silence_id" => id(&target.silence),
        "channel_id" => id(&target.channel),
        "delivery_id" => id(&target.delivery),
        "api_key_id" => id(&target.api_key),
        "metric_id" => id(&target.metric_id),
        "invitation_id" => id(&target.invitation),
        "session_id" => id(&target.session),
        "metric" => id(&target.metric),
        "channels" | "step1_channels" | "step2_channels" | "step3_channels" => Some(json!([target.channel])),
        // IP blocks are platform data: no tenant owns one, and their functions need platform
        // permissions, so every tenant principal is refused before any id is looked up. A
        // well-formed id that names no block is enough to reach that refusal.
        "ip_block_id" => id("5f0c0b1e-0000-4000-8000-000000000001"),
        // An OpenID client id is the provider's name for Atrium, not an entity of a tenant.
        "client_id" => Some(json!("attack-client")),
        other if other.ends_with("_id") => panic!("the attack suite does not know which entity `{other}` names"),
        "query" => Some(json!(format!("tenant={}", target.tenant))),
        "email" => Some(json!("probe@attack.test")),
        "confirm" => Some(json!("probe@attack.test")),
        "password" => Some(json!("")),
        "role" => Some(json!("viewer")),
        "inherits" => Some(json!("role:viewer")),
        "plan" => Some(json!("free")),
        "status" => Some(json!("active")),
        "kind" => Some(json!("webhook")),
        "url" => Some(json!("http://127.0.0.1:9/x")),
        "permission" => Some(json!("users:delete")),
        "permissions" => Some(json!(["users:delete"])),
        "scopes" => Some(json!(["metrics:read"])),
        "days" | "expires_in_days" => Some(json!("30")),
        "expires_at" => Some(json!(
            (chrono::Utc::now() + chrono::Duration::days(1))
                .format("%Y-%m-%dT%H:%M")
                .to_string()
        )),
        "grace" | "overlap" | "duration" | "window" => Some(json!("1h")),
        "range" => Some(json!("1h")),
        "slug" => Some(json!("probe-slug")),
        "threshold" => Some(json!("1")),
        "aggregation" => Some(json!("avg")),
        "comparison" => Some(json!("gt")),
        "severity" => Some(json!("high")),
        "required" | "enabled" => Some(json!("true")),
        "name" | "description" | "comment" | "reason" | "unit" => Some(json!(text)),
        _ => None,
    };
    match (shape, by_name) {
        (Shape::Bool, _) => Some(json!(true)),
        (Shape::Number, _) => Some(json!(1)),
        (Shape::Text, Some(value)) | (Shape::Optional(_), Some(value)) => Some(value),
        (Shape::List(_), Some(value)) if value.is_array() => Some(value),
        (Shape::List(_), Some(value)) => Some(json!([value])),
        (Shape::Text, None) => Some(json!(text)),
        (Shape::Optional(_), None) | (Shape::List(_), None) => None,
        // A map of text (a plan's or a tenant's limits and features): one entry named like
        // what it is keyed by, with the probe text as its value.
        (Shape::Map(_), _) => Some(json!({ "users": text, "delegations": text })),
        (Shape::Other(_) | Shape::Unknown, _) => {
            panic!(
                "argument `{name}` has a shape the attack suite cannot fill: {what:?}",
                what = shape
            )
        }
    }
}

/// Encodes a call aimed at a tenant's entities, with this free text in every text argument.
type Encoder = Box<dyn Fn(&Entities, &str) -> Result<String, String>>;

/// One registered server function, ready to be called against any tenant's entities.
struct Target {
    path: &'static str,
    access: Access,
    encode: Encoder,
}

#[derive(Default)]
struct Collect {
    targets: Vec<Target>,
}

impl ServerFnVisitor for Collect {
    fn visit<F>(&mut self, path: &'static str, access: Access)
    where
        F: leptos::server_fn::ServerFn + serde::Serialize + serde::de::DeserializeOwned + 'static,
    {
        let arguments = shape::arguments::<F>().unwrap_or_else(|e| panic!("{path}: cannot learn its arguments: {e}"));
        let encode: Encoder = Box::new(move |target: &Entities, text: &str| {
            let mut object = Map::new();
            for (name, shape) in &arguments {
                if let Some(value) = argument(name, shape, target, text) {
                    object.insert((*name).to_owned(), value);
                }
            }
            // Through the function's own type, so the body is exactly what its client would send.
            let input: F = serde_json::from_value(Value::Object(object)).map_err(|e| format!("{path}: {e}"))?;
            serde_qs::to_string(&input).map_err(|e| format!("{path}: {e}"))
        });
        self.targets.push(Target { path, access, encode });
    }
}

/// `cookie` if its session is still live, else a new session of `email`.
async fn still_signed_in(app: &TestApp, cookie: String, email: &str) -> String {
    use leptos::server_fn::ServerFn;
    let me = app
        .call(atrium_app::auth::api::GetCurrentUser::PATH, Some(&cookie), &[])
        .await;
    if me.status == StatusCode::OK {
        cookie
    } else {
        app.sign_in(email).await
    }
}

/// A fingerprint of every row a tenant owns, read as the owner (past row-level security), so
/// "nothing changed" is checked on the stored bytes, not on what the app chooses to show.
struct Fingerprint {
    pool: sqlx::PgPool,
    sql_all: String,
    sql_without_audit: String,
}

impl Fingerprint {
    async fn new(owner: PgConnectOptions) -> Self {
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(owner)
            .await
            .unwrap();
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT c.table_name::text FROM information_schema.columns c
             JOIN information_schema.tables t USING (table_schema, table_name)
             WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE'
             ORDER BY 1",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert!(tables.len() >= 10, "tenant tables found: {tables:?}");
        let union = |tables: &[&String]| {
            let parts: Vec<String> = tables
                .iter()
                // Sign-in bookkeeping moves by design when a password is checked and wrong (the
                // password change's current password counts towards the lockout).
                .map(|t| {
                    format!(
                        "SELECT '{t}:' || (to_jsonb(x) - 'failed_logins' - 'pending_logins' - 'failed_window_start' \
                         - 'locked_until')::text AS r FROM {t} x WHERE x.tenant_id = $1"
                    )
                })
                .collect();
            format!(
                "SELECT coalesce(md5(string_agg(r, '|' ORDER BY r)), '') FROM ({}) rows",
                parts.join(" UNION ALL ")
            )
        };
        let all: Vec<&String> = tables.iter().collect();
        // Refusals are audited in the actor's own chain; that is the one change they may make.
        let without_audit: Vec<&String> = tables.iter().filter(|t| !t.starts_with("audit_")).collect();
        Self {
            pool,
            sql_all: union(&all),
            sql_without_audit: union(&without_audit),
        }
    }

    async fn all(&self, tenant: &str) -> String {
        self.read(&self.sql_all, tenant).await
    }

    async fn without_audit(&self, tenant: &str) -> String {
        self.read(&self.sql_without_audit, tenant).await
    }

    async fn read(&self, sql: &str, tenant: &str) -> String {
        sqlx::query_scalar(sql)
            .bind(uuid::Uuid::parse_str(tenant).unwrap())
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }
}

async fn post(app: &TestApp, path: &str, cookie: Option<&str>, origin: &str, body: String) -> Reply {
    let mut request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "atrium.test")
        .header(header::ORIGIN, origin);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    app.send(request.body(Body::from(body)).unwrap()).await
}

/// Creates in the signed-in admin's tenant one of each entity the suite aims at.
async fn create_entities(app: &TestApp, admin: &str, slug: &str, victim_email: &str, marker: &str) -> Entities {
    let tenant = app.tenant_id(slug).await.unwrap();
    let victim = app.user_id(victim_email).await;
    let ok = |reply: &Reply, what: &str| {
        assert!(reply.status.is_success(), "{what}: {} {}", reply.status, reply.body);
        reply.json()
    };
    use atrium_app::permissions::api as permissions;
    use atrium_app::{alerts::api as alerts, api_keys::api as keys, notifications::api as notifications};
    use leptos::server_fn::ServerFn;

    let set = ok(
        &app.call(
            permissions::SavePermissionSet::PATH,
            Some(admin),
            &[
                ("name", &format!("{marker} set")),
                ("description", marker),
                ("inherits", "role:viewer"),
                ("permissions[0]", "users:read"),
            ],
        )
        .await,
        "permission set",
    );
    let set = set.as_str().unwrap().to_owned();
    let expires = (chrono::Utc::now() + chrono::Duration::days(2))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let delegation = ok(
        &app.call(
            permissions::CreateDelegation::PATH,
            Some(admin),
            &[
                ("delegate_id", &victim),
                ("permissions[0]", "analytics:export"),
                ("expires_at", &expires),
                ("reason", marker),
            ],
        )
        .await,
        "delegation",
    );
    let delegation = delegation.as_str().unwrap().to_owned();
    let channel = ok(
        &app.call(
            notifications::CreateChannel::PATH,
            Some(admin),
            &[
                ("name", &format!("{marker} hook")),
                ("kind", "webhook"),
                ("url", "http://127.0.0.1:9/in"),
            ],
        )
        .await,
        "channel",
    );
    let channel = channel["channel"]["channel_id"].as_str().unwrap().to_owned();
    let key = ok(
        &app.call(
            keys::CreateApiKey::PATH,
            Some(admin),
            &[
                ("name", &format!("{marker} key")),
                ("scopes[0]", "metrics:read"),
                ("scopes[1]", "metrics:write"),
            ],
        )
        .await,
        "api key",
    );
    let api_key = key["summary"]["api_key_id"].as_str().unwrap().to_owned();
    let key_token = key["key"].as_str().unwrap().to_owned();
    let metric = format!("{marker}.latency");
    let ingest = app
        .send(
            Request::post("/api/v1/metrics")
                .header(header::AUTHORIZATION, format!("Bearer {key_token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    json!({"points": [{"metric": metric, "value": 42.0, "labels": {"host": marker}}]}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert!(ingest.status.is_success(), "ingest: {} {}", ingest.status, ingest.body);

    // The rest is written as the owner: alerts and deliveries come from jobs, not from a form.
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(app.owner_options.clone())
        .await
        .unwrap();
    let tenant_uuid = uuid::Uuid::parse_str(&tenant).unwrap();
    let rule: uuid::Uuid = sqlx::query_scalar("SELECT rule_id FROM alert_rules WHERE tenant_id = $1 LIMIT 1")
        .bind(tenant_uuid)
        .fetch_one(&pool)
        .await
        .unwrap();
    let alert: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO alerts (tenant_id, rule_id, fingerprint, state, severity, started_at, updated_at)
         VALUES ($1, $2, '', 'firing', 'high', now(), now()) RETURNING alert_id",
    )
    .bind(tenant_uuid)
    .bind(rule)
    .fetch_one(&pool)
    .await
    .unwrap();
    let delivery: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO deliveries (tenant_id, channel_id, event_type, notification, status)
         VALUES ($1, $2, 'test', '{}'::jsonb, 'failed') RETURNING delivery_id",
    )
    .bind(tenant_uuid)
    .bind(uuid::Uuid::parse_str(&channel).unwrap())
    .fetch_one(&pool)
    .await
    .unwrap();
    let metric_id: uuid::Uuid = sqlx::query_scalar("SELECT metric_id FROM metrics WHERE tenant_id = $1 AND name = $2")
        .bind(tenant_uuid)
        .bind(&metric)
        .fetch_one(&pool)
        .await
        .unwrap();
    let invitation: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO invitations (tenant_id, email, role, token_hash, expires_at)
         VALUES ($1, $2, 'viewer', sha256(convert_to($2, 'UTF8')), now() + interval '7 days')
         RETURNING invitation_id",
    )
    .bind(tenant_uuid)
    .bind(format!("invitee-{slug}@attack.test"))
    .fetch_one(&pool)
    .await
    .unwrap();
    let token = admin.split_once('=').map(|(_, token)| token).expect("a session cookie");
    let session: uuid::Uuid =
        sqlx::query_scalar("SELECT session_id FROM sessions WHERE token_hash = sha256(convert_to($1, 'UTF8'))")
            .bind(token)
            .fetch_one(&pool)
            .await
            .unwrap();
    pool.close().await;

    let silence = ok(
        &app.call(
            alerts::CreateSilence::PATH,
            Some(admin),
            &[("rule_id", &rule.to_string()), ("duration", "2h"), ("comment", marker)],
        )
        .await,
        "silence",
    );
    let silence = silence.as_str().unwrap().to_owned();
    Entities {
        tenant,
        victim,
        set,
        delegation,
        rule: rule.to_string(),
        alert: alert.to_string(),
        silence,
        channel,
        delivery: delivery.to_string(),
        api_key,
        key_token,
        metric_id: metric_id.to_string(),
        metric,
        invitation: invitation.to_string(),
        session: session.to_string(),
    }
}

/// What one case found wrong, for one report at the end.
#[derive(Default)]
struct Findings {
    calls: usize,
    problems: Vec<String>,
}

impl Findings {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        self.calls += 1;
        if !ok {
            self.problems.push(what());
        }
    }
}

/// Something of the other tenant in an answer: its name, or one of its ids that the request did
/// not carry (echoing back an id the caller sent, as a filter does, reveals nothing).
fn mentions_other_tenant(body: &str, sent: &str, other: &Entities) -> Option<String> {
    if body.to_lowercase().contains("globex") {
        return Some("\"globex\"".into());
    }
    other
        .ids()
        .into_iter()
        .find(|id| body.contains(id) && !sent.contains(id))
        .map(str::to_owned)
}

/// The app with both tenants' entities and the sessions the cases act through.
struct Scene {
    app: TestApp,
    /// Acme's (tenant A's) Admin.
    alice: String,
    /// Acme's Viewer.
    victor: String,
    acme: Entities,
    globex: Entities,
}

async fn scene(options: PgConnectOptions) -> Scene {
    // Channels point at 127.0.0.1 (tests send nothing elsewhere), which the server refuses unless
    // private destinations are allowed.
    let delivery = DeliverySettings {
        policy: AddressPolicy {
            allow_private: true,
            ..AddressPolicy::default()
        },
        ..DeliverySettings::default()
    };
    let app = spawn_app_delivering(options, delivery).await;
    let alice = app.sign_in("alice@acme.test").await;
    let victor = app.sign_in("victor@acme.test").await;
    let gina = app.sign_in("gina@globex.test").await;
    // One of everything in both tenants: Globex's free plan leaves out custom sets and
    // delegations, so switch every feature on for it.
    {
        use sqlx::Connection;
        let mut owner = sqlx::PgConnection::connect_with(&app.owner_options).await.unwrap();
        sqlx::query(
            "INSERT INTO tenant_feature_overrides (tenant_id, feature, enabled)
             SELECT tenant_id, feature, true FROM tenants, unnest(enum_range(NULL::plan_feature)) AS f (feature)
             WHERE slug = 'globex'",
        )
        .execute(&mut owner)
        .await
        .unwrap();
    }
    let acme = create_entities(&app, &alice, "acme", "victor@acme.test", "acme").await;
    let globex = create_entities(&app, &gina, "globex", "hank@globex.test", "globex").await;
    Scene {
        app,
        alice,
        victor,
        acme,
        globex,
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn every_server_fn_and_route_refuses_what_an_attacker_tries(_: PgPoolOptions, options: PgConnectOptions) {
    count_panics();
    let Scene {
        app,
        alice,
        victor,
        acme,
        globex,
    } = scene(options).await;
    let (mut alice, mut victor) = (alice, victor);
    let fingerprint = Fingerprint::new(app.owner_options.clone()).await;

    let mut collect = Collect::default();
    visit_server_fns(&mut collect);
    assert!(
        collect.targets.len() >= 60,
        "{} server functions",
        collect.targets.len()
    );
    let mut findings = Findings::default();
    let mut per_case: BTreeMap<&str, usize> = BTreeMap::new();

    for target in &collect.targets {
        let path = target.path;
        let with_b = (target.encode)(&globex, "probe").unwrap_or_else(|e| panic!("{e}"));
        let with_a = (target.encode)(&acme, "probe").unwrap_or_else(|e| panic!("{e}"));

        // 1. Tenant A's admin with tenant B's ids: B unchanged, nothing of B in the answer.
        let before_b = fingerprint.all(&globex.tenant).await;
        let reply = post(&app, path, Some(&alice), "http://atrium.test", with_b.clone()).await;
        *per_case.entry("A's admin with B's ids").or_default() += 1;
        findings.check(!reply.status.is_server_error(), || {
            format!("{path} as A with B's ids: {} {}", reply.status, reply.body)
        });
        findings.check(mentions_other_tenant(&reply.body, &with_b, &globex).is_none(), || {
            format!(
                "{path} as A with B's ids answered with B's {:?}: {}",
                mentions_other_tenant(&reply.body, &with_b, &globex),
                reply.body
            )
        });
        let after_b = fingerprint.all(&globex.tenant).await;
        findings.check(before_b == after_b, || {
            format!("{path} as A with B's ids changed B's rows")
        });

        // 2. Signed out: refused (Public ones: no 5xx), and neither tenant changes.
        let before_a = fingerprint.without_audit(&acme.tenant).await;
        let reply = post(&app, path, None, "http://atrium.test", with_a.clone()).await;
        *per_case.entry("signed out").or_default() += 1;
        let expected = match target.access {
            Access::Public => !reply.status.is_server_error(),
            _ => reply.status == StatusCode::UNAUTHORIZED,
        };
        findings.check(expected, || {
            format!("{path} signed out: {} {}", reply.status, reply.body)
        });
        findings.check(fingerprint.without_audit(&acme.tenant).await == before_a, || {
            format!("{path} signed out changed A's rows")
        });

        // 3. A Viewer of A with A's ids: 403 for everything the Viewer lacks; A unchanged
        // whatever the function (an `Authenticated` one narrows by itself).
        let viewer_lacks = match target.access {
            Access::Requires(permission) => !Role::Viewer.grants(permission),
            _ => false,
        };
        if viewer_lacks || matches!(target.access, Access::Authenticated) {
            let before_a = fingerprint.without_audit(&acme.tenant).await;
            let reply = post(&app, path, Some(&victor), "http://atrium.test", with_a.clone()).await;
            *per_case.entry("Viewer").or_default() += 1;
            if viewer_lacks {
                findings.check(reply.status == StatusCode::FORBIDDEN, || {
                    format!("{path} as a Viewer: {} {}", reply.status, reply.body)
                });
            } else {
                findings.check(!reply.status.is_server_error(), || {
                    format!("{path} as a Viewer: {} {}", reply.status, reply.body)
                });
            }
            let after_a = fingerprint.without_audit(&acme.tenant).await;
            findings.check(
                before_a == after_a || !viewer_lacks && reply.status.is_success(),
                || format!("{path} as a Viewer changed A's rows ({})", reply.status),
            );
        }

        // 4. A's admin from foreign origins (another site, `null`, the same host over another
        // scheme): refused before anything runs.
        for origin in ["http://evil.example", "null", "https://atrium.test"] {
            let before_a = fingerprint.without_audit(&acme.tenant).await;
            let reply = post(&app, path, Some(&alice), origin, with_a.clone()).await;
            *per_case.entry("foreign Origin").or_default() += 1;
            findings.check(
                reply.status == StatusCode::FORBIDDEN && reply.body.contains("cross_site_request"),
                || format!("{path} from {origin}: {} {}", reply.status, reply.body),
            );
            findings.check(fingerprint.without_audit(&acme.tenant).await == before_a, || {
                format!("{path} from {origin} changed A's rows")
            });
        }

        // Signing in or out (the public functions), "sign out everywhere" and "end the other
        // sessions" end the sessions the calls came with.
        alice = still_signed_in(&app, alice, "alice@acme.test").await;
        victor = still_signed_in(&app, victor, "victor@acme.test").await;
    }

    // REST routes: each with the ids it takes, aimed at B, with A's session or A's API key.
    let rest_query = |route: &str| -> Option<String> {
        Some(match route {
            "/api/v1/permissions/check" => format!("?user={}&permission=users:read", globex.victim),
            "/api/v1/audit/export" => format!("?format=json&tenant={}", globex.tenant),
            "/api/v1/analytics/export" => format!("?tenant_id={}&metric={}&format=json", globex.tenant, globex.metric),
            "/api/v1/metrics" => String::new(),
            "/api/v1/metrics/{metric}/panel" => "?range=1h".into(),
            "/api/v1/live/stats" | "/api/v1/system/jobs" => String::new(),
            // A tenant user's own workspace whatever `tenant` says.
            "/api/v1/exports/workspace" => format!("?tenant={}", globex.tenant),
            "/api/v1/exports/members/{user_id}" => String::new(),
            _ => return None,
        })
    };
    for (route, access) in REST_ROUTES {
        let query = rest_query(route).unwrap_or_else(|| panic!("the attack suite has no case for {route}"));
        let path = route
            .replace("{metric}", &globex.metric)
            .replace("{user_id}", &globex.victim)
            + &query;
        let before_b = fingerprint.all(&globex.tenant).await;
        let mut request = Request::get(&path).header(header::HOST, "atrium.test");
        request = match access {
            Access::ApiKey(_) => request.header(header::AUTHORIZATION, format!("Bearer {}", acme.key_token)),
            _ => request.header(header::COOKIE, &alice),
        };
        let mut reply = app.send(request.body(Body::empty()).unwrap()).await;
        if reply
            .headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|t| t == "application/zip")
        {
            // An archive is checked by what it holds, not by its deflated bytes.
            reply.body = unzipped(&app, &path, &alice).await;
        }
        *per_case.entry("REST as A aimed at B").or_default() += 1;
        findings.check(!reply.status.is_server_error(), || {
            format!("GET {path} as A: {} {}", reply.status, reply.body)
        });
        findings.check(mentions_other_tenant(&reply.body, &path, &globex).is_none(), || {
            format!("GET {path} as A answered with B's data: {}", reply.body)
        });
        findings.check(fingerprint.all(&globex.tenant).await == before_b, || {
            format!("GET {path} as A changed B's rows")
        });
        let reply = app.get(&path, None).await;
        *per_case.entry("REST signed out").or_default() += 1;
        findings.check(reply.status == StatusCode::UNAUTHORIZED, || {
            format!("GET {path} signed out: {} {}", reply.status, reply.body)
        });
    }

    let panics = PANICS.load(Ordering::SeqCst);
    println!(
        "attack suite: {} server functions, {} REST routes, {} calls ({per_case:?}), {} problem(s), {panics} panic(s)",
        collect.targets.len(),
        REST_ROUTES.len(),
        findings.calls,
        findings.problems.len()
    );
    assert!(
        findings.problems.is_empty() && panics == 0,
        "{} problem(s), {panics} panic(s):\n{}",
        findings.problems.len(),
        findings.problems.join("\n")
    );
}

/// The text of every file of the ZIP `path` answers `cookie` with, one after the other.
async fn unzipped(app: &TestApp, path: &str, cookie: &str) -> String {
    use http_body_util::BodyExt;
    use std::io::Read;
    use tower::ServiceExt;
    let request = Request::get(path)
        .header(header::HOST, "atrium.test")
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .expect("request");
    let response = app.router.clone().oneshot(request).await.expect("response");
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    let mut text = String::new();
    for i in 0..archive.len() {
        archive
            .by_index(i)
            .expect("entry")
            .read_to_string(&mut text)
            .expect("inflate");
    }
    text
}

/// Markup an attacker types into a text field. Rendered anywhere as markup, it would run.
const XSS: &str = "x\"'><img src=x onerror=xss(1)></title><script>xss(2)</script>";
/// What must never appear in a page: the payload's tags, unescaped.
const XSS_RAW: [&str; 2] = ["<img src=x onerror=xss(1)>", "<script>xss(2)</script>"];
/// What shows that the payload was stored and rendered as text.
const XSS_ESCAPED: &str = "&lt;img src=x onerror=xss(1)&gt;";

/// Every page route with its parameters filled from a tenant's entities.
fn page_paths(entities: &Entities) -> Vec<String> {
    // The list the router was built from: generating another here could park a resource of a page
    // another test renders at that moment (see `route_list`).
    let routes = atrium_server::routes::route_list();
    routes
        .iter()
        .map(|route| {
            let path = route.path().to_owned();
            let mut filled = path.clone();
            for (param, value) in [
                ("tenant_id", &entities.tenant),
                ("user_id", &entities.victim),
                ("set_id", &entities.set),
                ("rule_id", &entities.rule),
                ("alert_id", &entities.alert),
                // An invitation link naming nothing: its page says so.
                ("token", &format!("inv_{}", "A".repeat(43))),
            ] {
                filled = filled
                    .replace(&format!("{{{param}}}"), value)
                    .replace(&format!(":{param}"), value);
            }
            assert!(
                !filled.contains('{') && !filled.contains(':'),
                "the attack suite cannot fill the parameters of page {path}"
            );
            filled
        })
        .collect()
}

/// Every text argument of every server function gets markup, as A's Admin and as the Super
/// Admin; then every page, rendered on the server for both, must show it as text.
#[sqlx::test(migrations = "../migrations")]
async fn markup_typed_into_any_text_field_renders_as_text(_: PgPoolOptions, options: PgConnectOptions) {
    let Scene { app, alice, acme, .. } = scene(options).await;
    let mut alice = alice;
    let mut admin = app.sign_in("admin@atrium.test").await;
    let mut collect = Collect::default();
    visit_server_fns(&mut collect);
    let mut stored = 0;
    for (n, target) in collect.targets.iter().enumerate() {
        // A fresh email per function, so an update is not refused for reusing a created one's.
        let body = (target.encode)(&acme, XSS)
            .unwrap_or_else(|e| panic!("{e}"))
            .replace("probe%40attack.test", &format!("probe{n}%40attack.test"));
        for cookie in [&alice, &admin] {
            let reply = post(&app, target.path, Some(cookie), "http://atrium.test", body.clone()).await;
            assert!(
                !reply.status.is_server_error(),
                "{}: {} {}",
                target.path,
                reply.status,
                reply.body
            );
            stored += usize::from(reply.status.is_success());
        }
        alice = still_signed_in(&app, alice, "alice@acme.test").await;
        admin = still_signed_in(&app, admin, "admin@atrium.test").await;
    }
    let mut rendered = 0;
    let mut problems = Vec::new();
    for path in page_paths(&acme) {
        for (who, cookie) in [("Acme's Admin", &alice), ("the Super Admin", &admin)] {
            let reply = app.page(&path, Some(cookie)).await;
            if reply.status.is_server_error() {
                let excerpt: String = reply.body.chars().take(300).collect();
                problems.push(format!("{path} for {who}: {} {excerpt}", reply.status));
            }
            for raw in XSS_RAW {
                if reply.body.contains(raw) {
                    let at = reply.body.find(raw).unwrap_or(0);
                    let context = &reply.body[at.saturating_sub(80)..(at + raw.len() + 20).min(reply.body.len())];
                    problems.push(format!("{path} for {who} renders {raw:?} as markup: …{context}…"));
                }
            }
            rendered += usize::from(reply.body.contains(XSS_ESCAPED));
        }
    }
    println!("markup: {stored} calls stored it, {rendered} page renders showed it as text");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Not vacuous: the payload reached pages (user, tenant, set, rule, channel, key names …).
    assert!(rendered >= 10, "the payload showed on only {rendered} page render(s)");
}

/// The live socket carries the session cookie like any page; a page of another site (or of this
/// host over another scheme, or a sandboxed `null` one) must not open it.
#[sqlx::test(migrations = "../migrations")]
async fn the_live_socket_refuses_foreign_origins(_: PgPoolOptions, options: PgConnectOptions) {
    use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest};
    let app = common::spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await;
    let addr = app.serve().await;
    let attempt = |origin: String| {
        let alice = alice.clone();
        async move {
            let mut request = format!("ws://{addr}/ws").into_client_request().unwrap();
            request.headers_mut().insert("cookie", alice.parse().unwrap());
            request.headers_mut().insert("origin", origin.parse().unwrap());
            match tokio_tungstenite::connect_async(request).await {
                Ok(_) => None,
                Err(tungstenite::Error::Http(response)) => Some(response.status()),
                Err(other) => panic!("handshake failed: {other}"),
            }
        }
    };
    assert_eq!(
        attempt(format!("http://{addr}")).await,
        None,
        "this site's own page connects"
    );
    for origin in [
        "http://evil.example".to_owned(),
        "null".to_owned(),
        format!("https://{addr}"),
        format!("http://{addr}.evil.example"),
    ] {
        assert_eq!(
            attempt(origin.clone()).await,
            Some(StatusCode::FORBIDDEN),
            "a socket from {origin}"
        );
    }
}
