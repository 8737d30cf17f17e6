//! Machine authentication for the REST and ingestion endpoints: the API key in
//! `Authorization: Bearer atr_…`, its scopes, and HMAC-SHA256 request signatures.
//!
//! A signed request carries `X-Atrium-Timestamp: <unix seconds>`, `X-Atrium-Nonce: <16–64 of
//! [A-Za-z0-9_-]>` and `X-Atrium-Signature: v2=<hex HMAC-SHA256(signing secret, canonical)>`, where
//! `canonical` is [`canonical_string`]: the scheme tag, timestamp, nonce, method, path with query
//! (as sent) and the body's SHA-256, one per line. Several comma-separated `v2=` values are
//! accepted, any one matching. The timestamp must be within five minutes of the server's clock and
//! the nonce unused with this key within that window (`signature_nonces`), so a captured request
//! can be neither replayed nor re-aimed at another route. Scheme `v1` (timestamp and body only) is
//! refused with `signature_version_unsupported`: it allowed replays.
use super::db as keys_db;
use super::secret;
use super::types::ApiKeyScope;
use crate::db::{ApiKeyTx, Db, PlatformGuard, PlatformTx, TenantTx};
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
/// The header with the request's nonce, unique per key within the tolerance window.
pub const NONCE_HEADER: &str = "x-atrium-nonce";
/// The signature scheme this server verifies, as it appears in `X-Atrium-Signature: v2=…` and on
/// the first line of the canonical string.
pub const SIGNATURE_VERSION: &str = "v2";
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
    /// The signature uses only a scheme this server no longer verifies (`v1`, which allowed
    /// replays) or does not know.
    SignatureVersionUnsupported,
    /// `X-Atrium-Nonce` is missing from a signed request or is not 16–64 of `[A-Za-z0-9_-]`.
    InvalidNonce,
    /// The signature is right but its nonce was already used with this key within the window.
    ReplayedRequest,
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
            | Self::StaleSignature
            | Self::SignatureVersionUnsupported
            | Self::InvalidNonce
            | Self::ReplayedRequest => 401,
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
            Self::SignatureVersionUnsupported => "signature_version_unsupported",
            Self::InvalidNonce => "invalid_nonce",
            Self::ReplayedRequest => "replayed_request",
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
            Self::SignatureVersionUnsupported => t("key-auth-signature-version"),
            Self::InvalidNonce => t("key-auth-invalid-nonce"),
            Self::ReplayedRequest => t("key-auth-replayed"),
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

    /// Checks the request's signature headers against what it asks for (see [`check_signature`]).
    /// Pure: the nonce is not recorded, so a replay is not detected here; routes call
    /// [`Self::verify_request`].
    pub fn verify_signature(
        &self,
        headers: &HeaderMap,
        request: &SignedRequest<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<VerifiedSignature>, KeyAuthError> {
        check_signature(&self.signing_secret, self.require_signed, headers, request, now)
    }

    /// Verifies the request's signature and records its nonce in the key's tenant transaction, so
    /// the same nonce is refused (`ReplayedRequest`) by every replica until the window closes.
    /// Every route authenticated by an API key calls this before doing anything for the caller.
    pub async fn verify_request(
        &self,
        db: &Db,
        headers: &HeaderMap,
        request: &SignedRequest<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), KeyAuthError> {
        let Some(verified) = self.verify_signature(headers, request, now)? else {
            return Ok(());
        };
        let mut tx = TenantTx::begin(db, self.tenant_id).await?;
        let fresh =
            keys_db::insert_signature_nonce(&mut tx, self.api_key_id, &verified.nonce, verified.expires_at).await?;
        tx.commit().await?;
        if fresh {
            Ok(())
        } else {
            Err(KeyAuthError::ReplayedRequest)
        }
    }
}

/// What a signature covers besides the timestamp and nonce, as the server received it.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    /// The request method as sent (`GET`, `POST`); methods are case-sensitive in HTTP.
    pub method: &'a str,
    /// The request target's path and query exactly as sent: no decoding, no normalising, the
    /// query (with its `?`) only when present.
    pub path_and_query: &'a str,
    /// The raw body; empty for a GET.
    pub body: &'a [u8],
}

/// A request nonce: 16 to 64 characters of `[A-Za-z0-9_-]` (e.g. 128 random bits in base64url
/// or hex). The alphabet keeps it free of the canonical string's separator and of header
/// trickery; the length makes a guessed or colliding nonce unlikely and bounds what is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nonce(String);

impl Nonce {
    pub const MIN_LEN: usize = 16;
    pub const MAX_LEN: usize = 64;

    /// The nonce in `value`, exactly as sent (no trimming: the client signed these bytes).
    pub fn parse(value: &str) -> Option<Self> {
        let fits = (Self::MIN_LEN..=Self::MAX_LEN).contains(&value.len())
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        fits.then(|| Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Nonce {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// A signature that verified: the nonce to record and when it may be forgotten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    pub nonce: Nonce,
    /// The first moment the signed timestamp is stale; after it the nonce cannot be replayed.
    pub expires_at: DateTime<Utc>,
}

/// The string a v2 signature is the HMAC of:
/// `"v2\n{timestamp}\n{nonce}\n{METHOD}\n{path_and_query}\n{hex sha256(body)}"`.
///
/// Unambiguous by construction: no field can contain a newline (digits; the nonce alphabet; an
/// HTTP method token; a request target, which `http` refuses with control characters), and the
/// body enters as a fixed-length digest, so two different requests never share a canonical
/// string. The leading tag keeps a v2 MAC from ever equalling a MAC of another scheme's input.
pub fn canonical_string(timestamp: i64, nonce: &Nonce, method: &str, path_and_query: &str, body: &[u8]) -> String {
    use sha2::Digest;
    let body_hash = hex::encode(Sha256::digest(body));
    format!(
        "{SIGNATURE_VERSION}\n{timestamp}\n{}\n{method}\n{path_and_query}\n{body_hash}",
        nonce.as_str()
    )
}

/// Verifies a request's `X-Atrium-Timestamp`, `X-Atrium-Nonce` and `X-Atrium-Signature` with
/// `signing_secret` (raw bytes). Returns `Ok(None)` for an unsigned request when signing is
/// optional, `Ok(Some(_))` for a right, fresh signature whose nonce still has to be recorded.
///
/// No signature header at all is an unsigned request (refused when `require_signed`); any one of
/// them present makes it a signed request that must be complete and right. Only `v1=` values (or
/// another unknown `vN=`) fail as `SignatureVersionUnsupported`, so old clients learn why.
pub fn check_signature(
    signing_secret: &[u8],
    require_signed: bool,
    headers: &HeaderMap,
    request: &SignedRequest<'_>,
    now: DateTime<Utc>,
) -> Result<Option<VerifiedSignature>, KeyAuthError> {
    let timestamp = headers.get(TIMESTAMP_HEADER);
    let nonce = headers.get(NONCE_HEADER);
    let signature = headers.get(SIGNATURE_HEADER);
    if timestamp.is_none() && nonce.is_none() && signature.is_none() {
        return if require_signed {
            Err(KeyAuthError::SignatureRequired)
        } else {
            Ok(None)
        };
    }
    // Half a signature is a wrong signature, never an unsigned request.
    let signature = signature
        .ok_or(KeyAuthError::BadSignature)?
        .to_str()
        .map_err(|_| KeyAuthError::BadSignature)?;
    let candidates = v2_candidates(signature)?;
    let timestamp = timestamp
        .ok_or(KeyAuthError::BadSignature)?
        .to_str()
        .map_err(|_| KeyAuthError::BadSignature)?
        .trim();
    let seconds = parse_timestamp(timestamp).ok_or(KeyAuthError::BadSignature)?;
    let nonce = nonce
        .and_then(|value| value.to_str().ok())
        .and_then(Nonce::parse)
        .ok_or(KeyAuthError::InvalidNonce)?;
    let mut mac = HmacSha256::new_from_slice(signing_secret).map_err(|_| KeyAuthError::Internal)?;
    mac.update(canonical_string(seconds, &nonce, request.method, request.path_and_query, request.body).as_bytes());
    // `verify_slice` compares in constant time.
    if !candidates
        .iter()
        .any(|candidate| mac.clone().verify_slice(candidate).is_ok())
    {
        return Err(KeyAuthError::BadSignature);
    }
    if now.timestamp().abs_diff(seconds) > SIGNATURE_TOLERANCE_SECONDS {
        return Err(KeyAuthError::StaleSignature);
    }
    // Accepted while `|now - timestamp| <= tolerance` in whole seconds, i.e. before
    // `timestamp + tolerance + 1`.
    let tolerance = i64::try_from(SIGNATURE_TOLERANCE_SECONDS).map_err(|_| KeyAuthError::Internal)?;
    let expires_at = seconds
        .checked_add(tolerance + 1)
        .and_then(|end| DateTime::from_timestamp(end, 0))
        .ok_or(KeyAuthError::BadSignature)?;
    Ok(Some(VerifiedSignature { nonce, expires_at }))
}

/// The decoded `v2=` values of an `X-Atrium-Signature` header (comma-separated `vN=<hex>`
/// entries). No `v2=` entry but some other `vN=` fails as unsupported; nothing recognisable
/// fails as a bad signature. A `v2=` value that is not hex simply never matches.
fn v2_candidates(header: &str) -> Result<Vec<Vec<u8>>, KeyAuthError> {
    let mut candidates = Vec::new();
    let mut saw_v2 = false;
    let mut other_version = false;
    for entry in header.split(',') {
        let Some((version, value)) = entry.trim().split_once('=') else {
            continue;
        };
        if version == SIGNATURE_VERSION {
            saw_v2 = true;
            candidates.extend(hex::decode(value.trim()).ok());
        } else if version
            .strip_prefix('v')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        {
            other_version = true;
        }
    }
    match (saw_v2, other_version) {
        (true, _) => Ok(candidates),
        (false, true) => Err(KeyAuthError::SignatureVersionUnsupported),
        (false, false) => Err(KeyAuthError::BadSignature),
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

/// Deletes every key's nonces whose window has closed (the led `signature_nonce_cleanup` job's
/// pass); a closed window's signature is refused as stale anyway. Returns how many went.
pub async fn delete_expired_nonces(db: &Db) -> Result<u64, sqlx::Error> {
    let mut tx = PlatformTx::begin(db, PlatformGuard::for_system_task()).await?;
    let deleted = keys_db::delete_expired_signature_nonces(&mut tx).await?;
    tx.commit().await?;
    Ok(deleted)
}

async fn record_use(db: &Db, tenant_id: TenantId, api_key_id: ApiKeyId) -> Result<(), sqlx::Error> {
    let mut tx = TenantTx::begin(db, tenant_id).await?;
    keys_db::update_api_key_last_used(&mut tx, api_key_id).await?;
    tx.commit().await
}

fn signing_key(signing_secret: &str) -> Vec<u8> {
    secret::decode_signing_secret(signing_secret).unwrap_or_else(|| signing_secret.as_bytes().to_vec())
}

/// For tests, the fuzz target and clients written in Rust: the `X-Atrium-Signature` value (`v2=…`)
/// of a request, signed with `signing_secret` as issued (`ats_…`). A string that is not a signing
/// secret is used as raw key bytes, so its signatures simply fail to verify; a nonce that does not
/// parse is signed as given and fails as `InvalidNonce` on the server.
pub fn sign(signing_secret: &str, timestamp: i64, nonce: &str, request: &SignedRequest<'_>) -> String {
    // HMAC accepts keys of any length, so this never fails; an empty MAC would only fail to verify.
    let Ok(mut mac) = HmacSha256::new_from_slice(&signing_key(signing_secret)) else {
        return format!("{SIGNATURE_VERSION}=");
    };
    let nonce = Nonce(nonce.to_owned());
    mac.update(canonical_string(timestamp, &nonce, request.method, request.path_and_query, request.body).as_bytes());
    format!("{SIGNATURE_VERSION}={}", hex::encode(mac.finalize().into_bytes()))
}

/// The retired `v1=` value (`HMAC(secret, "{timestamp}.{body}")`), kept only so tests can show
/// that the server refuses it with `signature_version_unsupported`.
pub fn sign_v1(signing_secret: &str, timestamp: i64, body: &[u8]) -> String {
    let Ok(mut mac) = HmacSha256::new_from_slice(&signing_key(signing_secret)) else {
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

    const NONCE: &str = "n0nce-0123456789_ab";
    const POST: SignedRequest<'static> = SignedRequest {
        method: "POST",
        path_and_query: "/api/v1/metrics",
        body: br#"{"points":[]}"#,
    };

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

    fn signed(timestamp: &str, nonce: Option<&str>, signature: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(TIMESTAMP_HEADER, HeaderValue::from_str(timestamp).expect("header"));
        if let Some(nonce) = nonce {
            headers.insert(NONCE_HEADER, HeaderValue::from_str(nonce).expect("header"));
        }
        headers.insert(SIGNATURE_HEADER, HeaderValue::from_str(signature).expect("header"));
        headers
    }

    fn nonce(value: &str) -> Nonce {
        Nonce::parse(value).expect("nonce")
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
    fn the_canonical_string_is_pinned() {
        // Clients in other languages build this byte for byte; a change here breaks every one.
        assert_eq!(
            canonical_string(
                1_780_000_000,
                &nonce(NONCE),
                "GET",
                "/api/v1/metrics/a%2Fb/panel?range=1h&labels=x%3Dy",
                b""
            ),
            "v2\n1780000000\nn0nce-0123456789_ab\nGET\n/api/v1/metrics/a%2Fb/panel?range=1h&labels=x%3Dy\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            canonical_string(7, &nonce(NONCE), "POST", "/api/v1/metrics", b"abc"),
            "v2\n7\nn0nce-0123456789_ab\nPOST\n/api/v1/metrics\n\
             ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_known_secret_gives_a_known_signature() {
        // The README's worked example: the same inputs must give the same header there.
        let secret = "ats_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
        assert_eq!(
            secret::decode_signing_secret(secret),
            Some((0u8..32).collect::<Vec<u8>>())
        );
        let request = SignedRequest {
            method: "POST",
            path_and_query: "/api/v1/metrics",
            body: br#"{"points":[{"metric":"cpu","value":1}]}"#,
        };
        let header = sign(secret, 1_780_000_000, "3f9c1e7a5b2d4c6e8f0a1b2c3d4e5f60", &request);
        let mut mac = HmacSha256::new_from_slice(&(0u8..32).collect::<Vec<u8>>()).expect("key");
        mac.update(
            canonical_string(
                1_780_000_000,
                &nonce("3f9c1e7a5b2d4c6e8f0a1b2c3d4e5f60"),
                "POST",
                "/api/v1/metrics",
                request.body,
            )
            .as_bytes(),
        );
        assert_eq!(header, format!("v2={}", hex::encode(mac.finalize().into_bytes())));
        assert_eq!(header, README_EXAMPLE_SIGNATURE);
    }

    /// The value printed by the README's `openssl dgst` example.
    const README_EXAMPLE_SIGNATURE: &str = "v2=1a3a39ade480781521d5694e13268d3b2ccdcac02f66d0847af54e718c1235cb";

    #[test]
    fn nonces_parse() {
        for good in [
            "0123456789abcdef",
            &"a_-Z".repeat(16),
            "3f9c1e7a5b2d4c6e8f0a1b2c3d4e5f60",
        ] {
            assert_eq!(
                Nonce::parse(good).map(|n| n.as_str().to_owned()),
                Some(good.to_owned()),
                "{good}"
            );
        }
        for bad in [
            "",
            "0123456789abcde",
            &"a".repeat(65),
            "0123456789abcdef ",
            " 0123456789abcdef",
            "0123456789abcdef\n",
            "0123456789abc.ef",
            "0123456789abc+ef",
            "0123456789abcdé1",
        ] {
            assert_eq!(Nonce::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn signatures_verify_within_the_window() {
        let (key, secret) = principal(false);
        let now = Utc::now();
        let ts = now.timestamp();
        let good = sign(&secret, ts, NONCE, &POST);
        let verified = key
            .verify_signature(&signed(&ts.to_string(), Some(NONCE), &good), &POST, now)
            .expect("verifies")
            .expect("signed");
        assert_eq!(verified.nonce.as_str(), NONCE);
        assert_eq!(verified.expires_at.timestamp(), ts + 301);
        // Another v2 value beside the right one (a client mid-rotation) is fine, and so is a
        // leftover v1 value beside a v2 one.
        let both = format!("v2={}, {good}, v1=00", "00".repeat(32));
        assert!(
            key.verify_signature(&signed(&ts.to_string(), Some(NONCE), &both), &POST, now)
                .is_ok()
        );
        // Stale either way past five minutes; exactly five minutes is still fine.
        for (offset, expected) in [
            (-301, Err(KeyAuthError::StaleSignature)),
            (301, Err(KeyAuthError::StaleSignature)),
            (-300, Ok(())),
            (300, Ok(())),
        ] {
            let at = ts + offset;
            let header = sign(&secret, at, NONCE, &POST);
            assert_eq!(
                key.verify_signature(&signed(&at.to_string(), Some(NONCE), &header), &POST, now)
                    .map(|_| ()),
                expected,
                "{offset}"
            );
        }
    }

    #[test]
    fn every_signed_part_is_covered() {
        let (key, secret) = principal(false);
        let now = Utc::now();
        let ts = now.timestamp();
        let good = sign(&secret, ts, NONCE, &POST);
        let refused = |headers: HeaderMap, request: SignedRequest<'_>| {
            assert_eq!(
                key.verify_signature(&headers, &request, now),
                Err(KeyAuthError::BadSignature),
                "{request:?}"
            );
        };
        let headers = || signed(&ts.to_string(), Some(NONCE), &good);
        refused(headers(), SignedRequest { body: b"{}", ..POST });
        refused(headers(), SignedRequest { method: "PUT", ..POST });
        refused(headers(), SignedRequest { method: "post", ..POST });
        refused(
            headers(),
            SignedRequest {
                path_and_query: "/api/v1/metrics?x=1",
                ..POST
            },
        );
        refused(
            headers(),
            SignedRequest {
                path_and_query: "/api/v1/metrics/",
                ..POST
            },
        );
        refused(
            headers(),
            SignedRequest {
                path_and_query: "/api/v1/%6Detrics",
                ..POST
            },
        );
        refused(signed(&(ts + 1).to_string(), Some(NONCE), &good), POST);
        refused(signed(&ts.to_string(), Some("n0nce-0123456789_ac"), &good), POST);
        let (_, other_secret) = principal(false);
        refused(
            signed(&ts.to_string(), Some(NONCE), &sign(&other_secret, ts, NONCE, &POST)),
            POST,
        );
    }

    #[test]
    fn v1_signatures_are_refused_as_unsupported() {
        let (optional, secret) = principal(false);
        let (required, _) = principal(true);
        let now = Utc::now();
        let ts = now.timestamp();
        let v1 = sign_v1(&secret, ts, POST.body);
        for key in [&optional, &required] {
            // A correct v1 signature, with or without a nonce: refused, and the code says why.
            for nonce in [None, Some(NONCE)] {
                assert_eq!(
                    key.verify_signature(&signed(&ts.to_string(), nonce, &v1), &POST, now),
                    Err(KeyAuthError::SignatureVersionUnsupported)
                );
            }
        }
        assert_eq!(
            optional.verify_signature(&signed(&ts.to_string(), Some(NONCE), "v3=00"), &POST, now),
            Err(KeyAuthError::SignatureVersionUnsupported)
        );
    }

    #[test]
    fn malformed_or_partial_signatures_fail() {
        let (key, secret) = principal(false);
        let now = Utc::now();
        let ts = now.timestamp();
        let good = sign(&secret, ts, NONCE, &POST);
        for (timestamp, signature) in [
            ("soon", good.as_str()),
            ("-5", good.as_str()),
            (&*format!("+{ts}"), good.as_str()),
            (&*ts.to_string(), "v2=zz"),
            (&*ts.to_string(), "v2="),
            (&*ts.to_string(), ""),
            (&*ts.to_string(), "sha256=00"),
            (&*ts.to_string(), "v=00"),
        ] {
            assert_eq!(
                key.verify_signature(&signed(timestamp, Some(NONCE), signature), &POST, now),
                Err(KeyAuthError::BadSignature),
                "{timestamp} {signature}"
            );
        }
        for bad_nonce in [None, Some("short"), Some("0123456789abcdef!")] {
            assert_eq!(
                key.verify_signature(&signed(&ts.to_string(), bad_nonce, &good), &POST, now),
                Err(KeyAuthError::InvalidNonce),
                "{bad_nonce:?}"
            );
        }
        // Any one signature header makes the request signed, and then it must be complete.
        for name in [SIGNATURE_HEADER, NONCE_HEADER, TIMESTAMP_HEADER] {
            let mut only = HeaderMap::new();
            only.insert(name, HeaderValue::from_static("0123456789abcdef0123"));
            assert!(key.verify_signature(&only, &POST, now).is_err(), "{name} alone");
        }
    }

    #[test]
    fn unsigned_requests_pass_only_when_signing_is_optional() {
        let (optional, _) = principal(false);
        let (required, _) = principal(true);
        let now = Utc::now();
        assert_eq!(optional.verify_signature(&HeaderMap::new(), &POST, now), Ok(None));
        assert_eq!(
            required.verify_signature(&HeaderMap::new(), &POST, now),
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
            (
                KeyAuthError::SignatureVersionUnsupported,
                "signature_version_unsupported",
                401,
            ),
            (KeyAuthError::InvalidNonce, "invalid_nonce", 401),
            (KeyAuthError::ReplayedRequest, "replayed_request", 401),
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
