//! The command palette's search: tenants for platform administrators; members, metrics and open
//! alerts for a workspace's members, each kind only with its read permission, never another
//! workspace's, at most five of each.

use crate::common::{TestApp, spawn_app};
use atrium_app::palette::api::PaletteSearch;
use atrium_app::palette::types::{HITS_PER_KIND, Hit};
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

async fn search(app: &TestApp, cookie: &str, q: &str) -> Vec<Hit> {
    let reply = app.call(PaletteSearch::PATH, Some(cookie), &[("q", q)]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).expect("hits")
}

fn names(hits: &[Hit]) -> Vec<String> {
    hits.iter().map(|hit| hit.label().0.to_owned()).collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_palette_finds_what_the_person_may_open_and_nothing_of_other_workspaces(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let app = spawn_app(options).await;
    let owner = app.owner_pool().await;
    let acme = uuid::Uuid::parse_str(&app.tenant_id("acme").await.expect("acme")).expect("id");
    let globex = uuid::Uuid::parse_str(&app.tenant_id("globex").await.expect("globex")).expect("id");
    // Metrics in both workspaces, more than a kind's limit in Acme; a firing alert in Acme.
    for index in 0..8 {
        sqlx::query("INSERT INTO metrics (tenant_id, name) VALUES ($1, $2)")
            .bind(acme)
            .bind(format!("checkout.latency_{index}"))
            .execute(&owner)
            .await
            .expect("metric");
    }
    sqlx::query("INSERT INTO metrics (tenant_id, name) VALUES ($1, 'checkout.globex_only')")
        .bind(globex)
        .execute(&owner)
        .await
        .expect("metric");
    let rule: uuid::Uuid =
        sqlx::query_scalar("SELECT rule_id FROM alert_rules WHERE tenant_id = $1 ORDER BY name LIMIT 1")
            .bind(acme)
            .fetch_one(&owner)
            .await
            .expect("a default rule");
    let rule_name: String = sqlx::query_scalar("SELECT name FROM alert_rules WHERE rule_id = $1")
        .bind(rule)
        .fetch_one(&owner)
        .await
        .expect("rule name");
    sqlx::query(
        "INSERT INTO alerts (tenant_id, rule_id, fingerprint, state, severity, started_at, updated_at)
         VALUES ($1, $2, '', 'firing', 'high', now(), now())",
    )
    .bind(acme)
    .bind(rule)
    .execute(&owner)
    .await
    .expect("alert");

    let alice = app.sign_in("alice@acme.test").await;
    let hits = search(&app, &alice, "mark").await;
    assert_eq!(names(&hits), ["Mark Manager"]);
    assert!(matches!(&hits[0], Hit::User { email, .. } if email == "mark@acme.test"));
    let metrics = search(&app, &alice, "checkout").await;
    assert_eq!(
        metrics.len() as i64,
        HITS_PER_KIND,
        "at most five of a kind: {metrics:?}"
    );
    assert!(
        metrics
            .iter()
            .all(|hit| matches!(hit, Hit::Metric { name, .. } if name.starts_with("checkout.latency_")))
    );
    let word = rule_name.split_whitespace().next().expect("a word");
    let alerts = search(&app, &alice, word).await;
    assert!(
        alerts
            .iter()
            .any(|hit| matches!(hit, Hit::Alert { acknowledgeable: true, rule_name: name, .. } if *name == rule_name)),
        "{alerts:?}"
    );
    // Another workspace's people and metrics are not there; one character searches nothing.
    assert!(search(&app, &alice, "gina").await.is_empty());
    assert!(search(&app, &alice, "globex_only").await.is_empty());
    assert!(search(&app, &alice, "m").await.is_empty());

    // A viewer reads alerts but may not acknowledge them.
    let victor = app.sign_in("victor@acme.test").await;
    let alerts = search(&app, &victor, word).await;
    assert!(
        alerts.iter().all(|hit| !matches!(
            hit,
            Hit::Alert {
                acknowledgeable: true,
                ..
            }
        )),
        "{alerts:?}"
    );

    // Globex's administrator sees Globex only.
    let gina = app.sign_in("gina@globex.test").await;
    assert_eq!(names(&search(&app, &gina, "checkout").await), ["checkout.globex_only"]);
    assert!(search(&app, &gina, "alice").await.is_empty());
    assert!(search(&app, &gina, word).await.is_empty(), "Acme's alert");
    assert!(
        search(&app, &gina, "acme")
            .await
            .iter()
            .all(|hit| !matches!(hit, Hit::Tenant { .. }))
    );

    // The platform administrator finds tenants and every workspace's members, not the metrics
    // inside a workspace.
    let admin = app.sign_in("admin@atrium.test").await;
    let hits = search(&app, &admin, "acm").await;
    assert!(
        matches!(&hits[0], Hit::Tenant { slug, .. } if slug == "acme"),
        "{hits:?}"
    );
    assert!(
        hits[1..]
            .iter()
            .all(|hit| matches!(hit, Hit::User { email, .. } if email.contains("@acme.test"))),
        "{hits:?}"
    );
    let people = search(&app, &admin, "gina").await;
    assert!(
        matches!(&people[..], [Hit::User { name, email, .. }] if name == "Gina Admin" && email.contains("Globex")),
        "{people:?}"
    );
    assert!(search(&app, &admin, "checkout").await.is_empty());

    // Nobody signed in: refused.
    let anonymous = app.call(PaletteSearch::PATH, None, &[("q", "acme")]).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{}", anonymous.body);
}
