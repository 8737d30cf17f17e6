//! What other domains call (`enqueue`, inside their own transaction) and the channel operations
//! behind the server functions: each inside the caller's tenant transaction with its audit row.
//! Server functions check the permission and open the transaction; tests call these directly.
//!
//! Audit rows describe a channel by name, kind and shortened target (a Slack or Teams URL carries
//! its credential in the path); secrets never reach them.

use super::db::{self as notify_db, Lease, NewChannelRow, Target};
use super::outbound::{self, AddressPolicy};
use super::outbox::{AttemptReport, Outbox};
use super::signing;
use super::types::{
    ChannelDetail, ChannelKind, DeliveryStatus, DeliverySummary, DisabledReason, IssuedChannelSecret, Notification,
    SecretOverlap, TEST_EVENT, TestResult, parse_channel_name,
};
use crate::audit::db::{Actor, AuditEvent, insert_audit_event};
use crate::db::{Db, TenantTx};
use crate::error::{AppError, FieldErrors, map_unique};
use crate::i18n::{t, t_args};
use crate::ids::{ChannelId, DeliveryId, TenantId};
use crate::preferences::Language;
use chrono::{DateTime, Utc};

/// Puts a notification in the outbox for each enabled channel of `channels`, written by `compose`
/// in each channel's language, in the caller's transaction: it is delivered if and only if that
/// transaction commits.
pub async fn enqueue(
    tx: &mut TenantTx,
    channels: &[ChannelId],
    compose: &(dyn Fn(Language) -> Notification + Sync),
    now: DateTime<Utc>,
) -> Result<Vec<crate::ids::DeliveryId>, sqlx::Error> {
    notify_db::insert_deliveries(tx, channels, compose, now).await
}

/// The most recipients an email channel may have.
pub const RECIPIENTS_MAX: usize = 20;

/// Email recipients separated by commas, semicolons or white space: 1–20 valid addresses, each
/// once.
pub fn parse_recipients(raw: &str) -> Result<Vec<String>, String> {
    let mut recipients: Vec<String> = Vec::new();
    for part in raw
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        let address: lettre::Address = part
            .parse()
            .map_err(|_| t_args("channels-recipient-invalid", &[("address", part)]))?;
        let address = address.to_string();
        if !recipients.iter().any(|known| known.eq_ignore_ascii_case(&address)) {
            recipients.push(address);
        }
    }
    if recipients.is_empty() {
        return Err(t("channels-recipients-required"));
    }
    if recipients.len() > RECIPIENTS_MAX {
        return Err(t_args(
            "channels-recipients-too-many",
            &[("max", &RECIPIENTS_MAX.to_string())],
        ));
    }
    Ok(recipients)
}

/// Checks a URL field: syntax, scheme and (for host names) what it resolves to.
pub async fn parse_target_url(raw: &str, policy: AddressPolicy) -> Result<String, String> {
    if raw.trim().is_empty() {
        return Err(t("valid-required"));
    }
    let url = outbound::parse_url(raw, policy).map_err(|problem| problem.message())?;
    outbound::check_resolves(&url, policy)
        .await
        .map_err(|problem| problem.message())?;
    Ok(url.to_string())
}

/// A parsed channel form. Field names are those of the form: `name`, `kind`, `url`, `recipients`,
/// `language`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelInput {
    pub name: String,
    pub kind: ChannelKind,
    pub target: Target,
    pub language: Language,
}

impl ChannelInput {
    /// Parses every field, collecting one message per bad field. Only the field the kind uses
    /// (`url` or `recipients`) is read.
    pub async fn parse(
        outbox: &Outbox,
        name: &str,
        kind: ChannelKind,
        url: &str,
        recipients: &str,
        language: &str,
    ) -> Result<Self, AppError> {
        let mut errors = FieldErrors::new();
        let name = parse_channel_name(name).map_err(|e| errors.add("name", e)).ok();
        let language = Language::parse(language.trim())
            .ok_or_else(|| errors.add("language", t("channels-language-invalid")))
            .ok();
        let target = if kind.is_http() {
            parse_target_url(url, outbox.settings().policy)
                .await
                .map(Target::Url)
                .map_err(|e| errors.add("url", e))
                .ok()
        } else if !outbox.email_available() {
            errors.add("kind", t("channels-email-unavailable"));
            None
        } else {
            parse_recipients(recipients)
                .map(Target::Recipients)
                .map_err(|e| errors.add("recipients", e))
                .ok()
        };
        match (name, target, language) {
            (Some(name), Some(target), Some(language)) if errors.is_empty() => Ok(Self {
                name,
                kind,
                target,
                language,
            }),
            _ => Err(AppError::Validation(errors)),
        }
    }
}

/// The kind field of the form.
pub fn parse_kind(raw: &str) -> Result<ChannelKind, AppError> {
    ChannelKind::parse(raw.trim()).ok_or_else(|| AppError::field("kind", t("channels-kind-invalid")))
}

const NAME_TAKEN: &[(&str, &str, &str)] = &[("channels_name_key", "name", "channels-name-taken")];

/// What the audit trail records about a channel.
fn audit_json(channel: &ChannelDetail) -> Option<serde_json::Value> {
    Some(serde_json::json!({
        "name": channel.name,
        "kind": channel.kind.as_str(),
        "target": channel.target_display,
        "enabled": channel.enabled,
        "disabled_reason": channel.disabled_reason.map(DisabledReason::as_str),
        "language": channel.language.as_str(),
    }))
}

async fn audit(
    tx: &mut TenantTx,
    actor: &Actor,
    action: &str,
    entity_type: &str,
    entity_id: String,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<(), AppError> {
    let event = AuditEvent {
        tenant_id: Some(tx.tenant_id()),
        action,
        entity_type,
        entity_id: Some(entity_id),
        before,
        after,
    };
    Ok(insert_audit_event(tx, actor, event).await?)
}

async fn channel_or_not_found(tx: &mut TenantTx, channel_id: ChannelId) -> Result<ChannelDetail, AppError> {
    notify_db::select_channel(tx, channel_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Creates a channel; a webhook channel gets a signing secret, returned once.
pub async fn create_channel(
    tx: &mut TenantTx,
    actor: &Actor,
    input: &ChannelInput,
) -> Result<IssuedChannelSecret, AppError> {
    use crate::plans::types::Limit;
    let entitled = crate::plans::service::lock(tx, Limit::Channels).await?;
    let channels = notify_db::count_channels(tx).await?;
    let place = crate::plans::service::room_for(&entitled, Limit::Channels, channels, 1)?;
    let secret = input.kind.is_signed().then(signing::generate_secret);
    let row = NewChannelRow {
        name: &input.name,
        kind: input.kind,
        target: &input.target,
        secret: secret.as_ref().map(|s| s.bytes.as_slice()),
        language: input.language,
    };
    let channel_id = notify_db::insert_channel(tx, &row)
        .await
        .map_err(|e| map_unique(e, NAME_TAKEN))?;
    // After the insert: a channel that takes the limit to 80 % hears about it too.
    place.taken(tx).await?;
    let channel = channel_or_not_found(tx, channel_id).await?;
    audit(
        tx,
        actor,
        "channel.create",
        "channel",
        channel_id.to_string(),
        None,
        audit_json(&channel),
    )
    .await?;
    Ok(IssuedChannelSecret {
        channel,
        secret: secret.map(|s| s.text),
    })
}

/// Renames a channel and changes its target (its kind stays).
pub async fn update_channel(
    tx: &mut TenantTx,
    actor: &Actor,
    channel_id: ChannelId,
    input: &ChannelInput,
) -> Result<ChannelDetail, AppError> {
    let before = channel_or_not_found(tx, channel_id).await?;
    if before.kind != input.kind {
        return Err(AppError::field("kind", t("channels-kind-fixed")));
    }
    notify_db::update_channel(tx, channel_id, &input.name, &input.target, input.language)
        .await
        .map_err(|e| map_unique(e, NAME_TAKEN))?;
    let after = channel_or_not_found(tx, channel_id).await?;
    audit(
        tx,
        actor,
        "channel.update",
        "channel",
        channel_id.to_string(),
        audit_json(&before),
        audit_json(&after),
    )
    .await?;
    Ok(after)
}

/// Deletes a channel with its delivery log.
pub async fn delete_channel(tx: &mut TenantTx, actor: &Actor, channel_id: ChannelId) -> Result<(), AppError> {
    let before = channel_or_not_found(tx, channel_id).await?;
    notify_db::delete_channel(tx, channel_id).await?;
    audit(
        tx,
        actor,
        "channel.delete",
        "channel",
        channel_id.to_string(),
        audit_json(&before),
        None,
    )
    .await
}

/// Turns a channel on (clearing any reason it was turned off and its failure clock) or off (its
/// pending deliveries end as failed, replayable once it is on again).
pub async fn set_channel_enabled(
    tx: &mut TenantTx,
    actor: &Actor,
    channel_id: ChannelId,
    enabled: bool,
    now: DateTime<Utc>,
) -> Result<ChannelDetail, AppError> {
    let before = channel_or_not_found(tx, channel_id).await?;
    if before.enabled == enabled {
        return Ok(before);
    }
    let reason = (!enabled).then_some(DisabledReason::Manual);
    notify_db::update_channel_enabled(tx, channel_id, reason, now).await?;
    if !enabled {
        notify_db::update_pending_deliveries_failed(tx, channel_id, &t("deliveries-error-channel-off"), now).await?;
    }
    let after = channel_or_not_found(tx, channel_id).await?;
    let action = if enabled { "channel.enable" } else { "channel.disable" };
    audit(
        tx,
        actor,
        action,
        "channel",
        channel_id.to_string(),
        audit_json(&before),
        audit_json(&after),
    )
    .await?;
    Ok(after)
}

/// Gives a webhook channel a new signing secret (returned once); the previous one keeps signing
/// alongside it for `overlap`. Rotating again during an overlap drops the oldest secret.
pub async fn rotate_secret(
    tx: &mut TenantTx,
    actor: &Actor,
    channel_id: ChannelId,
    overlap: SecretOverlap,
    now: DateTime<Utc>,
) -> Result<IssuedChannelSecret, AppError> {
    let before = channel_or_not_found(tx, channel_id).await?;
    if !before.kind.is_signed() {
        return Err(AppError::Conflict(t("channels-not-signed")));
    }
    let secret = signing::generate_secret();
    let previous_until = overlap.duration().map(|overlap| now + overlap);
    if !notify_db::update_channel_secret(tx, channel_id, &secret.bytes, previous_until).await? {
        return Err(AppError::NotFound);
    }
    let after = channel_or_not_found(tx, channel_id).await?;
    audit(
        tx,
        actor,
        "channel.rotate_secret",
        "channel",
        channel_id.to_string(),
        audit_json(&before),
        Some(serde_json::json!({ "overlap": overlap.as_str(), "previous_until": previous_until })),
    )
    .await?;
    Ok(IssuedChannelSecret {
        channel: after,
        secret: Some(secret.text),
    })
}

/// Starts a failed delivery over (same `webhook-id`), due at once; its channel must be on.
pub async fn replay_delivery(
    tx: &mut TenantTx,
    actor: &Actor,
    delivery_id: DeliveryId,
    now: DateTime<Utc>,
) -> Result<DeliverySummary, AppError> {
    let before = notify_db::select_delivery(tx, delivery_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if before.status != DeliveryStatus::Failed {
        return Err(AppError::Conflict(t("deliveries-replay-not-failed")));
    }
    let channel = channel_or_not_found(tx, before.channel_id).await?;
    if !channel.enabled {
        return Err(AppError::Conflict(t("deliveries-replay-channel-off")));
    }
    if !notify_db::update_delivery_replay(tx, delivery_id, now).await? {
        return Err(AppError::Conflict(t("deliveries-replay-not-failed")));
    }
    let after = notify_db::select_delivery(tx, delivery_id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit(
        tx,
        actor,
        "delivery.replay",
        "delivery",
        delivery_id.to_string(),
        Some(serde_json::json!({ "status": before.status.as_str(), "attempts": before.attempts, "channel": channel.name })),
        Some(serde_json::json!({ "status": after.status.as_str(), "replays": after.replays })),
    )
    .await?;
    Ok(after)
}

/// "Send test": a `channel.test` message through the outbox, attempted at once (one attempt, no
/// retries), in the channel's delivery log like any other. The channel must be on.
pub async fn send_test(
    db: &Db,
    outbox: &Outbox,
    tenant_id: TenantId,
    actor: &Actor,
    channel_id: ChannelId,
    now: DateTime<Utc>,
) -> Result<TestResult, AppError> {
    let mut tx = TenantTx::begin(db, tenant_id).await?;
    let channel = channel_or_not_found(&mut tx, channel_id).await?;
    if !channel.enabled {
        return Err(AppError::Conflict(t("channels-test-channel-off")));
    }
    let language = channel.language;
    let notification = Notification {
        event_type: TEST_EVENT.to_owned(),
        language,
        title: crate::i18n::t_text_in(language, "channels-test-title", "name", &channel.name),
        body: crate::i18n::t_args_in(
            language,
            "channels-test-body",
            &[("who", actor.email.as_deref().unwrap_or("Atrium"))],
        ),
        severity: None,
        link: Some("/alerts/channels".to_owned()),
        sources: Vec::new(),
        data: serde_json::json!({ "channel_id": channel_id, "channel_name": channel.name, "test": true }),
    };
    let lease = Lease {
        token: uuid::Uuid::new_v4(),
        until: now + chrono::Duration::from_std(outbox.settings().lease).unwrap_or(chrono::Duration::seconds(60)),
    };
    let delivery_id = notify_db::insert_leased_delivery(&mut tx, channel_id, &notification, now, &lease).await?;
    audit(
        &mut tx,
        actor,
        "channel.test",
        "channel",
        channel_id.to_string(),
        None,
        Some(serde_json::json!({ "delivery_id": delivery_id })),
    )
    .await?;
    tx.commit().await?;
    let claim = notify_db::Claim {
        tenant_id,
        delivery_id,
        attempt: 1,
        token: lease.token,
    };
    let report = outbox.attempt(db, &claim, now).await?;
    Ok(match report {
        Some(AttemptReport {
            outcome,
            status_code,
            latency_ms,
            error,
            ..
        }) => TestResult {
            channel_id,
            delivery_id,
            status: match outcome {
                super::types::AttemptOutcome::Delivered => DeliveryStatus::Delivered,
                super::types::AttemptOutcome::Retry => DeliveryStatus::Pending,
                super::types::AttemptOutcome::Failed => DeliveryStatus::Failed,
            },
            status_code,
            latency_ms: Some(latency_ms),
            error,
        },
        None => TestResult {
            channel_id,
            delivery_id,
            status: DeliveryStatus::Pending,
            status_code: None,
            latency_ms: None,
            error: None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_are_split_checked_and_deduplicated() {
        assert_eq!(
            parse_recipients("ops@example.com, Dev@example.com;ops@example.com\nsre@example.org"),
            Ok(vec![
                "ops@example.com".to_owned(),
                "Dev@example.com".to_owned(),
                "sre@example.org".to_owned()
            ])
        );
        assert!(parse_recipients("").is_err());
        assert!(parse_recipients("not-an-address").is_err());
        assert!(parse_recipients("a@b.example, <script>").is_err());
        let many: Vec<String> = (0..21).map(|i| format!("u{i}@example.com")).collect();
        assert!(parse_recipients(&many.join(",")).is_err());
    }
}
