//! Server functions of `/system/ip-blocks`: list the blocks in force (`system:monitor`), block an
//! address or range by hand and lift a block (`system:manage`). Platform administrators only:
//! both permissions are platform-scoped, so a tenant's admin is refused.

use super::types::IpBlocksPageData;
use crate::error::AppError;
use crate::ids::IpBlockId;
use leptos::prelude::*;

/// The blocks in force, newest first.
#[server]
pub async fn get_ip_blocks_page() -> Result<IpBlocksPageData, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::SystemMonitor).await?;
    let mut tx = context.platform_tx(Permission::SystemMonitor).await?;
    let blocks = super::db::select_active_blocks(&mut tx, chrono::Utc::now()).await?;
    tx.commit().await?;
    Ok(IpBlocksPageData {
        blocks,
        can_manage: context.check(Permission::SystemManage).is_ok(),
    })
}

/// Blocks `network` (an address or a CIDR range) for `duration` (`1h`, `24h`, `7d`, `30d` or
/// `lifted`: until lifted) with a `reason`, audited as `ip_block.create`.
#[server]
pub async fn create_ip_block(
    #[server(default)] network: String,
    #[server(default)] duration: String,
    #[server(default)] reason: String,
) -> Result<IpBlockId, AppError> {
    use super::db::{NewIpBlock, insert_block};
    use super::types::{BlockDuration, BlockOrigin, BlockedNetwork};
    use crate::auth::types::Principal;
    use crate::error::FieldErrors;
    use crate::i18n::t;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::SystemManage).await?;
    let Principal::Platform { platform_user_id, .. } = &context.principal else {
        return Err(AppError::forbidden(Permission::SystemManage));
    };
    let mut errors = FieldErrors::new();
    let parsed = BlockedNetwork::parse(&network).map_err(|message| errors.add("network", message));
    // Blocking the address one is signed in from would lock the administrator out mid-request.
    if let (Ok(parsed), Some(own)) = (
        &parsed,
        context
            .meta
            .ip
            .as_deref()
            .and_then(|ip| ip.parse::<std::net::IpAddr>().ok()),
    ) && parsed.contains(own)
    {
        errors.add("network", t("ip-blocks-own-address"));
    }
    let length = BlockDuration::parse(&duration).map_err(|message| errors.add("duration", message));
    let reason = reason.trim();
    if reason.is_empty() {
        errors.add("reason", t("ip-blocks-reason-required"));
    } else if reason.chars().count() > 500 {
        errors.add("reason", t("ip-blocks-reason-long"));
    }
    errors.into_result()?;
    let (Ok(network), Ok(length)) = (parsed, length) else {
        return Err(AppError::Internal);
    };
    let now = chrono::Utc::now();
    let blocked_until = length.length().map(|length| now + length);
    let mut tx = context.platform_tx(Permission::SystemManage).await?;
    let block = NewIpBlock {
        network,
        origin: BlockOrigin::Manual,
        reason,
        created_by: Some(*platform_user_id),
        blocked_until,
    };
    let id = insert_block(&mut tx, &block, &context.actor(), now)
        .await?
        .ok_or(AppError::Internal)?;
    tx.commit().await?;
    refresh_this_replica(&context.db).await;
    Ok(id)
}

/// Lifts a block in force, audited as `ip_block.lift` with the block as it was.
#[server]
pub async fn lift_ip_block(ip_block_id: IpBlockId) -> Result<(), AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::auth::types::Principal;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::SystemManage).await?;
    let Principal::Platform { platform_user_id, .. } = &context.principal else {
        return Err(AppError::forbidden(Permission::SystemManage));
    };
    let now = chrono::Utc::now();
    let mut tx = context.platform_tx(Permission::SystemManage).await?;
    let before = super::db::select_active_block(&mut tx, ip_block_id, now)
        .await?
        .ok_or(AppError::NotFound)?;
    if !super::db::lift_block(&mut tx, ip_block_id, *platform_user_id, now).await? {
        return Err(AppError::NotFound);
    }
    let event = AuditEvent {
        tenant_id: None,
        action: "ip_block.lift",
        entity_type: "ip_block",
        entity_id: Some(ip_block_id.to_string()),
        before: Some(serde_json::json!({
            "network": before.network,
            "origin": before.origin.as_str(),
            "reason": before.reason,
            "blocked_until": before.blocked_until,
        })),
        after: None,
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    refresh_this_replica(&context.db).await;
    Ok(())
}

/// This replica's edge sees the change at once; the others at their next refresh.
#[cfg(feature = "ssr")]
async fn refresh_this_replica(db: &crate::db::Db) {
    if let Some(list) = use_context::<super::service::BlockList>()
        && let Err(error) = list.refresh(db).await
    {
        tracing::warn!(%error, "could not refresh the IP blocks after a change");
    }
}
