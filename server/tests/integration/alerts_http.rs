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
    atrium_app::analytics::commit::ingest(&app.db, tenant, Plan::Enterprise, batch, now)
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
    let alerts = page["alerts"]["items"].as_array().expect("alerts");
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
        page["alerts"]["items"]
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

/// A tenant with more channels than a chooser shows gets the first by name and searches the
/// rest; a rule may name any of its own channels, never another tenant's, and its editor shows
/// the channels it names however far down the list they are.
#[sqlx::test(migrations = "../migrations")]
async fn channel_choosers_search_beyond_the_first_channels(_: PgPoolOptions, options: PgConnectOptions) {
    use atrium_app::alerts::api::GetRuleForm;
    use atrium_app::notifications::api::{CreateChannel, ListChannels};
    let app = spawn_app(options).await;
    let tenant = acme(&app).await;
    push(&app, tenant, "checkout.errors", 1.0).await;
    let alice = app.sign_in("alice@acme.test").await;
    // A public address literal: saving a channel neither resolves nor sends anything, and no
    // rule here fires.
    let url = "https://1.1.1.1/hook";
    let mut ids = Vec::new();
    for n in 1..=25 {
        let name = format!("Pager {n:02}");
        let reply = app
            .call(
                CreateChannel::PATH,
                Some(&alice),
                &[("name", &name), ("kind", "webhook"), ("url", url)],
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        ids.push(reply.json()["channel"]["channel_id"].as_str().expect("id").to_owned());
    }
    let names = |reply: serde_json::Value| -> Vec<String> {
        reply
            .as_array()
            .expect("channels")
            .iter()
            .map(|c| c["name"].as_str().expect("name").to_owned())
            .collect()
    };
    let first = names(app.call(ListChannels::PATH, Some(&alice), &[]).await.json());
    assert_eq!(first.len(), 20, "{first:?}");
    assert!(
        first.windows(2).all(|w| w[0].to_lowercase() <= w[1].to_lowercase()),
        "{first:?}"
    );
    assert!(!first.contains(&"Pager 25".to_owned()));
    let found = names(
        app.call(ListChannels::PATH, Some(&alice), &[("q", "pager 2")])
            .await
            .json(),
    );
    assert_eq!(
        found,
        ["Pager 20", "Pager 21", "Pager 22", "Pager 23", "Pager 24", "Pager 25"]
    );
    // Wildcards are literal.
    let none = names(app.call(ListChannels::PATH, Some(&alice), &[("q", "%")]).await.json());
    assert!(none.is_empty(), "{none:?}");

    let blank = app.call(GetRuleForm::PATH, Some(&alice), &[]).await.json();
    assert_eq!(blank["channels"].as_array().map(Vec::len), Some(20), "{blank}");
    assert_eq!(blank["more_channels"], true);

    // Another tenant's channel is refused next to the field; the 25th of Acme's is accepted.
    let gina = app.sign_in("gina@globex.test").await;
    let reply = app
        .call(
            CreateChannel::PATH,
            Some(&gina),
            &[("name", "globex hook"), ("kind", "webhook"), ("url", url)],
        )
        .await;
    let foreign = reply.json()["channel"]["channel_id"].as_str().expect("id").to_owned();
    let mut form = rule_form("far channel", "checkout.errors", "10");
    form.push(("channels[0]", &foreign));
    let refused = app.call(SaveRule::PATH, Some(&alice), &form).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    let AppError::Validation(fields) = refused.error() else {
        panic!("not a validation error: {}", refused.body)
    };
    assert!(fields.get("channels").is_some(), "{}", refused.body);
    let mut form = rule_form("far channel", "checkout.errors", "10");
    form.push(("channels[0]", &ids[24]));
    form.push(("step1_after", "10m"));
    form.push(("step1_channels[0]", &ids[23]));
    let saved = app.call(SaveRule::PATH, Some(&alice), &form).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let rule_id = saved.json()["Saved"].as_str().expect("rule id").to_owned();
    let editor = app
        .call(GetRuleForm::PATH, Some(&alice), &[("rule_id", &rule_id)])
        .await
        .json();
    let offered: Vec<&str> = editor["channels"]
        .as_array()
        .expect("channels")
        .iter()
        .map(|c| c["channel_id"].as_str().expect("id"))
        .collect();
    assert_eq!(offered.len(), 22, "the first 20 and the two the rule names: {editor}");
    assert!(offered.contains(&ids[24].as_str()) && offered.contains(&ids[23].as_str()));
}
