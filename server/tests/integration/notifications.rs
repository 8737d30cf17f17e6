//! Notification channels and the delivery outbox on a real PostgreSQL, against real receivers the
//! tests start on 127.0.0.1: an HTTP server (axum) that can fail, stall or answer 410, and a small
//! SMTP sink. Retries follow the schedule (the tests move the clock, never sleep through it); the
//! receiver sees each `webhook-id` accepted once and verifies Standard Webhooks signatures with
//! its own code below (not the product's); leases hand a dead worker's delivery to another; a
//! committed delivery survives a worker restart; destinations inside the network are refused;
//! failing channels turn off; another tenant reaches nothing. Server functions are called over
//! HTTP as the signed-in users of the seeded demo (Acme's admin Alice, Globex's admin Gina).

use crate::common;

use atrium_app::db::{TenantTx, unscoped_connection};
use atrium_app::ids::{ChannelId, DeliveryId, TenantId};
use atrium_app::notifications::api::{
    CreateChannel, DeleteChannel, GetChannelWarnings, GetChannelsPage, ListChannels, ReplayDelivery,
    RotateChannelSecret, SendChannelTest, SetChannelEnabled, UpdateChannel,
};
use atrium_app::notifications::db::{select_deliveries_for_source, select_delivery};
use atrium_app::notifications::outbound::AddressPolicy;
use atrium_app::notifications::outbox::{DeliverySettings, Outbox, SmtpSettings, SmtpTls};
use atrium_app::notifications::service::enqueue;
use atrium_app::notifications::types::{AttemptOutcome, DeliveryStatus, DeliverySummary, Notification};
use atrium_app::preferences::Language;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration as Span, Utc};
use common::smtp::smtp_sink;
use common::{TestApp, spawn_app_delivering};
use hmac::{Hmac, Mac};
use leptos::server_fn::ServerFn;
use serde_json::Value;
use sha2::Sha256;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

// ---------------------------------------------------------------------------------------------
// The receiver: a real HTTP server on 127.0.0.1 that records every request and deduplicates by
// `webhook-id`, as the Standard Webhooks guidance asks receivers to.

#[derive(Debug, Clone)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    body: Vec<u8>,
}

#[derive(Default)]
struct ReceiverState {
    /// Answer 500 to this many requests first.
    fail_first: AtomicUsize,
    /// The status of every answer after those (200 unless set).
    status: Mutex<Option<u16>>,
    /// Wait this long before answering.
    delay: Mutex<Duration>,
    requests: Mutex<Vec<Received>>,
    /// Webhook ids processed (answered 2xx the first time).
    accepted: Mutex<HashSet<String>>,
    /// 2xx answers to an id already processed: the receiver dropped them as duplicates.
    duplicates: AtomicUsize,
}

#[derive(Clone)]
struct Receiver {
    addr: SocketAddr,
    state: Arc<ReceiverState>,
}

impl Receiver {
    async fn start() -> Self {
        let state = Arc::new(ReceiverState::default());
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(receive))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind receiver");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { addr, state }
    }
    fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }
    fn requests(&self) -> Vec<Received> {
        self.state.requests.lock().expect("lock").clone()
    }
    fn accepted(&self) -> usize {
        self.state.accepted.lock().expect("lock").len()
    }
    fn duplicates(&self) -> usize {
        self.state.duplicates.load(Ordering::SeqCst)
    }
    fn fail_first(&self, n: usize) {
        self.state.fail_first.store(n, Ordering::SeqCst);
    }
    fn answer(&self, status: u16) {
        *self.state.status.lock().expect("lock") = Some(status);
    }
    fn delay(&self, delay: Duration) {
        *self.state.delay.lock().expect("lock") = delay;
    }
}

async fn receive(State(state): State<Arc<ReceiverState>>, headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let id = header("webhook-id");
    state.requests.lock().expect("lock").push(Received {
        id: id.clone(),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body: body.to_vec(),
    });
    let delay = *state.delay.lock().expect("lock");
    tokio::time::sleep(delay).await;
    if state
        .fail_first
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        return (StatusCode::INTERNAL_SERVER_ERROR, "try later".into());
    }
    let status = state.status.lock().expect("lock").unwrap_or(200);
    if (200..300).contains(&status) && !state.accepted.lock().expect("lock").insert(id) {
        state.duplicates.fetch_add(1, Ordering::SeqCst);
    }
    (StatusCode::from_u16(status).expect("status"), "thanks".into())
}

/// The receiver's check, written from the Standard Webhooks specification: the secret is
/// `whsec_` + base64 key; the signed content is `id.timestamp.body`; the header holds
/// space-separated `v1,<base64 HMAC-SHA256>` entries, any of which may match.
fn verify(secret: &str, received: &Received) -> bool {
    let Some(key) = secret.strip_prefix("whsec_").and_then(|k| STANDARD.decode(k).ok()) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("hmac key");
    mac.update(format!("{}.{}.", received.id, received.timestamp).as_bytes());
    mac.update(&received.body);
    let expected = STANDARD.encode(mac.finalize().into_bytes());
    received
        .signature
        .split(' ')
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .any(|signature| signature == expected)
}

// ---------------------------------------------------------------------------------------------
// Helpers.

/// Settings for tests: private receivers allowed (they live on 127.0.0.1), short timeouts.
fn open_settings() -> DeliverySettings {
    DeliverySettings {
        policy: AddressPolicy {
            allow_private: true,
            ..AddressPolicy::default()
        },
        timeout: Duration::from_secs(3),
        lease: Duration::from_secs(30),
        public_url: "https://atrium.example.com".into(),
        ..DeliverySettings::default()
    }
}

async fn acme(app: &TestApp) -> TenantId {
    TenantId(app.tenant_id("acme").await.expect("acme").parse().expect("uuid"))
}

/// Creates a channel as `cookie`'s user; the answer's JSON (channel and secret).
async fn create_channel(app: &TestApp, cookie: &str, name: &str, kind: &str, target: &str) -> Value {
    let field = if kind == "email" { "recipients" } else { "url" };
    let reply = app
        .call(
            CreateChannel::PATH,
            Some(cookie),
            &[("name", name), ("kind", kind), (field, target)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()
}

fn channel_id(created: &Value) -> ChannelId {
    created["channel"]["channel_id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no channel id in {created}"))
}

fn alert_notification(source: uuid::Uuid) -> Notification {
    Notification {
        event_type: "alert.firing".into(),
        language: Language::En,
        title: "CPU above 90%".into(),
        body: "p95 is 97% on web-1".into(),
        severity: Some("high".into()),
        link: Some(format!("/alerts/{source}")),
        sources: vec![source],
        data: serde_json::json!({ "value": 97.0 }),
    }
}

/// Enqueues as the alerts domain does: in a tenant transaction of its own, committed.
async fn enqueue_for(
    app: &TestApp,
    tenant: TenantId,
    channel: ChannelId,
    notification: &Notification,
    now: DateTime<Utc>,
) -> DeliveryId {
    let mut tx = TenantTx::begin(&app.db, tenant).await.expect("tx");
    let ids = enqueue(&mut tx, &[channel], &|_| notification.clone(), now)
        .await
        .expect("enqueue");
    tx.commit().await.expect("commit");
    assert_eq!(ids.len(), 1);
    ids[0]
}

async fn delivery(app: &TestApp, tenant: TenantId, id: DeliveryId) -> DeliverySummary {
    let mut tx = TenantTx::begin(&app.db, tenant).await.expect("tx");
    let found = select_delivery(&mut tx, id)
        .await
        .expect("select")
        .expect("delivery exists");
    tx.commit().await.expect("commit");
    found
}

async fn audit_actors(app: &TestApp, action: &str) -> Vec<String> {
    let mut tx = atrium_app::db::PlatformTx::begin(&app.db, atrium_app::db::PlatformGuard::for_system_task())
        .await
        .expect("tx");
    sqlx::query_scalar("SELECT actor_kind FROM audit_events WHERE action = $1 ORDER BY audit_id")
        .bind(action)
        .fetch_all(&mut *tx)
        .await
        .expect("audit")
}

// ---------------------------------------------------------------------------------------------

#[sqlx::test(migrations = "../migrations")]
async fn a_failing_receiver_is_retried_on_schedule_and_gets_each_message_once(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let app = spawn_app_delivering(options, open_settings()).await;
    let receiver = Receiver::start().await;
    let alice = app.sign_in("alice@acme.test").await;
    let created = create_channel(&app, &alice, "ops webhook", "webhook", &receiver.url()).await;
    let secret = created["secret"].as_str().expect("secret shown once").to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");
    let channel = channel_id(&created);
    assert_eq!(
        created["channel"]["target_display"],
        format!("http://{}/…", receiver.addr)
    );

    receiver.fail_first(2);
    let tenant = acme(&app).await;
    let source = uuid::Uuid::new_v4();
    // Whole microseconds, as PostgreSQL stores them, so times compare exactly.
    let t0 = DateTime::from_timestamp_micros(Utc::now().timestamp_micros()).expect("time");
    let id = enqueue_for(&app, tenant, channel, &alert_notification(source), t0).await;

    assert_eq!(app.outbox.process_due(&app.db, t0).await.expect("first"), 1);
    let after_first = delivery(&app, tenant, id).await;
    assert_eq!(after_first.status, DeliveryStatus::Pending);
    assert_eq!(after_first.last_status_code, Some(500));
    assert_eq!(after_first.next_attempt_at, Some(t0 + Span::seconds(5)));
    // Not due again before the schedule says so.
    assert_eq!(
        app.outbox
            .process_due(&app.db, t0 + Span::seconds(4))
            .await
            .expect("early"),
        0
    );
    let t1 = t0 + Span::seconds(5);
    assert_eq!(app.outbox.process_due(&app.db, t1).await.expect("second"), 1);
    assert_eq!(
        delivery(&app, tenant, id).await.next_attempt_at,
        Some(t1 + Span::minutes(5))
    );
    let t2 = t1 + Span::minutes(5);
    assert_eq!(app.outbox.process_due(&app.db, t2).await.expect("third"), 1);
    assert_eq!(
        app.outbox
            .process_due(&app.db, t2 + Span::hours(48))
            .await
            .expect("done"),
        0
    );

    let done = delivery(&app, tenant, id).await;
    assert_eq!(done.status, DeliveryStatus::Delivered);
    assert_eq!(done.attempts, 3);
    assert_eq!(done.last_status_code, Some(200));
    assert_eq!(done.next_attempt_at, None);
    let log: Vec<(AttemptOutcome, Option<i32>)> = done.attempt_log.iter().map(|a| (a.outcome, a.status_code)).collect();
    assert_eq!(
        log,
        vec![
            (AttemptOutcome::Retry, Some(500)),
            (AttemptOutcome::Retry, Some(500)),
            (AttemptOutcome::Delivered, Some(200)),
        ]
    );
    assert_eq!(done.attempt_log[0].response_excerpt.as_deref(), Some("try later"));
    assert_eq!(done.attempt_log[2].response_excerpt.as_deref(), Some("thanks"));

    // The receiver's view: three requests under one id, every one signed, processed once.
    let requests = receiver.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.id == id.to_string()));
    assert!(requests.iter().all(|r| verify(&secret, r)), "{requests:?}");
    assert!(!verify(
        "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        &requests[0]
    ));
    assert_eq!(receiver.accepted(), 1);
    assert_eq!(receiver.duplicates(), 0);
    assert_eq!(requests[2].timestamp, t2.timestamp().to_string());
    // The same body every time: the event's own timestamp, not the attempt's.
    assert!(requests.windows(2).all(|pair| pair[0].body == pair[1].body));
    let body: Value = serde_json::from_slice(&requests[0].body).expect("json body");
    assert_eq!(body["type"], "alert.firing");
    assert_eq!(body["data"]["title"], "CPU above 90%");
    assert_eq!(body["data"]["severity"], "high");
    assert_eq!(
        body["data"]["link"],
        format!("https://atrium.example.com/alerts/{source}")
    );
    assert_eq!(body["data"]["sources"][0], source.to_string());

    // The alert page's view and the Channels page's log.
    let mut tx = TenantTx::begin(&app.db, tenant).await.expect("tx");
    let for_alert = select_deliveries_for_source(&mut tx, source).await.expect("by source");
    assert_eq!(for_alert.len(), 1);
    assert_eq!(for_alert[0].channel_name, "ops webhook");
    assert!(
        select_deliveries_for_source(&mut tx, uuid::Uuid::new_v4())
            .await
            .expect("none")
            .is_empty()
    );
    tx.commit().await.expect("commit");
    let page = app
        .call(GetChannelsPage::PATH, Some(&alice), &[("status", "delivered")])
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let page = page.json();
    assert_eq!(page["deliveries"]["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        page["deliveries"]["items"][0]["attempt_log"].as_array().map(Vec::len),
        Some(3)
    );
    assert!(!page.to_string().contains(&secret), "the page never carries the secret");
    let failed_only = app
        .call(GetChannelsPage::PATH, Some(&alice), &[("status", "failed")])
        .await;
    assert_eq!(failed_only.json()["deliveries"]["items"], serde_json::json!([]));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_last_failed_attempt_fails_the_delivery_and_a_replay_keeps_its_id(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let settings = DeliverySettings {
        schedule: vec![Duration::ZERO, Duration::from_secs(5)],
        ..open_settings()
    };
    let app = spawn_app_delivering(options, settings).await;
    let receiver = Receiver::start().await;
    receiver.fail_first(2);
    let alice = app.sign_in("alice@acme.test").await;
    let channel = channel_id(&create_channel(&app, &alice, "hook", "webhook", &receiver.url()).await);
    let tenant = acme(&app).await;
    let t0 = Utc::now();
    let id = enqueue_for(&app, tenant, channel, &alert_notification(uuid::Uuid::new_v4()), t0).await;
    app.outbox.process_due(&app.db, t0).await.expect("first");
    app.outbox
        .process_due(&app.db, t0 + Span::seconds(5))
        .await
        .expect("last");
    let failed = delivery(&app, tenant, id).await;
    assert_eq!(failed.status, DeliveryStatus::Failed);
    assert_eq!(
        failed.attempt_log.last().map(|a| a.outcome),
        Some(AttemptOutcome::Failed)
    );
    assert!(failed.finished_at.is_some());
    assert_eq!(
        app.outbox
            .process_due(&app.db, t0 + Span::days(3))
            .await
            .expect("nothing"),
        0
    );

    // Replay: a new cycle under the same webhook-id; the worker delivers it.
    let replayed = app
        .call(ReplayDelivery::PATH, Some(&alice), &[("delivery_id", &id.to_string())])
        .await;
    assert_eq!(replayed.status, StatusCode::OK, "{}", replayed.body);
    assert_eq!(replayed.json()["status"], "pending");
    let again = app
        .call(ReplayDelivery::PATH, Some(&alice), &[("delivery_id", &id.to_string())])
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "only failed deliveries replay");
    app.outbox
        .process_due(&app.db, Utc::now())
        .await
        .expect("replayed attempt");
    let done = delivery(&app, tenant, id).await;
    assert_eq!(done.status, DeliveryStatus::Delivered);
    assert_eq!((done.attempts, done.replays), (1, 1));
    assert_eq!(done.attempt_log.len(), 3);
    let requests = receiver.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.id == id.to_string()));
    assert_eq!(receiver.accepted(), 1);
    assert_eq!(audit_actors(&app, "delivery.replay").await, vec!["user".to_owned()]);
}

#[sqlx::test(migrations = "../migrations")]
async fn both_secrets_sign_during_a_rotation_overlap_and_only_the_new_one_after(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let app = spawn_app_delivering(options, open_settings()).await;
    let receiver = Receiver::start().await;
    let alice = app.sign_in("alice@acme.test").await;
    let created = create_channel(&app, &alice, "signed", "webhook", &receiver.url()).await;
    let old = created["secret"].as_str().expect("secret").to_owned();
    let channel = channel_id(&created);

    let rotated = app
        .call(
            RotateChannelSecret::PATH,
            Some(&alice),
            &[("channel_id", &channel.to_string()), ("overlap", "1h")],
        )
        .await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    let rotated = rotated.json();
    let new = rotated["secret"].as_str().expect("new secret").to_owned();
    assert_ne!(new, old);
    assert!(rotated["channel"]["previous_secret_until"].is_string());

    let test = app
        .call(
            SendChannelTest::PATH,
            Some(&alice),
            &[("channel_id", &channel.to_string())],
        )
        .await;
    assert_eq!(test.status, StatusCode::OK, "{}", test.body);
    assert_eq!(test.json()["status"], "delivered");
    let during = receiver.requests().pop().expect("test request");
    assert_eq!(during.signature.split(' ').count(), 2, "{}", during.signature);
    assert!(verify(&new, &during), "the new secret verifies");
    assert!(
        verify(&old, &during),
        "the old secret still verifies during the overlap"
    );
    let body: Value = serde_json::from_slice(&during.body).expect("json");
    assert_eq!(body["type"], "channel.test");

    // After the overlap only the new secret signs.
    let tenant = acme(&app).await;
    let later = Utc::now() + Span::hours(2);
    enqueue_for(&app, tenant, channel, &alert_notification(uuid::Uuid::new_v4()), later).await;
    app.outbox.process_due(&app.db, later).await.expect("attempt");
    let after = receiver.requests().pop().expect("request");
    assert_eq!(after.signature.split(' ').count(), 1);
    assert!(verify(&new, &after));
    assert!(!verify(&old, &after));

    // Rotating without overlap drops the previous secret at once.
    let rotated = app
        .call(
            RotateChannelSecret::PATH,
            Some(&alice),
            &[("channel_id", &channel.to_string()), ("overlap", "none")],
        )
        .await
        .json();
    let newest = rotated["secret"].as_str().expect("secret").to_owned();
    app.call(
        SendChannelTest::PATH,
        Some(&alice),
        &[("channel_id", &channel.to_string())],
    )
    .await;
    let last = receiver.requests().pop().expect("request");
    assert!(verify(&newest, &last));
    assert!(!verify(&new, &last));
    assert_eq!(
        audit_actors(&app, "channel.rotate_secret").await,
        vec!["user".to_owned(), "user".to_owned()]
    );
    let bad = app
        .call(
            RotateChannelSecret::PATH,
            Some(&alice),
            &[("channel_id", &channel.to_string()), ("overlap", "forever")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.error().field_error("overlap").is_some());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_receiver_slower_than_the_timeout_is_a_failed_attempt(_: PgPoolOptions, options: PgConnectOptions) {
    let settings = DeliverySettings {
        timeout: Duration::from_millis(300),
        ..open_settings()
    };
    let app = spawn_app_delivering(options, settings).await;
    let receiver = Receiver::start().await;
    receiver.delay(Duration::from_secs(3));
    let alice = app.sign_in("alice@acme.test").await;
    let channel = channel_id(&create_channel(&app, &alice, "slow", "webhook", &receiver.url()).await);
    let tenant = acme(&app).await;
    let t0 = Utc::now();
    let id = enqueue_for(&app, tenant, channel, &alert_notification(uuid::Uuid::new_v4()), t0).await;
    let started = std::time::Instant::now();
    app.outbox.process_due(&app.db, t0).await.expect("attempt");
    assert!(started.elapsed() < Duration::from_secs(2), "the timeout cut it short");
    let after = delivery(&app, tenant, id).await;
    assert_eq!(after.status, DeliveryStatus::Pending);
    assert_eq!(after.last_status_code, None);
    let attempt = &after.attempt_log[0];
    assert_eq!(attempt.outcome, AttemptOutcome::Retry);
    assert!(
        attempt.error.as_deref().is_some_and(|e| e.contains("300 ms")),
        "{attempt:?}"
    );
    assert!(attempt.latency_ms >= 250 && attempt.latency_ms < 2000, "{attempt:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_worker_that_dies_mid_attempt_loses_the_delivery_to_another(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app_delivering(options, open_settings()).await;
    let receiver = Receiver::start().await;
    let alice = app.sign_in("alice@acme.test").await;
    let channel = channel_id(&create_channel(&app, &alice, "leased", "webhook", &receiver.url()).await);
    let tenant = acme(&app).await;
    let t0 = Utc::now();
    let id = enqueue_for(&app, tenant, channel, &alert_notification(uuid::Uuid::new_v4()), t0).await;

    // Worker A claims and "dies": it never sends or records.
    let claimed = app.outbox.claim_due(&app.db, t0).await.expect("claim");
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].delivery_id, id);
    // While the lease lasts nobody else takes it.
    let second_replica = Outbox::new(open_settings()).expect("outbox");
    assert!(
        second_replica
            .claim_due(&app.db, t0 + Span::seconds(29))
            .await
            .expect("claim")
            .is_empty()
    );
    // After it, worker B does and delivers.
    assert_eq!(
        second_replica
            .process_due(&app.db, t0 + Span::seconds(31))
            .await
            .expect("takeover"),
        1
    );
    let done = delivery(&app, tenant, id).await;
    assert_eq!(done.status, DeliveryStatus::Delivered);
    assert_eq!(done.attempts, 2, "the lost attempt counts");
    assert_eq!(done.attempt_log.len(), 1);
    // Worker A coming back late finds its lease gone and sends nothing.
    assert_eq!(app.outbox.attempt(&app.db, &claimed[0], t0).await.expect("late"), None);
    assert_eq!(receiver.requests().len(), 1);
    assert_eq!(receiver.accepted(), 1);

    // A last attempt whose worker died ends the delivery as failed once its lease runs out.
    let one_shot = DeliverySettings {
        schedule: vec![Duration::ZERO],
        ..open_settings()
    };
    let single = Outbox::new(one_shot).expect("outbox");
    let t1 = Utc::now();
    let lost = enqueue_for(&app, tenant, channel, &alert_notification(uuid::Uuid::new_v4()), t1).await;
    assert_eq!(single.claim_due(&app.db, t1).await.expect("claim").len(), 1);
    assert_eq!(
        single
            .process_due(&app.db, t1 + Span::seconds(31))
            .await
            .expect("sweep"),
        0
    );
    let abandoned = delivery(&app, tenant, lost).await;
    assert_eq!(abandoned.status, DeliveryStatus::Failed);
    assert!(abandoned.last_error.is_some());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_committed_delivery_is_sent_after_a_restart_and_notify_wakes_the_worker(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let app = spawn_app_delivering(options, open_settings()).await;
    let receiver = Receiver::start().await;
    let alice = app.sign_in("alice@acme.test").await;
    let channel = channel_id(&create_channel(&app, &alice, "durable", "webhook", &receiver.url()).await);
    let tenant = acme(&app).await;

    // Committed while no worker runs (the server is down); a rolled-back one never exists.
    let kept = enqueue_for(
        &app,
        tenant,
        channel,
        &alert_notification(uuid::Uuid::new_v4()),
        Utc::now(),
    )
    .await;
    let mut tx = TenantTx::begin(&app.db, tenant).await.expect("tx");
    enqueue(
        &mut tx,
        &[channel],
        &|_| alert_notification(uuid::Uuid::new_v4()),
        Utc::now(),
    )
    .await
    .expect("enqueue");
    drop(tx);

    // "Restart": a new process's outbox and worker loop. Its poll interval is long, so what it
    // sends promptly it found at start-up or was woken for by NOTIFY.
    let settings = DeliverySettings {
        poll_interval: Duration::from_secs(3600),
        ..open_settings()
    };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(atrium_server::delivery::run(
        app.db.clone(),
        Outbox::new(settings).expect("outbox"),
        stopped,
    ));
    wait_until(|| receiver.accepted() == 1).await;
    // The receiver's 2xx arrives before the worker commits "delivered": wait for that too.
    assert_eq!(delivered(&app, tenant, kept).await, DeliveryStatus::Delivered);

    // The worker now waits on LISTEN: a new commit wakes it well before the next poll.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let woken = enqueue_for(
        &app,
        tenant,
        channel,
        &alert_notification(uuid::Uuid::new_v4()),
        Utc::now(),
    )
    .await;
    wait_until(|| receiver.accepted() == 2).await;
    assert_eq!(delivered(&app, tenant, woken).await, DeliveryStatus::Delivered);
    let _ = stop.send(true);
    tokio::time::timeout(Duration::from_secs(10), worker)
        .await
        .expect("the worker stops when told")
        .expect("no panic");
    assert_eq!(receiver.requests().len(), 2, "the rolled-back message was never sent");
}

/// A delivery's status once it is no longer pending (or after ten seconds, whatever it is).
async fn delivered(app: &TestApp, tenant: TenantId, id: DeliveryId) -> DeliveryStatus {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let status = delivery(app, tenant, id).await.status;
        if status != DeliveryStatus::Pending || std::time::Instant::now() >= deadline {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn wait_until(done: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "timed out waiting");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn destinations_inside_the_network_are_refused(_: PgPoolOptions, options: PgConnectOptions) {
    // The default: private destinations are not allowed.
    let strict = DeliverySettings {
        public_url: "https://atrium.example.com".into(),
        ..DeliverySettings::default()
    };
    let app = spawn_app_delivering(options.clone(), strict.clone()).await;
    let receiver = Receiver::start().await;
    let alice = app.sign_in("alice@acme.test").await;
    let port = receiver.addr.port();
    for url in [
        format!("http://127.0.0.1:{port}/hook"),
        format!("http://localhost:{port}/hook"),
        "http://10.1.2.3/hook".to_owned(),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://[::1]/hook".to_owned(),
        "http://[fc00::1]/hook".to_owned(),
        "http://[fd12:3456::1]/hook".to_owned(),
        "http://0.0.0.0/hook".to_owned(),
        "ftp://example.com/hook".to_owned(),
        "file:///etc/passwd".to_owned(),
        "not a url".to_owned(),
    ] {
        let reply = app
            .call(
                CreateChannel::PATH,
                Some(&alice),
                &[("name", "internal"), ("kind", "webhook"), ("url", &url)],
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {}", reply.body);
        assert!(reply.error().field_error("url").is_some(), "{url}");
    }
    assert_eq!(receiver.requests().len(), 0);

    // Saved while allowed, sent after the setting changed (or a name re-pointed at loopback):
    // refused again when connecting, by the literal check and by the resolver.
    let open_app = spawn_app_delivering(options, open_settings()).await;
    let tenant = acme(&open_app).await;
    let now = Utc::now();
    let strict_outbox = Outbox::new(strict).expect("outbox");
    for (n, url) in [
        format!("http://127.0.0.1:{port}/hook"),
        format!("http://localhost:{port}/hook"),
    ]
    .into_iter()
    .enumerate()
    {
        let name = format!("was allowed {n}");
        let channel = channel_id(&create_channel(&open_app, &alice, &name, "webhook", &url).await);
        let id = enqueue_for(
            &open_app,
            tenant,
            channel,
            &alert_notification(uuid::Uuid::new_v4()),
            now,
        )
        .await;
        assert_eq!(strict_outbox.process_due(&open_app.db, now).await.expect("attempt"), 1);
        let refused = delivery(&open_app, tenant, id).await;
        assert_eq!(refused.status, DeliveryStatus::Pending);
        assert_eq!(refused.last_status_code, None);
        assert!(refused.last_error.is_some(), "{refused:?}");
    }
    assert_eq!(receiver.requests().len(), 0, "nothing reached the internal receiver");
}

#[sqlx::test(migrations = "../migrations")]
async fn email_channels_send_through_smtp(_: PgPoolOptions, options: PgConnectOptions) {
    let (sink, mails) = smtp_sink().await;
    let settings = DeliverySettings {
        smtp: Some(SmtpSettings {
            host: "127.0.0.1".into(),
            port: sink.port(),
            tls: SmtpTls::None,
            username: None,
            password: None,
            from: "Atrium <alerts@atrium.test>".into(),
        }),
        ..open_settings()
    };
    let app = spawn_app_delivering(options, settings).await;
    let alice = app.sign_in("alice@acme.test").await;
    let bad = app
        .call(
            CreateChannel::PATH,
            Some(&alice),
            &[
                ("name", "mail"),
                ("kind", "email"),
                ("recipients", "ops@example.com, nope"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.error().field_error("recipients").is_some());
    let created = create_channel(
        &app,
        &alice,
        "on-call mail",
        "email",
        "ops@example.com; sre@example.com",
    )
    .await;
    assert!(created["secret"].is_null(), "email channels have no signing secret");
    assert_eq!(created["channel"]["target"], "ops@example.com, sre@example.com");
    let channel = channel_id(&created);

    let test = app
        .call(
            SendChannelTest::PATH,
            Some(&alice),
            &[("channel_id", &channel.to_string())],
        )
        .await;
    assert_eq!(test.status, StatusCode::OK, "{}", test.body);
    let test = test.json();
    assert_eq!(test["status"], "delivered", "{test}");
    assert_eq!(test["status_code"], 250);

    let tenant = acme(&app).await;
    let source = uuid::Uuid::new_v4();
    let now = Utc::now();
    enqueue_for(&app, tenant, channel, &alert_notification(source), now).await;
    app.outbox.process_due(&app.db, now).await.expect("attempt");

    let mails = mails.lock().expect("lock").clone();
    assert_eq!(mails.len(), 2);
    let alert = &mails[1];
    assert_eq!(alert.from, "<alerts@atrium.test>");
    assert_eq!(
        alert.to,
        vec!["<ops@example.com>".to_owned(), "<sre@example.com>".to_owned()]
    );
    // Undo quoted-printable soft line breaks before reading the text.
    let data = alert.data.replace("=\n", "");
    assert!(data.contains("Subject: CPU above 90%"), "{data}");
    assert!(
        data.contains("p95 is 97% on web-1") || data.contains("p95 is 97=25 on web-1"),
        "{data}"
    );
    assert!(
        data.contains(&format!("https://atrium.example.com/alerts/{source}")),
        "{data}"
    );
    assert!(data.contains("text/html"), "{data}");
    assert!(mails[0].data.contains("Subject: Test notification for on-call mail"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_channel_failing_for_the_period_turns_off_and_admins_are_told(_: PgPoolOptions, options: PgConnectOptions) {
    let settings = DeliverySettings {
        disable_after: Duration::from_secs(3600),
        ..open_settings()
    };
    let app = spawn_app_delivering(options, settings).await;
    let receiver = Receiver::start().await;
    receiver.answer(503);
    let alice = app.sign_in("alice@acme.test").await;
    let channel = channel_id(&create_channel(&app, &alice, "flaky", "webhook", &receiver.url()).await);
    let tenant = acme(&app).await;
    let t0 = Utc::now();
    let first = enqueue_for(&app, tenant, channel, &alert_notification(uuid::Uuid::new_v4()), t0).await;
    app.outbox.process_due(&app.db, t0).await.expect("attempt");
    let page = app.call(GetChannelsPage::PATH, Some(&alice), &[]).await.json();
    assert!(page["channels"][0]["failing_since"].is_string(), "{page}");
    assert_eq!(page["channels"][0]["enabled"], true);

    // Still failing an hour later: the channel turns off, its pending deliveries end.
    let t1 = t0 + Span::minutes(61);
    let second = enqueue_for(&app, tenant, channel, &alert_notification(uuid::Uuid::new_v4()), t1).await;
    app.outbox.process_due(&app.db, t1).await.expect("attempts");
    let page = app.call(GetChannelsPage::PATH, Some(&alice), &[]).await.json();
    assert_eq!(page["channels"][0]["enabled"], false, "{page}");
    assert_eq!(page["channels"][0]["disabled_reason"], "failing");
    for id in [first, second] {
        assert_eq!(delivery(&app, tenant, id).await.status, DeliveryStatus::Failed);
    }
    assert_eq!(
        audit_actors(&app, "channel.auto_disable").await,
        vec!["system".to_owned()]
    );
    let warnings = app.call(GetChannelWarnings::PATH, Some(&alice), &[]).await;
    assert_eq!(warnings.status, StatusCode::OK, "{}", warnings.body);
    assert_eq!(warnings.json()[0]["name"], "flaky");
    // The home page shows the warning to those who manage channels.
    let home = app.page("/", Some(&alice)).await;
    assert!(home.body.contains("Channels turned off"), "home warns");
    // Nothing new goes to a channel that is off.
    let mut tx = TenantTx::begin(&app.db, tenant).await.expect("tx");
    assert!(
        enqueue(&mut tx, &[channel], &|_| alert_notification(uuid::Uuid::new_v4()), t1)
            .await
            .expect("enqueue")
            .is_empty()
    );
    tx.commit().await.expect("commit");
    let test = app
        .call(
            SendChannelTest::PATH,
            Some(&alice),
            &[("channel_id", &channel.to_string())],
        )
        .await;
    assert_eq!(test.status, StatusCode::CONFLICT);
    let replay = app
        .call(
            ReplayDelivery::PATH,
            Some(&alice),
            &[("delivery_id", &first.to_string())],
        )
        .await;
    assert_eq!(replay.status, StatusCode::CONFLICT, "replay waits for the channel");

    // Re-enable: the receiver works again, and the failed delivery is replayed and delivered.
    receiver.answer(200);
    let enabled = app
        .call(
            SetChannelEnabled::PATH,
            Some(&alice),
            &[("channel_id", &channel.to_string()), ("enabled", "true")],
        )
        .await;
    assert_eq!(enabled.status, StatusCode::OK, "{}", enabled.body);
    assert_eq!(enabled.json()["failing_since"], Value::Null);
    let warnings = app.call(GetChannelWarnings::PATH, Some(&alice), &[]).await.json();
    assert_eq!(warnings, serde_json::json!([]));
    let replay = app
        .call(
            ReplayDelivery::PATH,
            Some(&alice),
            &[("delivery_id", &first.to_string())],
        )
        .await;
    assert_eq!(replay.status, StatusCode::OK, "{}", replay.body);
    app.outbox.process_due(&app.db, Utc::now()).await.expect("replay");
    assert_eq!(delivery(&app, tenant, first).await.status, DeliveryStatus::Delivered);

    // A receiver answering 410 Gone asks not to be sent to again: off at once, no retries.
    receiver.answer(410);
    let now = Utc::now();
    let gone = enqueue_for(&app, tenant, channel, &alert_notification(uuid::Uuid::new_v4()), now).await;
    app.outbox.process_due(&app.db, now).await.expect("attempt");
    assert_eq!(delivery(&app, tenant, gone).await.status, DeliveryStatus::Failed);
    let page = app.call(GetChannelsPage::PATH, Some(&alice), &[]).await.json();
    assert_eq!(page["channels"][0]["disabled_reason"], "gone");

    // Turning a channel off by hand is a person's action, not a warning.
    app.call(
        SetChannelEnabled::PATH,
        Some(&alice),
        &[("channel_id", &channel.to_string()), ("enabled", "true")],
    )
    .await;
    app.call(
        SetChannelEnabled::PATH,
        Some(&alice),
        &[("channel_id", &channel.to_string()), ("enabled", "false")],
    )
    .await;
    let warnings = app.call(GetChannelWarnings::PATH, Some(&alice), &[]).await.json();
    assert_eq!(warnings, serde_json::json!([]));
    assert_eq!(audit_actors(&app, "channel.disable").await, vec!["user".to_owned()]);
}

#[sqlx::test(migrations = "../migrations")]
async fn another_tenant_can_neither_see_nor_touch_a_channel(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app_delivering(options, open_settings()).await;
    let receiver = Receiver::start().await;
    let alice = app.sign_in("alice@acme.test").await;
    let channel = channel_id(&create_channel(&app, &alice, "acme only", "webhook", &receiver.url()).await);
    let tenant = acme(&app).await;
    let source = uuid::Uuid::new_v4();
    let now = Utc::now();
    let delivery_id = enqueue_for(&app, tenant, channel, &alert_notification(source), now).await;
    receiver.answer(500);
    let one_shot = Outbox::new(DeliverySettings {
        schedule: vec![Duration::ZERO],
        ..open_settings()
    })
    .expect("outbox");
    one_shot.process_due(&app.db, now).await.expect("attempt");
    assert_eq!(delivery(&app, tenant, delivery_id).await.status, DeliveryStatus::Failed);

    let gina = app.sign_in("gina@globex.test").await;
    let page = app.call(GetChannelsPage::PATH, Some(&gina), &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let page = page.json();
    assert_eq!(page["channels"], serde_json::json!([]));
    assert_eq!(page["deliveries"]["items"], serde_json::json!([]));
    let filtered = app
        .call(
            GetChannelsPage::PATH,
            Some(&gina),
            &[("channel_id", &channel.to_string())],
        )
        .await
        .json();
    assert_eq!(filtered["deliveries"]["items"], serde_json::json!([]));
    assert_eq!(
        app.call(ListChannels::PATH, Some(&gina), &[]).await.json(),
        serde_json::json!([])
    );
    let id = channel.to_string();
    let attempts: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            UpdateChannel::PATH,
            vec![("channel_id", &id), ("name", "mine"), ("url", "http://127.0.0.1:9/x")],
        ),
        (DeleteChannel::PATH, vec![("channel_id", &id)]),
        (SetChannelEnabled::PATH, vec![("channel_id", &id), ("enabled", "false")]),
        (
            RotateChannelSecret::PATH,
            vec![("channel_id", &id), ("overlap", "none")],
        ),
        (SendChannelTest::PATH, vec![("channel_id", &id)]),
    ];
    for (path, form) in &attempts {
        let reply = app.call(path, Some(&gina), form).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}: {}", reply.body);
    }
    let delivery_text = delivery_id.to_string();
    let replay = app
        .call(ReplayDelivery::PATH, Some(&gina), &[("delivery_id", &delivery_text)])
        .await;
    assert_eq!(replay.status, StatusCode::NOT_FOUND);
    let globex = TenantId(app.tenant_id("globex").await.expect("globex").parse().expect("uuid"));
    let mut tx = TenantTx::begin(&app.db, globex).await.expect("tx");
    assert!(
        select_deliveries_for_source(&mut tx, source)
            .await
            .expect("select")
            .is_empty()
    );
    // Enqueueing to another tenant's channel id writes nothing.
    assert!(
        enqueue(&mut tx, &[channel], &|_| alert_notification(source), now)
            .await
            .expect("enqueue")
            .is_empty()
    );
    tx.commit().await.expect("commit");

    // Nothing changed on Acme's side.
    let mine = app.call(GetChannelsPage::PATH, Some(&alice), &[]).await.json();
    assert_eq!(mine["channels"][0]["name"], "acme only");
    assert_eq!(mine["channels"][0]["enabled"], true);
    assert_eq!(mine["deliveries"]["items"][0]["status"], "failed");

    // Roles: a viewer lists channel names (for alert rules) but cannot manage them.
    let victor = app.sign_in("victor@acme.test").await;
    let names = app.call(ListChannels::PATH, Some(&victor), &[]).await;
    assert_eq!(names.status, StatusCode::OK, "{}", names.body);
    assert_eq!(names.json()[0]["name"], "acme only");
    assert!(!names.body.contains("127.0.0.1"), "the picker carries no target");
    let refused = app.call(GetChannelsPage::PATH, Some(&victor), &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = app
        .call(SendChannelTest::PATH, Some(&victor), &[("channel_id", &id)])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_outbox_scope_reads_deliveries_only(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app_delivering(options, open_settings()).await;
    let receiver = Receiver::start().await;
    let alice = app.sign_in("alice@acme.test").await;
    let channel = channel_id(&create_channel(&app, &alice, "scoped", "webhook", &receiver.url()).await);
    let tenant = acme(&app).await;
    let now = Utc::now();
    enqueue_for(&app, tenant, channel, &alert_notification(uuid::Uuid::new_v4()), now).await;
    app.outbox.process_due(&app.db, now).await.expect("attempt");

    // As the app role, with the worker's scope set by hand: deliveries yes, nothing else.
    let mut conn = unscoped_connection(&app.db).await.expect("connection");
    sqlx::query("BEGIN").execute(&mut *conn).await.expect("begin");
    let role: String = sqlx::query_scalar("SELECT current_user::text")
        .fetch_one(&mut *conn)
        .await
        .expect("role");
    assert_eq!(role, "atrium_app");
    sqlx::query("SELECT set_config('app.scope', 'outbox', true), set_config('role', 'atrium_scope_outbox', true)")
        .execute(&mut *conn)
        .await
        .expect("scope");
    let found: i64 = sqlx::query_scalar("SELECT count(*) FROM deliveries")
        .fetch_one(&mut *conn)
        .await
        .expect("count");
    assert_eq!(found, 1, "deliveries in the outbox scope");
    // Every other table: no rows, or (the scope's role has no privilege on it) no access at all.
    for table in ["channels", "delivery_attempts", "audit_events", "users"] {
        sqlx::query("SAVEPOINT probe")
            .execute(&mut *conn)
            .await
            .expect("savepoint");
        let found = sqlx::query_scalar::<_, i64>(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(&mut *conn)
            .await;
        match found {
            Ok(found) => assert_eq!(found, 0, "{table} in the outbox scope"),
            Err(sqlx::Error::Database(error)) if error.code().as_deref() == Some("42501") => {}
            Err(error) => panic!("{table}: {error}"),
        }
        sqlx::query("ROLLBACK TO SAVEPOINT probe")
            .execute(&mut *conn)
            .await
            .expect("rollback to savepoint");
    }
    let inserted = sqlx::query(
        "INSERT INTO deliveries (tenant_id, channel_id, event_type, notification) VALUES ($1, $2, 'x', '{}')",
    )
    .bind(tenant.0)
    .bind(channel.0)
    .execute(&mut *conn)
    .await;
    assert!(inserted.is_err(), "the outbox scope cannot write deliveries");
    sqlx::query("ROLLBACK").execute(&mut *conn).await.expect("rollback");
}

#[sqlx::test(migrations = "../migrations")]
async fn channel_forms_are_validated_and_changes_audited(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app_delivering(options, open_settings()).await;
    let receiver = Receiver::start().await;
    let alice = app.sign_in("alice@acme.test").await;
    let bad = app
        .call(
            CreateChannel::PATH,
            Some(&alice),
            &[("name", " "), ("kind", "webhook"), ("url", "")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = bad.error();
    assert!(
        error.field_error("name").is_some() && error.field_error("url").is_some(),
        "{error:?}"
    );
    let bad_kind = app
        .call(CreateChannel::PATH, Some(&alice), &[("name", "x"), ("kind", "sms")])
        .await;
    assert!(bad_kind.error().field_error("kind").is_some());
    let no_smtp = app
        .call(
            CreateChannel::PATH,
            Some(&alice),
            &[("name", "mail"), ("kind", "email"), ("recipients", "a@example.com")],
        )
        .await;
    assert!(
        no_smtp.error().field_error("kind").is_some(),
        "no SMTP settings: {}",
        no_smtp.body
    );

    let slack = create_channel(
        &app,
        &alice,
        "team chat",
        "slack",
        &format!("{}?token=abc", receiver.url()),
    )
    .await;
    assert!(slack["secret"].is_null(), "Slack does not verify signatures");
    assert_eq!(
        slack["channel"]["target_display"],
        format!("http://{}/…", receiver.addr)
    );
    let taken = app
        .call(
            CreateChannel::PATH,
            Some(&alice),
            &[("name", "team chat"), ("kind", "webhook"), ("url", &receiver.url())],
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.error().field_error("name").is_some());

    let id = channel_id(&slack).to_string();
    let updated = app
        .call(
            UpdateChannel::PATH,
            Some(&alice),
            &[("channel_id", &id), ("name", "team chat 2"), ("url", &receiver.url())],
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    assert_eq!(updated.json()["name"], "team chat 2");
    let test = app
        .call(SendChannelTest::PATH, Some(&alice), &[("channel_id", &id)])
        .await
        .json();
    assert_eq!(test["status"], "delivered", "{test}");
    let slack_body: Value = serde_json::from_slice(&receiver.requests()[0].body).expect("json");
    assert!(
        slack_body["text"].is_string() && slack_body["blocks"].is_array(),
        "{slack_body}"
    );
    assert!(receiver.requests()[0].signature.is_empty());
    let teams = channel_id(&create_channel(&app, &alice, "teams", "teams", &receiver.url()).await).to_string();
    app.call(SendChannelTest::PATH, Some(&alice), &[("channel_id", &teams)])
        .await;
    let card: Value = serde_json::from_slice(&receiver.requests()[1].body).expect("json");
    assert_eq!(card["@type"], "MessageCard", "{card}");

    let deleted = app
        .call(DeleteChannel::PATH, Some(&alice), &[("channel_id", &id)])
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    let listed = app.call(ListChannels::PATH, Some(&alice), &[]).await.json();
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    let actions = app.audit_actions().await;
    for action in ["channel.create", "channel.update", "channel.test", "channel.delete"] {
        assert!(actions.iter().any(|a| a == action), "{action} audited: {actions:?}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_channel_hears_in_the_language_it_was_given(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app_delivering(options, open_settings()).await;
    let receiver = Receiver::start().await;
    let alice = app.sign_in("alice@acme.test").await;
    let url = receiver.url();
    let create = |language: &'static str| {
        let form = [
            ("name", "ar-hook"),
            ("kind", "webhook"),
            ("url", url.as_str()),
            ("language", language),
        ];
        let (app, alice) = (&app, &alice);
        async move { app.call(CreateChannel::PATH, Some(alice), &form).await }
    };
    let refused = create("fr").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.error().field_error("language").is_some(), "{}", refused.body);
    let created = create("ar").await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let created = created.json();
    assert_eq!(created["channel"]["language"], "ar");
    let channel = channel_id(&created);

    // The test message reaches the receiver in Arabic, labels and all.
    let test = app
        .call(
            SendChannelTest::PATH,
            Some(&alice),
            &[("channel_id", &channel.to_string())],
        )
        .await;
    assert_eq!(test.status, StatusCode::OK, "{}", test.body);
    let received = receiver.requests();
    let body: Value = serde_json::from_slice(&received[0].body).expect("json");
    let expected = atrium_app::i18n::t_args_in(Language::Ar, "channels-test-title", &[("name", "ar-hook")]);
    assert_eq!(body["data"]["title"], expected.as_str(), "{body}");
    assert!(body["data"]["title"].as_str().expect("title").contains("ar-hook"));
    assert_ne!(body["data"]["title"], "Test notification for ar-hook");

    // Editing without a language keeps it; with one, changes it, and the audit row says so.
    let id = channel.to_string();
    let update = |language: Option<&'static str>| {
        let mut form = vec![("channel_id", id.as_str()), ("name", "hook"), ("url", url.as_str())];
        form.extend(language.map(|language| ("language", language)));
        let (app, alice) = (&app, &alice);
        async move { app.call(UpdateChannel::PATH, Some(alice), &form).await }
    };
    let renamed = update(None).await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    assert_eq!(renamed.json()["language"], "ar");
    let english = update(Some("en")).await;
    assert_eq!(english.status, StatusCode::OK, "{}", english.body);
    assert_eq!(english.json()["language"], "en");
    let tenant = acme(&app).await;
    let mut tx = TenantTx::begin(&app.db, tenant).await.expect("tx");
    let (before, after): (Value, Value) = sqlx::query_as(
        "SELECT before, after FROM audit_events WHERE action = 'channel.update' ORDER BY occurred_at DESC LIMIT 1",
    )
    .fetch_one(&mut *tx)
    .await
    .expect("audit row");
    tx.commit().await.expect("commit");
    assert_eq!(
        (before["language"].clone(), after["language"].clone()),
        ("ar".into(), "en".into())
    );
}
