//! Permissions (resource × action), their scope, and the built-in roles that grant them.

pub mod effective;

use crate::ids::{DelegationId, PermissionSetId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Whether a permission acts across the platform or inside one tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    Platform,
    Tenant,
}

macro_rules! permissions {
    ($($variant:ident => $name:literal, $resource:literal, $scope:ident;)*) => {
        /// One thing a principal may do. Deny by default: anything not granted is refused.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Permission {
            $($variant,)*
        }

        impl Permission {
            /// Every permission, grouped by resource in display order.
            pub const ALL: &'static [Permission] = &[$(Self::$variant,)*];

            /// The stable `resource:action` name used in messages, audit rows and the database.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }

            /// The resource this permission belongs to (the matrix groups rows by it).
            pub fn resource(self) -> &'static str {
                match self {
                    $(Self::$variant => $resource,)*
                }
            }

            pub fn scope(self) -> Scope {
                match self {
                    $(Self::$variant => Scope::$scope,)*
                }
            }
        }
    };
}

permissions! {
    TenantsRead => "tenants:read", "tenants", Tenant;
    TenantsCreate => "tenants:create", "tenants", Platform;
    TenantsUpdate => "tenants:update", "tenants", Platform;
    TenantsDelete => "tenants:delete", "tenants", Platform;
    TenantsSuspend => "tenants:suspend", "tenants", Platform;
    // A workspace asking for its own erasure (a platform administrator may cancel it).
    TenantsErase => "tenants:erase", "tenants", Tenant;
    UsersRead => "users:read", "users", Tenant;
    UsersCreate => "users:create", "users", Tenant;
    UsersUpdate => "users:update", "users", Tenant;
    UsersDelete => "users:delete", "users", Tenant;
    UsersResetPassword => "users:reset_password", "users", Tenant;
    UsersImpersonate => "users:impersonate", "users", Tenant;
    RolesRead => "roles:read", "roles", Tenant;
    RolesManage => "roles:manage", "roles", Tenant;
    PermissionsDelegate => "permissions:delegate", "permissions", Tenant;
    ApiKeysRead => "api_keys:read", "api_keys", Tenant;
    ApiKeysCreate => "api_keys:create", "api_keys", Tenant;
    ApiKeysRevoke => "api_keys:revoke", "api_keys", Tenant;
    ApiKeysRotate => "api_keys:rotate", "api_keys", Tenant;
    AnalyticsRead => "analytics:read", "analytics", Tenant;
    AnalyticsExport => "analytics:export", "analytics", Tenant;
    AnalyticsIngest => "analytics:ingest", "analytics", Tenant;
    AlertsRead => "alerts:read", "alerts", Tenant;
    AlertsManageRules => "alerts:manage_rules", "alerts", Tenant;
    AlertsAcknowledge => "alerts:acknowledge", "alerts", Tenant;
    AlertsResolve => "alerts:resolve", "alerts", Tenant;
    NotificationsManageChannels => "notifications:manage_channels", "notifications", Tenant;
    AuditRead => "audit:read", "audit", Tenant;
    AuditExport => "audit:export", "audit", Tenant;
    ReportsRead => "reports:read", "reports", Tenant;
    ReportsSchedule => "reports:schedule", "reports", Tenant;
    SettingsRead => "settings:read", "settings", Tenant;
    SettingsUpdate => "settings:update", "settings", Tenant;
    BillingRead => "billing:read", "billing", Tenant;
    BillingUpdate => "billing:update", "billing", Tenant;
    SystemMonitor => "system:monitor", "system", Platform;
    // Changing how the platform itself runs: blocking and unblocking client addresses.
    SystemManage => "system:manage", "system", Platform;
}

impl Permission {
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.as_str() == value)
    }

    /// The resources in display order, each once.
    pub fn resources() -> Vec<&'static str> {
        let mut resources: Vec<&'static str> = Vec::new();
        for permission in Self::ALL {
            if !resources.contains(&permission.resource()) {
                resources.push(permission.resource());
            }
        }
        resources
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A tenant user's built-in role. (Super Admin is not a tenant role: see `Principal::Platform`.)
/// Roles are ordered: each inherits everything of the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(
    feature = "sqlx",
    derive(sqlx::Type),
    sqlx(type_name = "user_role", rename_all = "lowercase")
)]
pub enum Role {
    Viewer,
    Analyst,
    Manager,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Self::Viewer, Self::Analyst, Self::Manager, Self::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Analyst => "analyst",
            Self::Manager => "manager",
            Self::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == value)
    }

    /// The catalogue key of the role's display name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Viewer => "role-viewer",
            Self::Analyst => "role-analyst",
            Self::Manager => "role-manager",
            Self::Admin => "role-admin",
        }
    }

    /// The role this one inherits from.
    pub fn parent(self) -> Option<Role> {
        match self {
            Self::Viewer => None,
            Self::Analyst => Some(Self::Viewer),
            Self::Manager => Some(Self::Analyst),
            Self::Admin => Some(Self::Manager),
        }
    }

    /// What this role adds on top of its parent.
    pub fn own_grants(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            // Read-only: everything a tenant can look at, except the audit trail and billing.
            Self::Viewer => matches!(
                permission,
                TenantsRead
                    | UsersRead
                    | RolesRead
                    | ApiKeysRead
                    | AnalyticsRead
                    | AlertsRead
                    | ReportsRead
                    | SettingsRead
            ),
            Self::Analyst => matches!(permission, AnalyticsExport | ReportsSchedule),
            // User management short of admin rights, and handling alerts.
            Self::Manager => matches!(
                permission,
                UsersCreate
                    | UsersUpdate
                    | UsersResetPassword
                    | AlertsAcknowledge
                    | AlertsResolve
                    | AuditRead
                    | PermissionsDelegate
            ),
            // Everything inside the tenant.
            Self::Admin => permission.scope() == Scope::Tenant,
        }
    }

    /// Whether the role grants `permission`, itself or through the roles it inherits.
    pub fn grants(self, permission: Permission) -> bool {
        self.own_grants(permission) || self.parent().is_some_and(|parent| parent.grants(permission))
    }

    /// The role in the chain that first grants `permission` (for "why can this user do X?").
    pub fn granted_by(self, permission: Permission) -> Option<Role> {
        let mut role = Some(self);
        let mut origin = None;
        while let Some(current) = role {
            if current.own_grants(permission) {
                origin = Some(current);
            }
            role = current.parent();
        }
        origin
    }
}

/// What a server function needs before it does anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (signing in itself).
    Public,
    /// Any signed-in principal; the function narrows further itself (e.g. "the delegator or an
    /// admin").
    Authenticated,
    /// This permission, checked by `require`.
    Requires(Permission),
    /// REST only: an API key (not a session) with these scopes.
    ApiKey(&'static str),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_includes_everything_of_its_parent() {
        for role in Role::ALL {
            if let Some(parent) = role.parent() {
                for permission in Permission::ALL {
                    if parent.grants(*permission) {
                        assert!(role.grants(*permission), "{role:?} lacks inherited {permission}");
                    }
                }
            }
        }
    }

    #[test]
    fn no_tenant_role_grants_platform_permissions() {
        for role in Role::ALL {
            for permission in Permission::ALL {
                if permission.scope() == Scope::Platform {
                    assert!(!role.grants(*permission), "{role:?} grants {permission}");
                }
            }
        }
    }

    #[test]
    fn admin_holds_every_tenant_permission_and_viewer_only_reads() {
        for permission in Permission::ALL.iter().filter(|p| p.scope() == Scope::Tenant) {
            assert!(Role::Admin.grants(*permission), "{permission}");
            if Role::Viewer.grants(*permission) {
                assert!(permission.as_str().ends_with(":read"), "viewer may {permission}");
            }
        }
    }

    #[test]
    fn names_parse_back_and_are_unique() {
        for permission in Permission::ALL {
            assert_eq!(Permission::parse(permission.as_str()), Some(*permission));
            assert!(permission.as_str().starts_with(permission.resource()));
        }
        let mut names: Vec<_> = Permission::ALL.iter().map(|p| p.as_str()).collect();
        names.dedup();
        assert_eq!(names.len(), Permission::ALL.len());
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
    }

    #[test]
    fn granted_by_names_the_role_that_adds_the_permission() {
        assert_eq!(Role::Admin.granted_by(Permission::UsersRead), Some(Role::Viewer));
        assert_eq!(
            Role::Manager.granted_by(Permission::AnalyticsExport),
            Some(Role::Analyst)
        );
        assert_eq!(Role::Viewer.granted_by(Permission::UsersDelete), None);
    }
}

/// A tenant's custom permission set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionSet {
    pub permission_set_id: PermissionSetId,
    pub name: String,
    pub description: String,
    pub permissions: Vec<String>,
    pub base_role: Option<Role>,
    pub parent_set_id: Option<PermissionSetId>,
    pub parent_name: Option<String>,
    pub member_count: i64,
}

/// A per-user extra grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserGrant {
    pub permission: String,
    pub granted_by: String,
    pub granted_at: chrono::DateTime<chrono::Utc>,
}

/// A delegation as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delegation {
    pub delegation_id: DelegationId,
    pub delegator_id: crate::ids::UserId,
    pub delegator_name: String,
    pub delegate_id: crate::ids::UserId,
    pub delegate_name: String,
    pub permissions: Vec<String>,
    pub reason: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_by: Option<String>,
    pub active: bool,
}

/// One column of the role × permission matrix: a built-in role or a custom set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixColumn {
    pub key: String,
    pub label: String,
    /// What the column builds on, in words ("inherits Analyst").
    pub inherits: Option<String>,
    pub permissions: Vec<String>,
    /// Custom sets link to their editor; built-in roles can only be copied.
    pub set_id: Option<PermissionSetId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleMatrix {
    pub columns: Vec<MatrixColumn>,
    pub can_manage: bool,
}

/// The Permissions tab of a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPermissions {
    pub effective: effective::EffectivePermissions,
    pub sets: Vec<(PermissionSetId, String)>,
    pub available_sets: Vec<(PermissionSetId, String)>,
    pub grants: Vec<UserGrant>,
    /// Whether the caller may change this user's sets and grants (holds `roles:manage`, outranks
    /// them, and it is not their own account); the server checks again on every change.
    pub may_change: bool,
}

/// The answer to "may this user do X?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    pub allowed: bool,
    pub reasons: Vec<String>,
}

/// A set's inheritance: nothing, a built-in role, or another set of the tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Inherits {
    Nothing,
    Role(Role),
    Set(PermissionSetId),
}

impl Inherits {
    /// Form value: "", "role:manager" or "set:<uuid>".
    pub fn parse(value: &str) -> Option<Self> {
        match value.split_once(':') {
            None if value.is_empty() => Some(Self::Nothing),
            Some(("role", role)) => Role::parse(role).map(Self::Role),
            Some(("set", id)) => id.parse().ok().map(Self::Set),
            _ => None,
        }
    }
    pub fn to_value(self) -> String {
        match self {
            Self::Nothing => String::new(),
            Self::Role(role) => format!("role:{}", role.as_str()),
            Self::Set(id) => format!("set:{id}"),
        }
    }
}

/// Whether making `set` inherit from `parent` would close a loop, given every set's parent.
pub fn creates_cycle(
    set: PermissionSetId,
    parent: PermissionSetId,
    parents: &[(PermissionSetId, Option<PermissionSetId>)],
) -> bool {
    let mut current = Some(parent);
    let mut steps = 0;
    while let Some(id) = current {
        if id == set || steps > parents.len() {
            return true;
        }
        current = parents
            .iter()
            .find(|(candidate, _)| *candidate == id)
            .and_then(|(_, p)| *p);
        steps += 1;
    }
    false
}

#[cfg(test)]
mod set_tests {
    use super::*;

    #[test]
    fn cycles_are_detected_through_any_depth() {
        let (a, b, c) = (
            PermissionSetId::new_random(),
            PermissionSetId::new_random(),
            PermissionSetId::new_random(),
        );
        let parents = vec![(a, None), (b, Some(a)), (c, Some(b))];
        assert!(creates_cycle(a, c, &parents), "a → c → b → a");
        assert!(creates_cycle(a, a, &parents), "a set cannot inherit itself");
        assert!(!creates_cycle(c, a, &parents));
        let d = PermissionSetId::new_random();
        assert!(
            !creates_cycle(d, c, &parents),
            "a new set may build on any existing one"
        );
    }

    #[test]
    fn inherits_round_trips_form_values() {
        for value in [
            Inherits::Nothing,
            Inherits::Role(Role::Analyst),
            Inherits::Set(PermissionSetId(uuid::Uuid::nil())),
        ] {
            assert_eq!(Inherits::parse(&value.to_value()), Some(value));
        }
        assert_eq!(Inherits::parse("role:root"), None);
        assert_eq!(Inherits::parse("other"), None);
    }
}
