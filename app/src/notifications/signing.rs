//! Standard Webhooks signing (https://www.standardwebhooks.com): channel secrets and the
//! `webhook-id` / `webhook-timestamp` / `webhook-signature` headers.
//!
//! A secret reads `whsec_<standard base64 of 32 random bytes>`; the bytes are the HMAC key. The
//! signed content is `{webhook-id}.{webhook-timestamp}.{body}` and a signature is written
//! `v1,<standard base64 of HMAC-SHA256>`. During a rotation's overlap both the new and the previous
//! secret sign, space-separated, so a receiver holding either one verifies the message.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand::Rng;
use rand::rngs::OsRng;
use sha2::Sha256;

/// What every channel secret starts with (the convention Standard Webhooks libraries expect).
pub const SECRET_PREFIX: &str = "whsec_";
/// Random bytes in a secret.
const SECRET_BYTES: usize = 32;

pub const ID_HEADER: &str = "webhook-id";
pub const TIMESTAMP_HEADER: &str = "webhook-timestamp";
pub const SIGNATURE_HEADER: &str = "webhook-signature";

/// A freshly generated secret: the text shown once and the bytes to store.
pub struct NewSecret {
    pub text: String,
    pub bytes: Vec<u8>,
}

pub fn generate_secret() -> NewSecret {
    let mut bytes = [0u8; SECRET_BYTES];
    OsRng.fill(&mut bytes);
    NewSecret {
        text: secret_text(&bytes),
        bytes: bytes.to_vec(),
    }
}

/// The `whsec_…` text of secret bytes.
pub fn secret_text(bytes: &[u8]) -> String {
    format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes))
}

/// The bytes of a `whsec_…` secret, if it is one.
pub fn decode_secret(text: &str) -> Option<Vec<u8>> {
    STANDARD.decode(text.trim().strip_prefix(SECRET_PREFIX)?).ok()
}

/// base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).
pub fn sign(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    STANDARD.encode(mac.finalize().into_bytes())
}

/// The `webhook-signature` value: one `v1,<signature>` per key, newest first, space-separated.
pub fn signature_header(keys: &[&[u8]], id: &str, timestamp: i64, body: &[u8]) -> String {
    keys.iter()
        .map(|key| format!("v1,{}", sign(key, id, timestamp, body)))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test vector the Standard Webhooks reference libraries share.
    #[test]
    fn signs_like_the_reference_libraries() {
        let key = decode_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("secret");
        let signature = sign(
            &key,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(signature, "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn secrets_round_trip_and_differ() {
        let first = generate_secret();
        let second = generate_secret();
        assert!(first.text.starts_with("whsec_"));
        assert_eq!(first.bytes.len(), 32);
        assert_eq!(decode_secret(&first.text), Some(first.bytes.clone()));
        assert_ne!(first.bytes, second.bytes);
        assert_eq!(decode_secret("ats_abc"), None);
    }

    #[test]
    fn the_header_carries_one_signature_per_key() {
        let header = signature_header(&[b"new", b"old"], "id", 5, b"{}");
        let parts: Vec<&str> = header.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], format!("v1,{}", sign(b"new", "id", 5, b"{}")));
        assert_eq!(parts[1], format!("v1,{}", sign(b"old", "id", 5, b"{}")));
        assert_ne!(parts[0], parts[1]);
    }
}
