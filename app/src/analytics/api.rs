//! Analytics server functions: the metric list, one panel, and editing a metric's unit and
//! description. Tenant users read their own tenant; platform administrators name the tenant.

use super::types::{MetricSummary, Panel};
use crate::error::AppError;
use crate::ids::{MetricId, TenantId};
use leptos::prelude::*;

#[server]
pub async fn list_metrics(tenant_id: Option<TenantId>) -> Result<Vec<MetricSummary>, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::AnalyticsRead).await?;
    let tenant = context
        .choose_tenant(crate::auth::context::TenantScope::Named(tenant_id))
        .await?;
    let mut tx = context.tenant_tx(tenant).await?;
    let metrics = super::db::select_metrics(&mut tx).await?;
    tx.commit().await?;
    Ok(metrics)
}

/// One panel: `range` is a preset (`15m`, `1h`, `24h`, `7d`, `30d`) or `custom` with `from`/`to`;
/// `bucket` is empty (automatic) or `minute`/`hour`/`day`; `labels` filters series
/// (`host=web-1,region=eu`). Field errors name the argument at fault.
#[server]
pub async fn get_panel(
    tenant_id: Option<TenantId>,
    metric: String,
    range: String,
    from: String,
    to: String,
    bucket: String,
    labels: String,
) -> Result<Panel, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::AnalyticsRead).await?;
    let tenant = context
        .choose_tenant(crate::auth::context::TenantScope::Named(tenant_id))
        .await?;
    let mut tx = context.tenant_tx(tenant).await?;
    let args = super::types::PanelArgs {
        metric,
        range,
        from,
        to,
        bucket,
        labels,
    };
    let panel = server::load_panel(&mut tx, &args, chrono::Utc::now()).await?;
    tx.commit().await?;
    Ok(panel)
}

/// The overview's live chart: the last hour, by minute, of the metric that matters most now (the
/// most severe open alert's, else the first enabled rule's). `None` for the platform's
/// administrators, a workspace without rules, or a rule's metric with no points yet.
#[server]
pub async fn get_overview_panel() -> Result<Option<Panel>, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::AnalyticsRead).await?;
    let Some(tenant) = context.principal.tenant_id() else {
        return Ok(None);
    };
    let mut tx = context.tenant_tx(tenant).await?;
    let Some(metric) = crate::alerts::db::select_headline_metric(&mut tx).await? else {
        tx.commit().await?;
        return Ok(None);
    };
    let args = super::types::PanelArgs {
        metric,
        range: super::types::TimeRange::Last1h.as_param().to_owned(),
        from: String::new(),
        to: String::new(),
        bucket: super::types::Bucket::Minute.as_param().to_owned(),
        labels: String::new(),
    };
    let panel = match server::load_panel(&mut tx, &args, chrono::Utc::now()).await {
        Ok(panel) => Some(panel),
        // A rule written before its metric's first point: nothing to chart yet.
        Err(AppError::NotFound | AppError::Validation(_)) => None,
        Err(other) => return Err(other),
    };
    tx.commit().await?;
    Ok(panel)
}

/// Everything the analytics page shows, in one request (one resource: nested resources can pair
/// with the wrong server data while hydrating, and a second server call after an `.await` would
/// run outside the request's context).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PageData {
    pub metrics: Vec<MetricSummary>,
    /// The metric shown: the one asked for, else the first.
    pub metric: String,
    /// `None` when the tenant has no metrics yet; field errors come back inside.
    pub panel: Option<Result<Panel, AppError>>,
}

#[server]
pub async fn get_analytics_page(
    tenant_id: Option<TenantId>,
    metric: String,
    range: String,
    from: String,
    to: String,
    bucket: String,
    labels: String,
) -> Result<PageData, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::AnalyticsRead).await?;
    let tenant = context
        .choose_tenant(crate::auth::context::TenantScope::Named(tenant_id))
        .await?;
    let mut tx = context.tenant_tx(tenant).await?;
    let metrics = super::db::select_metrics(&mut tx).await?;
    let metric = match metrics.first() {
        Some(first) if metric.trim().is_empty() => first.name.clone(),
        _ => metric,
    };
    let panel = if metrics.is_empty() {
        None
    } else {
        let args = super::types::PanelArgs {
            metric: metric.clone(),
            range,
            from,
            to,
            bucket,
            labels,
        };
        Some(match server::load_panel(&mut tx, &args, chrono::Utc::now()).await {
            Ok(panel) => Ok(panel),
            Err(error @ AppError::Validation(_)) => Err(error),
            Err(other) => return Err(other),
        })
    };
    tx.commit().await?;
    Ok(PageData { metrics, metric, panel })
}

#[server]
pub async fn update_metric(
    tenant_id: Option<TenantId>,
    metric_id: MetricId,
    unit: String,
    description: String,
) -> Result<(), AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::error::FieldErrors;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::AnalyticsIngest).await?;
    let tenant = context
        .choose_tenant(crate::auth::context::TenantScope::Named(tenant_id))
        .await?;
    let (unit, description) = (unit.trim(), description.trim());
    let mut errors = FieldErrors::new();
    if unit.chars().count() > 32 {
        errors.add("unit", crate::i18n::t("valid-metric-unit"));
    }
    if description.chars().count() > 500 {
        errors.add("description", crate::i18n::t("valid-metric-description"));
    }
    errors.into_result()?;
    let mut tx = context.tenant_tx(tenant).await?;
    let before = super::db::select_metrics(&mut tx)
        .await?
        .into_iter()
        .find(|m| m.metric_id == metric_id)
        .ok_or(AppError::NotFound)?;
    super::db::update_metric(&mut tx, metric_id, unit, description).await?;
    let event = AuditEvent {
        tenant_id: Some(tenant),
        action: "metric.update",
        entity_type: "metric",
        entity_id: Some(metric_id.to_string()),
        before: Some(
            serde_json::json!({ "name": before.name, "unit": before.unit, "description": before.description }),
        ),
        after: Some(serde_json::json!({ "name": before.name, "unit": unit, "description": description })),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod server {
    //! Parsing shared by the server functions and the REST endpoints.
    use super::super::service::{PanelRequest, check_bucket};
    use super::super::types::{Bucket, Panel, PanelArgs, PanelQuery, TimeRange};
    use crate::db::TenantTx;
    use crate::error::{AppError, FieldErrors};
    use chrono::{DateTime, Utc};

    /// Parses `args` (field errors named after them) and reads the panel: what every server
    /// function and REST endpoint that shows a panel calls.
    pub async fn load_panel(tx: &mut TenantTx, args: &PanelArgs, now: DateTime<Utc>) -> Result<Panel, AppError> {
        let request = panel_request(tx, args, now).await?;
        let mut panel = super::super::service::panel(tx, request).await?;
        // Forecasts and anomaly marks are a plan feature; the trend line is not.
        if !crate::plans::service::has_feature(tx, crate::plans::types::Feature::AnomalyDetection).await? {
            panel.forecast.clear();
            panel.forecast_method = None;
            panel.anomalies.clear();
        }
        Ok(panel)
    }

    /// Turns the URL's strings into a panel request, with an error per field.
    async fn panel_request(tx: &mut TenantTx, args: &PanelArgs, now: DateTime<Utc>) -> Result<PanelRequest, AppError> {
        let PanelArgs {
            metric,
            range,
            from,
            to,
            bucket,
            labels,
        } = args;
        let mut errors = FieldErrors::new();
        let range = TimeRange::parse(range, from, to)
            .map_err(|message| errors.add("range", message))
            .ok();
        let bucket_choice = match bucket.trim() {
            "" | "auto" => None,
            other => match Bucket::parse(other) {
                Some(bucket) => Some(bucket),
                None => {
                    errors.add("bucket", crate::i18n::t("valid-bucket"));
                    None
                }
            },
        };
        let labels = PanelQuery::parse_labels(labels)
            .map_err(|message| errors.add("labels", message))
            .unwrap_or_default();
        let metric = super::super::db::select_metric_by_name(tx, metric.trim()).await?;
        if metric.is_none() {
            errors.add("metric", crate::i18n::t("valid-metric-unknown"));
        }
        errors.into_result()?;
        let (Some(range), Some(metric)) = (range, metric) else {
            return Err(AppError::Internal);
        };
        let (from, to) = range.window(now);
        let bucket = bucket_choice.unwrap_or_else(|| Bucket::auto(to - from));
        check_bucket(from, to, bucket).map_err(|message| AppError::field("bucket", message))?;
        Ok(PanelRequest {
            metric,
            from,
            to,
            bucket,
            labels,
        })
    }
}

/// Per-tenant key figures with a 24-hour sparkline of points: every tenant for platform
/// administrators, the own tenant otherwise.
#[server]
pub async fn get_tenant_figures() -> Result<Vec<super::types::TenantFigures>, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::AnalyticsRead).await?;
    let now = chrono::Utc::now();
    let since = now - chrono::Duration::hours(23);
    let since = chrono::DateTime::from_timestamp(since.timestamp() / 3600 * 3600, 0).unwrap_or(since);
    let figures = match context.principal.tenant_id() {
        None => {
            let mut tx = context.platform_tx(Permission::TenantsRead).await?;
            let figures = super::db::select_tenant_figures(&mut tx, now.date_naive(), since).await?;
            tx.commit().await?;
            figures
        }
        Some(tenant_id) => {
            let mut tx = context.tenant_tx(tenant_id).await?;
            let figures = super::db::select_tenant_figures(&mut tx, now.date_naive(), since).await?;
            tx.commit().await?;
            figures
        }
    };
    Ok(figures)
}
