//! Permissions (resource × action) and the built-in roles that grant them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Whether a permission acts across the platform or inside one tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    Platform,
    Tenant,
}

/// One thing a principal may do. Deny by default: anything not granted is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Permission {
    TenantsRead,
    TenantsCreate,
    TenantsUpdate,
    TenantsDelete,
    TenantsSuspend,
    UsersRead,
    UsersCreate,
    UsersUpdate,
    UsersDelete,
    UsersResetPassword,
}

impl Permission {
    pub const ALL: [Permission; 10] = [
        Self::TenantsRead,
        Self::TenantsCreate,
        Self::TenantsUpdate,
        Self::TenantsDelete,
        Self::TenantsSuspend,
        Self::UsersRead,
        Self::UsersCreate,
        Self::UsersUpdate,
        Self::UsersDelete,
        Self::UsersResetPassword,
    ];

    /// The stable `resource:action` name shown in messages and stored in audit rows.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TenantsRead => "tenants:read",
            Self::TenantsCreate => "tenants:create",
            Self::TenantsUpdate => "tenants:update",
            Self::TenantsDelete => "tenants:delete",
            Self::TenantsSuspend => "tenants:suspend",
            Self::UsersRead => "users:read",
            Self::UsersCreate => "users:create",
            Self::UsersUpdate => "users:update",
            Self::UsersDelete => "users:delete",
            Self::UsersResetPassword => "users:reset_password",
        }
    }

    /// Managing the set of tenants is platform work; everything else can happen inside a tenant.
    pub fn scope(self) -> Scope {
        match self {
            Self::TenantsCreate | Self::TenantsUpdate | Self::TenantsDelete | Self::TenantsSuspend => Scope::Platform,
            _ => Scope::Tenant,
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A tenant user's built-in role. (Super Admin is not a tenant role: see `Principal::Platform`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
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

    /// What the role grants inside its own tenant.
    pub fn grants(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Self::Viewer | Self::Analyst => matches!(permission, UsersRead),
            Self::Manager => matches!(permission, UsersRead | UsersCreate | UsersUpdate),
            Self::Admin => {
                matches!(
                    permission,
                    UsersRead | UsersCreate | UsersUpdate | UsersDelete | UsersResetPassword
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_grant_increasing_sets() {
        let count = |role: Role| Permission::ALL.iter().filter(|p| role.grants(**p)).count();
        assert!(count(Role::Viewer) <= count(Role::Manager));
        assert!(count(Role::Manager) < count(Role::Admin));
    }

    #[test]
    fn no_tenant_role_grants_platform_permissions() {
        for role in Role::ALL {
            for permission in Permission::ALL {
                if permission.scope() == Scope::Platform {
                    assert!(!role.grants(permission), "{role:?} grants {permission}");
                }
            }
        }
    }

    #[test]
    fn roles_parse_their_own_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
