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
    let tenant = crate::permissions::api::server::tenant_for(&context, tenant_id)?;
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
    let tenant = crate::permissions::api::server::tenant_for(&context, tenant_id)?;
    let mut tx = context.tenant_tx(tenant).await?;
    let request = server::panel_request(
        &mut tx,
        &metric,
        &range,
        &from,
        &to,
        &bucket,
        &labels,
        chrono::Utc::now(),
    )
    .await?;
    let panel = super::service::panel(&mut tx, request).await?;
    tx.commit().await?;
    Ok(panel)
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
    let tenant = crate::permissions::api::server::tenant_for(&context, tenant_id)?;
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
    use super::super::types::{Bucket, PanelQuery, TimeRange};
    use crate::db::TenantTx;
    use crate::error::{AppError, FieldErrors};
    use chrono::{DateTime, Utc};

    /// Turns the URL's strings into a panel request, with an error per field.
    #[expect(clippy::too_many_arguments, reason = "one argument per URL parameter, all strings")]
    pub async fn panel_request(
        tx: &mut TenantTx,
        metric: &str,
        range: &str,
        from: &str,
        to: &str,
        bucket: &str,
        labels: &str,
        now: DateTime<Utc>,
    ) -> Result<PanelRequest, AppError> {
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
