//! Server functions for channels and deliveries. Channels belong to a tenant and are managed by
//! its own people (`notifications:manage_channels`); a platform administrator has no tenant here
//! and gets "not found". Each change writes an audit row in its transaction (see `service.rs`).

use super::types::{
    ChannelDetail, ChannelSummary, ChannelWarning, ChannelsPage, DeliverySummary, IssuedChannelSecret, TestResult,
};
use crate::error::AppError;
use crate::ids::{ChannelId, DeliveryId};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod server {
    use crate::error::AppError;
    use crate::notifications::outbox::Outbox;

    /// The server's sender (provided to every request by the server).
    pub fn outbox() -> Result<Outbox, AppError> {
        leptos::prelude::use_context::<Outbox>().ok_or_else(|| {
            tracing::error!("no outbox in context");
            AppError::Internal
        })
    }
}

/// Up to 20 of the tenant's channels whose name contains `q` (the first by name when it is
/// empty), with their kind: what a channel chooser offers as one types (an alert rule's
/// channels). Platform administrators get none.
#[server]
pub async fn list_channels(#[server(default)] q: String) -> Result<Vec<ChannelSummary>, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::AlertsRead).await?;
    if context.principal.tenant_id().is_none() {
        return Ok(Vec::new());
    }
    let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
    let search: String = q.trim().chars().take(100).collect();
    let channels = super::db::select_channel_choices(&mut tx, &search, super::db::CHANNEL_CHOICES).await?;
    tx.commit().await?;
    Ok(channels)
}

/// Everything the Channels page shows: the channels and one page of the delivery log, narrowed
/// by `channel_id` and `status` and placed by the cursors `after`/`before` and the page number
/// (all as the page's URL has them; empty means all, and the first page).
#[server]
pub async fn get_channels_page(
    #[server(default)] channel_id: String,
    #[server(default)] status: String,
    #[server(default)] after: String,
    #[server(default)] before: String,
    #[server(default)] page: u32,
) -> Result<ChannelsPage, AppError> {
    use super::types::{DeliveryFilter, DeliveryStatus};
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::NotificationsManageChannels).await?;
    let outbox = server::outbox()?;
    let filter = DeliveryFilter {
        channel_id: channel_id.trim().parse().ok(),
        status: DeliveryStatus::parse(status.trim()),
    };
    let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
    let channels = super::db::select_channels(&mut tx).await?;
    let (after, before) = crate::paging::cursor_args(&after, &before);
    let deliveries =
        super::db::select_deliveries(&mut tx, &filter, [after.as_deref(), before.as_deref()], page).await?;
    tx.commit().await?;
    Ok(ChannelsPage {
        channels,
        deliveries,
        filter,
        email_available: outbox.email_available(),
    })
}

/// Creates a channel: `kind` webhook, slack, teams or email; `url` for the first three,
/// `recipients` (comma-separated) for email. A webhook channel's signing secret is in the answer
/// and nowhere else. `language` is what its notifications are written in (`en`, `ar`); without
/// it, the language of the page that asks.
#[server]
pub async fn create_channel(
    name: String,
    kind: String,
    #[server(default)] url: String,
    #[server(default)] recipients: String,
    #[server(default)] language: String,
) -> Result<IssuedChannelSecret, AppError> {
    use super::service::{ChannelInput, create_channel, parse_kind};
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::NotificationsManageChannels).await?;
    let outbox = server::outbox()?;
    let kind = parse_kind(&kind)?;
    let language = if language.trim().is_empty() {
        crate::i18n::language().as_str().to_owned()
    } else {
        language
    };
    let input = ChannelInput::parse(&outbox, &name, kind, &url, &recipients, &language).await?;
    let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
    let issued = create_channel(&mut tx, &context.actor(), &input).await?;
    tx.commit().await?;
    Ok(issued)
}

/// Renames a channel and changes its URL or recipients (its kind is fixed) and its language
/// (unchanged when not sent).
#[server]
pub async fn update_channel(
    channel_id: ChannelId,
    name: String,
    #[server(default)] url: String,
    #[server(default)] recipients: String,
    #[server(default)] language: String,
) -> Result<ChannelDetail, AppError> {
    use super::service::ChannelInput;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::NotificationsManageChannels).await?;
    let outbox = server::outbox()?;
    // The kind is fixed, and the URL check may wait on DNS: no transaction stays open for it.
    let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
    let before = super::db::select_channel(&mut tx, channel_id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let language = if language.trim().is_empty() {
        before.language.as_str().to_owned()
    } else {
        language
    };
    let input = ChannelInput::parse(&outbox, &name, before.kind, &url, &recipients, &language).await?;
    let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
    let updated = super::service::update_channel(&mut tx, &context.actor(), channel_id, &input).await?;
    tx.commit().await?;
    Ok(updated)
}

/// Deletes a channel and its delivery log.
#[server]
pub async fn delete_channel(channel_id: ChannelId) -> Result<(), AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::NotificationsManageChannels).await?;
    let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
    super::service::delete_channel(&mut tx, &context.actor(), channel_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Turns a channel on (`enabled=true`; also "re-enable" after the server turned it off) or off.
#[server]
pub async fn set_channel_enabled(channel_id: ChannelId, enabled: String) -> Result<ChannelDetail, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::NotificationsManageChannels).await?;
    let enabled = match enabled.trim() {
        "true" | "on" => true,
        "false" | "off" => false,
        _ => return Err(AppError::field("enabled", crate::i18n::t("channels-enabled-invalid"))),
    };
    let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
    let channel =
        super::service::set_channel_enabled(&mut tx, &context.actor(), channel_id, enabled, chrono::Utc::now()).await?;
    tx.commit().await?;
    Ok(channel)
}

/// Gives a webhook channel a new signing secret (in the answer only); `overlap` (`none`, `1h`,
/// `24h`, `7d`) is how long the previous one keeps signing too.
#[server]
pub async fn rotate_channel_secret(channel_id: ChannelId, overlap: String) -> Result<IssuedChannelSecret, AppError> {
    use super::types::SecretOverlap;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::NotificationsManageChannels).await?;
    let overlap = SecretOverlap::parse(&overlap)
        .map_err(|_| AppError::field("overlap", crate::i18n::t("channels-overlap-invalid")))?;
    let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
    let issued =
        super::service::rotate_secret(&mut tx, &context.actor(), channel_id, overlap, chrono::Utc::now()).await?;
    tx.commit().await?;
    Ok(issued)
}

/// Sends a `channel.test` message through the outbox at once and answers how it went.
#[server]
pub async fn send_channel_test(channel_id: ChannelId) -> Result<TestResult, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::NotificationsManageChannels).await?;
    // Each test makes an outbound request to a receiver of the user's choosing.
    crate::limits::check_expensive(&context.principal, crate::limits::Expensive::ChannelTest)?;
    let outbox = server::outbox()?;
    let tenant = context.principal.tenant_id().ok_or(AppError::NotFound)?;
    super::service::send_test(
        &context.db,
        &outbox,
        tenant,
        &context.actor(),
        channel_id,
        chrono::Utc::now(),
    )
    .await
}

/// Starts a failed delivery over with the same `webhook-id`.
#[server]
pub async fn replay_delivery(delivery_id: DeliveryId) -> Result<DeliverySummary, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::NotificationsManageChannels).await?;
    let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
    let replayed = super::service::replay_delivery(&mut tx, &context.actor(), delivery_id, chrono::Utc::now()).await?;
    tx.commit().await?;
    Ok(replayed)
}

/// The channels the server turned off, for the warning on the home page.
#[server]
pub async fn get_channel_warnings() -> Result<Vec<ChannelWarning>, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::NotificationsManageChannels).await?;
    if context.principal.tenant_id().is_none() {
        return Ok(Vec::new());
    }
    let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
    let warnings = super::db::select_channel_warnings(&mut tx).await?;
    tx.commit().await?;
    Ok(warnings)
}
