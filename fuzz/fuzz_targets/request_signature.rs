//! Request signature checks (`api_keys::auth::check_signature`): arbitrary timestamp, nonce and
//! signature header values, method, path and body. Every input must be answered with a verdict,
//! never a panic; a request signed with the right secret must verify, and one signed with another
//! secret or for another body must not.
#![no_main]

use atrium_types::api_keys::signature::{
    KeyAuthError, NONCE_HEADER, SIGNATURE_HEADER, SignedRequest, TIMESTAMP_HEADER, check_signature, sign,
};
use chrono::{TimeZone, Utc};
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

/// The raw bytes of the secret `ats_AAECAwQF…Hh8` (0, 1, …, 31).
const SECRET_TEXT: &str = "ats_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
const NOW: i64 = 1_780_000_000;

/// Splits the input into fields at 0xFF bytes (never in a valid UTF-8 header).
fn fields(data: &[u8]) -> [&[u8]; 6] {
    let mut parts = data.splitn(6, |b| *b == 0xff);
    std::array::from_fn(|_| parts.next().unwrap_or_default())
}

fuzz_target!(|data: &[u8]| {
    let secret: Vec<u8> = (0u8..32).collect();
    // A fixed clock: a finding must reproduce tomorrow.
    let Some(now) = Utc.timestamp_opt(NOW, 0).single() else {
        return;
    };
    let [timestamp, nonce, signature, method, path, body] = fields(data);
    let method = String::from_utf8_lossy(method);
    let path = String::from_utf8_lossy(path);
    let request = SignedRequest {
        method: &method,
        path_and_query: &path,
        body,
    };

    // Arbitrary header values, each present only when the bytes make a header value.
    let mut headers = HeaderMap::new();
    for (name, value) in [(TIMESTAMP_HEADER, timestamp), (NONCE_HEADER, nonce), (SIGNATURE_HEADER, signature)] {
        if !value.is_empty() {
            if let Ok(value) = HeaderValue::from_bytes(value) {
                headers.insert(name, value);
            }
        }
    }
    for require_signed in [false, true] {
        if let Ok(Some(verified)) = check_signature(&secret, require_signed, &headers, &request, now) {
            assert!(verified.expires_at > now, "a verified nonce already expired");
        }
    }

    // The same fields as a correctly signed request: it verifies exactly when its nonce parses
    // and its timestamp is the clock's; a different body never does.
    let Ok(nonce_text) = std::str::from_utf8(nonce) else {
        return;
    };
    let Ok(nonce_value) = HeaderValue::from_str(nonce_text) else {
        return;
    };
    let mut good = HeaderMap::new();
    good.insert(TIMESTAMP_HEADER, HeaderValue::from(NOW));
    good.insert(NONCE_HEADER, nonce_value);
    let Ok(header) = HeaderValue::from_str(&sign(SECRET_TEXT, NOW, nonce_text, &request)) else {
        return;
    };
    good.insert(SIGNATURE_HEADER, header);
    let verdict = check_signature(&secret, true, &good, &request, now);
    match atrium_types::api_keys::signature::Nonce::parse(nonce_text) {
        Some(_) => assert!(matches!(verdict, Ok(Some(_))), "a correct signature failed: {verdict:?}"),
        None => assert_eq!(verdict, Err(KeyAuthError::InvalidNonce)),
    }
    let mut other_body = body.to_vec();
    other_body.push(b'!');
    let tampered = SignedRequest {
        body: &other_body,
        ..request
    };
    assert!(
        check_signature(&secret, true, &good, &tampered, now).is_err(),
        "a signature verified for another body"
    );
});
