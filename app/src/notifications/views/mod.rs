//! The Channels page (`/alerts/channels`): a tenant's channels with their state, creating and
//! editing them, the signing secret shown once (at creation and rotation), "send test", turning
//! channels off and on, and the delivery log with its attempts and a replay for failed ones.
//! Also the delivery table the alert page embeds and the home page's warning about channels the
//! server turned off.

pub mod channel_forms;
pub mod channels;
pub mod deliveries;
pub mod warnings;

/// Where the page lives (the alerts area).
pub const PATH: &str = "/alerts/channels";
