//! The live demo on a real database and a served app: the week of metrics, the alerts in each
//! state, the silence, the channel delivering to the server's own receiver, the live points,
//! and a second start that adds nothing.

use crate::common::{spawn_app, spawn_app_delivering};
use atrium_app::alerts::types::AlertState;
use atrium_app::analytics::api::GetOverviewPanel;
use atrium_app::analytics::lanes::IngestLanes;
use atrium_app::analytics::service::{PanelRequest, panel};
use atrium_app::analytics::types::{Bucket, Panel};
use atrium_app::db::TenantTx;
use atrium_app::notifications::outbox::DeliverySettings;
use atrium_server::demo::{self, activity, signal};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{Duration, Utc};
use leptos::server_fn::ServerFn;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// Raw points stored (in chunks of one series each).
const POINTS: &str = "SELECT coalesce(sum(cardinality(ts)), 0)::bigint FROM point_chunks";

async fn count(tx: &mut TenantTx, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&mut **tx)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The panel of `metric` from `from` to now, as the analytics page reads it.
async fn read_panel(
    tx: &mut TenantTx,
    metric: &str,
    from: chrono::DateTime<Utc>,
    bucket: Bucket,
    labels: &[(&str, &str)],
) -> atrium_app::analytics::types::Panel {
    let metric = atrium_app::analytics::db::select_metric_by_name(tx, metric)
        .await
        .expect("metric")
        .unwrap_or_else(|| panic!("the metric {metric} exists"));
    let request = PanelRequest {
        metric,
        from,
        to: Utc::now(),
        bucket,
        labels: labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
    };
    panel(tx, request).await.expect("panel")
}

#[sqlx::test(migrations = "../migrations")]
async fn a_fresh_demo_has_a_week_of_metrics_alerts_in_every_state_and_a_delivering_channel(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    // The receiver's address is the app's own, known before the app is built.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let own = listener.local_addr().expect("addr");
    let mut delivery = DeliverySettings::default();
    delivery.policy.demo_receiver = Some(own);
    let app = spawn_app_delivering(options, delivery).await;
    app.serve_on(listener).await;
    let lanes = IngestLanes::new(app.db.clone());
    let now = Utc::now();
    let running = demo::start(&app.db, &app.outbox, &lanes, own, now)
        .await
        .expect("the demo starts");

    let tenants = demo::tenants(&app.db).await.expect("tenants");
    let acme = tenants.iter().find(|t| t.slug == "acme").expect("acme");
    let globex = tenants.iter().find(|t| t.slug == "globex").expect("globex");
    let mut tx = TenantTx::begin(&app.db, acme.tenant_id).await.expect("tx");

    // A week of points, and a p95 that the default rule's 500 ms is crossed by right now.
    let week = read_panel(&mut tx, signal::LATENCY, now - Duration::days(7), Bucket::Hour, &[]).await;
    assert!(week.points.len() >= 24 * 7, "an hourly point for each hour of the week");
    let slow_host = [("host", signal::SLOW_HOST)];
    let last_minutes = read_panel(
        &mut tx,
        signal::LATENCY,
        now - Duration::minutes(5),
        Bucket::Minute,
        &slow_host,
    )
    .await;
    assert!(
        last_minutes.points.iter().all(|p| p.p95 > 500.0),
        "web-3 is slow: {:?}",
        last_minutes.points
    );

    // The queue's backlog three hours ago is marked by the anomaly detector on the day's chart.
    let day = read_panel(&mut tx, signal::QUEUE, now - Duration::hours(24), Bucket::Minute, &[]).await;
    let (spike_from, spike_to) = signal::Script::starting_at(now).queue_spike();
    assert!(
        day.anomalies
            .iter()
            .any(|a| a.t >= spike_from - Duration::minutes(5) && a.t < spike_to),
        "the backlog is an anomaly: {:?}",
        day.anomalies
    );

    // One alert firing, one acknowledged by Alice with her comment; a silence by her too.
    let states: Vec<(String, String)> = sqlx::query_as(
        "SELECT r.name, a.state::text FROM alerts a JOIN alert_rules r USING (tenant_id, rule_id) ORDER BY r.name",
    )
    .fetch_all(&mut *tx)
    .await
    .expect("alerts");
    assert_eq!(
        states,
        [
            (
                activity::ERROR_RULE.to_owned(),
                AlertState::Acknowledged.as_str().to_owned()
            ),
            (activity::SLOW_RULE.to_owned(), AlertState::Firing.as_str().to_owned()),
        ]
    );
    let acknowledged: (String, String) = sqlx::query_as(
        "SELECT actor_name, reason FROM alert_events WHERE to_state = 'acknowledged' AND kind = 'transition'",
    )
    .fetch_one(&mut *tx)
    .await
    .expect("the acknowledgement's history line");
    assert_eq!(
        acknowledged,
        ("Alice Admin".to_owned(), activity::ACK_COMMENT.to_owned())
    );
    assert_eq!(
        count(
            &mut tx,
            "SELECT count(*) FROM silences WHERE ends_at > now() AND created_by_name = 'Alice Admin'"
        )
        .await,
        1
    );
    for action in [
        "channel.create",
        "alert_rule.update",
        "alert.acknowledge",
        "silence.create",
    ] {
        let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE action = $1")
            .bind(action)
            .fetch_one(&mut *tx)
            .await
            .expect("audit");
        assert!(rows >= 1, "an audit row for {action}");
    }

    // The firing and the acknowledgement went to the demo channel, and its receiver (this
    // server) answered them.
    let pending = count(&mut tx, "SELECT count(*) FROM deliveries WHERE status = 'pending'").await;
    assert!(pending >= 2, "firing and acknowledgement announced: {pending}");
    tx.commit().await.expect("commit");
    let mut attempted = 0;
    for _ in 0..10 {
        attempted += app.outbox.process_due(&app.db, Utc::now()).await.expect("deliver");
        if attempted >= 2 {
            break;
        }
    }
    let mut tx = TenantTx::begin(&app.db, acme.tenant_id).await.expect("tx");
    let codes: Vec<Option<i32>> = sqlx::query_scalar("SELECT status_code FROM delivery_attempts")
        .fetch_all(&mut *tx)
        .await
        .expect("attempts");
    assert!(!codes.is_empty() && codes.iter().all(|c| *c == Some(200)), "{codes:?}");
    assert_eq!(
        count(&mut tx, "SELECT count(*) FROM deliveries WHERE status = 'pending'").await,
        0
    );
    let points_before = count(&mut tx, POINTS).await;
    tx.commit().await.expect("commit");

    // The live generator's next batch goes through ingestion like any other.
    let series = signal::series_of("acme");
    let script = signal::Script::starting_at(now);
    let sent = demo::generator::send(&lanes, acme, &series, script, now, now + Duration::seconds(20)).await;
    assert!(sent >= 4 * 5, "a sample of each host at least: {sent}");
    let mut tx = TenantTx::begin(&app.db, acme.tenant_id).await.expect("tx");
    assert_eq!(
        count(&mut tx, POINTS).await,
        points_before + i64::try_from(sent).expect("count")
    );
    tx.commit().await.expect("commit");

    // The overview charts the firing alert's metric, the last hour by minute, for Acme's
    // members; the platform's administrators have no workspace to chart.
    let alice = app.sign_in("alice@acme.test").await;
    let reply = app.call(GetOverviewPanel::PATH, Some(&alice), &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let overview: Option<Panel> = serde_json::from_str(&reply.body).expect("panel");
    let overview = overview.expect("a chart on the overview");
    assert_eq!(overview.metric.name, signal::LATENCY);
    assert_eq!(overview.bucket, Bucket::Minute);
    assert!(
        overview.points.len() >= 50,
        "an hour of minutes: {}",
        overview.points.len()
    );
    let admin = app.sign_in("admin@atrium.test").await;
    let reply = app.call(GetOverviewPanel::PATH, Some(&admin), &[]).await;
    assert_eq!(reply.body, "null", "{}", reply.status);
    // A Globex member's overview charts Globex's own series of that name, never Acme's.
    let hank = app.sign_in("hank@globex.test").await;
    let reply = app.call(GetOverviewPanel::PATH, Some(&hank), &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let theirs: Option<Panel> = serde_json::from_str(&reply.body).expect("panel");
    let theirs = theirs.expect("Globex charts its own latency");
    assert_eq!(theirs.tenant_id, globex.tenant_id);
    assert_eq!(theirs.metric.name, signal::LATENCY);
    assert_ne!(theirs.metric.metric_id, overview.metric.metric_id);
    assert_eq!(overview.tenant_id, acme.tenant_id);

    // Globex got its own week and nothing of Acme's.
    let mut tx = TenantTx::begin(&app.db, globex.tenant_id).await.expect("tx");
    assert!(count(&mut tx, POINTS).await > 10_000);
    assert_eq!(count(&mut tx, "SELECT count(*) FROM channels").await, 0);
    assert_eq!(count(&mut tx, "SELECT count(*) FROM alerts").await, 0);
    tx.commit().await.expect("commit");
    running.stop().await;

    // A restart finds the demo in place: no second week, channel or acknowledgement.
    let again = demo::start(&app.db, &app.outbox, &lanes, own, Utc::now())
        .await
        .expect("restart");
    again.stop().await;
    let mut tx = TenantTx::begin(&app.db, acme.tenant_id).await.expect("tx");
    assert_eq!(
        count(&mut tx, POINTS).await,
        points_before + i64::try_from(sent).expect("count")
    );
    assert_eq!(count(&mut tx, "SELECT count(*) FROM channels").await, 1);
    tx.commit().await.expect("commit");
}

#[sqlx::test(migrations = "../migrations")]
async fn without_the_demo_there_is_no_receiver_and_no_exception_for_it(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let reply = app
        .send(
            Request::post("/demo/receiver")
                .header("content-type", "application/json")
                .body(Body::from("{}"))
                .expect("request"),
        )
        .await;
    assert!(
        matches!(reply.status, StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED),
        "{}",
        reply.status
    );
    assert_eq!(app.outbox.settings().policy.demo_receiver, None);
}
