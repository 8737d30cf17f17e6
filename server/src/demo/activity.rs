//! Acme's alerting as someone has been using it: a webhook channel to the demo receiver on both
//! default rules, the rules evaluated over the history (one alert firing, announced to the
//! channel), the error-rate alert acknowledged by Alice with a comment, and a maintenance
//! silence. Everything goes through the functions the pages use, with their audit rows.

use super::DemoTenant;
use atrium_app::alerts::actions::{ActingUser, act_on_alert, create_silence};
use atrium_app::alerts::db::{self as alerts_db, NewSilence};
use atrium_app::alerts::lifecycle::Manual;
use atrium_app::alerts::silence::parse_matcher;
use atrium_app::alerts::types::{AlertState, Rule};
use atrium_app::audit::db::{Actor, AuditEvent, insert_audit_event};
use atrium_app::db::{Db, TenantTx};
use atrium_app::error::AppError;
use atrium_app::ids::{AlertRuleId, ChannelId};
use atrium_app::notifications::outbound::DEMO_RECEIVER_PATH;
use atrium_app::notifications::outbox::Outbox;
use atrium_app::notifications::service::{ChannelInput, create_channel};
use atrium_app::notifications::types::ChannelKind;
use chrono::{DateTime, Duration, Utc};
use std::net::SocketAddr;

/// The demo's channel.
pub const CHANNEL_NAME: &str = "Demo receiver";
/// The default rule left firing.
pub const SLOW_RULE: &str = "Slow responses (p95)";
/// The default rule whose alert Alice has acknowledged.
pub const ERROR_RULE: &str = "High error rate";
/// Who acknowledges and silences: Acme's administrator in the demo.
const ALICE: &str = "alice@acme.test";
pub const ACK_COMMENT: &str = "Payment provider in us-east is returning 503s; failing over to eu-west.";
pub const SILENCE_COMMENT: &str = "Kernel upgrade on web-4 tonight; restarts expected.";

fn app(error: AppError) -> anyhow::Error {
    anyhow::anyhow!("{error}")
}

/// Seeds Acme's alerting at `now`, the history being written already.
pub async fn seed(
    db: &Db,
    outbox: &Outbox,
    tenant: &DemoTenant,
    receiver: SocketAddr,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let system = Actor::system();
    let mut tx = TenantTx::begin(db, tenant.tenant_id).await?;
    let url = format!("http://{receiver}{DEMO_RECEIVER_PATH}");
    let input = ChannelInput::parse(outbox, CHANNEL_NAME, ChannelKind::Webhook, &url, "", "en")
        .await
        .map_err(app)?;
    let channel = create_channel(&mut tx, &system, &input).await.map_err(app)?;
    let rules = alerts_db::select_rules(&mut tx, false).await?;
    let slow = announce_to(&mut tx, &system, &rules, SLOW_RULE, channel.channel.channel_id, now).await?;
    let errors = announce_to(&mut tx, &system, &rules, ERROR_RULE, channel.channel.channel_id, now).await?;
    let alice = atrium_app::users::db::select_user_by_email(&mut tx, ALICE)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo user {ALICE} is missing"))?;
    tx.commit().await?;

    // The incident began a quarter of an hour ago: evaluated six minutes ago the rules were
    // pending, now they have held for longer than their five minutes and fire.
    for at in [now - Duration::minutes(6), now] {
        atrium_app::alerts::evaluate::evaluate_tenant(db, tenant.tenant_id, at).await?;
    }

    let actor = Actor {
        kind: "user",
        id: Some(alice.user_id.0),
        email: Some(alice.email.clone()),
        ..Actor::default()
    };
    let by = ActingUser {
        user_id: Some(alice.user_id),
        name: &alice.name,
    };
    let mut tx = TenantTx::begin(db, tenant.tenant_id).await?;
    let open = alerts_db::select_open_alerts(&mut tx, errors).await?;
    match open.iter().find(|alert| alert.state == AlertState::Firing) {
        Some(alert) => act_on_alert(
            &mut tx,
            &actor,
            &by,
            alert.alert_id,
            ACK_COMMENT,
            Manual::Acknowledge,
            now,
        )
        .await
        .map_err(app)?,
        None => tracing::warn!("demo: the error-rate alert is not firing, so nothing to acknowledge"),
    }
    if !alerts_db::select_open_alerts(&mut tx, slow)
        .await?
        .iter()
        .any(|alert| alert.state == AlertState::Firing)
    {
        tracing::warn!("demo: the slow-responses alert is not firing");
    }
    let matcher = parse_matcher("host=web-4").map_err(|bad| anyhow::anyhow!("matcher {bad}"))?;
    let silence = NewSilence {
        rule_id: None,
        matchers: std::slice::from_ref(&matcher),
        starts_at: now,
        ends_at: now + Duration::hours(3),
        comment: SILENCE_COMMENT,
        created_by: Some(alice.user_id),
        created_by_name: &alice.name,
    };
    create_silence(&mut tx, &actor, &silence).await.map_err(app)?;
    tx.commit().await?;
    Ok(())
}

/// Points the default rule `name` at `channel` (an audited change like the rule form's).
async fn announce_to(
    tx: &mut TenantTx,
    actor: &Actor,
    rules: &[Rule],
    name: &str,
    channel: ChannelId,
    now: DateTime<Utc>,
) -> anyhow::Result<AlertRuleId> {
    let rule = rules
        .iter()
        .find(|rule| rule.spec.name == name)
        .ok_or_else(|| anyhow::anyhow!("the default rule {name:?} is missing"))?;
    let mut spec = rule.spec.clone();
    spec.channel_ids = vec![channel];
    alerts_db::update_rule(tx, rule.rule_id, &spec, now).await?;
    let event = AuditEvent {
        tenant_id: Some(tx.tenant_id()),
        action: "alert_rule.update",
        entity_type: "alert_rule",
        entity_id: Some(rule.rule_id.to_string()),
        before: serde_json::to_value(&rule.spec).ok(),
        after: serde_json::to_value(&spec).ok(),
    };
    insert_audit_event(tx, actor, event).await?;
    Ok(rule.rule_id)
}
