//! `GET /ws`: the browser's live connection. Authenticated by the session cookie before the
//! upgrade (401 without a session, 403 without `analytics:read`, 403 from another site); then
//! `welcome`, the client's `subscribe` commands, the subscribed tenant's events for the subscribed
//! metrics, and a heartbeat that also re-checks the session and the effective permissions.

use super::Live;
use super::hub::{Frame, TopicReceiver};
use super::stats::ConnectionGauge;
use crate::api::ApiError;
use crate::edge::origin::{Scheme, cross_site_refusal, is_same_origin};
use atrium_app::auth::context::{RequestContext, effective_permissions, session_token};
use atrium_app::auth::service::principal_for_token;
use atrium_app::auth::types::Principal;
use atrium_app::db::{Db, TenantTx};
use atrium_app::error::AppError;
use atrium_app::i18n::t;
use atrium_app::ids::{MetricId, TenantId};
use atrium_app::live::types::{CLOSE_FORBIDDEN, CLOSE_GOING_AWAY, CLOSE_SESSION_ENDED, LiveCommand, LiveEvent};
use atrium_app::permissions::effective::EffectivePermissions;
use atrium_app::permissions::types::Permission;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::collections::HashSet;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;

/// The largest command a client may send (a subscription to 50 metrics is about 2 KiB).
pub const MAX_COMMAND_BYTES: usize = 16 * 1024;
/// At most this many `subscribe` commands per window; each costs a database query.
const COMMANDS_PER_WINDOW: u32 = 20;
const COMMAND_WINDOW: Duration = Duration::from_secs(10);
/// How long to wait for the client's half of a closing handshake.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// Authenticates and upgrades. Everything is checked before the upgrade, so a refused client gets
/// an ordinary HTTP error (JSON, like the REST API).
pub async fn connect(State(db): State<Db>, State(live): State<Live>, request: Request) -> Response {
    let scheme = Scheme::of(&request);
    let (mut parts, _) = request.into_parts();
    if !is_same_origin(&parts.headers, scheme) {
        tracing::warn!("cross-site websocket upgrade refused");
        return cross_site_refusal();
    }
    let context = match RequestContext::from_parts(db.clone(), &parts).await {
        Ok(context) => context,
        Err(error) => return ApiError(error).into_response(),
    };
    if let Err(error) = context.require(Permission::AnalyticsRead).await {
        return ApiError(error).into_response();
    }
    let Some(token) = session_token(&parts.headers) else {
        return ApiError(AppError::Unauthorized).into_response();
    };
    if live.is_shutting_down() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response();
    }
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    // Alert changes go only to connections whose principal may read alerts.
    // A probe for what to send, not a request refused: `check`, so no denial audit row.
    let sees_alerts = context.check(Permission::AlertsRead).is_ok();
    let connection = Connection::new(live, db, token, context.principal, sees_alerts);
    upgrade
        .max_message_size(MAX_COMMAND_BYTES)
        .max_frame_size(MAX_COMMAND_BYTES)
        .on_upgrade(move |socket| connection.run(socket))
}

/// Why a `subscribe` was refused; the previous subscription stays in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    BadCommand,
    TenantRequired,
    ForbiddenTenant,
    TooManyMetrics,
    UnknownMetric,
    RateLimited,
    Internal,
}

impl Refusal {
    fn event(self, max_metrics: usize) -> LiveEvent {
        let (code, message) = match self {
            Self::BadCommand => ("bad_command", t("live-error-bad-command")),
            Self::TenantRequired => ("tenant_required", t("live-error-tenant-required")),
            Self::ForbiddenTenant => ("forbidden_tenant", t("live-error-forbidden-tenant")),
            Self::TooManyMetrics => (
                "too_many_metrics",
                atrium_app::i18n::t_args("live-error-too-many-metrics", &[("max", &max_metrics.to_string())]),
            ),
            Self::UnknownMetric => ("unknown_metric", t("live-error-unknown-metric")),
            Self::RateLimited => ("rate_limited", t("live-error-rate-limited")),
            Self::Internal => ("internal", t("error-internal")),
        };
        LiveEvent::Error {
            code: code.to_owned(),
            message,
        }
    }
}

/// Why the socket loop ended.
enum Ending {
    /// The client closed or vanished: nothing more to send.
    Gone,
    /// The server closes with this code and reason.
    Close(u16, &'static str),
}

struct Connection {
    live: Live,
    db: Db,
    token: String,
    principal: Principal,
    sees_alerts: bool,
    topic: Option<TopicReceiver>,
    metrics: HashSet<MetricId>,
    gauge: ConnectionGauge,
    window_start: Instant,
    commands_in_window: u32,
}

impl Connection {
    fn new(live: Live, db: Db, token: String, principal: Principal, sees_alerts: bool) -> Self {
        let gauge = ConnectionGauge::open(live.stats().clone());
        Self {
            live,
            db,
            token,
            principal,
            sees_alerts,
            topic: None,
            metrics: HashSet::new(),
            gauge,
            window_start: Instant::now(),
            commands_in_window: 0,
        }
    }

    async fn run(mut self, mut socket: WebSocket) {
        let ending = self.serve(&mut socket).await;
        if let Ending::Close(code, reason) = ending {
            let frame = CloseFrame {
                code,
                reason: Utf8Bytes::from_static(reason),
            };
            if socket.send(Message::Close(Some(frame))).await.is_err() {
                return;
            }
        }
        // Let tungstenite finish the closing handshake (it flushes its reply while reading).
        let _ = tokio::time::timeout(CLOSE_GRACE, async { while let Some(Ok(_)) = socket.recv().await {} }).await;
    }

    async fn serve(&mut self, socket: &mut WebSocket) -> Ending {
        let heartbeat = self.live.settings().heartbeat;
        let welcome = LiveEvent::Welcome {
            connection_id: uuid::Uuid::new_v4(),
            heartbeat_s: u32::try_from(heartbeat.as_secs().max(1)).unwrap_or(u32::MAX),
        };
        if self.send(socket, &welcome).await.is_err() {
            return Ending::Gone;
        }
        let mut ticker = tokio::time::interval_at(Instant::now() + heartbeat, heartbeat);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_heard = Instant::now();
        loop {
            tokio::select! {
                incoming = socket.recv() => {
                    let Some(Ok(message)) = incoming else { return Ending::Gone };
                    last_heard = Instant::now();
                    let reply = match message {
                        Message::Text(text) => self.command(&text).await,
                        Message::Binary(_) => Some(Refusal::BadCommand.event(self.max_metrics())),
                        Message::Close(_) => return Ending::Gone,
                        Message::Ping(_) | Message::Pong(_) => None,
                    };
                    if let Some(reply) = reply
                        && self.send(socket, &reply).await.is_err()
                    {
                        return Ending::Gone;
                    }
                }
                frame = next_frame(&mut self.topic) => {
                    let sent = match frame {
                        Ok(frame) if self.wants(&frame) => self.send_text(socket, frame.text).await,
                        Ok(_) => Ok(()),
                        Err(RecvError::Lagged(missed)) => self.send(socket, &LiveEvent::Lagged { missed }).await,
                        Err(RecvError::Closed) => {
                            self.topic = None;
                            Ok(())
                        }
                    };
                    if sent.is_err() {
                        return Ending::Gone;
                    }
                }
                _ = ticker.tick() => {
                    if last_heard.elapsed() > heartbeat * 3 {
                        tracing::debug!("live connection silent for three heartbeats; dropping it");
                        return Ending::Gone;
                    }
                    if let Err(ending) = self.recheck_session().await {
                        return ending;
                    }
                    let beat = LiveEvent::Heartbeat { at: chrono::Utc::now() };
                    if self.send(socket, &beat).await.is_err()
                        || socket.send(Message::Ping(Default::default())).await.is_err()
                    {
                        return Ending::Gone;
                    }
                }
                () = self.live.stopping() => {
                    return Ending::Close(CLOSE_GOING_AWAY, "server restarting");
                }
            }
        }
    }

    fn max_metrics(&self) -> usize {
        self.live.settings().max_metrics
    }

    async fn send(&self, socket: &mut WebSocket, event: &LiveEvent) -> Result<(), axum::Error> {
        let text = serde_json::to_string(event).map_err(axum::Error::new)?;
        self.send_text(socket, text.into()).await
    }

    async fn send_text(&self, socket: &mut WebSocket, text: Utf8Bytes) -> Result<(), axum::Error> {
        socket.send(Message::Text(text)).await?;
        self.live.stats().sent();
        Ok(())
    }

    /// Whether a frame of the topic is for this connection: its tenant (always, since topics are
    /// per tenant; checked again here) and one of its metrics; a tenant frame about no metric is
    /// an alert change, for connections that may read alerts.
    fn wants(&self, frame: &Frame) -> bool {
        let Some(topic) = &self.topic else { return false };
        let tenant_ok = frame.tenant_id.is_none_or(|tenant| tenant == topic.tenant_id());
        match frame.metric_id {
            Some(metric) => tenant_ok && self.metrics.contains(&metric),
            None => tenant_ok && (frame.tenant_id.is_none() || self.sees_alerts),
        }
    }

    async fn command(&mut self, text: &str) -> Option<LiveEvent> {
        let Ok(command) = serde_json::from_str::<LiveCommand>(text) else {
            return Some(Refusal::BadCommand.event(self.max_metrics()));
        };
        match command {
            LiveCommand::Ping => None,
            LiveCommand::Subscribe { tenant_id, metric_ids } => Some(
                self.subscribe(tenant_id, metric_ids)
                    .await
                    .unwrap_or_else(|refusal| refusal.event(self.max_metrics())),
            ),
        }
    }

    /// Replaces the subscriptions after checking the tenant (a tenant user's own; any for a
    /// platform administrator, who must name it) and that every metric is one of that tenant's.
    async fn subscribe(
        &mut self,
        requested: Option<TenantId>,
        metric_ids: Vec<MetricId>,
    ) -> Result<LiveEvent, Refusal> {
        self.spend_command()?;
        let tenant_id = match (&self.principal, requested) {
            (Principal::Tenant { tenant_id, .. }, None) => *tenant_id,
            (Principal::Tenant { tenant_id, .. }, Some(asked)) if asked == *tenant_id => asked,
            (Principal::Tenant { email, .. }, Some(asked)) => {
                tracing::warn!(principal = %email, tenant = %asked, "live subscription to another tenant refused");
                return Err(Refusal::ForbiddenTenant);
            }
            (Principal::Platform { .. }, Some(asked)) => asked,
            (Principal::Platform { .. }, None) => return Err(Refusal::TenantRequired),
        };
        let mut metric_ids = metric_ids;
        metric_ids.sort_unstable();
        metric_ids.dedup();
        if metric_ids.len() > self.max_metrics() {
            return Err(Refusal::TooManyMetrics);
        }
        if !metric_ids.is_empty() {
            let known = self.known_metrics(tenant_id, &metric_ids).await.map_err(|error| {
                tracing::error!(%error, "could not check live subscription metrics");
                Refusal::Internal
            })?;
            if known != metric_ids.len() {
                return Err(Refusal::UnknownMetric);
            }
        }
        if self.topic.as_ref().map(TopicReceiver::tenant_id) != Some(tenant_id) {
            self.topic = Some(self.live.hub().subscribe(tenant_id));
        }
        self.metrics = metric_ids.iter().copied().collect();
        self.gauge.set_subscriptions(metric_ids.len() as u64);
        Ok(LiveEvent::Subscribed { tenant_id, metric_ids })
    }

    /// How many of `metric_ids` are metrics of `tenant_id` (read in that tenant's scope).
    async fn known_metrics(&self, tenant_id: TenantId, metric_ids: &[MetricId]) -> Result<usize, sqlx::Error> {
        let mut tx = TenantTx::begin(&self.db, tenant_id).await?;
        let known = atrium_app::live::db::select_metric_ids(&mut tx, metric_ids).await?;
        tx.commit().await?;
        Ok(known.len())
    }

    fn spend_command(&mut self) -> Result<(), Refusal> {
        let now = Instant::now();
        if now.duration_since(self.window_start) >= COMMAND_WINDOW {
            self.window_start = now;
            self.commands_in_window = 0;
        }
        self.commands_in_window += 1;
        if self.commands_in_window > COMMANDS_PER_WINDOW {
            Err(Refusal::RateLimited)
        } else {
            Ok(())
        }
    }

    /// The session must still be live (not signed out, expired, disabled or suspended) and its
    /// effective permissions, recomputed from every source (role, sets, grants, delegations and
    /// their delegators' standing, expiry), must still allow `analytics:read`; `alerts:read`
    /// decides whether alert changes keep coming. Recomputed at every beat rather than on a
    /// change notice, because expiry and a delegator's demotion change them without any write to
    /// the delegate's rows. A database hiccup keeps the socket; the next beat checks again.
    async fn recheck_session(&mut self) -> Result<(), Ending> {
        let principal = match principal_for_token(&self.db, &self.token).await {
            Ok(Some(principal)) => principal,
            Ok(None) => return Err(Ending::Close(CLOSE_SESSION_ENDED, "session ended")),
            Err(error) => {
                tracing::warn!(%error, "could not re-check a live session");
                return Ok(());
            }
        };
        match effective_permissions(&self.db, &principal).await {
            Ok(effective) => match LiveRights::of(&effective) {
                Some(rights) => {
                    self.sees_alerts = rights.sees_alerts;
                    self.principal = principal;
                    Ok(())
                }
                None => Err(Ending::Close(CLOSE_FORBIDDEN, "permission withdrawn")),
            },
            Err(error) => {
                tracing::warn!(%error, "could not re-check live permissions");
                Ok(())
            }
        }
    }
}

/// What a live connection may receive, given its principal's effective permissions: nothing
/// without `analytics:read` (the socket closes with 4403), alert changes only with `alerts:read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveRights {
    pub sees_alerts: bool,
}

impl LiveRights {
    pub fn of(effective: &EffectivePermissions) -> Option<Self> {
        effective.allows(Permission::AnalyticsRead).then(|| Self {
            sees_alerts: effective.allows(Permission::AlertsRead),
        })
    }
}

/// The next frame of the topic, or never when there is none yet.
async fn next_frame(topic: &mut Option<TopicReceiver>) -> Result<Frame, RecvError> {
    match topic {
        Some(topic) => topic.recv().await,
        None => std::future::pending().await,
    }
}
