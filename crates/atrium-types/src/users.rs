//! User DTOs shared by the browser and the server.

use crate::i18n::t;
use crate::ids::{TenantId, UserId};
use crate::permissions::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "sqlx",
    derive(sqlx::Type),
    sqlx(type_name = "user_status", rename_all = "lowercase")
)]
pub enum UserStatus {
    Active,
    Disabled,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Disabled => "disabled",
        }
    }
    pub fn parse(value: &str) -> Result<Self, String> {
        match value {
            "active" => Ok(Self::Active),
            "disabled" => Ok(Self::Disabled),
            _ => Err(t("valid-status")),
        }
    }
    pub fn label(self) -> String {
        t(&format!("user-status-{}", self.as_str()))
    }
}

/// Parses a role name with the field message on failure.
pub fn parse_role(value: &str) -> Result<Role, String> {
    Role::parse(value).ok_or_else(|| t("valid-role"))
}

pub fn role_options() -> Vec<(String, String)> {
    Role::ALL
        .into_iter()
        .map(|role| (role.as_str().to_owned(), t(role.label_key())))
        .collect()
}

/// A user as listed and shown (never the password hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub user_id: UserId,
    pub tenant_id: TenantId,
    pub tenant_name: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub status: UserStatus,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A user as their page shows them, with what the signed-in principal may do to them: a hint so
/// the page offers only what the server will allow (every action checks again).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserDetail {
    pub user: User,
    /// The caller outranks this user (`permissions::rank`): edit, disable, reset, delete.
    pub may_act: bool,
    /// This is the caller's own account: name and email yes, role, disabling and deleting no.
    pub is_self: bool,
    /// The user signs in with a second factor (an administrator may reset it).
    pub two_factor: bool,
}

/// The result of creating a user or resetting a password: the generated password, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedPassword {
    pub user_id: UserId,
    pub email: String,
    /// Present only when Atrium generated the password.
    pub password: Option<String>,
}

/// Columns the user list can be sorted by.
pub const USER_SORTS: [&str; 6] = ["name", "email", "role", "status", "tenant", "last_login"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_roles_parse() {
        assert_eq!(UserStatus::parse("disabled"), Ok(UserStatus::Disabled));
        assert!(UserStatus::parse("gone").is_err());
        assert_eq!(parse_role("manager"), Ok(Role::Manager));
        assert!(parse_role("super_admin").is_err());
    }
}
