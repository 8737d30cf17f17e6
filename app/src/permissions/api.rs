//! Server functions for the role matrix, custom permission sets, per-user grants, delegations and
//! "why can this user do X?". Nobody hands out what they do not firmly hold, and nothing here
//! can carry a platform permission into a tenant.

use super::types::{Explanation, PermissionSet, RoleMatrix, UserPermissions};
use crate::error::AppError;
use crate::ids::{DelegationId, PermissionSetId, TenantId, UserId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The delegations page: what I gave, what I received, and (for admins) every delegation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegationsView {
    pub given: Vec<super::types::Delegation>,
    pub received: Vec<super::types::Delegation>,
    pub all: Option<Vec<super::types::Delegation>>,
    /// The permissions I may lend (whom to: `search_delegates`, as I type).
    pub lendable: Vec<String>,
    pub me: Option<UserId>,
}

#[cfg(feature = "ssr")]
pub mod server {
    use super::super::effective::EffectivePermissions;
    use super::super::types::{Permission, PermissionSet, Role, Scope};
    use crate::auth::context::RequestContext;
    use crate::error::AppError;
    use crate::i18n::t_args;
    use crate::ids::PermissionSetId;
    use std::collections::BTreeSet;

    /// Parses permission names, refusing unknown ones and anything of platform scope.
    pub fn parse_tenant_permissions(field: &str, names: &[String]) -> Result<BTreeSet<Permission>, AppError> {
        let mut parsed = BTreeSet::new();
        for name in names {
            match Permission::parse(name) {
                Some(permission) if permission.scope() == Scope::Tenant => {
                    parsed.insert(permission);
                }
                Some(permission) => {
                    return Err(AppError::field(
                        field,
                        t_args("perm-platform-only", &[("permission", permission.as_str())]),
                    ));
                }
                None => return Err(AppError::field(field, t_args("perm-unknown", &[("permission", name)]))),
            }
        }
        Ok(parsed)
    }

    /// Refuses the first permission the caller does not hold firmly (not merely on loan).
    pub fn ensure_holds(
        context: &RequestContext,
        field: &str,
        permissions: impl IntoIterator<Item = Permission>,
    ) -> Result<(), AppError> {
        for permission in permissions {
            if !context.permissions.holds_firmly(permission) {
                return Err(AppError::field(
                    field,
                    t_args("perm-not-held", &[("permission", permission.as_str())]),
                ));
            }
        }
        Ok(())
    }

    /// Everything a set grants, following its base role or parent chain.
    pub fn resolve_set(set_id: PermissionSetId, sets: &[PermissionSet]) -> BTreeSet<Permission> {
        let mut granted = BTreeSet::new();
        let mut current = sets.iter().find(|s| s.permission_set_id == set_id);
        let mut steps = 0;
        while let Some(set) = current {
            granted.extend(set.permissions.iter().filter_map(|p| Permission::parse(p)));
            if let Some(role) = set.base_role {
                granted.extend(Permission::ALL.iter().copied().filter(|p| role.grants(*p)));
            }
            steps += 1;
            current = set
                .parent_set_id
                .filter(|_| steps < 16)
                .and_then(|parent| sets.iter().find(|s| s.permission_set_id == parent));
        }
        granted
    }

    pub fn role_permissions(role: Role) -> Vec<String> {
        Permission::ALL
            .iter()
            .filter(|p| role.grants(**p))
            .map(|p| p.as_str().to_owned())
            .collect()
    }

    pub fn firm(effective: &EffectivePermissions) -> Vec<String> {
        effective
            .permissions()
            .into_iter()
            .filter(|p| p.scope() == Scope::Tenant && effective.holds_firmly(*p))
            .map(|p| p.as_str().to_owned())
            .collect()
    }
}

/// The role × permission matrix: built-in roles, Super Admin, and the tenant's custom sets.
#[server]
pub async fn get_role_matrix(tenant_id: Option<TenantId>) -> Result<RoleMatrix, AppError> {
    use super::types::{MatrixColumn, Permission, Role};
    use crate::i18n::{t, t_args};
    let context = crate::auth::context::require(Permission::RolesRead).await?;
    let mut columns: Vec<MatrixColumn> = Role::ALL
        .into_iter()
        .map(|role| MatrixColumn {
            key: role.as_str().to_owned(),
            label: t(role.label_key()),
            inherits: role
                .parent()
                .map(|p| t_args("roles-inherits", &[("parent", &t(p.label_key()))])),
            permissions: server::role_permissions(role),
            set_id: None,
        })
        .collect();
    columns.push(MatrixColumn {
        key: "super_admin".into(),
        label: t("role-super-admin"),
        inherits: Some(t("roles-platform-wide")),
        permissions: Permission::ALL.iter().map(|p| p.as_str().to_owned()).collect(),
        set_id: None,
    });
    let tenant = match (context.principal.tenant_id(), tenant_id) {
        (None, None) => None,
        _ => Some(
            context
                .choose_tenant(crate::auth::context::TenantScope::Named(tenant_id))
                .await?,
        ),
    };
    if let Some(tenant) = tenant {
        let mut tx = context.tenant_tx(tenant).await?;
        let sets = super::db::select_permission_sets(&mut tx).await?;
        tx.commit().await?;
        for set in &sets {
            let inherits = match (set.base_role, &set.parent_name) {
                (Some(role), _) => Some(t_args("roles-inherits", &[("parent", &t(role.label_key()))])),
                (None, Some(parent)) => Some(t_args("roles-inherits", &[("parent", parent)])),
                _ => None,
            };
            columns.push(MatrixColumn {
                key: format!("set:{}", set.permission_set_id),
                label: set.name.clone(),
                inherits,
                permissions: server::resolve_set(set.permission_set_id, &sets)
                    .iter()
                    .map(|p| p.as_str().to_owned())
                    .collect(),
                set_id: Some(set.permission_set_id),
            });
        }
    }
    Ok(RoleMatrix {
        columns,
        can_manage: tenant.is_some() && context.permissions.allows(Permission::RolesManage),
    })
}

#[server]
pub async fn list_permission_sets(tenant_id: Option<TenantId>) -> Result<Vec<PermissionSet>, AppError> {
    use super::types::Permission;
    let context = crate::auth::context::require(Permission::RolesRead).await?;
    let mut tx = context
        .tenant_tx(
            context
                .choose_tenant(crate::auth::context::TenantScope::Named(tenant_id))
                .await?,
        )
        .await?;
    let sets = super::db::select_permission_sets(&mut tx).await?;
    tx.commit().await?;
    Ok(sets)
}

#[server]
pub async fn get_permission_set(
    tenant_id: Option<TenantId>,
    set_id: PermissionSetId,
) -> Result<PermissionSet, AppError> {
    use super::types::Permission;
    let context = crate::auth::context::require(Permission::RolesRead).await?;
    let mut tx = context
        .tenant_tx(
            context
                .choose_tenant(crate::auth::context::TenantScope::Named(tenant_id))
                .await?,
        )
        .await?;
    let set = super::db::select_permission_set(&mut tx, set_id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(set)
}

/// Creates (no `set_id`) or updates a custom permission set.
#[server]
pub async fn save_permission_set(
    tenant_id: Option<TenantId>,
    set_id: Option<PermissionSetId>,
    name: String,
    description: String,
    inherits: String,
    #[server(default)] permissions: Vec<String>,
) -> Result<PermissionSetId, AppError> {
    use super::types::{Inherits, Permission, creates_cycle};
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::error::{FieldErrors, map_unique};
    use crate::validation::DisplayName;
    let context = crate::auth::context::require(Permission::RolesManage).await?;
    let tenant = context
        .choose_tenant(crate::auth::context::TenantScope::Named(tenant_id))
        .await?;
    let mut errors = FieldErrors::new();
    let name = DisplayName::parse(&name).map_err(|e| errors.add("name", e)).ok();
    if description.chars().count() > 500 {
        errors.add("description", crate::i18n::t_args("valid-too-long", &[("max", "500")]));
    }
    let inherits =
        Inherits::parse(&inherits).ok_or_else(|| AppError::field("inherits", crate::i18n::t("perm-bad-inherits")))?;
    let parsed = server::parse_tenant_permissions("permissions", &permissions)?;
    let Some(name) = name else {
        return Err(AppError::Validation(errors));
    };
    errors.into_result()?;
    let mut tx = context.tenant_tx(tenant).await?;
    crate::plans::service::require_feature(&mut tx, crate::plans::types::Feature::PermissionSets).await?;
    let sets = super::db::select_permission_sets(&mut tx).await?;
    let (base_role, parent_set_id) = match inherits {
        Inherits::Nothing => (None, None),
        Inherits::Role(role) => (Some(role), None),
        Inherits::Set(parent) => {
            if !sets.iter().any(|s| s.permission_set_id == parent) {
                return Err(AppError::field("inherits", crate::i18n::t("perm-bad-inherits")));
            }
            if let Some(id) = set_id {
                let parents = super::db::select_set_parents(&mut tx).await?;
                if creates_cycle(id, parent, &parents) {
                    return Err(AppError::field("inherits", crate::i18n::t("perm-cycle")));
                }
            }
            (None, Some(parent))
        }
    };
    // What the set would grant, including what it inherits, must all be the caller's to give.
    let mut granted = parsed.clone();
    if let Some(role) = base_role {
        granted.extend(Permission::ALL.iter().copied().filter(|p| role.grants(*p)));
    }
    if let Some(parent) = parent_set_id {
        granted.extend(server::resolve_set(parent, &sets));
    }
    server::ensure_holds(&context, "permissions", granted)?;
    if let Some(id) = set_id {
        super::rank::ensure_outranks_holders(&context, &mut tx, id).await?;
    }
    let names: Vec<String> = parsed.iter().map(|p| p.as_str().to_owned()).collect();
    let fields = super::db::SetFields {
        name: name.as_str(),
        description: description.trim(),
        permissions: &names,
        base_role,
        parent_set_id,
    };
    let unique = &[("permission_sets_name_key", "name", "perm-set-name-taken")];
    let before = match set_id {
        Some(id) => Some(
            super::db::select_permission_set(&mut tx, id)
                .await?
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    let id = match set_id {
        Some(id) => {
            super::db::update_permission_set(&mut tx, id, &fields)
                .await
                .map_err(|e| map_unique(e, unique))?;
            id
        }
        None => super::db::insert_permission_set(&mut tx, &fields)
            .await
            .map_err(|e| map_unique(e, unique))?,
    };
    let after = super::db::select_permission_set(&mut tx, id).await?;
    let action = if before.is_some() {
        "permission_set.update"
    } else {
        "permission_set.create"
    };
    let event = AuditEvent {
        tenant_id: Some(tenant),
        action,
        entity_type: "permission_set",
        entity_id: Some(id.to_string()),
        before: before.and_then(|b| serde_json::to_value(b).ok()),
        after: after.and_then(|a| serde_json::to_value(a).ok()),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    Ok(id)
}

#[server]
pub async fn delete_permission_set(tenant_id: Option<TenantId>, set_id: PermissionSetId) -> Result<(), AppError> {
    use super::types::Permission;
    use crate::audit::db::{AuditEvent, insert_audit_event};
    let context = crate::auth::context::require(Permission::RolesManage).await?;
    let tenant = context
        .choose_tenant(crate::auth::context::TenantScope::Named(tenant_id))
        .await?;
    let mut tx = context.tenant_tx(tenant).await?;
    let sets = super::db::select_permission_sets(&mut tx).await?;
    let set = sets
        .iter()
        .find(|s| s.permission_set_id == set_id)
        .ok_or(AppError::NotFound)?;
    if let Some(child) = sets.iter().find(|s| s.parent_set_id == Some(set_id)) {
        return Err(AppError::Conflict(crate::i18n::t_args(
            "perm-set-has-children",
            &[("child", &child.name)],
        )));
    }
    super::rank::ensure_outranks_holders(&context, &mut tx, set_id).await?;
    let event = AuditEvent {
        tenant_id: Some(tenant),
        action: "permission_set.delete",
        entity_type: "permission_set",
        entity_id: Some(set_id.to_string()),
        before: serde_json::to_value(set).ok(),
        after: None,
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    super::db::delete_permission_set(&mut tx, set_id).await?;
    tx.commit().await?;
    Ok(())
}

/// The Permissions tab: effective permissions with sources, assigned sets and grants.
#[server]
pub async fn get_user_permissions(user_id: UserId) -> Result<UserPermissions, AppError> {
    use super::types::Permission;
    let context = crate::auth::context::require(Permission::UsersRead).await?;
    let mut tx = context
        .tenant_tx(crate::auth::context::TenantScope::OfUser(user_id))
        .await?;
    let user = crate::users::db::select_user(&mut tx, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let effective = super::db::select_effective(&mut tx, user_id, user.role).await?;
    let sets = super::db::select_user_sets(&mut tx, user_id).await?;
    let available_sets = super::db::select_permission_sets(&mut tx)
        .await?
        .into_iter()
        .filter(|s| !sets.iter().any(|(id, _)| *id == s.permission_set_id))
        .map(|s| (s.permission_set_id, s.name))
        .collect();
    let grants = super::db::select_user_grants(&mut tx, user_id).await?;
    tx.commit().await?;
    let may_change = context.permissions.allows(Permission::RolesManage)
        && !crate::users::api::server::is_self(&context, user_id)
        && super::rank::outranks_target(&context, &effective);
    Ok(UserPermissions {
        effective,
        sets,
        available_sets,
        grants,
        may_change,
    })
}

/// "Why can this user do X?" — allowed or not, with every reason in words.
#[server]
pub async fn explain_permission(user_id: UserId, permission: String) -> Result<Explanation, AppError> {
    use super::types::Permission;
    let context = crate::auth::context::require(Permission::UsersRead).await?;
    let wanted = Permission::parse(&permission).ok_or_else(|| {
        AppError::field(
            "permission",
            crate::i18n::t_args("perm-unknown", &[("permission", &permission)]),
        )
    })?;
    let mut tx = context
        .tenant_tx(crate::auth::context::TenantScope::OfUser(user_id))
        .await?;
    let user = crate::users::db::select_user(&mut tx, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let effective = super::db::select_effective(&mut tx, user_id, user.role).await?;
    tx.commit().await?;
    Ok(Explanation {
        allowed: effective.allows(wanted),
        reasons: effective.explain(wanted),
    })
}

/// Assigns (`assign = true`) or removes a permission set for a user.
#[server]
pub async fn set_user_permission_set(user_id: UserId, set_id: PermissionSetId, assign: bool) -> Result<(), AppError> {
    use super::types::Permission;
    use crate::audit::db::{AuditEvent, insert_audit_event};
    let context = crate::auth::context::require(Permission::RolesManage).await?;
    let mut tx = context
        .tenant_tx(crate::auth::context::TenantScope::OfUser(user_id))
        .await?;
    let user = crate::users::db::select_user(&mut tx, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Your own sets and grants are changed by someone who outranks you: a copy of what you hold
    // through a set would otherwise outlive the set.
    if crate::users::api::server::is_self(&context, user_id) {
        return Err(AppError::Conflict(crate::i18n::t("users-not-self")));
    }
    crate::permissions::rank::ensure_outranks_user(&context, &mut tx, user_id, user.role).await?;
    let sets = super::db::select_permission_sets(&mut tx).await?;
    let set = sets
        .iter()
        .find(|s| s.permission_set_id == set_id)
        .ok_or(AppError::NotFound)?;
    if assign {
        // Removing a set stays possible with the feature off: it only takes access away.
        crate::plans::service::require_feature(&mut tx, crate::plans::types::Feature::PermissionSets).await?;
        server::ensure_holds(&context, "set_id", server::resolve_set(set_id, &sets))?;
        super::db::insert_set_member(&mut tx, set_id, user_id).await?;
    } else {
        super::db::delete_set_member(&mut tx, set_id, user_id).await?;
    }
    let event = AuditEvent {
        tenant_id: Some(user.tenant_id),
        action: if assign {
            "permission_set.assign"
        } else {
            "permission_set.unassign"
        },
        entity_type: "user",
        entity_id: Some(user_id.to_string()),
        before: None,
        after: Some(serde_json::json!({ "permission_set": set.name, "permission_set_id": set_id })),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds (`grant = true`) or removes one extra permission for a user.
#[server]
pub async fn set_user_grant(user_id: UserId, permission: String, grant: bool) -> Result<(), AppError> {
    use super::types::Permission;
    use crate::audit::db::{AuditEvent, insert_audit_event};
    let context = crate::auth::context::require(Permission::RolesManage).await?;
    let parsed = server::parse_tenant_permissions("permission", std::slice::from_ref(&permission))?;
    let Some(wanted) = parsed.into_iter().next() else {
        return Err(AppError::field("permission", crate::i18n::t("valid-required")));
    };
    let mut tx = context
        .tenant_tx(crate::auth::context::TenantScope::OfUser(user_id))
        .await?;
    let user = crate::users::db::select_user(&mut tx, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Your own sets and grants are changed by someone who outranks you: a copy of what you hold
    // through a set would otherwise outlive the set.
    if crate::users::api::server::is_self(&context, user_id) {
        return Err(AppError::Conflict(crate::i18n::t("users-not-self")));
    }
    crate::permissions::rank::ensure_outranks_user(&context, &mut tx, user_id, user.role).await?;
    if grant {
        server::ensure_holds(&context, "permission", [wanted])?;
        super::db::insert_grant(&mut tx, user_id, wanted, context.principal.email()).await?;
    } else {
        super::db::delete_grant(&mut tx, user_id, wanted).await?;
    }
    let event = AuditEvent {
        tenant_id: Some(user.tenant_id),
        action: if grant { "grant.add" } else { "grant.remove" },
        entity_type: "user",
        entity_id: Some(user_id.to_string()),
        before: None,
        after: Some(serde_json::json!({ "permission": wanted.as_str() })),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    Ok(())
}

/// Colleagues I may delegate to whose name or email contains `q`, at most `CHOICES_LIMIT`:
/// active, not me, and below my standing (creating the delegation checks their full rank).
#[server]
pub async fn search_delegates(q: String) -> Result<Vec<crate::paging::Choice>, AppError> {
    use super::types::{Permission, Role};
    let context = crate::auth::context::require(Permission::PermissionsDelegate).await?;
    let (Some(tenant), crate::auth::types::Principal::Tenant { user_id: me, .. }) =
        (context.principal.tenant_id(), &context.principal)
    else {
        return Ok(Vec::new());
    };
    let standing = context.permissions.standing();
    let below: Vec<&str> = Role::ALL
        .into_iter()
        .filter(|role| super::effective::outranks(standing, *role))
        .map(Role::as_str)
        .collect();
    if below.is_empty() {
        return Ok(Vec::new());
    }
    let search: String = q.trim().chars().take(100).collect();
    let mut tx = context.tenant_tx(tenant).await?;
    let choices =
        crate::users::db::select_user_choices(&mut tx, &search, &below, *me, crate::paging::CHOICES_LIMIT).await?;
    tx.commit().await?;
    Ok(choices)
}

/// My delegations and what I may lend.
#[server]
pub async fn list_delegations() -> Result<DelegationsView, AppError> {
    use super::types::Permission;
    let context = crate::auth::context::authenticated().await?;
    let (Some(tenant), crate::auth::types::Principal::Tenant { user_id: me, .. }) =
        (context.principal.tenant_id(), &context.principal)
    else {
        return Ok(DelegationsView {
            given: vec![],
            received: vec![],
            all: None,
            lendable: vec![],
            me: None,
        });
    };
    let me = *me;
    let mut tx = context.tenant_tx(tenant).await?;
    let mine = super::db::select_delegations(&mut tx, Some(me)).await?;
    let all = if context.permissions.allows(Permission::RolesManage) {
        Some(super::db::select_delegations(&mut tx, None).await?)
    } else {
        None
    };
    tx.commit().await?;
    let lendable = if context.permissions.allows(Permission::PermissionsDelegate) {
        server::firm(&context.permissions)
    } else {
        Vec::new()
    };
    let (given, received) = mine.into_iter().partition(|d| d.delegator_id == me);
    Ok(DelegationsView {
        given,
        received,
        all,
        lendable,
        me: Some(me),
    })
}

/// Lends some of my permissions to a colleague until `expires_at` (UTC, at most 90 days ahead).
#[server]
pub async fn create_delegation(
    delegate_id: String,
    #[server(default)] permissions: Vec<String>,
    expires_at: String,
    reason: String,
) -> Result<DelegationId, AppError> {
    use super::types::Permission;
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::error::FieldErrors;
    use chrono::{Duration, NaiveDateTime, Utc};
    let context = crate::auth::context::require(Permission::PermissionsDelegate).await?;
    let crate::auth::types::Principal::Tenant {
        tenant_id, user_id: me, ..
    } = &context.principal
    else {
        return Err(AppError::forbidden(Permission::PermissionsDelegate));
    };
    let (tenant, me) = (*tenant_id, *me);
    let mut errors = FieldErrors::new();
    let delegate = delegate_id
        .parse::<UserId>()
        .map_err(|_| errors.add("delegate_id", crate::i18n::t("perm-choose-delegate")))
        .ok();
    if permissions.is_empty() {
        errors.add("permissions", crate::i18n::t("perm-choose-some"));
    }
    let expires = NaiveDateTime::parse_from_str(expires_at.trim(), "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(expires_at.trim(), "%Y-%m-%dT%H:%M:%S"))
        .map(|naive| naive.and_utc())
        .or_else(|_| chrono::DateTime::parse_from_rfc3339(expires_at.trim()).map(|t| t.with_timezone(&Utc)));
    let now = Utc::now();
    let expires = match expires {
        Err(_) => {
            errors.add("expires_at", crate::i18n::t("perm-expiry-required"));
            None
        }
        Ok(at) if at <= now + Duration::minutes(1) => {
            errors.add("expires_at", crate::i18n::t("perm-expiry-past"));
            None
        }
        Ok(at) if at > now + Duration::days(90) => {
            errors.add("expires_at", crate::i18n::t("perm-expiry-too-far"));
            None
        }
        Ok(at) => Some(at),
    };
    if reason.chars().count() > 500 {
        errors.add("reason", crate::i18n::t_args("valid-too-long", &[("max", "500")]));
    }
    let (Some(delegate), Some(expires)) = (delegate, expires) else {
        return Err(AppError::Validation(errors));
    };
    errors.into_result()?;
    if delegate == me {
        return Err(AppError::field("delegate_id", crate::i18n::t("perm-not-self")));
    }
    let parsed = server::parse_tenant_permissions("permissions", &permissions)?;
    server::ensure_holds(&context, "permissions", parsed.iter().copied())?;
    let mut tx = context.tenant_tx(tenant).await?;
    crate::plans::service::require_feature(&mut tx, crate::plans::types::Feature::Delegations).await?;
    // The delegate must be an active user of this tenant (RLS hides everyone else's users).
    let target = crate::users::db::select_user(&mut tx, delegate)
        .await?
        .ok_or_else(|| AppError::field("delegate_id", crate::i18n::t("perm-choose-delegate")))?;
    if target.status != crate::users::types::UserStatus::Active {
        return Err(AppError::field("delegate_id", crate::i18n::t("perm-choose-delegate")));
    }
    super::rank::ensure_outranks_user(&context, &mut tx, delegate, target.role).await?;
    let names: Vec<String> = parsed.iter().map(|p| p.as_str().to_owned()).collect();
    let id = super::db::insert_delegation(&mut tx, me, delegate, &names, expires, reason.trim()).await?;
    let event = AuditEvent {
        tenant_id: Some(tenant),
        action: "delegation.create",
        entity_type: "delegation",
        entity_id: Some(id.to_string()),
        before: None,
        after: Some(
            serde_json::json!({ "delegate": target.email, "permissions": names, "expires_at": expires, "reason": reason.trim() }),
        ),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    Ok(id)
}

/// Ends a delegation early: the delegator, or anyone who manages roles in the tenant.
#[server]
pub async fn revoke_delegation(delegation_id: DelegationId) -> Result<(), AppError> {
    use super::types::Permission;
    use crate::audit::db::{AuditEvent, insert_audit_event};
    let context = crate::auth::context::authenticated().await?;
    let Some(tenant) = context.principal.tenant_id() else {
        return Err(AppError::NotFound);
    };
    let mut tx = context.tenant_tx(tenant).await?;
    let delegation = super::db::select_delegation(&mut tx, delegation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let is_delegator = matches!(&context.principal, crate::auth::types::Principal::Tenant { user_id, .. } if *user_id == delegation.delegator_id);
    if !is_delegator {
        context.check(Permission::RolesManage)?;
    }
    if !super::db::update_delegation_revoked(&mut tx, delegation_id, context.principal.email()).await? {
        return Err(AppError::Conflict(crate::i18n::t("perm-already-revoked")));
    }
    let event = AuditEvent {
        tenant_id: Some(tenant),
        action: "delegation.revoke",
        entity_type: "delegation",
        entity_id: Some(delegation_id.to_string()),
        before: serde_json::to_value(&delegation).ok(),
        after: Some(serde_json::json!({ "revoked": true })),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    Ok(())
}
