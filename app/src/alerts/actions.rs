//! What a person does to alerts and silences, inside the caller's tenant transaction: the server
//! functions call these after their permission check, and the live demo seeds its acknowledged
//! alert and its silence through them, so both write the same history and audit rows.

use super::db::{self, NewEvent, NewSilence};
use super::lifecycle::{Manual, manual};
use super::types::AlertEventKind;
use crate::audit::db::{Actor, AuditEvent, insert_audit_event};
use crate::db::TenantTx;
use crate::error::AppError;
use crate::i18n::{Arg, Message, Said};
use crate::ids::{AlertId, SilenceId, UserId};
use chrono::{DateTime, Utc};

/// The longest comment an acknowledgement or resolution may carry.
pub const COMMENT_MAX: usize = 500;

/// Who acts, as the alert's history names them.
pub struct ActingUser<'a> {
    /// `None` for a platform administrator (no member row to point at).
    pub user_id: Option<UserId>,
    pub name: &'a str,
}

/// Acknowledges or resolves an alert by hand: its state and reason, a history line, the rule's
/// channels told (unless a silence covers it), a live event and an audit row.
pub async fn act_on_alert(
    tx: &mut TenantTx,
    actor: &Actor,
    by: &ActingUser<'_>,
    alert_id: AlertId,
    comment: &str,
    action: Manual,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let comment = comment.trim();
    if comment.chars().count() > COMMENT_MAX {
        return Err(AppError::field("comment", crate::i18n::t("alerts-valid-comment")));
    }
    let alert = db::select_alert_for_update(tx, alert_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(to) = manual(alert.state, action) else {
        return Err(AppError::field("form", crate::i18n::t("alerts-action-not-applicable")));
    };
    let rule = db::select_rule(tx, alert.rule_id).await?.ok_or(AppError::NotFound)?;
    let by_whom = Message::new(match (action, comment.is_empty()) {
        (Manual::Acknowledge, true) => "reason-acknowledged-by",
        (Manual::Acknowledge, false) => "reason-acknowledged-by-comment",
        (Manual::Resolve, true) => "reason-resolved-by",
        (Manual::Resolve, false) => "reason-resolved-by-comment",
    })
    .with("name", Arg::Text(by.name.to_owned()))
    .with("comment", Arg::Text(comment.to_owned()));
    let reason = Said::from(by_whom);
    db::update_alert_state(tx, alert_id, to, None, &reason, now).await?;
    db::insert_event(
        tx,
        &NewEvent {
            alert_id,
            kind: AlertEventKind::Transition,
            from_state: Some(alert.state),
            to_state: Some(to),
            actor_user_id: by.user_id,
            actor_name: by.name,
            // The person's own words, as they wrote them.
            reason: &Said::Text(comment.to_owned()),
            value: None,
        },
        now,
    )
    .await?;
    let silences = db::select_silences(tx, now).await?;
    let silenced = super::silence::silenced_by(&silences, alert.rule_id, &alert.labels, now).is_some();
    if let Some((event_type, compose)) = super::evaluate::manual_notification(&rule, &alert, to, &reason, now)
        && !silenced
        && !rule.spec.channel_ids.is_empty()
    {
        let sent = crate::notifications::service::enqueue(tx, &rule.spec.channel_ids, &compose, now).await?;
        if !sent.is_empty() {
            let line = super::evaluate::notified(event_type, sent.len(), 0);
            db::insert_event(
                tx,
                &NewEvent {
                    alert_id,
                    kind: AlertEventKind::Notified,
                    from_state: None,
                    to_state: None,
                    actor_user_id: by.user_id,
                    actor_name: by.name,
                    reason: &line.into(),
                    value: None,
                },
                now,
            )
            .await?;
        }
    }
    let tenant_id = tx.tenant_id();
    crate::live::db::notify(
        tx,
        crate::live::types::LiveEvent::AlertChanged {
            tenant_id,
            alert_id,
            state: to,
        },
    )
    .await?;
    let event = AuditEvent {
        tenant_id: Some(tenant_id),
        action: match action {
            Manual::Acknowledge => "alert.acknowledge",
            Manual::Resolve => "alert.resolve",
        },
        entity_type: "alert",
        entity_id: Some(alert_id.to_string()),
        before: Some(serde_json::json!({ "state": alert.state.as_str() })),
        after: Some(serde_json::json!({ "state": to.as_str(), "comment": comment })),
    };
    insert_audit_event(tx, actor, event).await?;
    Ok(())
}

/// Stores a silence (already parsed and checked) with its audit row.
pub async fn create_silence(tx: &mut TenantTx, actor: &Actor, silence: &NewSilence<'_>) -> Result<SilenceId, AppError> {
    let silence_id = db::insert_silence(tx, silence).await?;
    let event = AuditEvent {
        tenant_id: Some(tx.tenant_id()),
        action: "silence.create",
        entity_type: "silence",
        entity_id: Some(silence_id.to_string()),
        before: None,
        after: Some(serde_json::json!({
            "rule_id": silence.rule_id,
            "matchers": silence.matchers,
            "starts_at": silence.starts_at,
            "ends_at": silence.ends_at,
            "comment": silence.comment,
        })),
    };
    insert_audit_event(tx, actor, event).await?;
    Ok(silence_id)
}
