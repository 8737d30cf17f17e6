//! Secrets sealed at rest: what the server must read back (an OpenID client secret) is stored
//! encrypted with XChaCha20-Poly1305 under a key from the environment (`ATRIUM_ENCRYPTION_KEY`),
//! so the database alone (a dump, a replica, a backup) does not give it away.
//!
//! A sealed value is `version (1) ‖ nonce (24) ‖ ciphertext ‖ tag (16)`. The caller's context
//! (the owning tenant's id) is the associated data: a sealed secret copied into another row fails
//! to open instead of working there. The random 192-bit nonce makes reuse under one key
//! negligible however many values are sealed.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use std::sync::Arc;

/// The format byte of values sealed as described above.
const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;
/// The shortest sealed value: version, nonce and tag around an empty plaintext.
pub const SEALED_MIN: usize = 1 + NONCE_LEN + 16;

/// Why a secret could not be sealed or opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealError {
    /// No key is configured: secrets can be neither stored nor read.
    NoKey,
    /// Sealed under another key, for another row, in an unknown format, or altered.
    Unreadable,
}

/// The key secrets are sealed with, or its absence (then storing one is refused with a message
/// saying what to set).
#[derive(Clone)]
pub struct Sealer(Option<Arc<XChaCha20Poly1305>>);

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        f.write_str(if self.0.is_some() {
            "Sealer(key)"
        } else {
            "Sealer(none)"
        })
    }
}

impl Sealer {
    pub fn new(key: [u8; 32]) -> Self {
        Self(Some(Arc::new(XChaCha20Poly1305::new(&key.into()))))
    }

    /// No key configured.
    pub fn none() -> Self {
        Self(None)
    }

    pub fn has_key(&self) -> bool {
        self.0.is_some()
    }

    /// A key written as 64 hexadecimal digits (how `ATRIUM_ENCRYPTION_KEY` holds it).
    pub fn parse_key(text: &str) -> Option<[u8; 32]> {
        let bytes = hex::decode(text.trim()).ok()?;
        <[u8; 32]>::try_from(bytes).ok()
    }

    /// A fresh random key in that form (for a private data directory's key file).
    pub fn new_key_text() -> String {
        use rand::RngCore;
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        hex::encode(key)
    }

    pub fn seal(&self, plaintext: &[u8], context: &[u8]) -> Result<Vec<u8>, SealError> {
        use rand::RngCore;
        let cipher = self.0.as_ref().ok_or(SealError::NoKey)?;
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: context,
                },
            )
            .map_err(|_| SealError::Unreadable)?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    pub fn open(&self, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, SealError> {
        let cipher = self.0.as_ref().ok_or(SealError::NoKey)?;
        if sealed.len() < SEALED_MIN || sealed[0] != VERSION {
            return Err(SealError::Unreadable);
        }
        let (nonce, body) = sealed[1..].split_at(NONCE_LEN);
        cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: context,
                },
            )
            .map_err(|_| SealError::Unreadable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_context() {
        let sealer = Sealer::new([7; 32]);
        let sealed = sealer.seal(b"client secret", b"tenant-a").expect("sealed");
        assert_eq!(sealed.len(), SEALED_MIN + 13);
        assert!(
            !sealed.windows(13).any(|w| w == b"client secret"),
            "not stored in clear"
        );
        assert_eq!(sealer.open(&sealed, b"tenant-a").expect("opened"), b"client secret");
        assert_eq!(sealer.open(&sealed, b"tenant-b"), Err(SealError::Unreadable));
        assert_eq!(
            Sealer::new([8; 32]).open(&sealed, b"tenant-a"),
            Err(SealError::Unreadable)
        );
        let mut altered = sealed.clone();
        *altered.last_mut().expect("not empty") ^= 1;
        assert_eq!(sealer.open(&altered, b"tenant-a"), Err(SealError::Unreadable));
        assert_ne!(
            sealer.seal(b"client secret", b"tenant-a").expect("sealed"),
            sealed,
            "a fresh nonce each time"
        );
        assert_eq!(Sealer::none().seal(b"x", b""), Err(SealError::NoKey));
    }

    #[test]
    fn keys_are_64_hex_digits() {
        assert_eq!(Sealer::parse_key(&"ab".repeat(32)), Some([0xab; 32]));
        assert_eq!(Sealer::parse_key(&"ab".repeat(31)), None);
        assert_eq!(Sealer::parse_key("not hex"), None);
        assert!(Sealer::parse_key(&Sealer::new_key_text()).is_some());
    }
}
