//! HMAC-SHA256 request signatures for API keys, and the stable errors of machine
//! authentication: what a client signs, how a signature is checked against a signing secret, and
//! the codes a refused request gets. Pure (no database, no HTTP types beyond header values), so the
//! fuzz target builds without the server; the key lookup and nonce recording are in the app's
//! `api_keys::auth`.
//!
//! A signed request carries `X-Atrium-Timestamp: <unix seconds>`, `X-Atrium-Nonce: <16–64 of
//! [A-Za-z0-9_-]>` and `X-Atrium-Signature: v2=<hex HMAC-SHA256(signing secret, canonical)>`, where
//! `canonical` is [`canonical_string`]: the scheme tag, timestamp, nonce, method, path with query
//! (as sent) and the body's SHA-256, one per line. Several comma-separated `v2=` values are
//! accepted, any one matching. Scheme `v1` (timestamp and body only) is refused with
//! `signature_version_unsupported`: it allowed replays.
use super::ApiKeyScope;
use super::secret;
use crate::i18n::{t, t_args};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use http::HeaderMap;
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

/// The MAC of every signature scheme.
pub type HmacSha256 = Hmac<Sha256>;

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

#[cfg(feature = "sqlx")]
impl From<sqlx::Error> for KeyAuthError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error while authenticating an API key");
        Self::Internal
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

pub fn signing_key(signing_secret: &str) -> Vec<u8> {
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
