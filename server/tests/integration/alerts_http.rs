//! The alerting server functions over HTTP on the seeded demo: rule forms refuse bad input with
//! a message per field (and a metric the tenant does not have), saving and acting on alerts is
//! audited, viewers cannot acknowledge, and another tenant's user cannot touch Acme's alert.

use crate::common;

use atrium_app::alerts::api::{AcknowledgeAlert, GetAlertsPage, ResolveAlert, SaveRule};
use atrium_app::alerts::evaluate::evaluate_tenant;
use atrium_app::analytics::ingest::{BodyFormat, IngestLimits, parse_batch};
use atrium_app::error::AppError;
use atrium_app::ids::TenantId;
use atrium_app::tenants::types::Plan;
use axum::http::StatusCode;
use common::{TestApp, spawn_app};
use leptos::server_fn::ServerFn;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

async fn acme(app: &TestApp) -> TenantId {
    app.tenant_id("acme").await.expect("acme").parse().expect("uuid")
}

async fn push(app: &TestApp, tenant: TenantId, metric: &str, value: f64) {
    let now = chrono::Utc::now();
    let body = format!(r#"[{{"metric":"{metric}","value":{value}}}]"#);
    let batch = parse_batch(body.as_bytes(), BodyFormat::Json, &IngestLimits::default(), now).expect("parses");
    atrium_app::analytics::service::ingest(&app.db, tenant, Plan::Enterprise, batch, now)
        .await
        .expect("ingests");
}

fn rule_form<'a>(name: &'a str, metric: &'a str, threshold: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("intent", "save"),
        ("name", name),
        ("metric", metric),
        ("aggregation", "max"),
        ("comparison", "gt"),
        ("threshold", threshold),
        ("window", "5m"),
        ("pending", "0s"),
        ("severity", "critical"),
        ("cooldown", "0s"),
        ("no_data", "ok"),
        ("enabled", "on"),
    ]
}

#[sqlx::test(migrations = "../migrations")]
async fn rule_forms_refuse_bad_fields_and_unknown_metrics(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await;
    let form: Vec<(&str, &str)> = rule_form("", "no.such.metric", "lots")
        .into_iter()
        .map(|(k, v)| if k == "window" { (k, "5 parsecs") } else { (k, v) })
        .collect();
    let reply = app.call(SaveRule::PATH, Some(&alice), &form).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    let AppError::Validation(fields) = reply.error() else {
        panic!("not a validation error: {}", reply.body)
    };
    assert_eq!(fields.get("name"), Some("Give the rule a name of 1 to 120 characters."));
    assert_eq!(
        fields.get("metric"),
        Some("This workspace has no metric “no.such.metric”.")
    );
    assert_eq!(fields.get("threshold"), Some("Enter a number."));
    assert_eq!(fields.get("window"), Some("Use a window between 1m and 1d."));
    assert!(!app.audit_actions().await.contains(&"alert_rule.create".to_owned()));
}

#[sqlx::test(migrations = "../migrations")]
async fn acknowledging_and_resolving_are_audited_and_guarded(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let tenant = acme(&app).await;
    push(&app, tenant, "checkout.errors", 50.0).await;
    let alice = app.sign_in("alice@acme.test").await;
    let saved = app
        .call(
            SaveRule::PATH,
            Some(&alice),
            &rule_form("Checkout errors", "checkout.errors", "10"),
        )
        .await;
    assert!(
        saved.status.is_success() || saved.status.is_redirection(),
        "{} {}",
        saved.status,
        saved.body
    );
    let taken = app
        .call(
            SaveRule::PATH,
            Some(&alice),
            &rule_form("Checkout errors", "checkout.errors", "10"),
        )
        .await;
    assert_eq!(
        taken.error(),
        AppError::field("name", "Another rule already has this name.")
    );
    evaluate_tenant(&app.db, tenant, chrono::Utc::now())
        .await
        .expect("evaluates");
    let page = app
        .call(GetAlertsPage::PATH, Some(&alice), &[("tab", "firing")])
        .await
        .json();
    let alerts = page["alerts"].as_array().expect("alerts");
    let mine: Vec<_> = alerts.iter().filter(|a| a["rule_name"] == "Checkout errors").collect();
    assert_eq!(mine.len(), 1, "{page}");
    assert_eq!(mine[0]["severity"], "critical");
    let alert_id = mine[0]["alert_id"].as_str().expect("id").to_owned();

    let victor = app.sign_in("victor@acme.test").await;
    let refused = app
        .call(AcknowledgeAlert::PATH, Some(&victor), &[("alert_id", &alert_id)])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "viewers only read");
    let gina = app.sign_in("gina@globex.test").await;
    let foreign = app
        .call(AcknowledgeAlert::PATH, Some(&gina), &[("alert_id", &alert_id)])
        .await;
    assert_eq!(
        foreign.error(),
        AppError::NotFound,
        "another tenant's alert does not exist for Globex"
    );

    let acked = app
        .call(
            AcknowledgeAlert::PATH,
            Some(&alice),
            &[("alert_id", &alert_id), ("comment", "on it")],
        )
        .await;
    assert_eq!(acked.status, StatusCode::OK, "{}", acked.body);
    let again = app
        .call(AcknowledgeAlert::PATH, Some(&alice), &[("alert_id", &alert_id)])
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "already acknowledged");
    let page = app
        .call(GetAlertsPage::PATH, Some(&alice), &[("tab", "acknowledged")])
        .await
        .json();
    assert!(
        page["alerts"]
            .as_array()
            .expect("alerts")
            .iter()
            .any(|a| a["alert_id"] == alert_id.as_str())
    );
    let resolved = app
        .call(
            ResolveAlert::PATH,
            Some(&alice),
            &[("alert_id", &alert_id), ("comment", "fixed")],
        )
        .await;
    assert_eq!(resolved.status, StatusCode::OK, "{}", resolved.body);
    let actions = app.audit_actions().await;
    for action in ["alert_rule.create", "alert.acknowledge", "alert.resolve"] {
        assert!(actions.contains(&action.to_owned()), "{action} in {actions:?}");
    }
}
