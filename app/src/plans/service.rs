//! Enforcing plans where resources are created or consumed, inside the caller's tenant
//! transaction; measuring usage; and the platform's edits of plans and tenants, each with its
//! audit row in the same transaction.

use super::db as plans_db;
use super::types::{Entitlements, Feature, FeatureGrant, Limit, LimitGrant, UsageLevel, UsageLine, UsageReport};
use crate::audit::db::{Actor, AuditEvent, insert_audit_event};
use crate::db::{PlatformTx, TenantTx};
use crate::error::AppError;
use crate::ids::TenantId;
use crate::tenants::types::Plan;
use chrono::Utc;

/// What the transaction's tenant may have and do. Every limit and feature is present (a plan
/// missing a limit's row would be a migration defect: refused as internal, never as "0").
pub async fn entitlements(tx: &mut TenantTx) -> Result<Entitlements, AppError> {
    let (plan, mut limits) = plans_db::select_limit_grants(tx).await?.ok_or(AppError::NotFound)?;
    limits.sort_by_key(|grant| Limit::ALL.iter().position(|l| *l == grant.limit));
    if limits.len() != Limit::ALL.len() {
        tracing::error!(plan = plan.as_str(), found = limits.len(), "a plan is missing limits");
        return Err(AppError::Internal);
    }
    let mut features = plans_db::select_feature_grants(tx).await?;
    features.sort_by_key(|grant| Feature::ALL.iter().position(|f| *f == grant.feature));
    Ok(Entitlements { plan, limits, features })
}

/// Refuses when `feature` is off for the transaction's tenant.
pub async fn require_feature(tx: &mut TenantTx, feature: Feature) -> Result<(), AppError> {
    if plans_db::select_has_feature(tx, feature).await? {
        return Ok(());
    }
    let plan = plans_db::select_plan(tx).await?.ok_or(AppError::NotFound)?;
    Err(AppError::FeatureOff { feature, plan })
}

/// Whether `feature` is on for the transaction's tenant, for reads that leave out what is off.
pub async fn has_feature(tx: &mut TenantTx, feature: Feature) -> Result<bool, AppError> {
    Ok(plans_db::select_has_feature(tx, feature).await?)
}

/// `Ok` when the feature is on, otherwise the refusal that names it and the plan.
pub fn feature_on(entitled: &Entitlements, feature: Feature) -> Result<(), AppError> {
    if entitled.has(feature) {
        Ok(())
    } else {
        Err(AppError::FeatureOff {
            feature,
            plan: entitled.plan,
        })
    }
}

/// Takes the tenant's lock for `limit` (held until the transaction ends) and reads its
/// entitlements: call before counting what exists, then [`room_for`].
pub async fn lock(tx: &mut TenantTx, limit: Limit) -> Result<Entitlements, AppError> {
    plans_db::lock_limit(tx, limit).await?;
    entitlements(tx).await
}

/// A place under a limit, checked by [`room_for`]. Once the create that needed it has been
/// written, [`Place::taken`] tells the workspace's channels if it took usage to 80 % or 100 %.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    limit: Limit,
    plan: Plan,
    allowed: u64,
    used: u64,
    adding: u64,
}

impl Place {
    /// The create is written: announce a crossing (see [`notice_usage`]).
    pub async fn taken(self, tx: &mut TenantTx) -> Result<(), AppError> {
        Ok(notice_usage(
            tx,
            self.limit,
            self.plan,
            self.allowed,
            self.used,
            self.used + self.adding,
        )
        .await?)
    }
}

/// `Ok` when `adding` more fit beside the `used` ones, otherwise the refusal naming the limit,
/// the plan and the number.
pub fn room_for(entitled: &Entitlements, limit: Limit, used: i64, adding: u64) -> Result<Place, AppError> {
    let allowed = entitled.limit(limit);
    let used = u64::try_from(used).unwrap_or(0);
    if used.saturating_add(adding) <= allowed {
        Ok(Place {
            limit,
            plan: entitled.plan,
            allowed,
            used,
            adding,
        })
    } else {
        Err(AppError::LimitReached {
            limit,
            allowed,
            plan: entitled.plan,
        })
    }
}

/// Tells the workspace's channels when a change took its use of `limit` (`before` → `after` of
/// `allowed`) into the warning band or used it up: once per level and day (`usage_notices`), in
/// the change's own transaction, so the message goes out if and only if the change commits.
pub async fn notice_usage(
    tx: &mut TenantTx,
    limit: Limit,
    plan: Plan,
    allowed: u64,
    before: u64,
    after: u64,
) -> Result<(), sqlx::Error> {
    let level = UsageLevel::of(after, allowed);
    if level == UsageLevel::Normal || level == UsageLevel::of(before, allowed) {
        return Ok(());
    }
    let now = Utc::now();
    let as_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    if !plans_db::insert_usage_notice(
        tx,
        limit,
        level.as_str(),
        now.date_naive(),
        as_i64(after),
        as_i64(allowed),
    )
    .await?
    {
        return Ok(());
    }
    let channels = crate::notifications::db::select_channel_ids(tx).await?;
    if channels.is_empty() {
        return Ok(());
    }
    let slug = crate::tenants::db::select_own_slug(tx).await?;
    let line = UsageLine {
        limit,
        used: after,
        allowed,
        overridden: false,
    };
    let compose = |language| usage_notification(&line, level, plan, slug.as_deref(), language);
    // The outbox's own insert (what `notifications::service::enqueue` does): the service
    // checks this limit when it creates a channel, so depending on it would make a cycle.
    crate::notifications::db::insert_deliveries(tx, &channels, &compose, now).await?;
    Ok(())
}

/// The message of a usage notice: which limit, how much of it, the plan, and the usage page.
fn usage_notification(
    line: &UsageLine,
    level: UsageLevel,
    plan: Plan,
    slug: Option<&str>,
    language: crate::preferences::Language,
) -> crate::notifications::types::Notification {
    use crate::i18n::{t_args_in, t_in};
    let percent = line.percent().to_string();
    let args = [
        ("limit", t_in(language, &format!("limit-{}", line.limit.as_str()))),
        ("percent", percent.clone()),
        ("used", line.used.to_string()),
        ("max", line.allowed.to_string()),
        ("plan", t_in(language, &format!("plan-{}", plan.as_str()))),
    ];
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (title, body, severity) = match level {
        UsageLevel::Full => ("usage-notice-full", "usage-full", "high"),
        _ => ("usage-notice-warning", "usage-warning", "medium"),
    };
    crate::notifications::types::Notification {
        event_type: format!("usage.{}", level.as_str()),
        language,
        title: t_args_in(language, title, &args),
        body: t_args_in(language, body, &args),
        severity: Some(severity.to_owned()),
        link: slug.map(|slug| format!("/t/{slug}/usage")),
        sources: Vec::new(),
        data: serde_json::json!({
            "limit": line.limit.as_str(),
            "level": level.as_str(),
            "used": line.used,
            "allowed": line.allowed,
            "plan": plan.as_str(),
        }),
    }
}

/// How much of one counted limit the tenant uses now.
async fn used(tx: &mut TenantTx, limit: Limit) -> Result<i64, AppError> {
    Ok(match limit {
        Limit::Users => crate::users::db::select_user_count(tx).await?,
        Limit::ApiKeys => crate::api_keys::db::select_active_key_count(tx).await?,
        Limit::Metrics => crate::analytics::db::count_metrics(tx).await?,
        Limit::Series => crate::analytics::db::count_series(tx).await?,
        Limit::PointsPerDay => crate::analytics::db::select_points_on(tx, Utc::now().date_naive()).await?,
        Limit::AlertRules => crate::alerts::db::count_rules(tx).await?,
        Limit::Channels => crate::notifications::db::count_channels(tx).await?,
        Limit::AuditRetentionDays | Limit::ApiRequestsPerKey | Limit::ApiRequestsPerTenant => 0,
    })
}

/// The tenant's usage of every counted limit, its rates and ceilings, and its features.
pub async fn usage(tx: &mut TenantTx) -> Result<UsageReport, AppError> {
    let entitled = entitlements(tx).await?;
    usage_of(tx, entitled).await
}

/// [`usage`] for entitlements already read in this transaction.
pub async fn usage_of(tx: &mut TenantTx, entitled: Entitlements) -> Result<UsageReport, AppError> {
    let mut lines = Vec::new();
    let mut ceilings = Vec::new();
    for grant in &entitled.limits {
        if grant.limit.is_counted() {
            lines.push(UsageLine {
                limit: grant.limit,
                used: u64::try_from(used(tx, grant.limit).await?).unwrap_or(0),
                allowed: grant.value(),
                overridden: grant.override_value.is_some(),
            });
        } else {
            ceilings.push(*grant);
        }
    }
    Ok(UsageReport {
        plan: entitled.plan,
        lines,
        features: entitled.features,
        ceilings,
    })
}

/// A plan as an administrator submitted it: a value for every limit, and the features it includes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanEdit {
    pub plan: Plan,
    pub limits: Vec<(Limit, u64)>,
    pub features: Vec<Feature>,
}

/// A tenant's own values as an administrator submitted them: `None` follows the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverrideEdit {
    pub limits: Vec<(Limit, Option<u64>)>,
    pub features: Vec<(Feature, Option<bool>)>,
}

fn limits_json(limits: impl IntoIterator<Item = (Limit, Option<u64>)>) -> serde_json::Value {
    serde_json::Value::Object(
        limits
            .into_iter()
            .map(|(limit, value)| (limit.as_str().to_owned(), serde_json::json!(value)))
            .collect(),
    )
}

fn features_json(features: impl IntoIterator<Item = (Feature, Option<bool>)>) -> serde_json::Value {
    serde_json::Value::Object(
        features
            .into_iter()
            .map(|(feature, on)| (feature.as_str().to_owned(), serde_json::json!(on)))
            .collect(),
    )
}

/// Saves a plan's limits and features. Lowering the longest audit retention also lowers the
/// setting of every tenant on the plan that chose more (and has no value of its own), so the
/// trail is pruned as the plan says; the audit row counts them.
pub async fn save_plan(tx: &mut PlatformTx, actor: &Actor, edit: &PlanEdit) -> Result<(), AppError> {
    let before_limits = plans_db::select_plan_limits(tx).await?;
    let before_features = plans_db::select_plan_features(tx).await?;
    let before: Vec<(Limit, Option<u64>)> = Limit::ALL
        .into_iter()
        .map(|limit| {
            let value = before_limits
                .iter()
                .find(|(p, l, _)| *p == edit.plan && *l == limit)
                .map(|(_, _, v)| *v);
            (limit, value)
        })
        .collect();
    for (limit, value) in &edit.limits {
        if !plans_db::update_plan_limit(tx, edit.plan, *limit, *value).await? {
            tracing::error!(
                plan = edit.plan.as_str(),
                limit = limit.as_str(),
                "plan limit row missing"
            );
            return Err(AppError::Internal);
        }
    }
    plans_db::replace_plan_features(tx, edit.plan, &edit.features).await?;
    let mut clamped = 0;
    if let Some((_, ceiling)) = edit.limits.iter().find(|(l, _)| *l == Limit::AuditRetentionDays) {
        clamped = crate::tenants::db::clamp_plan_audit_retention(tx, edit.plan, *ceiling).await?;
    }
    let had = |feature: Feature| before_features.iter().any(|(p, f)| *p == edit.plan && *f == feature);
    let event = AuditEvent {
        tenant_id: None,
        action: "plan.update",
        entity_type: "plan",
        entity_id: Some(edit.plan.as_str().to_owned()),
        before: Some(serde_json::json!({
            "limits": limits_json(before),
            "features": Feature::ALL.into_iter().filter(|f| had(*f)).map(Feature::as_str).collect::<Vec<_>>(),
        })),
        after: Some(serde_json::json!({
            "limits": limits_json(edit.limits.iter().map(|(l, v)| (*l, Some(*v)))),
            "features": edit.features.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
            "tenants_audit_retention_lowered": clamped,
        })),
    };
    insert_audit_event(tx, actor, event).await?;
    Ok(())
}

/// Saves a tenant's own limits and feature switches; the audit row (in the tenant's chain)
/// holds both before and after.
pub async fn save_overrides(
    tx: &mut PlatformTx,
    actor: &Actor,
    tenant_id: TenantId,
    before: &Entitlements,
    edit: &OverrideEdit,
) -> Result<(), AppError> {
    for (limit, value) in &edit.limits {
        plans_db::set_limit_override(tx, tenant_id, *limit, *value).await?;
    }
    for (feature, enabled) in &edit.features {
        plans_db::set_feature_override(tx, tenant_id, *feature, *enabled).await?;
    }
    let mut lowered = false;
    if let Some((_, value)) = edit.limits.iter().find(|(l, _)| *l == Limit::AuditRetentionDays) {
        let ceiling = value.unwrap_or_else(|| {
            before
                .limits
                .iter()
                .find(|g| g.limit == Limit::AuditRetentionDays)
                .map_or(0, |g| g.plan_value)
        });
        lowered = crate::tenants::db::clamp_tenant_audit_retention(tx, tenant_id, ceiling).await?;
    }
    let event = AuditEvent {
        tenant_id: Some(tenant_id),
        action: "tenant.entitlements.update",
        entity_type: "tenant",
        entity_id: Some(tenant_id.to_string()),
        before: Some(serde_json::json!({
            "plan": before.plan.as_str(),
            "limits": limits_json(before.limits.iter().map(|g: &LimitGrant| (g.limit, g.override_value))),
            "features": features_json(before.features.iter().map(|g: &FeatureGrant| (g.feature, g.override_enabled))),
        })),
        after: Some(serde_json::json!({
            "plan": before.plan.as_str(),
            "limits": limits_json(edit.limits.iter().copied()),
            "features": features_json(edit.features.iter().copied()),
            "audit_retention_lowered": lowered,
        })),
    };
    insert_audit_event(tx, actor, event).await?;
    Ok(())
}
