//! Invitations to a workspace: what the members list shows of open ones and what the accept page
//! shows the invited person.

use crate::i18n::t;
use crate::ids::InvitationId;
use crate::permissions::Role;
use crate::portal::Branding;
use crate::tenants::TenantSlug;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How long an invitation link works.
pub const INVITATION_TTL_DAYS: i64 = 7;

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationState {
    /// The link works.
    Open,
    /// Not used in time.
    Expired,
    /// Used: the account exists.
    Accepted,
    /// Withdrawn by an administrator.
    Revoked,
}

impl InvitationState {
    /// From the stored times, as of `now`.
    pub fn of(
        expires_at: DateTime<Utc>,
        accepted_at: Option<DateTime<Utc>>,
        revoked_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Self {
        match (accepted_at, revoked_at) {
            (Some(_), _) => Self::Accepted,
            (None, Some(_)) => Self::Revoked,
            (None, None) if expires_at <= now => Self::Expired,
            (None, None) => Self::Open,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Expired => "expired",
            Self::Accepted => "accepted",
            Self::Revoked => "revoked",
        }
    }
    pub fn label(self) -> String {
        t(&format!("invitation-state-{}", self.as_str()))
    }
}

/// An invitation as the members page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invitation {
    pub invitation_id: InvitationId,
    pub email: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    /// The last time the email went out; `None`: sending failed (send it again).
    pub sent_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
    pub state: InvitationState,
}

/// What the accept page shows: whose workspace, for which address and role, and whether the link
/// still works.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationPreview {
    pub workspace: Branding,
    pub slug: TenantSlug,
    pub email: String,
    pub role: Role,
    pub state: InvitationState,
}

/// The invitations of a workspace the members page shows, and whether email can be sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationsPage {
    pub invitations: Vec<Invitation>,
    /// The server has SMTP settings; without them invitations cannot be sent.
    pub email_available: bool,
}

/// A new invitation's token: what the link carries (`inv_` and 43 characters of base64url for 32
/// random bytes) and the SHA-256 the table keeps.
#[cfg(feature = "server")]
pub mod token {
    use base64::Engine;
    use rand::Rng;
    use rand::rngs::OsRng;
    use sha2::{Digest, Sha256};

    pub const PREFIX: &str = "inv_";

    pub fn generate() -> (String, Vec<u8>) {
        let mut bytes = [0u8; 32];
        OsRng.fill(&mut bytes);
        let token = format!(
            "{PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        );
        let hash = hash(&token);
        (token, hash)
    }

    pub fn hash(token: &str) -> Vec<u8> {
        Sha256::digest(token.as_bytes()).to_vec()
    }

    /// Whether `raw` has a token's shape (checked before any lookup).
    pub fn looks_valid(raw: &str) -> bool {
        raw.strip_prefix(PREFIX).is_some_and(|rest| {
            rest.len() == 43
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn the_state_follows_the_stored_times() {
        let now = Utc::now();
        let later = now + Duration::days(1);
        assert_eq!(InvitationState::of(later, None, None, now), InvitationState::Open);
        assert_eq!(InvitationState::of(now, None, None, now), InvitationState::Expired);
        assert_eq!(
            InvitationState::of(now, Some(now), None, now),
            InvitationState::Accepted
        );
        assert_eq!(
            InvitationState::of(later, None, Some(now), now),
            InvitationState::Revoked
        );
    }

    #[cfg(feature = "server")]
    #[test]
    fn tokens_have_one_shape_and_hash_to_32_bytes() {
        let (token, hash) = token::generate();
        assert!(token::looks_valid(&token), "{token}");
        assert_eq!(hash.len(), 32);
        assert_eq!(token::hash(&token), hash);
        assert_ne!(token::generate().0, token);
        for bad in [
            "",
            "inv_",
            "inv_short",
            "key_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            &format!("{token}x"),
            "inv_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/",
        ] {
            assert!(!token::looks_valid(bad), "{bad}");
        }
    }
}
