//! Size and time limits of every route. A body is read here, up to `max_body_bytes`, before any
//! handler sees it (so a large or trickled body never reaches leptos' server-function decoder,
//! which answered 500 to a 3 MiB form), and the whole exchange up to the response head runs
//! under `request_timeout`.
//!
//! Exempt from the body limit: `POST /api/v1/metrics`, whose handler reads the body itself under
//! `IngestLimits::max_bytes` (413 `payload_too_large` too). Past the timeout, by construction:
//! streamed response bodies (the audit and analytics exports read 256–500 rows per short
//! transaction and wait on the client's TCP window, holding nothing between chunks) and
//! upgraded websockets (the handler answers 101 at once; the socket lives on with its own
//! heartbeat, frame and message limits).

use super::HttpSettings;
use crate::api::json_error;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use futures::StreamExt;

/// The route that reads its own body under its own limit.
fn reads_own_body(request: &Request) -> bool {
    request.method() == Method::POST && request.uri().path() == "/api/v1/metrics"
}

/// Applies the body limit and the request timeout.
pub async fn bound(State(settings): State<HttpSettings>, request: Request, next: Next) -> Response {
    let exchange = async {
        let request = if reads_own_body(&request) {
            request
        } else {
            match buffer_body(request, settings.max_body_bytes).await {
                Ok(request) => request,
                Err(refusal) => return refusal,
            }
        };
        next.run(request).await
    };
    match tokio::time::timeout(settings.request_timeout, exchange).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(timeout_ms = settings.request_timeout.as_millis(), "request timed out");
            timed_out()
        }
    }
}

/// The request with its body read into memory, or the answer refusing it.
async fn buffer_body(request: Request, max: usize) -> Result<Request, Response> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > max as u64) {
        return Err(too_large(max));
    }
    let (parts, body) = request.into_parts();
    let mut stream = body.into_data_stream();
    let mut buffer = Vec::with_capacity(declared.map_or(0, |n| usize::try_from(n).unwrap_or(max).min(max)));
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|error| {
            tracing::debug!(%error, "reading a request body failed");
            bad_body()
        })?;
        if buffer.len() + chunk.len() > max {
            return Err(too_large(max));
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok(Request::from_parts(parts, Body::from(Bytes::from(buffer))))
}

/// 413 with the REST API's error body (the same code ingestion uses).
fn too_large(max: usize) -> Response {
    let mut response = json_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("The request body is larger than {max} bytes."),
        serde_json::json!({ "max_bytes": max }),
    );
    // The rest of the body is not read: say the connection ends here.
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

fn bad_body() -> Response {
    json_error(
        StatusCode::BAD_REQUEST,
        "invalid_body",
        "The request body could not be read.",
        serde_json::Value::Null,
    )
}

/// 503: the server did not answer in time (a slow handler, or a client too slow sending its
/// body). Not 408, which browsers retry by themselves.
fn timed_out() -> Response {
    let mut response = json_error(
        StatusCode::SERVICE_UNAVAILABLE,
        "timeout",
        "The request took too long.",
        serde_json::Value::Null,
    );
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
