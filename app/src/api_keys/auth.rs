//! Machine authentication for the REST and ingestion endpoints: the API key in
//! `Authorization: Bearer atr_…`, its scopes, and optional HMAC-SHA256 request signatures.
//!
//! A signed request carries `X-Atrium-Timestamp: <unix seconds>` and
//! `X-Atrium-Signature: v1=<hex HMAC-SHA256(signing secret, "<timestamp>.<body>")>` (several
//! comma-separated `v1=` values are accepted, any one matching). The timestamp must be within five
//! minutes of the server's clock, which bounds replays.

use super::db as keys_db;
use super::secret;
use super::types::ApiKeyScope;
use crate::db::{ApiKeyTx, Db, TenantTx};
use crate::i18n::{t, t_args};
use crate::ids::{ApiKeyId, TenantId};
use crate::tenants::types::{Plan, TenantStatus};
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header with the request's unix time in seconds.
pub const TIMESTAMP_HEADER: &str = "x-atrium-timestamp";
/// The header with the request's signature(s).
pub const SIGNATURE_HEADER: &str = "x-atrium-signature";
/// How far a signed request's timestamp may be from the server's clock, either way.
pub const SIGNATURE_TOLERANCE_SECONDS: u64 = 300;
/// `last_used_at` is written at most this often per key.
const LAST_USED_EVERY_SECONDS: i64 = 60;

type HmacSha256 = Hmac<Sha256>;

/// Why a machine request was refused. Codes are stable: clients match on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAuthError {
    /// No `Authorization: Bearer …` header.
    MissingKey,
    /// Unknown, revoked, expired or malformed key (deliberately indistinguishable).
    InvalidKey,
    /// The key lacks the scope the endpoint needs.
    MissingScope(ApiKeyScope),
    /// The tenant requires signed requests and this one is not signed.
    SignatureRequired,
    /// A signature (or timestamp) is present but wrong.
    BadSignature,
    /// The signature is right but its timestamp is more than five minutes off.
    StaleSignature,
    /// The key's tenant is suspended.
    TenantSuspended,
    /// The database failed; details are in the log.
    Internal,
}

impl KeyAuthError {
    pub fn status(&self) -> u16 {
        match self {
            Self::MissingKey
            | Self::InvalidKey
            | Self::SignatureRequired
            | Self::BadSignature
            | Self::StaleSignature => 401,
            Self::MissingScope(_) | Self::TenantSuspended => 403,
            Self::Internal => 500,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingKey => "missing_api_key",
            Self::InvalidKey => "invalid_api_key",
            Self::MissingScope(_) => "missing_scope",
            Self::SignatureRequired => "signature_required",
            Self::BadSignature => "invalid_signature",
            Self::StaleSignature => "stale_signature",
            Self::TenantSuspended => "tenant_suspended",
            Self::Internal => "internal",
        }
    }

    pub fn message(&self) -> String {
        match self {
            Self::MissingKey => t("key-auth-missing"),
            Self::InvalidKey => t("key-auth-invalid"),
            Self::MissingScope(scope) => t_args("key-auth-missing-scope", &[("scope", scope.as_str())]),
            Self::SignatureRequired => t("key-auth-signature-required"),
            Self::BadSignature => t("key-auth-bad-signature"),
            Self::StaleSignature => t_args(
                "key-auth-stale-signature",
                &[("seconds", &SIGNATURE_TOLERANCE_SECONDS.to_string())],
            ),
            Self::TenantSuspended => t("key-auth-suspended"),
            Self::Internal => t("error-internal"),
        }
    }
}

impl std::fmt::Display for KeyAuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for KeyAuthError {}

/// The `/api/v1` error shape, `{"error": {"code", "message"}}`, with the status; 401s also say
/// how to authenticate (`WWW-Authenticate: Bearer`).
impl axum::response::IntoResponse for KeyAuthError {
    fn into_response(self) -> axum::response::Response {
        let status =
            axum::http::StatusCode::from_u16(self.status()).unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::json!({ "error": { "code": self.code(), "message": self.message() } });
        let mut response = (status, axum::Json(body)).into_response();
        if self.status() == 401 {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

impl From<sqlx::Error> for KeyAuthError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error while authenticating an API key");
        Self::Internal
    }
}

/// The tenant and permissions behind a valid API key.
#[derive(Clone)]
pub struct KeyPrincipal {
    pub tenant_id: TenantId,
    pub api_key_id: ApiKeyId,
    pub scopes: Vec<ApiKeyScope>,
    pub plan: Plan,
    pub require_signed: bool,
    /// The signing secret paired with the key that was presented (the previous one for a
    /// previous key in its grace period).
    signing_secret: Vec<u8>,
}

impl std::fmt::Debug for KeyPrincipal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPrincipal")
            .field("tenant_id", &self.tenant_id)
            .field("api_key_id", &self.api_key_id)
            .field("scopes", &self.scopes)
            .field("plan", &self.plan)
            .field("require_signed", &self.require_signed)
            .finish_non_exhaustive()
    }
}

impl KeyPrincipal {
    /// `Ok` when the key holds `scope`.
    pub fn require(&self, scope: ApiKeyScope) -> Result<(), KeyAuthError> {
        if self.scopes.contains(&scope) {
            Ok(())
        } else {
            Err(KeyAuthError::MissingScope(scope))
        }
    }

    /// Verifies `X-Atrium-Timestamp` (unix seconds) and
    /// `X-Atrium-Signature: v1=<hex HMAC-SHA256(signing_secret, "{timestamp}.{body}")>`.
    /// Missing headers are fine unless `require_signed`; present-but-wrong always fails;
    /// `|now - timestamp| > 300 s` fails as stale.
    pub fn verify_signature(&self, headers: &HeaderMap, body: &[u8], now: DateTime<Utc>) -> Result<(), KeyAuthError> {
        let timestamp = headers.get(TIMESTAMP_HEADER);
        let signature = headers.get(SIGNATURE_HEADER);
        let (timestamp, signature) = match (timestamp, signature) {
            (None, None) if self.require_signed => return Err(KeyAuthError::SignatureRequired),
            (None, None) => return Ok(()),
            (Some(timestamp), Some(signature)) => (timestamp, signature),
            // Half a signature is a wrong signature, never an unsigned request.
            _ => return Err(KeyAuthError::BadSignature),
        };
        let timestamp = timestamp.to_str().map_err(|_| KeyAuthError::BadSignature)?.trim();
        let seconds = parse_timestamp(timestamp).ok_or(KeyAuthError::BadSignature)?;
        let signature = signature.to_str().map_err(|_| KeyAuthError::BadSignature)?;
        let mut mac = HmacSha256::new_from_slice(&self.signing_secret).map_err(|_| KeyAuthError::Internal)?;
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        let matches = signature
            .split(',')
            .filter_map(|part| part.trim().strip_prefix("v1="))
            .filter_map(|hex_value| hex::decode(hex_value).ok())
            // `verify_slice` compares in constant time.
            .any(|candidate| mac.clone().verify_slice(&candidate).is_ok());
        if !matches {
            return Err(KeyAuthError::BadSignature);
        }
        if now.timestamp().abs_diff(seconds) > SIGNATURE_TOLERANCE_SECONDS {
            return Err(KeyAuthError::StaleSignature);
        }
        Ok(())
    }
}

/// Unix seconds written as plain digits (what `sign` produces and clients send).
fn parse_timestamp(value: &str) -> Option<i64> {
    if value.is_empty() || value.len() > 18 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

/// The key from `Authorization: Bearer <key>`.
fn bearer_key(headers: &HeaderMap) -> Result<&str, KeyAuthError> {
    let Some(value) = headers.get(axum::http::header::AUTHORIZATION) else {
        return Err(KeyAuthError::MissingKey);
    };
    let value = value.to_str().map_err(|_| KeyAuthError::InvalidKey)?.trim();
    let Some((scheme, key)) = value.split_once(' ') else {
        return Err(if value.is_empty() {
            KeyAuthError::MissingKey
        } else {
            KeyAuthError::InvalidKey
        });
    };
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(KeyAuthError::MissingKey);
    }
    Ok(key.trim())
}

/// Reads `Authorization: Bearer atr_…`, looks the key up by SHA-256 in a read-only `ApiKeyTx`,
/// accepts the current secret or the previous one within its grace period, refuses revoked and
/// expired keys and suspended tenants, and records `last_used_at` (at most once a minute) in the
/// key's `TenantTx`.
pub async fn authenticate(db: &Db, headers: &HeaderMap) -> Result<KeyPrincipal, KeyAuthError> {
    let key = bearer_key(headers)?;
    if !secret::is_well_formed(key) {
        return Err(KeyAuthError::InvalidKey);
    }
    let hash = secret::hash_key(key);
    let mut tx = ApiKeyTx::begin(db).await?;
    let found = keys_db::select_key_by_hash(&mut tx, &hash).await?;
    tx.commit().await?;
    let Some(found) = found else {
        return Err(KeyAuthError::InvalidKey);
    };
    let now = Utc::now();
    // The index found the row; the decision rests on a constant-time comparison.
    let signing_secret = if secret::constant_time_eq(&found.secret_hash, &hash) {
        found.signing_secret
    } else {
        match (
            found.previous_secret_hash,
            found.previous_expires_at,
            found.previous_signing_secret,
        ) {
            (Some(previous), Some(until), Some(signing))
                if secret::constant_time_eq(&previous, &hash) && until > now =>
            {
                signing
            }
            _ => return Err(KeyAuthError::InvalidKey),
        }
    };
    if found.revoked_at.is_some() || found.expires_at.is_some_and(|expires| expires <= now) {
        return Err(KeyAuthError::InvalidKey);
    }
    if found.tenant_status == TenantStatus::Suspended {
        return Err(KeyAuthError::TenantSuspended);
    }
    let stale = found
        .last_used_at
        .is_none_or(|used| (now - used).num_seconds() >= LAST_USED_EVERY_SECONDS);
    if stale {
        // Bookkeeping: a failure here is logged and does not refuse an otherwise valid request.
        if let Err(error) = record_use(db, found.tenant_id, found.api_key_id).await {
            tracing::warn!(%error, api_key_id = %found.api_key_id, "could not record an API key's last use");
        }
    }
    Ok(KeyPrincipal {
        tenant_id: found.tenant_id,
        api_key_id: found.api_key_id,
        scopes: keys_db::parse_stored_scopes(&found.scopes),
        plan: found.plan,
        require_signed: found.require_signed_ingest,
        signing_secret,
    })
}

async fn record_use(db: &Db, tenant_id: TenantId, api_key_id: ApiKeyId) -> Result<(), sqlx::Error> {
    let mut tx = TenantTx::begin(db, tenant_id).await?;
    keys_db::update_api_key_last_used(&mut tx, api_key_id).await?;
    tx.commit().await
}

/// For tests and the bench: the `X-Atrium-Signature` value for `body` sent at `timestamp`, signed
/// with `signing_secret` as issued (`ats_…`). A string that is not a signing secret is used as
/// raw key bytes, so its signatures simply fail to verify.
pub fn sign(signing_secret: &str, timestamp: i64, body: &[u8]) -> String {
    let key = secret::decode_signing_secret(signing_secret).unwrap_or_else(|| signing_secret.as_bytes().to_vec());
    // HMAC accepts keys of any length, so this never fails; an empty MAC would only fail to verify.
    let Ok(mut mac) = HmacSha256::new_from_slice(&key) else {
        return "v1=".to_owned();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn principal(require_signed: bool) -> (KeyPrincipal, String) {
        let secret = secret::generate_signing_secret();
        (
            KeyPrincipal {
                tenant_id: TenantId::new_random(),
                api_key_id: ApiKeyId::new_random(),
                scopes: vec![ApiKeyScope::MetricsWrite],
                plan: Plan::Free,
                require_signed,
                signing_secret: secret.bytes,
            },
            secret.text,
        )
    }

    fn signed(timestamp: &str, signature: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(TIMESTAMP_HEADER, HeaderValue::from_str(timestamp).expect("header"));
        headers.insert(SIGNATURE_HEADER, HeaderValue::from_str(signature).expect("header"));
        headers
    }

    #[test]
    fn scopes_are_checked() {
        let (key, _) = principal(false);
        assert_eq!(key.require(ApiKeyScope::MetricsWrite), Ok(()));
        assert_eq!(
            key.require(ApiKeyScope::MetricsRead),
            Err(KeyAuthError::MissingScope(ApiKeyScope::MetricsRead))
        );
        assert_eq!(KeyAuthError::MissingScope(ApiKeyScope::MetricsRead).status(), 403);
    }

    #[test]
    fn signatures_verify_within_the_window() {
        let (key, secret) = principal(false);
        let now = Utc::now();
        let ts = now.timestamp();
        let body = br#"{"points":[]}"#;
        let good = sign(&secret, ts, body);
        assert_eq!(key.verify_signature(&signed(&ts.to_string(), &good), body, now), Ok(()));
        // Another v1 value beside the right one (a client mid-rotation) is fine.
        let both = format!("v1={}, {good}", "00".repeat(32));
        assert_eq!(key.verify_signature(&signed(&ts.to_string(), &both), body, now), Ok(()));
        // A different body, timestamp or secret is refused.
        assert_eq!(
            key.verify_signature(&signed(&ts.to_string(), &good), b"{}", now),
            Err(KeyAuthError::BadSignature)
        );
        assert_eq!(
            key.verify_signature(&signed(&(ts + 1).to_string(), &good), body, now),
            Err(KeyAuthError::BadSignature)
        );
        let (_, other_secret) = principal(false);
        let forged = sign(&other_secret, ts, body);
        assert_eq!(
            key.verify_signature(&signed(&ts.to_string(), &forged), body, now),
            Err(KeyAuthError::BadSignature)
        );
        // Stale either way past five minutes; exactly five minutes is still fine.
        let old = ts - 301;
        assert_eq!(
            key.verify_signature(&signed(&old.to_string(), &sign(&secret, old, body)), body, now),
            Err(KeyAuthError::StaleSignature)
        );
        let future = ts + 301;
        assert_eq!(
            key.verify_signature(&signed(&future.to_string(), &sign(&secret, future, body)), body, now),
            Err(KeyAuthError::StaleSignature)
        );
        let edge = ts - 300;
        assert_eq!(
            key.verify_signature(&signed(&edge.to_string(), &sign(&secret, edge, body)), body, now),
            Ok(())
        );
    }

    #[test]
    fn malformed_or_partial_signatures_fail() {
        let (key, secret) = principal(false);
        let now = Utc::now();
        let ts = now.timestamp();
        let good = sign(&secret, ts, b"x");
        for (timestamp, signature) in [
            ("soon", good.as_str()),
            ("-5", good.as_str()),
            (&*format!("+{ts}"), good.as_str()),
            (&*ts.to_string(), "v1=zz"),
            (&*ts.to_string(), "v2=00"),
            (&*ts.to_string(), ""),
        ] {
            assert_eq!(
                key.verify_signature(&signed(timestamp, signature), b"x", now),
                Err(KeyAuthError::BadSignature),
                "{timestamp} {signature}"
            );
        }
        let mut only_signature = HeaderMap::new();
        only_signature.insert(SIGNATURE_HEADER, HeaderValue::from_str(&good).expect("header"));
        assert_eq!(
            key.verify_signature(&only_signature, b"x", now),
            Err(KeyAuthError::BadSignature)
        );
    }

    #[test]
    fn unsigned_requests_pass_only_when_signing_is_optional() {
        let (optional, _) = principal(false);
        let (required, _) = principal(true);
        let now = Utc::now();
        assert_eq!(optional.verify_signature(&HeaderMap::new(), b"x", now), Ok(()));
        assert_eq!(
            required.verify_signature(&HeaderMap::new(), b"x", now),
            Err(KeyAuthError::SignatureRequired)
        );
    }

    #[test]
    fn bearer_header_forms() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer_key(&headers), Err(KeyAuthError::MissingKey));
        headers.insert("authorization", HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer_key(&headers), Err(KeyAuthError::MissingKey));
        headers.insert("authorization", HeaderValue::from_static("bearer  atr_x "));
        assert_eq!(bearer_key(&headers), Ok("atr_x"));
        headers.insert("authorization", HeaderValue::from_static("atr_x"));
        assert_eq!(bearer_key(&headers), Err(KeyAuthError::InvalidKey));
    }

    #[test]
    fn codes_are_stable() {
        let all = [
            (KeyAuthError::MissingKey, "missing_api_key", 401),
            (KeyAuthError::InvalidKey, "invalid_api_key", 401),
            (
                KeyAuthError::MissingScope(ApiKeyScope::MetricsWrite),
                "missing_scope",
                403,
            ),
            (KeyAuthError::SignatureRequired, "signature_required", 401),
            (KeyAuthError::BadSignature, "invalid_signature", 401),
            (KeyAuthError::StaleSignature, "stale_signature", 401),
            (KeyAuthError::TenantSuspended, "tenant_suspended", 403),
            (KeyAuthError::Internal, "internal", 500),
        ];
        for (error, code, status) in all {
            assert_eq!(error.code(), code);
            assert_eq!(error.status(), status);
            assert!(!error.message().starts_with("key-auth"), "{code} has no message");
        }
    }
}
