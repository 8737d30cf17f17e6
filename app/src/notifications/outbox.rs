//! The outbox engine: claims due deliveries, attempts them and records every attempt. Workers on
//! every replica run it (the server's `delivery` job); "send test" runs one attempt directly.
//!
//! One attempt, three steps, so no transaction is ever held across a network call:
//! 1. claim (`OutboxTx`, a short transaction): lease due rows with `FOR UPDATE SKIP LOCKED`;
//! 2. read the delivery and its channel (`TenantTx`), render, sign and send (no transaction);
//! 3. record (`TenantTx`): the attempt row, the delivery's next state (only while the lease is
//!    still this worker's), the channel's failure clock, and auto-disable with its audit row.
//!
//! A worker that dies between 1 and 3 leaves a leased row that becomes due again when the lease
//! ends; the next worker sends it again under the same `webhook-id`, so receivers that
//! deduplicate see it once. Every function takes `now`, so tests drive the retry schedule
//! without waiting for it.

use super::db::{self as notify_db, AttemptRow, Claim, DeliveryToSend, Lease, Target};
use super::outbound::{self, AddressPolicy};
use super::render;
use super::signing;
use super::types::{AttemptOutcome, ChannelKind, DisabledReason};
use crate::audit::db::{Actor, AuditEvent, insert_audit_event};
use crate::db::{Db, OutboxTx, TenantTx};
use crate::i18n::t;
use crate::ids::{ChannelId, DeliveryId, TenantId};
use chrono::{DateTime, Utc};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::sync::Arc;
use std::time::Duration;

/// The retry schedule of the Standard Webhooks guidance (and Svix): the delay before each
/// attempt, the first one immediate.
pub const DEFAULT_SCHEDULE: [Duration; 8] = [
    Duration::ZERO,
    Duration::from_secs(5),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(10 * 3600),
];

/// How outbound delivery behaves (`ATRIUM_DELIVERY_*`, `ATRIUM_OUTBOUND_ALLOW_PRIVATE`,
/// `ATRIUM_PUBLIC_URL`, `ATRIUM_CHANNEL_DISABLE_AFTER_HOURS`, `ATRIUM_SMTP_*`).
#[derive(Debug, Clone)]
pub struct DeliverySettings {
    /// The delay before each attempt; its length is the number of attempts.
    pub schedule: Vec<Duration>,
    /// For one whole request (connect, send, answer).
    pub timeout: Duration,
    /// How long a claimed delivery stays a worker's before another may take it over. Longer than
    /// `timeout`, so a slow receiver does not get a second copy while the first is in flight.
    pub lease: Duration,
    /// How often idle workers look for due deliveries (besides being woken by NOTIFY).
    pub poll_interval: Duration,
    /// Deliveries one claim takes (and attempts concurrently).
    pub batch: i64,
    /// A channel whose deliveries have all failed for this long is turned off.
    pub disable_after: Duration,
    pub policy: AddressPolicy,
    /// The server's address as receivers reach it, for absolute links in messages.
    pub public_url: String,
    /// None: email channels cannot be created.
    pub smtp: Option<SmtpSettings>,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            schedule: DEFAULT_SCHEDULE.to_vec(),
            timeout: Duration::from_secs(10),
            lease: Duration::from_secs(60),
            poll_interval: Duration::from_secs(1),
            batch: 16,
            disable_after: Duration::from_secs(24 * 3600),
            policy: AddressPolicy::default(),
            public_url: "http://127.0.0.1:3000".to_owned(),
            smtp: None,
        }
    }
}

impl DeliverySettings {
    /// Attempts per cycle.
    pub fn max_attempts(&self) -> i32 {
        i32::try_from(self.schedule.len()).unwrap_or(i32::MAX).max(1)
    }
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain text (a relay on the same host or network; tests).
    None,
    /// STARTTLS on the submission port (587), required.
    StartTls,
    /// TLS from the first byte (465).
    Tls,
}

/// The relay email channels send through.
#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The From address, e.g. `Atrium <alerts@example.com>`.
    pub from: String,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

/// Parses a retry schedule such as `0s,5s,5m,30m,2h,5h,10h,10h` (units s, m, h; at least one
/// entry, at most 50).
pub fn parse_schedule(text: &str) -> Result<Vec<Duration>, String> {
    let mut schedule = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (number, unit) = part.split_at(part.find(|c: char| !c.is_ascii_digit()).unwrap_or(part.len()));
        let value: u64 = number
            .parse()
            .map_err(|_| format!("{part:?} is not a number with a unit (s, m, h)"))?;
        let seconds = match unit {
            "s" => value,
            "m" => value * 60,
            "h" => value * 3600,
            "ms" => {
                schedule.push(Duration::from_millis(value));
                continue;
            }
            _ => return Err(format!("{part:?} needs a unit: ms, s, m or h")),
        };
        schedule.push(Duration::from_secs(seconds));
    }
    if schedule.is_empty() || schedule.len() > 50 {
        return Err("the schedule needs between 1 and 50 entries".to_owned());
    }
    Ok(schedule)
}

/// Why the outbox could not be set up (at start-up).
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("building the HTTP client failed: {0}")]
    Http(#[from] reqwest::Error),
    #[error("ATRIUM_SMTP_HOST is not usable: {0}")]
    SmtpHost(String),
    #[error("ATRIUM_SMTP_FROM is not an email address: {0}")]
    SmtpFrom(String),
}

/// The sender: settings, one HTTP client (connection reuse across deliveries) and the SMTP
/// transport. Cheap to clone.
#[derive(Clone)]
pub struct Outbox {
    inner: Arc<Inner>,
}

struct Inner {
    settings: DeliverySettings,
    http: reqwest::Client,
    smtp: Option<(AsyncSmtpTransport<Tokio1Executor>, Mailbox)>,
}

/// How one attempt went, for "send test" and the worker's log.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptReport {
    pub delivery_id: DeliveryId,
    pub outcome: AttemptOutcome,
    pub status_code: Option<i32>,
    pub latency_ms: i32,
    pub error: Option<String>,
}

/// What sending came to, before it is recorded.
struct Sent {
    status_code: Option<i32>,
    latency_ms: i32,
    error: Option<String>,
    excerpt: Option<String>,
    success: bool,
    /// The receiver answered 410 Gone: stop sending to it.
    gone: bool,
}

impl Sent {
    fn refused(error: String) -> Self {
        Self {
            status_code: None,
            latency_ms: 0,
            error: Some(error),
            excerpt: None,
            success: false,
            gone: false,
        }
    }
}

impl Outbox {
    pub fn new(settings: DeliverySettings) -> Result<Self, SetupError> {
        let http = outbound::http_client(settings.policy, settings.timeout)?;
        let smtp = match &settings.smtp {
            None => None,
            Some(smtp) => Some(smtp_transport(smtp, settings.timeout)?),
        };
        Ok(Self {
            inner: Arc::new(Inner { settings, http, smtp }),
        })
    }

    pub fn settings(&self) -> &DeliverySettings {
        &self.inner.settings
    }

    /// Whether email channels can send (the server has SMTP settings).
    pub fn email_available(&self) -> bool {
        self.inner.smtp.is_some()
    }

    /// Claims one batch of due deliveries and attempts them concurrently; returns how many were
    /// claimed (0: nothing is due).
    pub async fn process_due(&self, db: &Db, now: DateTime<Utc>) -> Result<usize, sqlx::Error> {
        let claims = self.claim_due(db, now).await?;
        let attempts = claims.iter().map(|claim| async move {
            if let Err(error) = self.attempt(db, claim, now).await {
                // The lease runs out and another attempt follows; nothing is lost.
                tracing::error!(%error, delivery_id = %claim.delivery_id, "recording a delivery attempt failed");
            }
        });
        futures::future::join_all(attempts).await;
        Ok(claims.len())
    }

    /// Leases up to `batch` due deliveries (and first fails those whose last attempt's worker
    /// vanished).
    pub async fn claim_due(&self, db: &Db, now: DateTime<Utc>) -> Result<Vec<Claim>, sqlx::Error> {
        let settings = self.settings();
        let lease = Lease {
            token: uuid::Uuid::new_v4(),
            until: now + chrono::Duration::from_std(settings.lease).unwrap_or(chrono::Duration::seconds(60)),
        };
        let mut tx = OutboxTx::begin(db).await?;
        let abandoned =
            notify_db::fail_abandoned(&mut tx, now, settings.max_attempts(), &t("deliveries-error-abandoned")).await?;
        if abandoned > 0 {
            tracing::warn!(abandoned, "deliveries failed: their last attempt's worker stopped");
        }
        let claims = notify_db::claim_due(&mut tx, now, &lease, settings.batch, settings.max_attempts()).await?;
        tx.commit().await?;
        Ok(claims)
    }

    /// Makes the attempt `claim` holds and records it. `None`: the lease was lost before the
    /// attempt started (another worker has the delivery now), so nothing was sent.
    pub async fn attempt(
        &self,
        db: &Db,
        claim: &Claim,
        now: DateTime<Utc>,
    ) -> Result<Option<AttemptReport>, sqlx::Error> {
        let mut tx = TenantTx::begin(db, claim.tenant_id).await?;
        let delivery = notify_db::select_delivery_to_send(&mut tx, claim, now).await?;
        tx.commit().await?;
        let Some(delivery) = delivery else {
            tracing::info!(delivery_id = %claim.delivery_id, "lease lost before the attempt; skipped");
            return Ok(None);
        };
        let sent = if delivery.channel_enabled {
            self.send(claim.delivery_id, &delivery, now).await
        } else {
            Sent::refused(t("deliveries-error-channel-off"))
        };
        let max_attempts = delivery.max_attempts.unwrap_or_else(|| self.settings().max_attempts());
        let outcome = if sent.success {
            AttemptOutcome::Delivered
        } else if sent.gone || !delivery.channel_enabled || claim.attempt >= max_attempts {
            AttemptOutcome::Failed
        } else {
            AttemptOutcome::Retry
        };
        let next_attempt_at = (outcome == AttemptOutcome::Retry).then(|| {
            let delay = usize::try_from(claim.attempt)
                .ok()
                .and_then(|index| self.settings().schedule.get(index).copied())
                .unwrap_or_default();
            now + chrono::Duration::from_std(delay).unwrap_or_default()
        });
        let row = AttemptRow {
            delivery_id: claim.delivery_id,
            attempt: claim.attempt,
            started_at: now,
            latency_ms: sent.latency_ms,
            outcome,
            status_code: sent.status_code,
            error: sent.error.as_deref(),
            response_excerpt: sent.excerpt.as_deref(),
        };
        let mut tx = TenantTx::begin(db, claim.tenant_id).await?;
        // The channel row first: every transaction that changes a channel and its deliveries
        // (this one, turning a channel off) locks them in that order, so two attempts recorded
        // at once for one channel queue up instead of deadlocking.
        let health = if delivery.channel_enabled {
            notify_db::update_channel_failing(&mut tx, delivery.channel_id, sent.success, now).await?
        } else {
            None
        };
        if delivery.channel_enabled {
            notify_db::insert_attempt(&mut tx, &row).await?;
        }
        if !notify_db::update_delivery_after_attempt(&mut tx, &row, claim.token, next_attempt_at).await? {
            tracing::warn!(delivery_id = %claim.delivery_id, "lease ran out during the attempt; another worker owns it");
        }
        if let Some((failing_since, true)) = health {
            self.turn_off_if_due(&mut tx, claim.tenant_id, delivery.channel_id, &sent, failing_since, now)
                .await?;
        }
        tx.commit().await?;
        tracing::info!(
            delivery_id = %claim.delivery_id,
            attempt = claim.attempt,
            outcome = outcome.as_str(),
            status = sent.status_code,
            latency_ms = sent.latency_ms,
            "delivery attempt"
        );
        Ok(Some(AttemptReport {
            delivery_id: claim.delivery_id,
            outcome,
            status_code: sent.status_code,
            latency_ms: sent.latency_ms,
            error: sent.error,
        }))
    }

    /// Turns the channel off when it has failed for too long or its receiver is gone (audited as
    /// a system action; its pending deliveries end as failed).
    async fn turn_off_if_due(
        &self,
        tx: &mut TenantTx,
        tenant_id: TenantId,
        channel_id: ChannelId,
        sent: &Sent,
        failing_since: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), sqlx::Error> {
        if sent.success {
            return Ok(());
        }
        let disable_after = chrono::Duration::from_std(self.settings().disable_after).unwrap_or(chrono::Duration::MAX);
        let reason = if sent.gone {
            DisabledReason::Gone
        } else if failing_since.is_some_and(|since| now - since >= disable_after) {
            DisabledReason::Failing
        } else {
            return Ok(());
        };
        notify_db::update_channel_enabled(tx, channel_id, Some(reason), now).await?;
        let ended =
            notify_db::update_pending_deliveries_failed(tx, channel_id, &t("deliveries-error-channel-off"), now)
                .await?;
        let event = AuditEvent {
            tenant_id: Some(tenant_id),
            action: "channel.auto_disable",
            entity_type: "channel",
            entity_id: Some(channel_id.to_string()),
            before: Some(serde_json::json!({ "enabled": true, "failing_since": failing_since })),
            after: Some(serde_json::json!({
                "enabled": false,
                "disabled_reason": reason.as_str(),
                "last_error": sent.error,
                "last_status_code": sent.status_code,
                "pending_deliveries_failed": ended,
            })),
        };
        insert_audit_event(tx, &Actor::system(), event).await?;
        tracing::warn!(%channel_id, reason = reason.as_str(), "channel turned off");
        Ok(())
    }

    async fn send(&self, delivery_id: DeliveryId, delivery: &DeliveryToSend, now: DateTime<Utc>) -> Sent {
        let public_url = &self.settings().public_url;
        let notification = &delivery.notification;
        match (&delivery.target, delivery.kind) {
            (Target::Url(url), kind) if kind.is_http() => {
                let body = match kind {
                    ChannelKind::Slack => render::slack_body(notification, public_url),
                    ChannelKind::Teams => render::teams_body(notification, public_url),
                    _ => render::webhook_body(notification, delivery.created_at, public_url),
                };
                let body = body.to_string().into_bytes();
                let id = delivery_id.to_string();
                let timestamp = now.timestamp();
                let mut headers = vec![
                    (signing::ID_HEADER, id.clone()),
                    (signing::TIMESTAMP_HEADER, timestamp.to_string()),
                ];
                if !delivery.secrets.is_empty() {
                    let keys: Vec<&[u8]> = delivery.secrets.iter().map(Vec::as_slice).collect();
                    headers.push((
                        signing::SIGNATURE_HEADER,
                        signing::signature_header(&keys, &id, timestamp, &body),
                    ));
                }
                let timeout = self.settings().timeout;
                let (result, latency_ms) = outbound::timed(outbound::post(
                    &self.inner.http,
                    self.settings().policy,
                    url,
                    headers,
                    body,
                    timeout,
                ))
                .await;
                match result {
                    Ok(answer) => Sent {
                        status_code: Some(i32::from(answer.status)),
                        latency_ms,
                        error: (!(200..300).contains(&answer.status)).then(|| {
                            crate::i18n::t_args("deliveries-error-status", &[("status", &answer.status.to_string())])
                        }),
                        excerpt: answer.excerpt,
                        success: (200..300).contains(&answer.status),
                        gone: answer.status == 410,
                    },
                    Err(error) => Sent {
                        latency_ms,
                        ..Sent::refused(error)
                    },
                }
            }
            (Target::Recipients(to), ChannelKind::Email) => self.send_email(delivery_id, to, notification).await,
            _ => Sent::refused(t("deliveries-error-misconfigured")),
        }
    }

    async fn send_email(
        &self,
        delivery_id: DeliveryId,
        to: &[String],
        notification: &super::types::Notification,
    ) -> Sent {
        let Some((transport, from)) = &self.inner.smtp else {
            return Sent::refused(t("deliveries-error-no-smtp"));
        };
        let content = render::email_content(notification, &self.settings().public_url);
        let host = from.email.domain().to_owned();
        let mut builder = Message::builder()
            .from(from.clone())
            .subject(content.subject)
            // The delivery id again: a replayed message is the same message to mail clients.
            .message_id(Some(format!("<{delivery_id}@{host}>")));
        for recipient in to {
            match recipient.parse::<Mailbox>() {
                Ok(mailbox) => builder = builder.to(mailbox),
                Err(_) => return Sent::refused(t("deliveries-error-misconfigured")),
            }
        }
        let message = match builder.multipart(MultiPart::alternative_plain_html(content.text, content.html)) {
            Ok(message) => message,
            Err(error) => return Sent::refused(error.to_string()),
        };
        let (result, latency_ms) = outbound::timed(transport.send(message)).await;
        match result {
            Ok(response) => Sent {
                status_code: response.code().to_string().parse().ok(),
                latency_ms,
                error: None,
                excerpt: outbound::excerpt(response.message().collect::<Vec<_>>().join(" ").as_bytes()),
                success: true,
                gone: false,
            },
            Err(error) => Sent {
                status_code: error.status().and_then(|code| code.to_string().parse().ok()),
                latency_ms,
                ..Sent::refused(error.to_string())
            },
        }
    }
}

impl Outbox {
    /// Sends one email outside the delivery outbox: an invitation, whose link exists only in
    /// the request that made it (the table keeps its hash). `Err` says why it did not go out.
    pub async fn send_mail(&self, to: &str, subject: String, text: String, html: String) -> Result<(), String> {
        let Some((transport, from)) = &self.inner.smtp else {
            return Err(t("deliveries-error-no-smtp"));
        };
        let to: Mailbox = to
            .parse()
            .map_err(|error: lettre::address::AddressError| error.to_string())?;
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(subject)
            .multipart(MultiPart::alternative_plain_html(text, html))
            .map_err(|error| error.to_string())?;
        transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|error| error.to_string())
    }
}

fn smtp_transport(
    smtp: &SmtpSettings,
    timeout: Duration,
) -> Result<(AsyncSmtpTransport<Tokio1Executor>, Mailbox), SetupError> {
    let from: Mailbox = smtp
        .from
        .parse()
        .map_err(|error: lettre::address::AddressError| SetupError::SmtpFrom(error.to_string()))?;
    let builder = match smtp.tls {
        SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
        SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
            .map_err(|error| SetupError::SmtpHost(error.to_string()))?,
        SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)
            .map_err(|error| SetupError::SmtpHost(error.to_string()))?,
    };
    let mut builder = builder.port(smtp.port).timeout(Some(timeout));
    if let (Some(username), Some(password)) = (&smtp.username, &smtp.password) {
        builder = builder.credentials(Credentials::new(username.clone(), password.clone()));
    }
    Ok((builder.build(), from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_parse_with_units() {
        assert_eq!(
            parse_schedule("0s,5s,5m,30m,2h,5h,10h,10h"),
            Ok(DEFAULT_SCHEDULE.to_vec())
        );
        assert_eq!(
            parse_schedule(" 0ms, 250ms ,1s"),
            Ok(vec![Duration::ZERO, Duration::from_millis(250), Duration::from_secs(1)])
        );
        for bad in ["", "5", "5d", "s", "-1s", ",,"] {
            assert!(parse_schedule(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_default_makes_eight_attempts() {
        assert_eq!(DeliverySettings::default().max_attempts(), 8);
        assert!(DeliverySettings::default().lease > DeliverySettings::default().timeout);
    }
}
