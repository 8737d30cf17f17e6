//! Channel and outbox queries. Everything a tenant sees runs in its `TenantTx`; only claiming due
//! deliveries across tenants runs in the worker's `OutboxTx`.

use super::types::{
    AttemptOutcome, AttemptSummary, ChannelDetail, ChannelKind, ChannelSummary, ChannelWarning, DeliveryFilter,
    DeliveryStatus, DeliverySummary, DisabledReason, Notification,
};
use crate::db::keyset::{Key, Order, Window, capped_count, explain};
use crate::db::{OutboxTx, TenantTx};
use crate::ids::{ChannelId, DeliveryId, TenantId};
use crate::paging::{Page, SortDir};
use crate::preferences::Language;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{FromRow, Postgres, QueryBuilder};
use std::collections::HashMap;
use uuid::Uuid;

/// The outbox's wake-up channel: workers LISTEN on it, so a committed delivery is attempted at
/// once rather than at the next poll.
pub const OUTBOX_CHANNEL: &str = "atrium_outbox";

/// How many deliveries an alert's page shows.
pub const LOG_LIMIT: i64 = 100;

/// How many channels a chooser offers before one searches.
pub const CHANNEL_CHOICES: i64 = 20;

/// Up to `limit` of the tenant's channels whose name contains `search` (all when it is empty),
/// by name: what a channel chooser offers. The name index is read in order and stops at the
/// limit, however many channels the tenant has.
pub async fn select_channel_choices(
    tx: &mut TenantTx,
    search: &str,
    limit: i64,
) -> Result<Vec<ChannelSummary>, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let rows = sqlx::query!(
        r#"SELECT channel_id, name, kind, enabled FROM channels
           WHERE tenant_id = $1 AND ($2 = '' OR name ILIKE $3)
           ORDER BY name_key, channel_id
           LIMIT $4"#,
        tenant_id.0,
        search,
        crate::paging::like_pattern(search),
        limit
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| channel_summary(row.channel_id, row.name, &row.kind, row.enabled))
        .collect())
}

/// The tenant's channels among `ids` (those a rule names), by name; unknown ids are left out.
pub async fn select_channels_by_id(tx: &mut TenantTx, ids: &[ChannelId]) -> Result<Vec<ChannelSummary>, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let ids: Vec<Uuid> = ids.iter().map(|id| id.0).collect();
    let rows = sqlx::query!(
        r#"SELECT channel_id, name, kind, enabled FROM channels
           WHERE tenant_id = $1 AND channel_id = ANY($2)
           ORDER BY name_key, channel_id"#,
        tenant_id.0,
        &ids
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| channel_summary(row.channel_id, row.name, &row.kind, row.enabled))
        .collect())
}

fn channel_summary(channel_id: Uuid, name: String, kind: &str, enabled: bool) -> Option<ChannelSummary> {
    Some(ChannelSummary {
        channel_id: ChannelId(channel_id),
        name,
        kind: ChannelKind::parse(kind)?,
        enabled,
    })
}

/// A channel's target as stored in `channels.config`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Url(String),
    Recipients(Vec<String>),
}

impl Target {
    pub fn to_config(&self) -> Value {
        match self {
            Self::Url(url) => serde_json::json!({ "url": url }),
            Self::Recipients(to) => serde_json::json!({ "to": to }),
        }
    }

    pub fn from_config(kind: ChannelKind, config: &Value) -> Option<Self> {
        if kind.is_http() {
            config.get("url")?.as_str().map(|url| Self::Url(url.to_owned()))
        } else {
            let to = config.get("to")?.as_array()?;
            Some(Self::Recipients(
                to.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            ))
        }
    }

    /// What the edit form shows.
    pub fn text(&self) -> String {
        match self {
            Self::Url(url) => url.clone(),
            Self::Recipients(to) => to.join(", "),
        }
    }

    /// What lists show: a URL's origin with its path cut short (Slack and Teams URLs carry their
    /// credential in the path), or the recipients.
    pub fn display(&self) -> String {
        match self {
            Self::Url(raw) => match url::Url::parse(raw) {
                Ok(url) => {
                    let origin = url.origin().ascii_serialization();
                    if url.path() == "/" && url.query().is_none() {
                        format!("{origin}/")
                    } else {
                        format!("{origin}/…")
                    }
                }
                Err(_) => "…".to_owned(),
            },
            Self::Recipients(to) => to.join(", "),
        }
    }
}

/// A `ChannelDetail` from a row of the channel queries below (they select the same columns).
macro_rules! channel_detail {
    ($row:expr) => {{
        let row = $row;
        ChannelKind::parse(&row.kind).and_then(|kind| {
            let target = Target::from_config(kind, &row.config)?;
            Some(ChannelDetail {
                channel_id: ChannelId(row.channel_id),
                name: row.name,
                kind,
                target: target.text(),
                target_display: target.display(),
                enabled: row.enabled,
                disabled_reason: row.disabled_reason.as_deref().and_then(DisabledReason::parse),
                disabled_at: row.disabled_at,
                failing_since: row.failing_since,
                signed: row.signed,
                previous_secret_until: row.previous_secret_expires_at,
                language: Language::parse(&row.language).unwrap_or_default(),
                created_at: row.created_at,
                updated_at: row.updated_at,
            })
        })
    }};
}

/// The tenant's channels with their targets and state, by name.
pub async fn select_channels(tx: &mut TenantTx) -> Result<Vec<ChannelDetail>, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let rows = sqlx::query!(
        r#"SELECT channel_id, name, kind, config, enabled, disabled_reason, disabled_at, failing_since,
                  secret IS NOT NULL AS "signed!", previous_secret_expires_at, language, created_at, updated_at
           FROM channels WHERE tenant_id = $1 ORDER BY lower(name), channel_id"#,
        tenant_id.0
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().filter_map(|row| channel_detail!(row)).collect())
}

/// One channel of the tenant (another tenant's id finds nothing).
pub async fn select_channel(tx: &mut TenantTx, channel_id: ChannelId) -> Result<Option<ChannelDetail>, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let row = sqlx::query!(
        r#"SELECT channel_id, name, kind, config, enabled, disabled_reason, disabled_at, failing_since,
                  secret IS NOT NULL AS "signed!", previous_secret_expires_at, language, created_at, updated_at
           FROM channels WHERE tenant_id = $1 AND channel_id = $2"#,
        tenant_id.0,
        channel_id.0
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.and_then(|row| channel_detail!(row)))
}

/// A new channel's row.
pub struct NewChannelRow<'a> {
    pub name: &'a str,
    pub kind: ChannelKind,
    pub target: &'a Target,
    pub secret: Option<&'a [u8]>,
    pub language: Language,
}

/// Inserts a channel; a taken name is the unique violation `channels_name_key`.
pub async fn insert_channel(tx: &mut TenantTx, row: &NewChannelRow<'_>) -> Result<ChannelId, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    sqlx::query_scalar!(
        r#"INSERT INTO channels (tenant_id, name, kind, config, secret, language)
           VALUES ($1, $2, $3, $4, $5, $6)
           RETURNING channel_id AS "channel_id: ChannelId""#,
        tenant_id.0,
        row.name,
        row.kind.as_str(),
        row.target.to_config(),
        row.secret,
        row.language.as_str()
    )
    .fetch_one(&mut **tx)
    .await
}

/// Renames a channel and sets its target and language; false when it does not exist.
pub async fn update_channel(
    tx: &mut TenantTx,
    channel_id: ChannelId,
    name: &str,
    target: &Target,
    language: Language,
) -> Result<bool, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let result = sqlx::query!(
        "UPDATE channels SET name = $3, config = $4, language = $5, updated_at = now()
         WHERE tenant_id = $1 AND channel_id = $2",
        tenant_id.0,
        channel_id.0,
        name,
        target.to_config(),
        language.as_str()
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Deletes a channel with its deliveries and their attempts.
pub async fn delete_channel(tx: &mut TenantTx, channel_id: ChannelId) -> Result<bool, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let result = sqlx::query!(
        "DELETE FROM channels WHERE tenant_id = $1 AND channel_id = $2",
        tenant_id.0,
        channel_id.0
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Turns a channel on (clearing its reason and failure clock: it starts afresh) or off with a
/// reason. False when it does not exist.
pub async fn update_channel_enabled(
    tx: &mut TenantTx,
    channel_id: ChannelId,
    disabled: Option<DisabledReason>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let reason = disabled.map(DisabledReason::as_str);
    let result = sqlx::query!(
        r#"UPDATE channels
           SET enabled = $3::text IS NULL,
               disabled_reason = $3,
               disabled_at = CASE WHEN $3::text IS NULL THEN NULL ELSE $4::timestamptz END,
               failing_since = CASE WHEN $3::text IS NULL THEN NULL ELSE failing_since END,
               updated_at = now()
           WHERE tenant_id = $1 AND channel_id = $2"#,
        tenant_id.0,
        channel_id.0,
        reason,
        now
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Ends the channel's pending deliveries as failed (they stay replayable): the channel was turned
/// off. Returns how many.
pub async fn update_pending_deliveries_failed(
    tx: &mut TenantTx,
    channel_id: ChannelId,
    error: &str,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let result = sqlx::query!(
        r#"UPDATE deliveries
           SET status = 'failed', finished_at = $4, last_error = $3, lease_token = NULL, leased_until = NULL
           WHERE tenant_id = $1 AND channel_id = $2 AND status = 'pending'"#,
        tenant_id.0,
        channel_id.0,
        error,
        now
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected())
}

/// Replaces a channel's signing secret; the previous one signs too until `previous_until`
/// (none: it stops at once). Returns false when the channel does not exist.
pub async fn update_channel_secret(
    tx: &mut TenantTx,
    channel_id: ChannelId,
    secret: &[u8],
    previous_until: Option<DateTime<Utc>>,
) -> Result<bool, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let result = sqlx::query!(
        r#"UPDATE channels
           SET previous_secret = CASE WHEN $4::timestamptz IS NULL THEN NULL ELSE secret END,
               previous_secret_expires_at = $4,
               secret = $3,
               updated_at = now()
           WHERE tenant_id = $1 AND channel_id = $2 AND secret IS NOT NULL"#,
        tenant_id.0,
        channel_id.0,
        secret,
        previous_until
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// The channels the server turned off (failing, gone), for the admins' warning.
pub async fn select_channel_warnings(tx: &mut TenantTx) -> Result<Vec<ChannelWarning>, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let rows = sqlx::query!(
        r#"SELECT channel_id, name, disabled_reason AS "reason!", disabled_at
           FROM channels
           WHERE tenant_id = $1 AND NOT enabled AND disabled_reason IN ('failing', 'gone')
           ORDER BY disabled_at DESC, lower(name)"#,
        tenant_id.0
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(ChannelWarning {
                channel_id: ChannelId(row.channel_id),
                name: row.name,
                reason: DisabledReason::parse(&row.reason)?,
                disabled_at: row.disabled_at,
            })
        })
        .collect())
}

/// Writes one pending delivery per enabled channel among `channels` (unknown or disabled ones are
/// skipped), due at `now`, and wakes the workers when the transaction commits.
pub async fn insert_deliveries(
    tx: &mut TenantTx,
    channels: &[ChannelId],
    compose: &(dyn Fn(Language) -> Notification + Sync),
    now: DateTime<Utc>,
) -> Result<Vec<DeliveryId>, sqlx::Error> {
    if channels.is_empty() {
        return Ok(Vec::new());
    }
    let tenant_id = tx.tenant_id();
    let channel_ids: Vec<uuid::Uuid> = channels.iter().map(|id| id.0).collect();
    // One message per language the enabled channels read, each written once.
    let languages = sqlx::query_scalar!(
        "SELECT DISTINCT language FROM channels WHERE tenant_id = $1 AND channel_id = ANY($2) AND enabled
         ORDER BY language",
        tenant_id.0,
        &channel_ids,
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut ids = Vec::new();
    for language in languages.iter().filter_map(|tag| Language::parse(tag)) {
        let notification = compose(language);
        let body = serde_json::to_value(&notification).map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
        ids.extend(
            sqlx::query_scalar!(
                r#"INSERT INTO deliveries (tenant_id, channel_id, event_type, notification, source_ids, next_attempt_at, created_at)
                   SELECT tenant_id, channel_id, $3, $4, $5, $6, $6
                   FROM channels
                   WHERE tenant_id = $1 AND channel_id = ANY($2) AND enabled AND language = $7
                   RETURNING delivery_id AS "delivery_id: DeliveryId""#,
                tenant_id.0,
                &channel_ids,
                notification.event_type,
                body,
                &notification.sources,
                now,
                language.as_str()
            )
            .fetch_all(&mut **tx)
            .await?,
        );
    }
    if !ids.is_empty() {
        sqlx::query!("SELECT pg_notify($1, '')", OUTBOX_CHANNEL)
            .execute(&mut **tx)
            .await?;
    }
    Ok(ids)
}

/// Writes a channel test: a single-attempt delivery already leased to the caller (who attempts it
/// right after committing), so no worker races it; should the caller die before recording, the
/// lease ends and a worker marks it failed (its one attempt is spent), replayable like any other.
pub async fn insert_leased_delivery(
    tx: &mut TenantTx,
    channel_id: ChannelId,
    notification: &Notification,
    now: DateTime<Utc>,
    lease: &Lease,
) -> Result<DeliveryId, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let body = serde_json::to_value(notification).map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
    sqlx::query_scalar!(
        r#"INSERT INTO deliveries (tenant_id, channel_id, event_type, notification, source_ids, attempts,
                                   max_attempts, next_attempt_at, lease_token, leased_until, created_at)
           VALUES ($1, $2, $3, $4, $5, 1, 1, $6, $7, $6, $8)
           RETURNING delivery_id AS "delivery_id: DeliveryId""#,
        tenant_id.0,
        channel_id.0,
        notification.event_type,
        body,
        &notification.sources,
        lease.until,
        lease.token,
        now
    )
    .fetch_one(&mut **tx)
    .await
}

/// A worker's hold on deliveries it is attempting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    pub token: Uuid,
    pub until: DateTime<Utc>,
}

/// A delivery a worker has leased: whose it is and which attempt of its cycle this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    pub tenant_id: TenantId,
    pub delivery_id: DeliveryId,
    pub attempt: i32,
    pub token: Uuid,
}

/// Leases up to `limit` due deliveries of any tenant, oldest due first. Rows another worker has
/// locked are skipped, not waited for, so workers on every replica share the work; the lease
/// moves `next_attempt_at` to its end, so the row is due again only if this worker never records
/// a result. The attempt is counted now (see the migration).
pub async fn claim_due(
    tx: &mut OutboxTx,
    now: DateTime<Utc>,
    lease: &Lease,
    limit: i64,
    schedule_len: i32,
) -> Result<Vec<Claim>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"WITH due AS (
               SELECT tenant_id, delivery_id FROM deliveries
               WHERE status = 'pending' AND next_attempt_at <= $1
                 AND attempts < coalesce(max_attempts, $5)
               ORDER BY next_attempt_at
               LIMIT $4
               FOR UPDATE SKIP LOCKED
           )
           UPDATE deliveries AS d
           SET attempts = d.attempts + 1, lease_token = $3, leased_until = $2, next_attempt_at = $2
           FROM due
           WHERE d.tenant_id = due.tenant_id AND d.delivery_id = due.delivery_id
           RETURNING d.tenant_id, d.delivery_id, d.attempts"#,
        now,
        lease.until,
        lease.token,
        limit,
        schedule_len
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Claim {
            tenant_id: TenantId(row.tenant_id),
            delivery_id: DeliveryId(row.delivery_id),
            attempt: row.attempts,
            token: lease.token,
        })
        .collect())
}

/// Fails deliveries whose last allowed attempt was claimed by a worker that never recorded a
/// result (its lease ran out): nothing is left to try. Returns how many.
pub async fn fail_abandoned(
    tx: &mut OutboxTx,
    now: DateTime<Utc>,
    schedule_len: i32,
    error: &str,
) -> Result<u64, sqlx::Error> {
    let result = sqlx::query!(
        r#"UPDATE deliveries
           SET status = 'failed', finished_at = $1, last_error = $3, lease_token = NULL, leased_until = NULL
           WHERE status = 'pending' AND next_attempt_at <= $1 AND attempts >= coalesce(max_attempts, $2)"#,
        now,
        schedule_len,
        error
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected())
}

/// What sending one delivery needs: the message and the channel with its secrets.
pub struct DeliveryToSend {
    pub channel_id: ChannelId,
    pub kind: ChannelKind,
    pub target: Target,
    pub channel_enabled: bool,
    /// The current secret, then the previous one while its overlap lasts.
    pub secrets: Vec<Vec<u8>>,
    pub notification: Notification,
    pub created_at: DateTime<Utc>,
    pub max_attempts: Option<i32>,
}

/// The delivery `claim` holds, with its channel; none if the lease was lost meanwhile.
pub async fn select_delivery_to_send(
    tx: &mut TenantTx,
    claim: &Claim,
    now: DateTime<Utc>,
) -> Result<Option<DeliveryToSend>, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let row = sqlx::query!(
        r#"SELECT d.channel_id, d.notification, d.created_at, d.max_attempts,
                  c.kind, c.config, c.enabled, c.secret,
                  CASE WHEN c.previous_secret_expires_at > $4 THEN c.previous_secret END AS previous_secret
           FROM deliveries d JOIN channels c USING (tenant_id, channel_id)
           WHERE d.tenant_id = $1 AND d.delivery_id = $2 AND d.lease_token = $3 AND d.status = 'pending'"#,
        tenant_id.0,
        claim.delivery_id.0,
        claim.token,
        now
    )
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let decode = |error: String| sqlx::Error::Decode(error.into());
    let kind = ChannelKind::parse(&row.kind).ok_or_else(|| decode(format!("unknown channel kind {}", row.kind)))?;
    let target = Target::from_config(kind, &row.config).ok_or_else(|| decode("malformed channel config".into()))?;
    let notification: Notification =
        serde_json::from_value(row.notification).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
    Ok(Some(DeliveryToSend {
        channel_id: ChannelId(row.channel_id),
        kind,
        target,
        channel_enabled: row.enabled,
        secrets: row.secret.into_iter().chain(row.previous_secret).collect(),
        notification,
        created_at: row.created_at,
        max_attempts: row.max_attempts,
    }))
}

/// One attempt's record.
pub struct AttemptRow<'a> {
    pub delivery_id: DeliveryId,
    pub attempt: i32,
    pub started_at: DateTime<Utc>,
    pub latency_ms: i32,
    pub outcome: AttemptOutcome,
    pub status_code: Option<i32>,
    pub error: Option<&'a str>,
    pub response_excerpt: Option<&'a str>,
}

pub async fn insert_attempt(tx: &mut TenantTx, row: &AttemptRow<'_>) -> Result<(), sqlx::Error> {
    let tenant_id = tx.tenant_id();
    sqlx::query!(
        r#"INSERT INTO delivery_attempts (tenant_id, delivery_id, attempt, started_at, latency_ms, outcome,
                                          status_code, error, response_excerpt)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"#,
        tenant_id.0,
        row.delivery_id.0,
        row.attempt,
        row.started_at,
        row.latency_ms,
        row.outcome.as_str(),
        row.status_code,
        row.error,
        row.response_excerpt
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Moves a leased delivery to its next state after an attempt: pending again at
/// `next_attempt_at`, delivered or failed. Only the lease holder may (false otherwise: the lease
/// ran out and the delivery is someone else's now).
pub async fn update_delivery_after_attempt(
    tx: &mut TenantTx,
    row: &AttemptRow<'_>,
    token: Uuid,
    next_attempt_at: Option<DateTime<Utc>>,
) -> Result<bool, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let status = match row.outcome {
        AttemptOutcome::Delivered => DeliveryStatus::Delivered,
        AttemptOutcome::Retry => DeliveryStatus::Pending,
        AttemptOutcome::Failed => DeliveryStatus::Failed,
    };
    let finished_at = (status != DeliveryStatus::Pending).then_some(row.started_at);
    let result = sqlx::query!(
        r#"UPDATE deliveries
           SET status = $4, next_attempt_at = coalesce($5, next_attempt_at), lease_token = NULL, leased_until = NULL,
               last_attempt_at = $6, last_status_code = $7, last_latency_ms = $8, last_error = $9, finished_at = $10
           WHERE tenant_id = $1 AND delivery_id = $2 AND lease_token = $3 AND status = 'pending'"#,
        tenant_id.0,
        row.delivery_id.0,
        token,
        status.as_str(),
        next_attempt_at,
        row.started_at,
        row.status_code,
        row.latency_ms,
        row.error,
        finished_at
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// A channel's failure clock after an attempt: a success stops it, a failure starts it if it is
/// not running. Returns since when the channel has been failing (none after a success) and
/// whether it is still on.
pub async fn update_channel_failing(
    tx: &mut TenantTx,
    channel_id: ChannelId,
    succeeded: bool,
    now: DateTime<Utc>,
) -> Result<Option<(Option<DateTime<Utc>>, bool)>, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let row = sqlx::query!(
        r#"UPDATE channels
           SET failing_since = CASE WHEN $3 THEN NULL ELSE coalesce(failing_since, $4) END
           WHERE tenant_id = $1 AND channel_id = $2
           RETURNING failing_since, enabled"#,
        tenant_id.0,
        channel_id.0,
        succeeded,
        now
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|row| (row.failing_since, row.enabled)))
}

/// Starts a new attempt cycle for a failed delivery, due at once, keeping its id (the
/// `webhook-id`, so a receiver that did get it after all drops the copy). False unless it failed.
pub async fn update_delivery_replay(
    tx: &mut TenantTx,
    delivery_id: DeliveryId,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let result = sqlx::query!(
        r#"UPDATE deliveries
           SET status = 'pending', attempts = 0, replays = replays + 1, next_attempt_at = $3,
               finished_at = NULL, lease_token = NULL, leased_until = NULL
           WHERE tenant_id = $1 AND delivery_id = $2 AND status = 'failed'"#,
        tenant_id.0,
        delivery_id.0,
        now
    )
    .execute(&mut **tx)
    .await?;
    if result.rows_affected() == 1 {
        sqlx::query!("SELECT pg_notify($1, '')", OUTBOX_CHANNEL)
            .execute(&mut **tx)
            .await?;
    }
    Ok(result.rows_affected() == 1)
}

/// The delivery log's one order, newest first: `deliveries_created_idx`, or the channel's or
/// status's index when the log is narrowed to one, read backwards from the cursor.
static DELIVERY_ORDER: Order = Order::by_uuid("d.delivery_id", &[Key::time("d.created_at")]);

/// Deliveries a log page shows.
pub const LOG_PAGE: u32 = 50;

/// `SELECT …` of one page of the tenant's delivery log narrowed by `filter`.
fn push_deliveries_page(
    qb: &mut QueryBuilder<'_, Postgres>,
    tenant_id: TenantId,
    filter: &DeliveryFilter,
    window: &Window,
) {
    qb.push(
        "SELECT d.delivery_id, d.channel_id, c.name AS channel_name, c.kind AS channel_kind, d.event_type, \
         d.notification->>'title' AS title, d.status, d.attempts, d.replays, d.last_attempt_at, \
         d.last_status_code, d.last_latency_ms, d.last_error, d.next_attempt_at, d.created_at, d.finished_at",
    );
    window.push_select(qb);
    qb.push(" FROM deliveries d JOIN channels c USING (tenant_id, channel_id)");
    push_delivery_filter(qb, tenant_id, filter);
    window.push_condition(qb);
    window.push_order(qb);
}

/// `WHERE …` shared by a log page and its count.
fn push_delivery_filter(qb: &mut QueryBuilder<'_, Postgres>, tenant_id: TenantId, filter: &DeliveryFilter) {
    qb.push(" WHERE d.tenant_id = ").push_bind(tenant_id.0);
    if let Some(channel_id) = filter.channel_id {
        qb.push(" AND d.channel_id = ").push_bind(channel_id.0);
    }
    if let Some(status) = filter.status {
        qb.push(" AND d.status = ").push_bind(status.as_str());
    }
}

/// One page of the tenant's deliveries, newest first, narrowed by `filter`, with their
/// attempts: `[after, before]` are the cursors of the page's URL, `page` its number.
pub async fn select_deliveries(
    tx: &mut TenantTx,
    filter: &DeliveryFilter,
    cursors: [Option<&str>; 2],
    page: u32,
) -> Result<Page<DeliverySummary>, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let window = Window::from_parts(&DELIVERY_ORDER, SortDir::Desc, cursors, page, LOG_PAGE);
    let total = capped_count(tx, "deliveries d", |qb| push_delivery_filter(qb, tenant_id, filter)).await?;
    let mut query = QueryBuilder::new("");
    push_deliveries_page(&mut query, tenant_id, filter, &window);
    let rows = query.build().fetch_all(&mut **tx).await?;
    let mut page = window.finish(rows, total, |row| DeliveryRow::from_row(row))?;
    let items = with_attempts(tx, std::mem::take(&mut page.items)).await?;
    Ok(page.with_items(items))
}

/// PostgreSQL's plan (JSON) for a log page: the check that each filter reads one index range.
pub async fn explain_deliveries_page(
    tx: &mut TenantTx,
    filter: &DeliveryFilter,
    cursors: [Option<&str>; 2],
) -> Result<String, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let window = Window::from_parts(&DELIVERY_ORDER, SortDir::Desc, cursors, 2, LOG_PAGE);
    explain(tx, |qb| push_deliveries_page(qb, tenant_id, filter, &window)).await
}

/// Deliveries whose message is about `source` (an alert id), newest first, with their attempts.
pub async fn select_deliveries_for_source(
    tx: &mut TenantTx,
    source: Uuid,
) -> Result<Vec<DeliverySummary>, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let rows = sqlx::query_as!(
        DeliveryRow,
        r#"SELECT d.delivery_id, d.channel_id, c.name AS channel_name, c.kind AS channel_kind, d.event_type,
                  d.notification->>'title' AS title, d.status, d.attempts, d.replays, d.last_attempt_at,
                  d.last_status_code, d.last_latency_ms, d.last_error, d.next_attempt_at, d.created_at, d.finished_at
           FROM deliveries d JOIN channels c USING (tenant_id, channel_id)
           WHERE d.tenant_id = $1 AND d.source_ids @> ARRAY[$2::uuid]
           ORDER BY d.created_at DESC, d.delivery_id
           LIMIT $3"#,
        tenant_id.0,
        source,
        LOG_LIMIT
    )
    .fetch_all(&mut **tx)
    .await?;
    with_attempts(tx, rows).await
}

/// One delivery of the tenant, with its attempts.
pub async fn select_delivery(
    tx: &mut TenantTx,
    delivery_id: DeliveryId,
) -> Result<Option<DeliverySummary>, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let rows = sqlx::query_as!(
        DeliveryRow,
        r#"SELECT d.delivery_id, d.channel_id, c.name AS channel_name, c.kind AS channel_kind, d.event_type,
                  d.notification->>'title' AS title, d.status, d.attempts, d.replays, d.last_attempt_at,
                  d.last_status_code, d.last_latency_ms, d.last_error, d.next_attempt_at, d.created_at, d.finished_at
           FROM deliveries d JOIN channels c USING (tenant_id, channel_id)
           WHERE d.tenant_id = $1 AND d.delivery_id = $2"#,
        tenant_id.0,
        delivery_id.0
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(with_attempts(tx, rows).await?.into_iter().next())
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    delivery_id: Uuid,
    channel_id: Uuid,
    channel_name: String,
    channel_kind: String,
    event_type: String,
    title: Option<String>,
    status: String,
    attempts: i32,
    replays: i32,
    last_attempt_at: Option<DateTime<Utc>>,
    last_status_code: Option<i32>,
    last_latency_ms: Option<i32>,
    last_error: Option<String>,
    next_attempt_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
}

async fn with_attempts(tx: &mut TenantTx, rows: Vec<DeliveryRow>) -> Result<Vec<DeliverySummary>, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let ids: Vec<Uuid> = rows.iter().map(|row| row.delivery_id).collect();
    let attempts = sqlx::query!(
        r#"SELECT delivery_id, attempt, started_at, latency_ms, outcome, status_code, error, response_excerpt
           FROM delivery_attempts
           WHERE tenant_id = $1 AND delivery_id = ANY($2)
           ORDER BY attempt_id"#,
        tenant_id.0,
        &ids
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut log: HashMap<Uuid, Vec<AttemptSummary>> = HashMap::new();
    for row in attempts {
        let Some(outcome) = AttemptOutcome::parse(&row.outcome) else {
            continue;
        };
        log.entry(row.delivery_id).or_default().push(AttemptSummary {
            attempt: row.attempt,
            started_at: row.started_at,
            latency_ms: row.latency_ms,
            outcome,
            status_code: row.status_code,
            error: row.error,
            response_excerpt: row.response_excerpt,
        });
    }
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let status = DeliveryStatus::parse(&row.status)?;
            Some(DeliverySummary {
                delivery_id: DeliveryId(row.delivery_id),
                channel_id: ChannelId(row.channel_id),
                channel_name: row.channel_name,
                channel_kind: ChannelKind::parse(&row.channel_kind)?,
                event_type: row.event_type,
                title: row.title.unwrap_or_default(),
                status,
                attempts: row.attempts,
                replays: row.replays,
                last_attempt_at: row.last_attempt_at,
                last_status_code: row.last_status_code,
                last_latency_ms: row.last_latency_ms,
                last_error: row.last_error,
                next_attempt_at: (status == DeliveryStatus::Pending).then_some(row.next_attempt_at),
                created_at: row.created_at,
                finished_at: row.finished_at,
                attempt_log: log.remove(&row.delivery_id).unwrap_or_default(),
            })
        })
        .collect())
}

/// Channels of the transaction's tenant, enabled or not (the plan's `channels` limit).
pub async fn count_channels(tx: &mut TenantTx) -> Result<i64, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM channels WHERE tenant_id = $1"#,
        tenant
    )
    .fetch_one(&mut **tx)
    .await
}

/// Every channel of the tenant (bounded by the channel limit), for messages to all of them:
/// the outbox keeps only the enabled ones.
pub async fn select_channel_ids(tx: &mut TenantTx) -> Result<Vec<ChannelId>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    sqlx::query_scalar!(
        r#"SELECT channel_id AS "channel_id: ChannelId" FROM channels WHERE tenant_id = $1 ORDER BY channel_id"#,
        tenant
    )
    .fetch_all(&mut **tx)
    .await
}
