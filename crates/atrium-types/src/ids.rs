//! Newtype identifiers, so a tenant id can never be passed where a user id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            pub fn new_random() -> Self {
                Self(Uuid::new_v4())
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }
    )*};
}

id_type! {
    /// A tenant (organisation) of the platform.
    TenantId;
    /// A user inside one tenant.
    UserId;
    /// A platform administrator, outside every tenant.
    PlatformUserId;
    /// A tenant's API key (machine access).
    ApiKeyId;
    /// A metric a tenant declared (by sending points for it).
    MetricId;
    /// One labelled series of a metric.
    SeriesId;
    /// A notification channel (webhook, Slack, Teams, email) of a tenant.
    ChannelId;
    /// One message to one channel in the delivery outbox; also the `webhook-id` receivers
    /// deduplicate by.
    DeliveryId;
    /// An alert rule of a tenant.
    AlertRuleId;
    /// One alert: an episode of one rule for one label set, from pending to resolved.
    AlertId;
    /// A silence (mute by rule or label matchers for a time window).
    SilenceId;
    /// A blocked client address or network (`ip_blocks`).
    IpBlockId;
    /// A tenant's custom permission set (`permission_sets`).
    PermissionSetId;
    /// Permissions one user lent another until a deadline (`delegations`).
    DelegationId;
    /// An invitation to join a workspace (`invitations`).
    InvitationId;
    /// One data export archive of a workspace or a member (`data_exports`).
    DataExportId;
    /// A signed-in session, as its owner sees it in "Your sessions" (never its token).
    SessionId;
}
