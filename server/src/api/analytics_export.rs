//! `GET /api/v1/analytics/export?format=csv|json&metric=…&range=…&bucket=…&labels=…`: the series
//! a panel shows, as a streamed download. Authenticated by the session cookie like the pages;
//! needs `analytics:export`. Tenant users export their own tenant; platform admins pass `tenant_id`.

use atrium_app::analytics::types::{Panel, PanelArgs, PanelPoint, Stat};
use atrium_app::audit::db::{AuditEvent, insert_audit_event};
use atrium_app::auth::context::{RequestContext, TenantScope};
use atrium_app::db::Db;
use atrium_app::error::AppError;
use atrium_app::ids::TenantId;
use atrium_app::limits::{Expensive, RateLimits};
use atrium_app::permissions::types::Permission;
use axum::body::{Body, Bytes};
use axum::extract::{Query, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

/// Rows per streamed chunk.
const CHUNK: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Json,
}

pub async fn export(
    State(db): State<Db>,
    State(limits): State<RateLimits>,
    Query(params): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    // A GET that writes an audit row and hands out data: the Lax session cookie rides along on
    // another site's link, so only this site's own links (or a typed address) may start it.
    if let Some(refusal) = crate::edge::origin::refuse_foreign_navigation(&parts.headers) {
        return refusal;
    }
    match start(db, &limits, &params, &parts).await {
        Ok(response) => response,
        Err(error) => crate::api::ApiError(error).into_response(),
    }
}

async fn start(
    db: Db,
    limits: &RateLimits,
    params: &HashMap<String, String>,
    parts: &axum::http::request::Parts,
) -> Result<Response, AppError> {
    let context = RequestContext::from_parts(db, parts).await?;
    context.require(Permission::AnalyticsExport).await?;
    // An export reads every bucket of a panel's range.
    limits.check_expensive(&context.principal, Expensive::AnalyticsExport)?;
    let param = |name: &str| params.get(name).map(String::as_str).unwrap_or("");
    let format = match param("format") {
        "" | "csv" => Format::Csv,
        "json" => Format::Json,
        _ => {
            return Err(AppError::field(
                "format",
                atrium_app::i18n::t("analytics-export-format"),
            ));
        }
    };
    let chosen = match param("tenant_id") {
        "" => None,
        raw => Some(raw.parse::<TenantId>().map_err(|_| AppError::NotFound)?),
    };
    let tenant = context.choose_tenant(TenantScope::Named(chosen)).await?;
    let mut tx = context.tenant_tx(tenant).await?;
    let args = PanelArgs {
        metric: param("metric").to_owned(),
        range: param("range").to_owned(),
        from: param("from").to_owned(),
        to: param("to").to_owned(),
        bucket: param("bucket").to_owned(),
        labels: param("labels").to_owned(),
    };
    let panel = atrium_app::analytics::api::server::load_panel(&mut tx, &args, chrono::Utc::now()).await?;
    let event = AuditEvent {
        tenant_id: Some(tenant),
        action: "analytics.export",
        entity_type: "metric",
        entity_id: Some(panel.metric.metric_id.to_string()),
        before: None,
        after: Some(serde_json::json!({
            "metric": panel.metric.name,
            "from": panel.from,
            "to": panel.to,
            "bucket": panel.bucket.as_param(),
            "format": if format == Format::Csv { "csv" } else { "json" },
            "rows": panel.points.len(),
        })),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;

    let filename = format!(
        "attachment; filename=\"{}-{}.{}\"",
        panel.metric.name,
        panel.from.format("%Y%m%dT%H%M"),
        if format == Format::Csv { "csv" } else { "json" }
    );
    let mut response = Body::from_stream(stream(panel, format)).into_response();
    let headers = response.headers_mut();
    let content_type = if format == Format::Csv {
        "text/csv; charset=utf-8"
    } else {
        "application/json"
    };
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&filename) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn value(point: &PanelPoint, stat: Stat, panel: &Panel) -> String {
    stat.of(point, panel.bucket).map(|v| v.to_string()).unwrap_or_default()
}

/// The export in chunks of `CHUNK` rows: a header, the rows, and (JSON) the closing bracket.
fn stream(panel: Panel, format: Format) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> + Send {
    let columns = ["avg", "min", "max", "p50", "p95", "p99", "count", "rate"];
    let head = match format {
        Format::Csv => format!("time,{}\n", columns.join(",")),
        Format::Json => format!(
            "{{\"metric\":{},\"unit\":{},\"bucket\":\"{}\",\"from\":\"{}\",\"to\":\"{}\",\"points\":[",
            serde_json::Value::String(panel.metric.name.clone()),
            serde_json::Value::String(panel.metric.unit.clone()),
            panel.bucket.as_param(),
            panel.from.to_rfc3339(),
            panel.to.to_rfc3339()
        ),
    };
    let chunks: Vec<String> = panel
        .points
        .chunks(CHUNK)
        .enumerate()
        .map(|(chunk_index, chunk)| {
            let mut out = String::new();
            for (i, point) in chunk.iter().enumerate() {
                let stats = Stat::ALL.map(|stat| value(point, stat, &panel));
                match format {
                    Format::Csv => {
                        out.push_str(&point.t.to_rfc3339());
                        for v in &stats {
                            out.push(',');
                            out.push_str(v);
                        }
                        out.push('\n');
                    }
                    Format::Json => {
                        if chunk_index > 0 || i > 0 {
                            out.push(',');
                        }
                        let mut row = serde_json::Map::new();
                        row.insert("time".into(), point.t.to_rfc3339().into());
                        for (name, stat) in columns.iter().zip(Stat::ALL) {
                            let v = stat
                                .of(point, panel.bucket)
                                .map_or(serde_json::Value::Null, serde_json::Value::from);
                            row.insert((*name).into(), v);
                        }
                        out.push_str(&serde_json::Value::Object(row).to_string());
                    }
                }
            }
            out
        })
        .collect();
    let tail = if format == Format::Json {
        "]}\n".to_owned()
    } else {
        String::new()
    };
    futures::stream::iter(
        std::iter::once(head)
            .chain(chunks)
            .chain(std::iter::once(tail))
            .filter(|chunk| !chunk.is_empty())
            .map(|chunk| Ok(Bytes::from(chunk))),
    )
}
