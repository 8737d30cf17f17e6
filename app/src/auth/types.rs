//! Who is signed in, as the server knows it and as the UI sees it.

use crate::ids::{PlatformUserId, TenantId, UserId};
use crate::permissions::types::{Permission, Role};
use serde::{Deserialize, Serialize};

/// The authenticated principal behind a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Principal {
    /// A platform administrator (Super Admin): every permission, on every tenant.
    Platform {
        platform_user_id: PlatformUserId,
        email: String,
        name: String,
    },
    /// A user of one tenant, limited to that tenant and to what the role grants.
    Tenant {
        tenant_id: TenantId,
        tenant_name: String,
        user_id: UserId,
        email: String,
        name: String,
        role: Role,
    },
}

impl Principal {
    pub fn email(&self) -> &str {
        match self {
            Self::Platform { email, .. } | Self::Tenant { email, .. } => email,
        }
    }
    pub fn name(&self) -> &str {
        match self {
            Self::Platform { name, .. } | Self::Tenant { name, .. } => name,
        }
    }
    /// The tenant this principal is confined to, if any.
    pub fn tenant_id(&self) -> Option<TenantId> {
        match self {
            Self::Platform { .. } => None,
            Self::Tenant { tenant_id, .. } => Some(*tenant_id),
        }
    }
    /// The UI's view of this principal holding `effective`.
    pub fn to_current_user(&self, effective: &crate::permissions::effective::EffectivePermissions) -> CurrentUser {
        let (role_key, tenant_name) = match self {
            Self::Platform { .. } => ("role-super-admin", None),
            Self::Tenant { role, tenant_name, .. } => (role.label_key(), Some(tenant_name.clone())),
        };
        CurrentUser {
            name: self.name().to_owned(),
            email: self.email().to_owned(),
            role_label: crate::i18n::t(role_key),
            tenant_name,
            is_platform: matches!(self, Self::Platform { .. }),
            permissions: effective.permissions(),
        }
    }
}

/// What the UI needs to know about the signed-in user (never trusted by the server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub name: String,
    pub email: String,
    pub role_label: String,
    pub tenant_name: Option<String>,
    pub is_platform: bool,
    pub permissions: Vec<Permission>,
}

impl CurrentUser {
    pub fn can(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }
}
