//! Alerting on a real PostgreSQL as the app role, with a controllable clock: the evaluator is
//! called with chosen times over points ingested at chosen times, so pending periods, cooldown,
//! grouping, silences and escalation are checked without sleeping.

use atrium_app::alerts::db as alerts_db;
use atrium_app::alerts::evaluate::{backtest, evaluate_tenant};
use atrium_app::alerts::types::{
    Aggregation, AlertState, AlertSummary, AlertTab, Comparison, EscalationStep, MatchOp, Matcher, NoDataPolicy,
    RuleSpec, Severity,
};
use atrium_app::analytics::ingest::{BodyFormat, IngestLimits, parse_batch};
use atrium_app::db::{Db, PlatformGuard, PlatformTx, TenantTx};
use atrium_app::ids::{AlertRuleId, ChannelId, TenantId};
use atrium_app::labels::LabelKey;
use atrium_app::tenants::types::Plan;
use chrono::{DateTime, Duration, DurationRound, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::collections::BTreeMap;

async fn connect(options: PgConnectOptions) -> Db {
    Db::connect(options, 4).await.expect("connect")
}

async fn tenant(db: &Db, slug: &str) -> TenantId {
    let mut tx = PlatformTx::begin(db, PlatformGuard::for_system_task())
        .await
        .expect("platform tx");
    // Professional: its plan includes escalation and anomaly rules.
    let id: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO tenants (name, slug, plan) VALUES ($1, $1, 'professional') RETURNING tenant_id",
    )
    .bind(slug)
    .fetch_one(&mut *tx)
    .await
    .expect("insert tenant");
    tx.commit().await.expect("commit");
    TenantId(id)
}

/// Moves a tenant to another plan, or switches one of its features, as the platform does.
async fn platform_exec(db: &Db, sql: &str, tenant: TenantId) {
    let mut tx = PlatformTx::begin(db, PlatformGuard::for_system_task())
        .await
        .expect("platform tx");
    sqlx::query(sql).bind(tenant.0).execute(&mut *tx).await.expect(sql);
    tx.commit().await.expect("commit");
}

/// A webhook channel (its target is never called here: these tests look at the outbox).
async fn channel(db: &Db, tenant: TenantId, name: &str) -> ChannelId {
    channel_in(db, tenant, name, "en").await
}

/// A webhook channel whose messages are written in `language`.
async fn channel_in(db: &Db, tenant: TenantId, name: &str, language: &str) -> ChannelId {
    let mut tx = TenantTx::begin(db, tenant).await.expect("tenant tx");
    let id: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO channels (tenant_id, name, kind, config, language) VALUES ($1, $2, 'webhook', '{\"url\":\"http://127.0.0.1:9/hook\"}', $3) RETURNING channel_id",
    )
    .bind(tenant.0)
    .bind(name)
    .bind(language)
    .fetch_one(&mut *tx)
    .await
    .expect("insert channel");
    tx.commit().await.expect("commit");
    ChannelId(id)
}

/// Deliveries waiting in the outbox for `channel`, as (event type, number of alerts it covers).
async fn outbox(db: &Db, tenant: TenantId, channel: ChannelId) -> Vec<(String, usize)> {
    let mut tx = TenantTx::begin(db, tenant).await.expect("tenant tx");
    let rows: Vec<(String, Vec<uuid::Uuid>)> = sqlx::query_as(
        "SELECT event_type, source_ids FROM deliveries WHERE channel_id = $1 ORDER BY created_at, delivery_id",
    )
    .bind(channel.0)
    .fetch_all(&mut *tx)
    .await
    .expect("deliveries");
    tx.commit().await.expect("commit");
    rows.into_iter()
        .map(|(event, sources)| (event, sources.len()))
        .collect()
}

/// The start of the minute two hours ago: every test's time zero.
fn t0() -> DateTime<Utc> {
    (Utc::now() - Duration::hours(2))
        .duration_trunc(Duration::minutes(1))
        .expect("truncates")
}

/// Sends `value` for `metric` with `labels` at each minute offset from `t0` (30 s in).
async fn push(db: &Db, tenant: TenantId, metric: &str, labels: &str, minutes: std::ops::Range<i64>, value: f64) {
    let base = t0();
    let points: Vec<String> = minutes
        .map(|m| {
            let ts = (base + Duration::minutes(m) + Duration::seconds(30)).to_rfc3339();
            format!(r#"{{"metric":"{metric}","value":{value},"ts":"{ts}","labels":{{{labels}}}}}"#)
        })
        .collect();
    let body = format!("[{}]", points.join(","));
    let now = Utc::now();
    let batch = parse_batch(body.as_bytes(), BodyFormat::Json, &IngestLimits::default(), now).expect("parses");
    assert!(batch.rejected.is_empty(), "{:?}", batch.rejected);
    atrium_app::analytics::commit::ingest(db, tenant, Plan::Enterprise, batch, now)
        .await
        .expect("ingests");
}

fn rule(metric: &str) -> RuleSpec {
    RuleSpec {
        name: format!("{metric} too high"),
        description: String::new(),
        metric: metric.to_owned(),
        series_filter: BTreeMap::new(),
        per_series: false,
        aggregation: Aggregation::Max,
        comparison: Comparison::Gt,
        threshold: Some(100.0),
        window_s: 120,
        pending_s: 0,
        severity: Severity::High,
        labels: BTreeMap::new(),
        group_by: Vec::new(),
        channel_ids: Vec::new(),
        cooldown_s: 0,
        no_data: NoDataPolicy::Ok,
        escalation: Vec::new(),
        enabled: true,
    }
}

async fn save(db: &Db, tenant: TenantId, spec: &RuleSpec) -> AlertRuleId {
    let mut tx = TenantTx::begin(db, tenant).await.expect("tenant tx");
    let id = alerts_db::insert_rule(&mut tx, spec, Utc::now())
        .await
        .expect("insert rule");
    tx.commit().await.expect("commit");
    id
}

/// Evaluates the tenant at `t0 + minutes` (and 10 s, so the minute's bucket has begun).
async fn at(db: &Db, tenant: TenantId, minutes: i64) {
    let when = t0() + Duration::minutes(minutes) + Duration::seconds(40);
    let report = evaluate_tenant(db, tenant, when).await.expect("evaluates");
    assert_eq!(report.failures, 0, "{report:?}");
}

/// Every alert the transaction's tenant sees, across the list's tabs (the tests hold fewer than
/// a page of each).
async fn every_alert(tx: &mut TenantTx) -> Vec<AlertSummary> {
    let mut all = Vec::new();
    for tab in AlertTab::ALL {
        let page = alerts_db::select_alerts(tx, tab, [None, None], 1)
            .await
            .expect("alerts");
        assert!(page.next.is_none(), "one page holds the test's alerts");
        all.extend(page.items);
    }
    all
}

/// The rule's alerts, oldest first, as (state, number of history lines).
async fn alerts_of(db: &Db, tenant: TenantId, rule: AlertRuleId) -> Vec<(AlertState, Vec<String>)> {
    let mut tx = TenantTx::begin(db, tenant).await.expect("tenant tx");
    let all = every_alert(&mut tx).await;
    let mut out = Vec::new();
    let mut mine: Vec<_> = all.into_iter().filter(|a| a.rule_id == rule).collect();
    mine.sort_by_key(|a| a.started_at);
    for alert in mine {
        let history = alerts_db::select_events(&mut tx, alert.alert_id)
            .await
            .expect("history");
        let lines = history
            .iter()
            .map(|e| match (e.from_state, e.to_state) {
                (from, Some(to)) => format!("{}>{}", from.map_or("none", AlertState::as_str), to.as_str()),
                _ => e.kind.as_str().to_owned(),
            })
            .collect();
        out.push((alert.state, lines));
    }
    tx.commit().await.expect("commit");
    out
}

#[sqlx::test(migrations = "../migrations")]
async fn pending_period_then_firing_then_auto_resolve_with_history_and_notifications(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let db = connect(options).await;
    let acme = tenant(&db, "acme").await;
    let hook = channel(&db, acme, "ops").await;
    // Low until minute 10, high from 10 to 20, low again after.
    push(&db, acme, "api.latency", "", 0..10, 50.0).await;
    push(&db, acme, "api.latency", "", 10..20, 500.0).await;
    push(&db, acme, "api.latency", "", 20..40, 50.0).await;
    let mut spec = rule("api.latency");
    spec.pending_s = 300;
    spec.channel_ids = vec![hook];
    let id = save(&db, acme, &spec).await;

    at(&db, acme, 5).await;
    assert!(alerts_of(&db, acme, id).await.is_empty(), "no breach, no alert");
    at(&db, acme, 10).await;
    assert_eq!(alerts_of(&db, acme, id).await[0].0, AlertState::Pending);
    at(&db, acme, 14).await;
    assert_eq!(
        alerts_of(&db, acme, id).await[0].0,
        AlertState::Pending,
        "4 minutes < the 5 minute pending period"
    );
    assert!(
        outbox(&db, acme, hook).await.is_empty(),
        "pending alerts are not announced"
    );
    at(&db, acme, 15).await;
    assert_eq!(alerts_of(&db, acme, id).await[0].0, AlertState::Firing);
    at(&db, acme, 18).await;
    at(&db, acme, 23).await;
    let alerts = alerts_of(&db, acme, id).await;
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].0, AlertState::Resolved);
    assert_eq!(
        alerts[0].1,
        [
            "none>pending",
            "pending>firing",
            "notified",
            "firing>resolved",
            "notified"
        ]
    );
    assert_eq!(
        outbox(&db, acme, hook).await,
        [("alert.firing".to_owned(), 1), ("alert.resolved".to_owned(), 1)]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_pending_alert_that_clears_is_never_announced(_: PgPoolOptions, options: PgConnectOptions) {
    let db = connect(options).await;
    let acme = tenant(&db, "acme").await;
    let hook = channel(&db, acme, "ops").await;
    push(&db, acme, "queue.depth", "", 0..3, 500.0).await;
    push(&db, acme, "queue.depth", "", 3..10, 5.0).await;
    let mut spec = rule("queue.depth");
    spec.pending_s = 600;
    spec.channel_ids = vec![hook];
    let id = save(&db, acme, &spec).await;
    at(&db, acme, 1).await;
    at(&db, acme, 6).await;
    let alerts = alerts_of(&db, acme, id).await;
    assert_eq!(alerts[0].0, AlertState::Resolved);
    assert_eq!(alerts[0].1, ["none>pending", "pending>resolved"]);
    assert!(outbox(&db, acme, hook).await.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn cooldown_holds_back_a_quick_refiring(_: PgPoolOptions, options: PgConnectOptions) {
    let db = connect(options).await;
    let acme = tenant(&db, "acme").await;
    let hook = channel(&db, acme, "ops").await;
    push(&db, acme, "cpu", "", 0..3, 500.0).await;
    push(&db, acme, "cpu", "", 3..6, 5.0).await;
    push(&db, acme, "cpu", "", 6..9, 500.0).await;
    push(&db, acme, "cpu", "", 9..12, 5.0).await;
    push(&db, acme, "cpu", "", 70..73, 500.0).await;
    let mut spec = rule("cpu");
    spec.window_s = 60;
    spec.cooldown_s = 3600;
    spec.channel_ids = vec![hook];
    let id = save(&db, acme, &spec).await;
    for minute in [1, 5, 7, 11, 71] {
        at(&db, acme, minute).await;
    }
    let alerts = alerts_of(&db, acme, id).await;
    let states: Vec<AlertState> = alerts.iter().map(|a| a.0).collect();
    assert_eq!(states, [AlertState::Resolved, AlertState::Resolved, AlertState::Firing]);
    assert_eq!(
        alerts[1].1,
        ["none>firing", "suppressed", "firing>resolved"],
        "an alert nobody was told about ends quietly too"
    );
    assert_eq!(
        alerts[2].1,
        ["none>firing", "notified"],
        "after the cooldown it notifies again"
    );
    let events: Vec<String> = outbox(&db, acme, hook).await.into_iter().map(|(e, _)| e).collect();
    assert_eq!(
        events,
        ["alert.firing", "alert.resolved", "alert.firing"],
        "the second firing fell in the cooldown"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn per_series_alerts_group_by_labels_into_one_notification_each(_: PgPoolOptions, options: PgConnectOptions) {
    let db = connect(options).await;
    let acme = tenant(&db, "acme").await;
    let by_region = channel(&db, acme, "by-region").await;
    let together = channel(&db, acme, "together").await;
    for (host, region) in [("a", "eu"), ("b", "eu"), ("c", "us")] {
        let labels = format!(r#""host":"{host}","region":"{region}""#);
        push(&db, acme, "disk.used", &labels, 0..5, 95.0).await;
    }
    push(&db, acme, "disk.used", r#""host":"d","region":"us""#, 0..5, 10.0).await;
    let mut grouped = rule("disk.used");
    grouped.name = "disk by region".into();
    grouped.per_series = true;
    grouped.threshold = Some(90.0);
    grouped.group_by = vec!["region".into()];
    grouped.channel_ids = vec![by_region];
    let grouped_id = save(&db, acme, &grouped).await;
    let mut whole = grouped.clone();
    whole.name = "disk all at once".into();
    whole.group_by = Vec::new();
    whole.channel_ids = vec![together];
    save(&db, acme, &whole).await;
    at(&db, acme, 3).await;
    let alerts = alerts_of(&db, acme, grouped_id).await;
    assert_eq!(alerts.len(), 3, "one alert per breaching series (d is fine)");
    assert!(alerts.iter().all(|a| a.0 == AlertState::Firing));
    let mut per_region = outbox(&db, acme, by_region).await;
    per_region.sort();
    assert_eq!(
        per_region,
        [("alert.firing".to_owned(), 1), ("alert.firing".to_owned(), 2)],
        "eu's two hosts share one message, us has its own"
    );
    assert_eq!(outbox(&db, acme, together).await, [("alert.firing".to_owned(), 3)]);
}

#[sqlx::test(migrations = "../migrations")]
async fn silences_mute_notifications_by_label_matcher_and_by_rule(_: PgPoolOptions, options: PgConnectOptions) {
    let db = connect(options).await;
    let acme = tenant(&db, "acme").await;
    let hook = channel(&db, acme, "ops").await;
    push(&db, acme, "errors", "", 0..5, 500.0).await;
    let mut prod = rule("errors");
    prod.name = "prod errors".into();
    prod.labels = BTreeMap::from([("env".to_owned(), "prod".to_owned())]);
    prod.channel_ids = vec![hook];
    let prod_id = save(&db, acme, &prod).await;
    let mut staging = prod.clone();
    staging.name = "staging errors".into();
    staging.labels = BTreeMap::from([("env".to_owned(), "staging".to_owned())]);
    let staging_id = save(&db, acme, &staging).await;
    let start = t0();
    let mut tx = TenantTx::begin(&db, acme).await.expect("tenant tx");
    alerts_db::insert_silence(
        &mut tx,
        &alerts_db::NewSilence {
            rule_id: None,
            matchers: &[Matcher {
                label: LabelKey::parse("env").expect("valid key"),
                op: MatchOp::Eq,
                value: "prod".into(),
            }],
            starts_at: start,
            ends_at: start + Duration::hours(1),
            comment: "planned maintenance",
            created_by: None,
            created_by_name: "Ada",
        },
    )
    .await
    .expect("silence");
    tx.commit().await.expect("commit");
    at(&db, acme, 2).await;
    let muted = alerts_of(&db, acme, prod_id).await;
    assert_eq!(muted[0].0, AlertState::Firing, "a silence mutes, it does not hide");
    assert_eq!(muted[0].1, ["none>firing", "suppressed"]);
    assert_eq!(alerts_of(&db, acme, staging_id).await[0].1, ["none>firing", "notified"]);
    assert_eq!(outbox(&db, acme, hook).await.len(), 1, "only staging was announced");
}

#[sqlx::test(migrations = "../migrations")]
async fn escalation_steps_follow_the_clock_and_acknowledging_stops_them(_: PgPoolOptions, options: PgConnectOptions) {
    let db = connect(options).await;
    let acme = tenant(&db, "acme").await;
    let first = channel(&db, acme, "first").await;
    let lead = channel(&db, acme, "team-lead").await;
    let pager = channel(&db, acme, "pager").await;
    push(&db, acme, "payments.failed", "", 0..60, 500.0).await;
    push(&db, acme, "orders.failed", "", 0..60, 500.0).await;
    let steps = vec![
        EscalationStep {
            after_s: 600,
            channel_ids: vec![lead],
        },
        EscalationStep {
            after_s: 1800,
            channel_ids: vec![pager],
        },
    ];
    let mut acked = rule("payments.failed");
    acked.channel_ids = vec![first];
    acked.escalation = steps.clone();
    let acked_id = save(&db, acme, &acked).await;
    let mut ignored = rule("orders.failed");
    ignored.channel_ids = vec![first];
    ignored.escalation = steps;
    let ignored_id = save(&db, acme, &ignored).await;

    at(&db, acme, 1).await;
    at(&db, acme, 10).await;
    assert!(outbox(&db, acme, lead).await.is_empty(), "9 minutes: not yet");
    at(&db, acme, 11).await;
    assert_eq!(
        outbox(&db, acme, lead).await.len(),
        2,
        "10 minutes: step 1 for both alerts"
    );
    // Someone acknowledges the payments alert (what `acknowledge_alert` does to the row).
    let mut tx = TenantTx::begin(&db, acme).await.expect("tenant tx");
    let open = alerts_db::select_open_alerts(&mut tx, acked_id).await.expect("open");
    alerts_db::update_alert_state(
        &mut tx,
        open[0].alert_id,
        AlertState::Acknowledged,
        None,
        &atrium_app::i18n::Said::Text("on it".to_owned()),
        t0() + Duration::minutes(12),
    )
    .await
    .expect("acknowledge");
    tx.commit().await.expect("commit");
    at(&db, acme, 31).await;
    let pages = outbox(&db, acme, pager).await;
    assert_eq!(
        pages,
        [("alert.escalated".to_owned(), 1)],
        "only the unacknowledged alert reached step 2"
    );
    assert_eq!(
        alerts_of(&db, acme, acked_id).await[0].1,
        ["none>firing", "notified", "escalated"]
    );
    assert_eq!(
        alerts_of(&db, acme, ignored_id).await[0].1,
        ["none>firing", "notified", "escalated", "escalated"]
    );
    at(&db, acme, 45).await;
    assert_eq!(outbox(&db, acme, pager).await.len(), 1, "each step is taken once");
}

#[sqlx::test(migrations = "../migrations")]
async fn escalation_waits_while_the_plan_leaves_it_out(_: PgPoolOptions, options: PgConnectOptions) {
    let db = connect(options).await;
    let acme = tenant(&db, "acme").await;
    let first = channel(&db, acme, "first").await;
    let lead = channel(&db, acme, "team-lead").await;
    push(&db, acme, "payments.failed", "", 0..60, 500.0).await;
    let mut failing = rule("payments.failed");
    failing.channel_ids = vec![first];
    failing.escalation = vec![EscalationStep {
        after_s: 600,
        channel_ids: vec![lead],
    }];
    save(&db, acme, &failing).await;
    // Downgraded to Free after the rule was saved: the alert fires, the step is not taken.
    platform_exec(&db, "UPDATE tenants SET plan = 'free' WHERE tenant_id = $1", acme).await;
    at(&db, acme, 1).await;
    at(&db, acme, 11).await;
    assert_eq!(
        outbox(&db, acme, first).await.len(),
        1,
        "the rule itself still notifies"
    );
    assert!(outbox(&db, acme, lead).await.is_empty(), "no escalation on Free");
    // Switched on for this tenant alone, the next pass takes it.
    platform_exec(
        &db,
        "INSERT INTO tenant_feature_overrides (tenant_id, feature, enabled) VALUES ($1, 'escalation', true)",
        acme,
    )
    .await;
    at(&db, acme, 12).await;
    assert_eq!(
        outbox(&db, acme, lead).await.len(),
        1,
        "escalation once the feature is on"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn no_data_follows_the_rule_policy(_: PgPoolOptions, options: PgConnectOptions) {
    let db = connect(options).await;
    let acme = tenant(&db, "acme").await;
    push(&db, acme, "heartbeat", "", 0..3, 1.0).await;
    let mut strict = rule("heartbeat");
    strict.name = "heartbeat missing".into();
    strict.no_data = NoDataPolicy::NoData;
    let strict_id = save(&db, acme, &strict).await;
    let mut relaxed = rule("heartbeat");
    relaxed.name = "heartbeat relaxed".into();
    let relaxed_id = save(&db, acme, &relaxed).await;
    let mut missing = rule("never.sent");
    missing.no_data = NoDataPolicy::Alerting;
    let missing_id = save(&db, acme, &missing).await;
    at(&db, acme, 2).await;
    assert!(alerts_of(&db, acme, strict_id).await.is_empty());
    at(&db, acme, 10).await;
    assert_eq!(alerts_of(&db, acme, strict_id).await[0].0, AlertState::NoData);
    assert!(
        alerts_of(&db, acme, relaxed_id).await.is_empty(),
        "no data counts as all clear"
    );
    assert_eq!(
        alerts_of(&db, acme, missing_id).await[0].0,
        AlertState::Firing,
        "no data counts as firing"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn new_tenants_get_default_rules_and_backtests_count_firings(_: PgPoolOptions, options: PgConnectOptions) {
    let db = connect(options).await;
    let acme = tenant(&db, "acme").await;
    let mut tx = TenantTx::begin(&db, acme).await.expect("tenant tx");
    let names: Vec<String> = alerts_db::select_rules(&mut tx, false)
        .await
        .expect("rules")
        .into_iter()
        .map(|r| r.spec.name)
        .collect();
    tx.commit().await.expect("commit");
    assert_eq!(names, ["High error rate", "Slow responses (p95)"]);
    // Three separate spikes: the rule would have fired three times.
    for start in [10, 40, 80] {
        push(&db, acme, "spiky", "", start..start + 3, 500.0).await;
        push(&db, acme, "spiky", "", start + 3..start + 30, 1.0).await;
    }
    let mut spec = rule("spiky");
    spec.window_s = 60;
    let mut tx = TenantTx::begin(&db, acme).await.expect("tenant tx");
    let result = backtest(&mut tx, &spec, Duration::hours(24), Utc::now())
        .await
        .expect("backtest");
    tx.commit().await.expect("commit");
    assert_eq!(result.firings.len(), 3, "{result:?}");
    assert_eq!(result.peak, Some(500.0));
}

#[sqlx::test(migrations = "../migrations")]
async fn another_tenant_can_neither_see_nor_change_rules_alerts_or_silences(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let db = connect(options).await;
    let acme = tenant(&db, "acme").await;
    let globex = tenant(&db, "globex").await;
    push(&db, acme, "secret.metric", "", 0..5, 500.0).await;
    let id = save(&db, acme, &rule("secret.metric")).await;
    at(&db, acme, 2).await;
    let mut tx = TenantTx::begin(&db, globex).await.expect("tenant tx");
    assert!(alerts_db::select_rule(&mut tx, id).await.expect("select").is_none());
    let spec = rule("secret.metric");
    assert!(
        !alerts_db::update_rule(&mut tx, id, &spec, Utc::now())
            .await
            .expect("update"),
        "no row to change"
    );
    assert!(!alerts_db::delete_rule(&mut tx, id).await.expect("delete"));
    assert!(every_alert(&mut tx).await.is_empty());
    assert!(
        alerts_db::select_open_alerts(&mut tx, id)
            .await
            .expect("open")
            .is_empty()
    );
    // Writing a row for Acme from Globex's scope is refused by the policy.
    let forged = sqlx::query("INSERT INTO silences (tenant_id, rule_id, starts_at, ends_at, comment, created_by_name) VALUES ($1, $2, now(), now() + interval '1 hour', 'x', 'x')")
        .bind(acme.0)
        .bind(id.0)
        .execute(&mut *tx)
        .await;
    assert!(forged.is_err(), "RLS refuses another tenant's rows");
    drop(tx);
    let mut tx = TenantTx::begin(&db, acme).await.expect("tenant tx");
    assert_eq!(every_alert(&mut tx).await.len(), 1);
    tx.commit().await.expect("commit");
}

#[sqlx::test(migrations = "../migrations")]
async fn each_channel_hears_in_its_language_and_reasons_are_worded_per_reader(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    use atrium_app::i18n::Said;
    use atrium_app::preferences::Language;
    let db = connect(options).await;
    let acme = tenant(&db, "acme").await;
    let english = channel(&db, acme, "ops").await;
    let arabic = channel_in(&db, acme, "ops-ar", "ar").await;
    push(&db, acme, "api.latency", "", 0..20, 500.0).await;
    let mut spec = rule("api.latency");
    spec.pending_s = 60;
    spec.channel_ids = vec![english, arabic];
    save(&db, acme, &spec).await;
    at(&db, acme, 5).await;
    at(&db, acme, 6).await;

    // One delivery per channel, each written in its channel's language.
    let mut tx = TenantTx::begin(&db, acme).await.expect("tenant tx");
    let sent: Vec<(uuid::Uuid, serde_json::Value)> =
        sqlx::query_as("SELECT channel_id, notification FROM deliveries ORDER BY created_at, delivery_id")
            .fetch_all(&mut *tx)
            .await
            .expect("deliveries");
    let of = |channel: ChannelId| {
        sent.iter()
            .find(|(id, _)| *id == channel.0)
            .map(|(_, body)| body.clone())
            .expect("a delivery for the channel")
    };
    let (en, ar) = (of(english), of(arabic));
    assert_eq!(sent.len(), 2);
    assert_eq!(en["language"], "en");
    assert_eq!(en["title"], "[FIRING] api.latency too high");
    assert!(
        en["body"]
            .as_str()
            .expect("body")
            .contains("max of api.latency = 500 > 100 over 2m, held for 1m"),
        "{en}"
    );
    assert_eq!(ar["language"], "ar");
    assert_eq!(ar["title"], "[مُطلَق] api.latency too high");
    let body = ar["body"].as_str().expect("body");
    assert!(
        body.contains("max لـ api.latency = ٥٠٠ > ١٠٠ خلال ٢ د، مستمر منذ ١ د"),
        "{body}"
    );
    assert!(body.contains("(الخطورة: عالية)"), "{body}");
    // What programs read stays English in both.
    assert_eq!(ar["data"]["rule"]["condition"], "max of api.latency > 100 over 2m");

    // The stored reason is a message: English in its text column, Arabic for an Arabic reader.
    let alert = every_alert(&mut tx).await.pop().expect("the alert");
    let english_text: String = sqlx::query_scalar("SELECT reason FROM alerts WHERE alert_id = $1")
        .bind(alert.alert_id.0)
        .fetch_one(&mut *tx)
        .await
        .expect("reason");
    assert!(matches!(alert.reason, Said::Message(_)), "{:?}", alert.reason);
    assert_eq!(alert.reason.render_in(Language::En), english_text);
    assert_eq!(english_text, "max of api.latency = 500 > 100 over 2m, held for 1m");
    assert_eq!(
        alert.reason.render_in(Language::Ar),
        "max لـ api.latency = ٥٠٠ > ١٠٠ خلال ٢ د، مستمر منذ ١ د"
    );
    let history = alerts_db::select_events(&mut tx, alert.alert_id)
        .await
        .expect("history");
    let notified = history.last().expect("a notified line");
    assert_eq!(
        notified.reason.render_in(Language::En),
        "alert.firing sent to 2 channels"
    );
    assert_eq!(notified.reason.render_in(Language::Ar), "أُرسل alert.firing إلى قناتين");
    tx.commit().await.expect("commit");
}
