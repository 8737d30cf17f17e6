//! Plan definitions and a tenant's overrides: reading what a tenant is entitled to (in its own
//! transaction), and the platform's edits (in a platform transaction).

use super::types::{Feature, FeatureGrant, Limit, LimitGrant};
use crate::db::{PlatformTx, TenantTx};
use crate::ids::TenantId;
use crate::tenants::types::Plan;

/// The tenant's plan and, for each limit the plan defines, the plan's value and the tenant's own.
pub async fn select_limit_grants(tx: &mut TenantTx) -> Result<Option<(Plan, Vec<LimitGrant>)>, sqlx::Error> {
    let tenant = tx.tenant_id();
    let rows = sqlx::query!(
        r#"SELECT t.plan AS "plan!: Plan", l.limit_name AS "limit!: Limit", l.value AS "plan_value!",
                  o.value AS "override_value?"
           FROM tenants t
           JOIN plan_limits l ON l.plan = t.plan
           LEFT JOIN tenant_limit_overrides o ON o.tenant_id = t.tenant_id AND o.limit_name = l.limit_name
           WHERE t.tenant_id = $1"#,
        tenant.0
    )
    .fetch_all(&mut **tx)
    .await?;
    let Some(plan) = rows.first().map(|row| row.plan) else {
        return Ok(None);
    };
    let grants = rows
        .into_iter()
        .map(|row| LimitGrant {
            limit: row.limit,
            plan_value: u64::try_from(row.plan_value).unwrap_or(0),
            override_value: row.override_value.map(|v| u64::try_from(v).unwrap_or(0)),
        })
        .collect();
    Ok(Some((plan, grants)))
}

/// Every feature with whether the tenant's plan includes it and the tenant's own switch.
pub async fn select_feature_grants(tx: &mut TenantTx) -> Result<Vec<FeatureGrant>, sqlx::Error> {
    let tenant = tx.tenant_id();
    let rows = sqlx::query!(
        r#"SELECT f.feature AS "feature!: Feature",
                  EXISTS (SELECT 1 FROM plan_features p WHERE p.plan = t.plan AND p.feature = f.feature) AS "plan_enabled!",
                  o.enabled AS "override_enabled?"
           FROM tenants t
           CROSS JOIN unnest(enum_range(NULL::plan_feature)) AS f (feature)
           LEFT JOIN tenant_feature_overrides o ON o.tenant_id = t.tenant_id AND o.feature = f.feature
           WHERE t.tenant_id = $1"#,
        tenant.0
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| FeatureGrant {
            feature: row.feature,
            plan_enabled: row.plan_enabled,
            override_enabled: row.override_enabled,
        })
        .collect())
}

/// Serialises everything that counts against `limit` in the transaction's tenant until commit,
/// so two requests cannot both take the last unit (count, compare, insert is not atomic under
/// READ COMMITTED). Another tenant, or another limit, never waits.
pub async fn lock_limit(tx: &mut TenantTx, limit: Limit) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_id();
    sqlx::query!(
        r#"SELECT 1 AS "locked!" FROM (SELECT pg_advisory_xact_lock(hashtextextended($1 || ':' || $2::uuid::text, 0))) AS l"#,
        limit.as_str(),
        tenant.0
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(())
}

/// Every plan's limits.
pub async fn select_plan_limits(tx: &mut PlatformTx) -> Result<Vec<(Plan, Limit, u64)>, sqlx::Error> {
    let rows = sqlx::query!(r#"SELECT plan AS "plan!: Plan", limit_name AS "limit!: Limit", value FROM plan_limits"#)
        .fetch_all(&mut **tx)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.plan, row.limit, u64::try_from(row.value).unwrap_or(0)))
        .collect())
}

/// Every plan's features.
pub async fn select_plan_features(tx: &mut PlatformTx) -> Result<Vec<(Plan, Feature)>, sqlx::Error> {
    let rows = sqlx::query!(r#"SELECT plan AS "plan!: Plan", feature AS "feature!: Feature" FROM plan_features"#)
        .fetch_all(&mut **tx)
        .await?;
    Ok(rows.into_iter().map(|row| (row.plan, row.feature)).collect())
}

/// Tenants per plan (an index-only scan of `tenants_plan_idx`; four groups at 10,000 tenants).
pub async fn select_plan_tenant_counts(tx: &mut PlatformTx) -> Result<Vec<(Plan, i64)>, sqlx::Error> {
    let rows = sqlx::query!(r#"SELECT plan AS "plan!: Plan", count(*) AS "count!" FROM tenants GROUP BY plan"#)
        .fetch_all(&mut **tx)
        .await?;
    Ok(rows.into_iter().map(|row| (row.plan, row.count)).collect())
}

/// Sets one plan limit; `false` when the plan has no such row (a migration missed it).
pub async fn update_plan_limit(tx: &mut PlatformTx, plan: Plan, limit: Limit, value: u64) -> Result<bool, sqlx::Error> {
    let value = i64::try_from(value).unwrap_or(i64::MAX);
    let result = sqlx::query!(
        "UPDATE plan_limits SET value = $3, updated_at = now() WHERE plan = $1 AND limit_name = $2",
        plan as Plan,
        limit as Limit,
        value
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Makes `features` exactly the plan's features.
pub async fn replace_plan_features(tx: &mut PlatformTx, plan: Plan, features: &[Feature]) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "DELETE FROM plan_features WHERE plan = $1 AND NOT (feature = ANY($2))",
        plan as Plan,
        features as &[Feature]
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "INSERT INTO plan_features (plan, feature) SELECT $1, unnest($2::plan_feature[]) ON CONFLICT DO NOTHING",
        plan as Plan,
        features as &[Feature]
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Sets or (with `None`) removes a tenant's own value for a limit.
pub async fn set_limit_override(
    tx: &mut PlatformTx,
    tenant_id: TenantId,
    limit: Limit,
    value: Option<u64>,
) -> Result<(), sqlx::Error> {
    match value {
        Some(value) => {
            let value = i64::try_from(value).unwrap_or(i64::MAX);
            sqlx::query!(
                "INSERT INTO tenant_limit_overrides (tenant_id, limit_name, value) VALUES ($1, $2, $3)
                 ON CONFLICT (tenant_id, limit_name) DO UPDATE SET value = excluded.value, updated_at = now()",
                tenant_id.0,
                limit as Limit,
                value
            )
            .execute(&mut **tx)
            .await?;
        }
        None => {
            sqlx::query!(
                "DELETE FROM tenant_limit_overrides WHERE tenant_id = $1 AND limit_name = $2",
                tenant_id.0,
                limit as Limit
            )
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// Switches a feature on or off for one tenant, or (with `None`) back to what its plan says.
pub async fn set_feature_override(
    tx: &mut PlatformTx,
    tenant_id: TenantId,
    feature: Feature,
    enabled: Option<bool>,
) -> Result<(), sqlx::Error> {
    match enabled {
        Some(enabled) => {
            sqlx::query!(
                "INSERT INTO tenant_feature_overrides (tenant_id, feature, enabled) VALUES ($1, $2, $3)
                 ON CONFLICT (tenant_id, feature) DO UPDATE SET enabled = excluded.enabled, updated_at = now()",
                tenant_id.0,
                feature as Feature,
                enabled
            )
            .execute(&mut **tx)
            .await?;
        }
        None => {
            sqlx::query!(
                "DELETE FROM tenant_feature_overrides WHERE tenant_id = $1 AND feature = $2",
                tenant_id.0,
                feature as Feature
            )
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// Whether the transaction's tenant has `feature` on (the features kept on its row by the
/// plans migration's triggers), for checks that need nothing else of the plan.
pub async fn select_has_feature(tx: &mut TenantTx, feature: Feature) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_id();
    Ok(sqlx::query_scalar!(
        r#"SELECT $2 = ANY (features) AS "on!" FROM tenants WHERE tenant_id = $1"#,
        tenant.0,
        feature as Feature
    )
    .fetch_optional(&mut **tx)
    .await?
    .unwrap_or(false))
}

/// The transaction's tenant's plan.
pub async fn select_plan(tx: &mut TenantTx) -> Result<Option<Plan>, sqlx::Error> {
    let tenant = tx.tenant_id();
    sqlx::query_scalar!(
        r#"SELECT plan AS "plan: Plan" FROM tenants WHERE tenant_id = $1"#,
        tenant.0
    )
    .fetch_optional(&mut **tx)
    .await
}

/// Records that `limit` reached `level` today (a usage notice); false when that was already
/// recorded, so the caller sends nothing.
pub async fn insert_usage_notice(
    tx: &mut TenantTx,
    limit: Limit,
    level: &str,
    day: chrono::NaiveDate,
    used: i64,
    allowed: i64,
) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_id();
    let result = sqlx::query!(
        "INSERT INTO usage_notices (tenant_id, limit_name, level, day, used, allowed)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        tenant.0,
        limit as Limit,
        level,
        day,
        used,
        allowed
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}
