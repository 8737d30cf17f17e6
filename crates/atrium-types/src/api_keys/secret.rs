//! Key material: generating keys and signing secrets, recognising a well-formed key, hashing it
//! for storage, and comparing secrets in constant time.
//!
//! A key reads `atr_<prefix>_<secret>`: `prefix` is 8 random lowercase letters and digits (public,
//! shown in lists), `secret` is 32 random bytes in base64url without padding (43 characters).
//! Only SHA-256 of the whole string is stored: the secret is 256 random bits, so a fast hash is
//! enough and there is nothing to brute-force. A signing secret reads `ats_<32 random bytes in
//! base64url>` and is stored as its bytes (the server needs them to verify signatures).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// What every key starts with.
pub const KEY_PREFIX: &str = "atr_";
/// What every signing secret starts with.
pub const SIGNING_PREFIX: &str = "ats_";
/// Length of the public prefix.
pub const PREFIX_LEN: usize = 8;
/// Random bytes in a key's secret part and in a signing secret.
const SECRET_BYTES: usize = 32;
/// base64url length of `SECRET_BYTES` without padding.
const SECRET_CHARS: usize = 43;

const PREFIX_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// A freshly generated key: the text shown once, its public prefix and the hash to store.
pub struct NewKey {
    pub key: String,
    pub prefix: String,
    pub hash: [u8; 32],
}

/// A freshly generated signing secret: the text shown once and the bytes to store.
pub struct NewSigningSecret {
    pub text: String,
    pub bytes: Vec<u8>,
}

fn random_bytes() -> [u8; SECRET_BYTES] {
    let mut bytes = [0u8; SECRET_BYTES];
    OsRng.fill(&mut bytes);
    bytes
}

/// 8 characters of `[a-z0-9]` from the OS's random source.
pub fn generate_prefix() -> String {
    let mut rng = OsRng;
    (0..PREFIX_LEN)
        .map(|_| char::from(PREFIX_ALPHABET[rng.gen_range(0..PREFIX_ALPHABET.len())]))
        .collect()
}

pub fn generate_key() -> NewKey {
    let prefix = generate_prefix();
    let key = format!("{KEY_PREFIX}{prefix}_{}", URL_SAFE_NO_PAD.encode(random_bytes()));
    let hash = hash_key(&key);
    NewKey { key, prefix, hash }
}

pub fn generate_signing_secret() -> NewSigningSecret {
    let bytes = random_bytes();
    NewSigningSecret {
        text: format!("{SIGNING_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)),
        bytes: bytes.to_vec(),
    }
}

/// The stored form of a key: SHA-256 of the whole `atr_…` string.
pub fn hash_key(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

/// Whether `key` has the exact shape of a key Atrium issues (checked before any database work).
pub fn is_well_formed(key: &str) -> bool {
    let Some(rest) = key.strip_prefix(KEY_PREFIX) else {
        return false;
    };
    let Some((prefix, secret)) = rest.split_once('_') else {
        return false;
    };
    prefix.len() == PREFIX_LEN
        && prefix.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && secret.len() == SECRET_CHARS
        && URL_SAFE_NO_PAD
            .decode(secret)
            .is_ok_and(|bytes| bytes.len() == SECRET_BYTES)
}

/// The bytes of an `ats_…` signing secret, if it is one.
pub fn decode_signing_secret(text: &str) -> Option<Vec<u8>> {
    let encoded = text.trim().strip_prefix(SIGNING_PREFIX)?;
    URL_SAFE_NO_PAD
        .decode(encoded)
        .ok()
        .filter(|bytes| bytes.len() == SECRET_BYTES)
}

/// Equality whose time does not depend on where the inputs differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_are_well_formed_and_distinct() {
        let first = generate_key();
        let second = generate_key();
        assert!(is_well_formed(&first.key), "{}", first.key);
        assert_eq!(first.key.len(), 4 + 8 + 1 + 43);
        assert!(first.key.starts_with(&format!("atr_{}_", first.prefix)));
        assert_ne!(first.key, second.key);
        assert_eq!(first.hash, hash_key(&first.key));
        assert_ne!(first.hash, second.hash);
    }

    #[test]
    fn malformed_keys_are_recognised() {
        let good = generate_key().key;
        let secret = &good[13..];
        for bad in [
            String::new(),
            "atr_".into(),
            format!("atx_abcdefgh_{secret}"),
            format!("atr_ABCDEFGH_{secret}"),
            format!("atr_abcdefg_{secret}"),
            format!("atr_abcdefghi_{secret}"),
            format!("atr_abcdefgh{secret}"),
            format!("atr_abcdefgh_{}", &secret[1..]),
            format!("atr_abcdefgh_{secret}A"),
            format!("atr_abcdefgh_{}+", &secret[1..]),
            format!("{good} "),
        ] {
            assert!(!is_well_formed(&bad), "{bad}");
        }
    }

    #[test]
    fn signing_secrets_round_trip() {
        let secret = generate_signing_secret();
        assert!(secret.text.starts_with("ats_"));
        assert_eq!(decode_signing_secret(&secret.text), Some(secret.bytes.clone()));
        assert_eq!(decode_signing_secret("ats_short"), None);
        assert_eq!(decode_signing_secret(&secret.text.replace("ats_", "whsec_")), None);
    }

    #[test]
    fn prefixes_use_the_alphabet() {
        for _ in 0..50 {
            let prefix = generate_prefix();
            assert_eq!(prefix.len(), 8);
            assert!(prefix.bytes().all(|b| PREFIX_ALPHABET.contains(&b)));
        }
    }

    #[test]
    fn constant_time_eq_compares_contents_and_lengths() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
