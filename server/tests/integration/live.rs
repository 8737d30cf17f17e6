//! Live updates end to end, on real sockets and a real PostgreSQL: events written through one
//! replica reach browsers connected to another (NOTIFY), tenants never see each other's events,
//! `/ws` refuses what it must, the listener recovers from a dropped connection, and the stats.

use crate::common;

use atrium_app::db::{Db, TenantTx};
use atrium_app::ids::{MetricId, TenantId};
use atrium_app::live::types::{CLOSE_GOING_AWAY, CLOSE_SESSION_ENDED, LiveCommand, LiveEvent, RollupValue};
use axum::http::StatusCode;
use common::{TestApp, spawn_app, spawn_app_with};
use futures::{SinkExt, StreamExt};
use leptos::server_fn::ServerFn;
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::net::SocketAddr;
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message};

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const WAIT: Duration = Duration::from_secs(10);
/// How long "nothing else arrives" is watched for.
const QUIET: Duration = Duration::from_millis(500);

/// Opens `/ws` like a browser of this site; the HTTP status when the upgrade is refused.
async fn try_connect(addr: SocketAddr, cookie: Option<&str>, origin: Option<&str>) -> Result<Socket, StatusCode> {
    let mut request = format!("ws://{addr}/ws").into_client_request().expect("request");
    if let Some(cookie) = cookie {
        request.headers_mut().insert("cookie", cookie.parse().expect("cookie"));
    }
    let origin = origin.map_or_else(|| format!("http://{addr}"), str::to_owned);
    request.headers_mut().insert("origin", origin.parse().expect("origin"));
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tungstenite::Error::Http(response)) => Err(response.status()),
        Err(other) => panic!("websocket handshake failed: {other}"),
    }
}

/// Connects and reads the `welcome`.
async fn connect(addr: SocketAddr, cookie: &str) -> Socket {
    let mut socket = try_connect(addr, Some(cookie), None).await.expect("upgrade accepted");
    let welcome = next_event(&mut socket).await;
    assert!(
        matches!(welcome, LiveEvent::Welcome { heartbeat_s, .. } if heartbeat_s > 0),
        "{welcome:?}"
    );
    socket
}

/// The next event, skipping heartbeats and control frames.
async fn next_event(socket: &mut Socket) -> LiveEvent {
    tokio::time::timeout(WAIT, async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Text(text))) => {
                    let event: LiveEvent = serde_json::from_str(&text).expect("a LiveEvent");
                    if !matches!(event, LiveEvent::Heartbeat { .. }) {
                        return event;
                    }
                }
                Some(Ok(Message::Close(frame))) => panic!("closed by the server: {frame:?}"),
                Some(Ok(_)) => {}
                Some(Err(error)) => panic!("socket failed: {error}"),
                None => panic!("socket ended"),
            }
        }
    })
    .await
    .expect("an event in time")
}

/// Asserts that no event (other than heartbeats) arrives for a while.
async fn assert_quiet(socket: &mut Socket) {
    let next = tokio::time::timeout(QUIET, next_event(socket)).await;
    assert!(next.is_err(), "unexpected event: {next:?}");
}

/// The close code the server ends the connection with.
async fn close_code(socket: &mut Socket) -> u16 {
    tokio::time::timeout(WAIT, async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(Some(frame)))) => return u16::from(frame.code),
                Some(Ok(Message::Close(None))) | None | Some(Err(_)) => return 0,
                Some(Ok(_)) => {}
            }
        }
    })
    .await
    .expect("closed in time")
}

async fn subscribe(socket: &mut Socket, tenant_id: Option<TenantId>, metric_ids: Vec<MetricId>) -> LiveEvent {
    let command = serde_json::to_string(&LiveCommand::Subscribe { tenant_id, metric_ids }).expect("json");
    socket.send(Message::text(command)).await.expect("send");
    next_event(socket).await
}

fn assert_error(event: &LiveEvent, expected: &str) {
    match event {
        LiveEvent::Error { code, message } => {
            assert_eq!(code, expected, "{message}");
            assert!(!message.is_empty());
        }
        other => panic!("expected error {expected}, got {other:?}"),
    }
}

async fn tenant(app: &TestApp, slug: &str) -> TenantId {
    app.tenant_id(slug).await.expect("tenant").parse().expect("uuid")
}

/// Declares a metric in `tenant_id` (as ingestion would, in the tenant's own scope).
async fn metric(db: &Db, tenant_id: TenantId, name: &str) -> MetricId {
    let mut tx = TenantTx::begin(db, tenant_id).await.expect("tx");
    let id: uuid::Uuid =
        sqlx::query_scalar("INSERT INTO metrics (tenant_id, name) VALUES ($1, $2) RETURNING metric_id")
            .bind(tenant_id.0)
            .bind(name)
            .fetch_one(&mut *tx)
            .await
            .expect("metric");
    tx.commit().await.expect("commit");
    MetricId(id)
}

fn rollups(tenant_id: TenantId, metric_id: MetricId, value: f64) -> LiveEvent {
    LiveEvent::Rollups {
        seq: 0,
        tenant_id,
        metric_id,
        buckets: vec![RollupValue {
            bucket: chrono::Utc::now(),
            count: 1,
            sum: value,
            min: value,
            max: value,
            p50: value,
            p95: value,
            p99: value,
        }],
    }
}

/// Publishes `event` the way ingestion does: NOTIFY inside a committed tenant transaction.
async fn publish(db: &Db, event: LiveEvent) {
    let tenant_id = event.tenant_id().expect("a tenant event");
    let mut tx = TenantTx::begin(db, tenant_id).await.expect("tx");
    assert!(atrium_app::live::db::notify(&mut tx, event).await.expect("notify"));
    tx.commit().await.expect("commit");
}

fn rollup_of(event: &LiveEvent) -> (u64, TenantId, MetricId, f64) {
    match event {
        LiveEvent::Rollups {
            seq,
            tenant_id,
            metric_id,
            buckets,
        } => (*seq, *tenant_id, *metric_id, buckets[0].sum),
        other => panic!("expected rollups, got {other:?}"),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn an_event_written_through_one_replica_reaches_a_browser_on_another(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let replica_a = spawn_app(options.clone()).await;
    let replica_b = spawn_app(options).await;
    let addr_a = replica_a.serve().await;
    let addr_b = replica_b.serve().await;
    let acme = tenant(&replica_a, "acme").await;
    let cpu = metric(&replica_a.db, acme, "cpu.load").await;

    // A viewer (analytics:read) watches through replica B; another through A.
    let victor = replica_b.sign_in("victor@acme.test").await;
    let mut on_b = connect(addr_b, &victor).await;
    let subscribed = subscribe(&mut on_b, None, vec![cpu]).await;
    assert_eq!(
        subscribed,
        LiveEvent::Subscribed {
            tenant_id: acme,
            metric_ids: vec![cpu]
        }
    );
    let mut on_a = connect(addr_a, &victor).await;
    subscribe(&mut on_a, Some(acme), vec![cpu]).await;

    // A rolled-back write announces nothing; a committed one reaches both replicas once.
    let mut tx = TenantTx::begin(&replica_a.db, acme).await.expect("tx");
    atrium_app::live::db::notify(&mut tx, rollups(acme, cpu, 99.0))
        .await
        .expect("notify");
    drop(tx);
    publish(&replica_a.db, rollups(acme, cpu, 1.5)).await;
    assert_eq!(rollup_of(&next_event(&mut on_b).await), (1, acme, cpu, 1.5));
    assert_eq!(rollup_of(&next_event(&mut on_a).await), (1, acme, cpu, 1.5));
    publish(&replica_b.db, rollups(acme, cpu, 2.5)).await;
    assert_eq!(
        rollup_of(&next_event(&mut on_b).await),
        (2, acme, cpu, 2.5),
        "numbered per metric"
    );
    assert_eq!(rollup_of(&next_event(&mut on_a).await), (2, acme, cpu, 2.5));
    assert_quiet(&mut on_b).await;
    assert_quiet(&mut on_a).await;

    let stats = replica_b.live.stats_snapshot();
    assert_eq!(stats.notices_received, 2, "the rolled-back notice never arrived");
    assert_eq!(stats.connections, 1);
    assert_eq!(stats.subscriptions, 1);
    assert!(stats.messages_sent >= 4, "{stats:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn tenants_never_receive_each_others_events(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let addr = app.serve().await;
    let (acme, globex) = (tenant(&app, "acme").await, tenant(&app, "globex").await);
    let acme_cpu = metric(&app.db, acme, "cpu.load").await;
    let acme_mem = metric(&app.db, acme, "mem.used").await;
    let globex_cpu = metric(&app.db, globex, "cpu.load").await;

    let mut victor = connect(addr, &app.sign_in("victor@acme.test").await).await;
    // Another tenant's metric, or naming another tenant, is refused; the refusal changes nothing.
    assert_error(&subscribe(&mut victor, None, vec![globex_cpu]).await, "unknown_metric");
    assert_error(
        &subscribe(&mut victor, Some(globex), vec![globex_cpu]).await,
        "forbidden_tenant",
    );
    assert_error(&subscribe(&mut victor, Some(globex), vec![]).await, "forbidden_tenant");
    assert_error(
        &subscribe(&mut victor, None, vec![acme_cpu, globex_cpu]).await,
        "unknown_metric",
    );
    assert!(matches!(
        subscribe(&mut victor, None, vec![acme_cpu]).await,
        LiveEvent::Subscribed { .. }
    ));

    let mut hank = connect(addr, &app.sign_in("hank@globex.test").await).await;
    assert!(matches!(
        subscribe(&mut hank, None, vec![globex_cpu]).await,
        LiveEvent::Subscribed { .. }
    ));

    // A platform administrator names the tenant; without one the subscription is refused.
    let mut admin = connect(addr, &app.sign_in("admin@atrium.test").await).await;
    assert_error(&subscribe(&mut admin, None, vec![globex_cpu]).await, "tenant_required");
    assert_error(
        &subscribe(&mut admin, Some(acme), vec![globex_cpu]).await,
        "unknown_metric",
    );
    assert!(matches!(
        subscribe(&mut admin, Some(globex), vec![globex_cpu]).await,
        LiveEvent::Subscribed { .. }
    ));

    // Even an event that claims a Globex metric id under Acme stays within Acme's subscribers.
    publish(&app.db, rollups(globex, globex_cpu, 7.0)).await;
    publish(&app.db, rollups(acme, globex_cpu, 8.0)).await;
    publish(&app.db, rollups(acme, acme_mem, 9.0)).await;
    publish(&app.db, rollups(acme, acme_cpu, 10.0)).await;
    // NOTIFY order is kept: once Victor has the last event, the earlier ones were filtered.
    assert_eq!(rollup_of(&next_event(&mut victor).await), (1, acme, acme_cpu, 10.0));
    assert_eq!(rollup_of(&next_event(&mut hank).await), (1, globex, globex_cpu, 7.0));
    assert_eq!(rollup_of(&next_event(&mut admin).await), (1, globex, globex_cpu, 7.0));
    assert_quiet(&mut victor).await;
    assert_quiet(&mut hank).await;
    assert_quiet(&mut admin).await;

    // The limits: at most 50 metrics; malformed commands are refused, not fatal.
    let many: Vec<MetricId> = (0..51).map(|_| MetricId::new_random()).collect();
    assert_error(&subscribe(&mut victor, None, many).await, "too_many_metrics");
    victor
        .send(Message::text("{\"type\":\"subscribe\""))
        .await
        .expect("send");
    assert_error(&next_event(&mut victor).await, "bad_command");
    publish(&app.db, rollups(acme, acme_cpu, 11.0)).await;
    assert_eq!(
        rollup_of(&next_event(&mut victor).await),
        (2, acme, acme_cpu, 11.0),
        "still subscribed"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_websocket_needs_a_session_with_analytics_read_from_this_site(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let addr = app.serve().await;
    assert_eq!(
        try_connect(addr, None, None).await.err(),
        Some(StatusCode::UNAUTHORIZED)
    );
    assert_eq!(
        try_connect(addr, Some("atrium_session=forged"), None).await.err(),
        Some(StatusCode::UNAUTHORIZED)
    );
    let viewer = app.sign_in("victor@acme.test").await;
    assert_eq!(
        try_connect(addr, Some(&viewer), Some("https://evil.example"))
            .await
            .err(),
        Some(StatusCode::FORBIDDEN),
        "a cross-site page must not ride the cookie"
    );
    // Without an upgrade the endpoint says so (after authenticating).
    assert_eq!(app.get("/ws", None).await.status, StatusCode::UNAUTHORIZED);
    assert!(app.get("/ws", Some(&viewer)).await.status.is_client_error());
    // The viewer holds analytics:read: welcomed.
    let mut socket = connect(addr, &viewer).await;
    socket.close(None).await.expect("close");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_socket_closes_when_its_session_ends(_: PgPoolOptions, options: PgConnectOptions) {
    let settings = atrium_server::live::LiveSettings {
        heartbeat: Duration::from_secs(1),
        ..Default::default()
    };
    let app = spawn_app_with(options, settings).await;
    let addr = app.serve().await;
    let cookie = app.sign_in("ana@acme.test").await;
    let mut socket = connect(addr, &cookie).await;
    let out = app.call(atrium_app::auth::api::Logout::PATH, Some(&cookie), &[]).await;
    assert!(out.status.is_success() || out.status.is_redirection(), "{}", out.body);
    assert_eq!(close_code(&mut socket).await, CLOSE_SESSION_ENDED);
}

#[sqlx::test(migrations = "../migrations")]
async fn live_stats_are_for_platform_monitors_and_count_connections(_: PgPoolOptions, options: PgConnectOptions) {
    const STATS: &str = "/api/v1/live/stats";
    let app = spawn_app(options).await;
    let addr = app.serve().await;
    let alice = app.sign_in("alice@acme.test").await;
    let refused = app.get(STATS, Some(&alice)).await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "a tenant admin is not a platform monitor"
    );
    assert_eq!(refused.json()["error"]["code"], "forbidden");

    let acme = tenant(&app, "acme").await;
    let cpu = metric(&app.db, acme, "cpu.load").await;
    let mut socket = connect(addr, &alice).await;
    subscribe(&mut socket, None, vec![cpu]).await;
    let admin = app.sign_in("admin@atrium.test").await;
    let stats = app.get(STATS, Some(&admin)).await;
    assert_eq!(stats.status, StatusCode::OK, "{}", stats.body);
    let stats = stats.json();
    assert_eq!(stats["connections"], 1);
    assert_eq!(stats["subscriptions"], 1);
    assert_eq!(stats["topics"], 1);
    assert_eq!(stats["listener_connected"], true);
    assert!(stats["messages_sent"].as_u64() >= Some(2), "{stats}");

    publish(&app.db, rollups(acme, cpu, 1.0)).await;
    next_event(&mut socket).await;
    socket.close(None).await.expect("close");
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let stats = app.get(STATS, Some(&admin)).await.json();
        if stats["connections"] == 0 {
            assert_eq!(stats["subscriptions"], 0);
            assert_eq!(stats["topics"], 0);
            assert_eq!(stats["notices_received"], 1);
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the connection was never counted out: {stats}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_listener_reconnects_and_tells_browsers_to_refetch(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let addr = app.serve().await;
    let acme = tenant(&app, "acme").await;
    let cpu = metric(&app.db, acme, "cpu.load").await;
    let mut socket = connect(addr, &app.sign_in("victor@acme.test").await).await;
    subscribe(&mut socket, None, vec![cpu]).await;

    // The database drops the listener's connection.
    let mut owner = sqlx::PgConnection::connect_with(&app.owner_options)
        .await
        .expect("owner");
    let terminated: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    )
    .fetch_all(&mut owner)
    .await
    .expect("terminate");
    assert_eq!(terminated, vec![true], "exactly one listener connection");

    assert_eq!(
        next_event(&mut socket).await,
        LiveEvent::Lagged { missed: 0 },
        "refetch"
    );
    tokio::time::timeout(WAIT, app.live.listening())
        .await
        .expect("listening again");
    publish(&app.db, rollups(acme, cpu, 3.0)).await;
    assert_eq!(rollup_of(&next_event(&mut socket).await), (1, acme, cpu, 3.0));
    assert!(app.live.stats_snapshot().listener_reconnects >= 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn shutting_down_says_going_away(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let addr = app.serve().await;
    let mut socket = connect(addr, &app.sign_in("victor@acme.test").await).await;
    app.live.shut_down();
    assert_eq!(close_code(&mut socket).await, CLOSE_GOING_AWAY);
    app.live.closed(WAIT).await;
    assert_eq!(app.live.stats_snapshot().connections, 0);
    assert_eq!(
        try_connect(addr, Some(&app.sign_in("victor@acme.test").await), None)
            .await
            .err(),
        Some(StatusCode::SERVICE_UNAVAILABLE)
    );
}

/// The whole path: a batch ingested over HTTP through replica A is committed, its rollups are
/// NOTIFYed, and a browser subscribed on replica B gets the new minute's values.
#[sqlx::test(migrations = "../migrations")]
async fn a_point_ingested_on_one_replica_moves_a_chart_on_another(_: PgPoolOptions, options: PgConnectOptions) {
    use atrium_app::api_keys::api::CreateApiKey;
    use axum::body::Body;
    use axum::http::{Request, header};
    let replica_a = spawn_app(options.clone()).await;
    let replica_b = spawn_app(options).await;
    let addr_b = replica_b.serve().await;
    let acme = tenant(&replica_a, "acme").await;
    let alice = replica_a.sign_in("alice@acme.test").await;
    let issued = replica_a
        .call(
            CreateApiKey::PATH,
            Some(&alice),
            &[
                ("name", "live test"),
                ("scopes[0]", "metrics:write"),
                ("expires_in_days", "never"),
            ],
        )
        .await
        .json();
    let key = issued["key"].as_str().expect("key").to_owned();
    let ingest = |value: f64| {
        Request::post("/api/v1/metrics")
            .header(header::AUTHORIZATION, format!("Bearer {key}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                serde_json::json!([{"metric": "queue.depth", "value": value, "labels": {"host": "a"}}]).to_string(),
            ))
            .expect("request")
    };
    assert_eq!(replica_a.send(ingest(3.0)).await.status, StatusCode::OK);
    let metric_id: uuid::Uuid = {
        let mut tx = TenantTx::begin(&replica_a.db, acme).await.expect("tx");
        sqlx::query_scalar("SELECT metric_id FROM metrics WHERE name = 'queue.depth'")
            .fetch_one(&mut *tx)
            .await
            .expect("declared on first use")
    };
    let victor = replica_b.sign_in("victor@acme.test").await;
    let mut on_b = connect(addr_b, &victor).await;
    subscribe(&mut on_b, None, vec![MetricId(metric_id)]).await;
    assert_eq!(replica_a.send(ingest(5.0)).await.status, StatusCode::OK);
    match next_event(&mut on_b).await {
        LiveEvent::Rollups {
            tenant_id,
            metric_id: id,
            buckets,
            ..
        } => {
            assert_eq!((tenant_id, id.0), (acme, metric_id));
            let last = buckets.last().expect("a minute");
            // Both points may share the minute (count 2, max 5) or not (count 1, value 5).
            assert_eq!(last.max, 5.0);
            assert!(last.count == 1 || (last.count == 2 && last.min == 3.0), "{last:?}");
        }
        other => panic!("expected rollups, got {other:?}"),
    }
}

/// The rights a socket keeps are computed from effective permissions, whatever their source: a
/// permission that only a grant or a loan gave is gone once they are (the heartbeat recomputes
/// them every beat, see `recheck_session`).
#[test]
fn live_rights_follow_effective_permissions_from_every_source() {
    use atrium_app::permissions::effective::{EffectivePermissions, Source};
    use atrium_app::permissions::types::Permission;
    use atrium_server::live::ws::LiveRights;
    let mut effective = EffectivePermissions::default();
    assert_eq!(LiveRights::of(&effective), None, "no analytics:read, no socket");
    effective.add(Permission::AnalyticsRead, Source::Grant { granted_by: "a".into() });
    assert_eq!(LiveRights::of(&effective), Some(LiveRights { sees_alerts: false }));
    effective.add(
        Permission::AlertsRead,
        Source::Delegation {
            delegation_id: atrium_app::ids::DelegationId(uuid::Uuid::nil()),
            from: "Ann".into(),
            expires_at: chrono::Utc::now(),
        },
    );
    assert_eq!(LiveRights::of(&effective), Some(LiveRights { sees_alerts: true }));
}

/// Re-checking every source at each beat keeps a socket whose rights still hold: a grant and a
/// delegation coming and going do not close it.
#[sqlx::test(migrations = "../migrations")]
async fn a_socket_survives_permission_changes_that_leave_its_rights(_: PgPoolOptions, options: PgConnectOptions) {
    use atrium_app::permissions::api::{CreateDelegation, RevokeDelegation};
    let settings = atrium_server::live::LiveSettings {
        heartbeat: Duration::from_millis(300),
        ..Default::default()
    };
    let app = spawn_app_with(options, settings).await;
    let addr = app.serve().await;
    let alice = app.sign_in("alice@acme.test").await;
    let victor = app.sign_in("victor@acme.test").await;
    let victor_id = app.user_id("victor@acme.test").await;
    let mut socket = connect(addr, &victor).await;
    let expires = (chrono::Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let lent = app
        .call(
            CreateDelegation::PATH,
            Some(&alice),
            &[
                ("delegate_id", &victor_id),
                ("expires_at", &expires),
                ("reason", ""),
                ("permissions[0]", "alerts:acknowledge"),
            ],
        )
        .await;
    assert_eq!(lent.status, StatusCode::OK, "{}", lent.body);
    let id = lent.json().as_str().expect("id").to_owned();
    assert_quiet(&mut socket).await; // reading keeps answering pings across the beats
    let revoked = app
        .call(RevokeDelegation::PATH, Some(&alice), &[("delegation_id", &id)])
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
    // Several beats, each recomputing the permissions: nothing but heartbeats, no close.
    for _ in 0..3 {
        assert_quiet(&mut socket).await;
    }
}
