//! Server functions for plans: the platform reads and edits plan definitions and a tenant's own
//! limits and features; a tenant's administrators read their usage against their limits.

use super::types::{Entitlements, PlanDefinition, TenantPlan, UsageReport};
use crate::error::AppError;
use crate::ids::TenantId;
use leptos::prelude::*;
use std::collections::BTreeMap;

#[cfg(feature = "ssr")]
mod server {
    use super::super::service::{OverrideEdit, PlanEdit};
    use super::super::types::{Feature, Limit};
    use crate::error::{AppError, FieldErrors};
    use crate::i18n::t;
    use crate::tenants::types::Plan;
    use std::collections::BTreeMap;

    /// The form field of a limit's input (`limits[users]`), also the key of its error.
    pub fn limit_field(limit: Limit) -> String {
        format!("limits[{}]", limit.as_str())
    }

    /// Parses a plan form: a value for every limit, the features ticked.
    pub fn parse_plan(
        plan: &str,
        limits: &BTreeMap<String, String>,
        features: &BTreeMap<String, String>,
    ) -> Result<PlanEdit, AppError> {
        let mut errors = FieldErrors::new();
        let plan = Plan::parse(plan).map_err(|e| errors.add("plan", e)).ok();
        let mut values = Vec::new();
        for limit in Limit::ALL {
            let text = limits.get(limit.as_str()).map(String::as_str).unwrap_or_default();
            if text.trim().is_empty() {
                errors.add(&limit_field(limit), t("valid-required"));
                continue;
            }
            match limit.parse_value(text) {
                Ok(value) => values.push((limit, value)),
                Err(message) => errors.add(&limit_field(limit), message),
            }
        }
        let on: Vec<Feature> = Feature::ALL
            .into_iter()
            .filter(|f| features.get(f.as_str()).is_some_and(|v| !v.is_empty()))
            .collect();
        match plan {
            Some(plan) if errors.is_empty() => Ok(PlanEdit {
                plan,
                limits: values,
                features: on,
            }),
            _ => Err(AppError::Validation(errors)),
        }
    }

    /// Parses a tenant's own values: an empty limit follows the plan; a feature is `plan`, `on`
    /// or `off`.
    pub fn parse_overrides(
        limits: &BTreeMap<String, String>,
        features: &BTreeMap<String, String>,
    ) -> Result<OverrideEdit, AppError> {
        let mut errors = FieldErrors::new();
        let mut values = Vec::new();
        for limit in Limit::ALL {
            let text = limits.get(limit.as_str()).map(String::as_str).unwrap_or_default();
            if text.trim().is_empty() {
                values.push((limit, None));
                continue;
            }
            match limit.parse_value(text) {
                Ok(value) => values.push((limit, Some(value))),
                Err(message) => errors.add(&limit_field(limit), message),
            }
        }
        let mut switches = Vec::new();
        for feature in Feature::ALL {
            let choice = features.get(feature.as_str()).map(String::as_str).unwrap_or("plan");
            match choice {
                "plan" | "" => switches.push((feature, None)),
                "on" => switches.push((feature, Some(true))),
                "off" => switches.push((feature, Some(false))),
                _ => errors.add(&format!("features[{}]", feature.as_str()), t("valid-choice")),
            }
        }
        errors.into_result()?;
        Ok(OverrideEdit {
            limits: values,
            features: switches,
        })
    }
}

/// Every plan with its limits, features and number of tenants (platform administrators).
#[server]
pub async fn list_plans() -> Result<Vec<PlanDefinition>, AppError> {
    use super::types::{Feature, Limit};
    use crate::permissions::types::Permission;
    use crate::tenants::types::Plan;
    let context = crate::auth::context::require(Permission::TenantsRead).await?;
    let mut tx = context.platform_tx(Permission::TenantsRead).await?;
    let limits = super::db::select_plan_limits(&mut tx).await?;
    let features = super::db::select_plan_features(&mut tx).await?;
    let counts = super::db::select_plan_tenant_counts(&mut tx).await?;
    tx.commit().await?;
    Ok(Plan::ALL
        .into_iter()
        .map(|plan| PlanDefinition {
            plan,
            limits: Limit::ALL
                .into_iter()
                .map(|limit| {
                    let value = limits
                        .iter()
                        .find(|(p, l, _)| *p == plan && *l == limit)
                        .map_or(0, |(_, _, v)| *v);
                    (limit, value)
                })
                .collect(),
            features: Feature::ALL
                .into_iter()
                .filter(|f| features.contains(&(plan, *f)))
                .collect(),
            tenant_count: counts.iter().find(|(p, _)| *p == plan).map_or(0, |(_, c)| *c),
        })
        .collect())
}

/// Saves one plan: `limits[users]=10&…` (every limit), `features[delegations]=on&…` (the
/// features it includes). Applies at once to every tenant on the plan without its own value.
#[server]
pub async fn save_plan(
    plan: String,
    #[server(default)] limits: BTreeMap<String, String>,
    #[server(default)] features: BTreeMap<String, String>,
) -> Result<(), AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::TenantsUpdate).await?;
    let edit = server::parse_plan(&plan, &limits, &features)?;
    let mut tx = context.platform_tx(Permission::TenantsUpdate).await?;
    super::service::save_plan(&mut tx, &context.actor(), &edit).await?;
    tx.commit().await?;
    Ok(())
}

/// A tenant's plan with its own limits and features applied, and its usage, for the tenant's
/// page: platform administrators only (`None` for a tenant's own members, whose page does not
/// show it).
#[server]
pub async fn get_tenant_plan(tenant_id: TenantId) -> Result<Option<TenantPlan>, AppError> {
    use crate::auth::types::Principal;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::TenantsRead).await?;
    if !matches!(context.principal, Principal::Platform { .. }) {
        return Ok(None);
    }
    let mut tx = context.tenant_tx(tenant_id).await?;
    let entitlements = super::service::entitlements(&mut tx).await?;
    let usage = super::service::usage_of(&mut tx, entitlements.clone()).await?;
    tx.commit().await?;
    Ok(Some(TenantPlan { entitlements, usage }))
}

/// Sets a tenant's own limits (`limits[users]=…`, empty to follow the plan) and feature
/// switches (`features[delegations]=plan|on|off`).
#[server]
pub async fn save_entitlements(
    tenant_id: TenantId,
    #[server(default)] limits: BTreeMap<String, String>,
    #[server(default)] features: BTreeMap<String, String>,
) -> Result<Entitlements, AppError> {
    use crate::db::{PlatformTx, TenantTx};
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::TenantsUpdate).await?;
    let guard = context.platform_guard(Permission::TenantsUpdate)?;
    let edit = server::parse_overrides(&limits, &features)?;
    // What the tenant had, for the audit row; one transaction at a time, so a request never
    // holds two pooled connections.
    let mut tenant = TenantTx::begin(&context.db, tenant_id).await?;
    let before = super::service::entitlements(&mut tenant).await?;
    tenant.commit().await?;
    let mut platform = PlatformTx::begin(&context.db, guard).await?;
    super::service::save_overrides(&mut platform, &context.actor(), tenant_id, &before, &edit).await?;
    platform.commit().await?;
    let mut tenant = TenantTx::begin(&context.db, tenant_id).await?;
    let after = super::service::entitlements(&mut tenant).await?;
    tenant.commit().await?;
    Ok(after)
}

/// The signed-in member's workspace (or, for a platform administrator, the named tenant): each
/// counted limit with its usage, the rates and ceilings, and the features.
#[server]
pub async fn get_usage(tenant_id: Option<TenantId>) -> Result<UsageReport, AppError> {
    use crate::auth::context::TenantScope;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::BillingRead).await?;
    let mut tx = context.tenant_tx(TenantScope::Named(tenant_id)).await?;
    let report = super::service::usage(&mut tx).await?;
    tx.commit().await?;
    Ok(report)
}

/// A workspace's statistics (T6) for the platform's administrators on its page; a workspace's
/// own members read their own.
#[server]
pub async fn get_tenant_statistics(tenant_id: Option<TenantId>) -> Result<super::types::Statistics, AppError> {
    use crate::auth::context::TenantScope;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::TenantsRead).await?;
    let mut tx = context.tenant_tx(TenantScope::Named(tenant_id)).await?;
    let statistics = super::stats::tenant_statistics(&mut tx).await?;
    tx.commit().await?;
    Ok(statistics)
}

/// Every workspace's statistics summed, for the platform's administrators.
#[server]
pub async fn get_platform_statistics() -> Result<super::types::PlatformStatistics, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::TenantsRead).await?;
    let mut tx = context.platform_tx(Permission::TenantsRead).await?;
    let statistics = super::stats::platform_statistics(&mut tx).await?;
    tx.commit().await?;
    Ok(statistics)
}
