//! Effective permissions: role (with inheritance) ∪ permission sets ∪ grants ∪ unexpired
//! delegations, each permission with every source that grants it, so the UI and the check
//! endpoint can say *why*.

use super::{Permission, Role, Scope};
use crate::i18n::t_args;
use crate::ids::{DelegationId, PermissionSetId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Whether an actor standing at `standing` may act on a user ranked `rank`: strictly above only.
/// Pure and here, below the request layer, so data access (`db`) applies the same rule as `rank`.
pub fn outranks(standing: Option<Role>, rank: Role) -> bool {
    standing.is_some_and(|standing| standing > rank)
}

/// Where one permission comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    /// Platform administrators hold everything.
    PlatformAdmin,
    /// The user's role `role`, which has it from `granted_by` (itself or a role it inherits).
    Role { role: Role, granted_by: Role },
    /// An assigned permission set (directly, or via the set or role it builds on).
    Set { set_id: PermissionSetId, name: String },
    /// A per-user grant.
    Grant { granted_by: String },
    /// Lent by a colleague until `expires_at`.
    Delegation {
        delegation_id: DelegationId,
        from: String,
        expires_at: DateTime<Utc>,
    },
}

impl Source {
    /// One sentence for "why can this user do X?".
    pub fn describe(&self) -> String {
        match self {
            Self::PlatformAdmin => crate::i18n::t("why-platform"),
            Self::Role { role, granted_by } if role == granted_by => {
                t_args("why-role", &[("role", &crate::i18n::t(role.label_key()))])
            }
            Self::Role { role, granted_by } => t_args(
                "why-role-inherited",
                &[
                    ("role", &crate::i18n::t(role.label_key())),
                    ("parent", &crate::i18n::t(granted_by.label_key())),
                ],
            ),
            Self::Set { name, .. } => t_args("why-set", &[("set", name)]),
            Self::Grant { granted_by } => t_args("why-grant", &[("by", granted_by)]),
            Self::Delegation { from, expires_at, .. } => t_args(
                "why-delegation",
                &[("from", from), ("until", &crate::i18n::format_time(*expires_at))],
            ),
        }
    }

    pub fn is_delegation(&self) -> bool {
        matches!(self, Self::Delegation { .. })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectivePermissions {
    pub entries: BTreeMap<Permission, Vec<Source>>,
    /// The tenant's features that are on (its plan's, or its own switches), read with the
    /// permissions so the shell can hide what is off without a second query. Empty for platform
    /// administrators, who work in no tenant of their own.
    #[serde(default)]
    pub features: Vec<crate::plans::Feature>,
}

impl EffectivePermissions {
    /// Everything, for platform administrators.
    pub fn platform_admin() -> Self {
        let entries = Permission::ALL
            .iter()
            .map(|p| (*p, vec![Source::PlatformAdmin]))
            .collect();
        Self {
            entries,
            features: Vec::new(),
        }
    }

    /// A tenant role's permissions, each attributed to the role in the chain that grants it.
    pub fn from_role(role: Role) -> Self {
        let mut effective = Self::default();
        for permission in Permission::ALL {
            if let Some(granted_by) = role.granted_by(*permission) {
                effective.add(*permission, Source::Role { role, granted_by });
            }
        }
        effective
    }

    pub fn add(&mut self, permission: Permission, source: Source) {
        let sources = self.entries.entry(permission).or_default();
        if !sources.contains(&source) {
            sources.push(source);
        }
    }

    pub fn allows(&self, permission: Permission) -> bool {
        self.entries.contains_key(&permission)
    }

    /// Held through something other than a delegation: only such permissions may be delegated
    /// or granted onwards, so a loan can never be re-lent beyond its expiry.
    pub fn holds_firmly(&self, permission: Permission) -> bool {
        self.entries
            .get(&permission)
            .is_some_and(|sources| sources.iter().any(|s| !s.is_delegation()))
    }

    /// How high a user stands as a *target*: the lowest built-in role that grants everything held
    /// here, from every source (loans included). A plain Manager ranks Manager; a Viewer holding
    /// a set based on Manager ranks Manager; a Viewer granted `roles:manage` ranks Admin. Acting on
    /// a user needs a standing above this, so taking over their account (a password reset, a new
    /// email) can never yield a permission the actor does not already hold firmly.
    pub fn rank(&self) -> Role {
        self.entries
            .keys()
            .filter(|p| p.scope() == Scope::Tenant)
            .filter_map(|p| Role::ALL.into_iter().find(|role| role.grants(*p)))
            .max()
            .unwrap_or(Role::Viewer)
    }

    /// How high a user stands as an *actor*: the highest built-in role all of whose permissions
    /// are held firmly (role, set or grant, never a loan), or `None` below Viewer. A role counts
    /// in full, a set counts as its base role, and loans lend permissions but not standing.
    pub fn standing(&self) -> Option<Role> {
        Role::ALL.into_iter().rev().find(|role| {
            Permission::ALL
                .iter()
                .filter(|p| role.grants(**p))
                .all(|p| self.holds_firmly(*p))
        })
    }

    pub fn permissions(&self) -> Vec<Permission> {
        self.entries.keys().copied().collect()
    }

    /// "Why can this user do X?" in words: one line per source, or the refusal.
    pub fn explain(&self, permission: Permission) -> Vec<String> {
        match self.entries.get(&permission) {
            Some(sources) => sources.iter().map(Source::describe).collect(),
            None => vec![t_args("why-not", &[("permission", permission.as_str())])],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_attribute_inherited_permissions_to_the_granting_role() {
        let effective = EffectivePermissions::from_role(Role::Manager);
        assert_eq!(
            effective.entries.get(&Permission::AnalyticsExport),
            Some(&vec![Source::Role {
                role: Role::Manager,
                granted_by: Role::Analyst
            }])
        );
        assert!(!effective.allows(Permission::UsersDelete));
        assert!(effective.explain(Permission::UsersDelete)[0].contains("users:delete"));
    }

    #[test]
    fn rank_counts_every_source_and_standing_only_firm_whole_roles() {
        for role in Role::ALL {
            let plain = EffectivePermissions::from_role(role);
            assert_eq!((plain.rank(), plain.standing()), (role, Some(role)), "{role:?}");
        }
        let mut granted = EffectivePermissions::from_role(Role::Viewer);
        granted.add(Permission::RolesManage, Source::Grant { granted_by: "x".into() });
        assert_eq!(
            granted.rank(),
            Role::Admin,
            "an admin permission ranks its holder as an admin"
        );
        assert_eq!(granted.standing(), Some(Role::Viewer), "one grant is not a whole role");
        let mut lent = EffectivePermissions::from_role(Role::Viewer);
        for permission in Permission::ALL.iter().filter(|p| Role::Manager.grants(**p)) {
            lent.add(
                *permission,
                Source::Delegation {
                    delegation_id: DelegationId(uuid::Uuid::nil()),
                    from: "Ann".into(),
                    expires_at: Utc::now(),
                },
            );
        }
        assert_eq!(lent.rank(), Role::Manager, "loans count towards rank");
        assert_eq!(lent.standing(), Some(Role::Viewer), "loans lend no standing");
        assert_eq!(EffectivePermissions::default().standing(), None);
    }

    #[test]
    fn delegated_permissions_are_not_held_firmly() {
        let mut effective = EffectivePermissions::from_role(Role::Viewer);
        let loan = Source::Delegation {
            delegation_id: DelegationId(uuid::Uuid::nil()),
            from: "Ann".into(),
            expires_at: Utc::now(),
        };
        effective.add(Permission::UsersDelete, loan.clone());
        assert!(effective.allows(Permission::UsersDelete));
        assert!(!effective.holds_firmly(Permission::UsersDelete));
        effective.add(Permission::UsersDelete, Source::Grant { granted_by: "x".into() });
        assert!(effective.holds_firmly(Permission::UsersDelete));
        // Adding the same source twice keeps one.
        effective.add(Permission::UsersDelete, loan);
        assert_eq!(effective.entries[&Permission::UsersDelete].len(), 2);
    }
}
