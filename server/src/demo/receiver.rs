//! `POST /demo/receiver`: the webhook receiver the live demo's channel delivers to, served by
//! this server so nothing leaves the machine. It reads the delivery, logs it and answers 200, so
//! the channel's delivery log shows real attempts.

use atrium_app::notifications::signing::{ID_HEADER, TIMESTAMP_HEADER};
use axum::Json;
use axum::body::Bytes;
use axum::http::HeaderMap;
use serde_json::{Value, json};

pub async fn receive(headers: HeaderMap, body: Bytes) -> Json<Value> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let event = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|payload| payload.get("type").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_default();
    tracing::info!(
        webhook_id = %header(ID_HEADER),
        timestamp = %header(TIMESTAMP_HEADER),
        event = %event,
        bytes = body.len(),
        "demo receiver: delivery received"
    );
    Json(json!({ "received": true, "type": event }))
}
