//! Who may act on whom: the one rule every server function that changes another user goes
//! through (update, reset password, disable/enable, delete, grant, assign a set, delegate to,
//! change a set someone holds), and the limit on the role one may give.
//!
//! A platform administrator outranks every tenant user. Inside a tenant the actor's *standing*
//! (the highest built-in role they hold firmly in full, `EffectivePermissions::standing`) must be
//! strictly above the target's *rank* (the lowest built-in role granting everything the target
//! holds, `EffectivePermissions::rank`). Peers never act on each other, and outranking implies
//! holding firmly everything the target holds, so taking over an account yields nothing new.

use super::effective::{EffectivePermissions, outranks};
use super::types::Role;
use crate::auth::context::RequestContext;
use crate::auth::types::Principal;
use crate::db::TenantTx;
use crate::error::AppError;
use crate::i18n::{t, t_args};
use crate::ids::{PermissionSetId, UserId};

/// Whether the caller outranks a user holding `target` (see the module comment).
pub fn outranks_target(context: &RequestContext, target: &EffectivePermissions) -> bool {
    match &context.principal {
        Principal::Platform { .. } => true,
        Principal::Tenant { .. } => outranks(context.permissions.standing(), target.rank()),
    }
}

/// Refuses unless the caller outranks a user holding `target` (see the module comment).
pub fn ensure_outranks(context: &RequestContext, target: &EffectivePermissions) -> Result<(), AppError> {
    if outranks_target(context, target) {
        return Ok(());
    }
    let rank = target.rank();
    tracing::info!(principal = %context.principal.email(), target_rank = ?rank, "acting on a user one does not outrank refused");
    Err(AppError::forbidden(t_args(
        "rank-above",
        &[("role", &t(rank.label_key()))],
    )))
}

/// Whether the caller outranks `user_id` (for the UI to offer only what the server will allow).
pub async fn outranks_user(
    context: &RequestContext,
    tx: &mut TenantTx,
    user_id: UserId,
    role: Role,
) -> Result<bool, AppError> {
    if matches!(context.principal, Principal::Platform { .. }) {
        return Ok(true);
    }
    let target = super::db::select_effective(tx, user_id, role).await?;
    Ok(outranks_target(context, &target))
}

/// Loads `user_id`'s effective permissions in `tx` and refuses unless the caller outranks them.
pub async fn ensure_outranks_user(
    context: &RequestContext,
    tx: &mut TenantTx,
    user_id: UserId,
    role: Role,
) -> Result<(), AppError> {
    if matches!(context.principal, Principal::Platform { .. }) {
        return Ok(());
    }
    let target = super::db::select_effective(tx, user_id, role).await?;
    ensure_outranks(context, &target)
}

/// A role may be given only by someone standing at least that high: an Admin creates Admins, a
/// Manager at most Managers. Standing means holding every permission of the role firmly, so this
/// is also "nobody hands out a permission they do not hold" for roles.
pub fn ensure_may_assign(context: &RequestContext, role: Role) -> Result<(), AppError> {
    match &context.principal {
        Principal::Platform { .. } => Ok(()),
        Principal::Tenant { .. } if context.permissions.standing().is_some_and(|s| s >= role) => Ok(()),
        Principal::Tenant { .. } => Err(AppError::field("role", t("users-role-above-own"))),
    }
}

/// Changing or deleting a set changes everyone who holds it, directly or through a set built on
/// it: the caller must outrank each of them (their own membership aside: what they could add to
/// a set they hold must already be theirs firmly).
pub async fn ensure_outranks_holders(
    context: &RequestContext,
    tx: &mut TenantTx,
    set_id: PermissionSetId,
) -> Result<(), AppError> {
    if matches!(context.principal, Principal::Platform { .. }) {
        return Ok(());
    }
    let me = match &context.principal {
        Principal::Tenant { user_id, .. } => Some(*user_id),
        Principal::Platform { .. } => None,
    };
    for (user_id, role) in super::db::select_set_holders(tx, set_id).await? {
        if Some(user_id) != me {
            ensure_outranks_user(context, tx, user_id, role).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_strictly_higher_standing_outranks() {
        assert!(outranks(Some(Role::Admin), Role::Manager));
        assert!(
            !outranks(Some(Role::Manager), Role::Manager),
            "peers do not act on each other"
        );
        assert!(!outranks(Some(Role::Analyst), Role::Manager));
        assert!(!outranks(None, Role::Viewer));
    }
}
