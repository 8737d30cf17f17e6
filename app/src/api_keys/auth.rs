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
use crate::ids::{ApiKeyId, TenantId};
use crate::tenants::types::{Plan, TenantStatus};
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};

// The signature scheme and the error codes live with the shared types (so the fuzz target builds
// without the server); re-exported here, where the REST routes and tests look for them.
pub use atrium_types::api_keys::signature::{
    KeyAuthError, NONCE_HEADER, Nonce, SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECONDS, SIGNATURE_VERSION, SignedRequest,
    TIMESTAMP_HEADER, VerifiedSignature, canonical_string, check_signature, sign, sign_v1,
};

/// `last_used_at` is written at most this often per key.
const LAST_USED_EVERY_SECONDS: i64 = 60;

/// The tenant and permissions behind a valid API key.
#[derive(Clone)]
pub struct KeyPrincipal {
    pub tenant_id: TenantId,
    pub api_key_id: ApiKeyId,
    pub scopes: Vec<ApiKeyScope>,
    pub plan: Plan,
    /// The tenant's `/api/v1` request rates, read with the key.
    pub rates: crate::limits::ApiRates,
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
            .field("rates", &self.rates)
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
        rates: found.rates,
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

#[cfg(test)]
mod tests {
    use super::*;
    use atrium_types::api_keys::signature::HmacSha256;
    use axum::http::HeaderValue;
    use hmac::Mac;

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
                rates: crate::limits::ApiRates::from_limits(Some(60), Some(100)),
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
