//! Queries for permission sets, grants and delegations, and the effective-permission
//! computation. All of it is tenant data: every function takes the tenant's transaction.

use super::effective::{EffectivePermissions, Source};
use super::types::{Delegation, PermissionSet, UserGrant};
use super::types::{Permission, Role};
use crate::db::TenantTx;
use crate::ids::{DelegationId, PermissionSetId, UserId};
use crate::plans::types::Feature;
use chrono::{DateTime, Utc};

/// Everything `user_id` holds in the transaction's tenant, given their role: what they hold
/// firmly, plus each delegation that is unrevoked and unexpired and that its delegator could
/// still make, i.e. only the permissions the (active) delegator still holds firmly, and only
/// while the delegator still outranks the delegate (`effective::outranks`, against the delegate's
/// firm rank, so a loan cannot push its own delegate out of reach). Checked here, the one place
/// effective permissions are computed, so a demotion ends its loans at once everywhere.
pub async fn select_effective(
    tx: &mut TenantTx,
    user_id: UserId,
    role: Role,
) -> Result<EffectivePermissions, sqlx::Error> {
    let (mut effective, loans) = select_holdings(tx, user_id, role, true).await?;
    let delegate_rank = effective.rank();
    // Each delegator's firm permissions, computed once however many loans they made.
    let mut delegators: Vec<(UserId, EffectivePermissions)> = Vec::new();
    for loan in loans {
        let index = match delegators.iter().position(|(id, _)| *id == loan.delegator_id) {
            Some(index) => index,
            None => {
                let (firm, _) = select_holdings(tx, loan.delegator_id, loan.delegator_role, false).await?;
                delegators.push((loan.delegator_id, firm));
                delegators.len() - 1
            }
        };
        let delegator = &delegators[index].1;
        if !super::effective::outranks(delegator.standing(), delegate_rank) {
            continue;
        }
        let source = Source::Delegation {
            delegation_id: loan.delegation_id,
            from: loan.from_name,
            expires_at: loan.expires_at,
        };
        for permission in loan.permissions.into_iter().filter(|p| delegator.holds_firmly(*p)) {
            effective.add(permission, source.clone());
        }
    }
    Ok(effective)
}

/// A delegation made to the user, before its delegator's standing is checked.
struct Loan {
    delegation_id: DelegationId,
    from_name: String,
    expires_at: DateTime<Utc>,
    delegator_id: UserId,
    delegator_role: Role,
    permissions: Vec<Permission>,
}

/// What one row of [`select_holdings`] holds, by its `kind` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holding {
    /// An assigned set, or a set up its parent chain (reported as the assigned set).
    Set,
    Grant,
    Loan,
    /// A feature the tenant's plan (or its own switch) has on; `name` is the feature.
    Feature,
}

impl Holding {
    fn parse(kind: &str) -> Option<Self> {
        match kind {
            "set" => Some(Self::Set),
            "grant" => Some(Self::Grant),
            "loan" => Some(Self::Loan),
            "feature" => Some(Self::Feature),
            _ => None,
        }
    }
}

/// The permissions among stored names; a name no longer known (a permission since removed) is
/// skipped.
fn parsed(names: &[String]) -> impl Iterator<Item = Permission> + '_ {
    names.iter().filter_map(|name| Permission::parse(name))
}

/// What `user_id` holds firmly (role chain ∪ assigned sets, each up its chain ∪ grants) and, when
/// `with_loans`, the unrevoked, unexpired delegations made to them by active users and the
/// tenant's features. Sets and loans count only while their feature is on for the tenant. One statement
/// for all three: every authenticated request computes this, and three statements were three
/// round trips while a pooled connection was held (issue 12, item 6).
async fn select_holdings(
    tx: &mut TenantTx,
    user_id: UserId,
    role: Role,
    with_loans: bool,
) -> Result<(EffectivePermissions, Vec<Loan>), sqlx::Error> {
    // Sets are followed up their parent chain depth-limited: cycles are refused on save, the limit
    // only guards against a corrupted table. Loans come in the order they were made.
    let rows = sqlx::query!(
        r#"WITH RECURSIVE features AS (SELECT t.features AS enabled FROM tenants t WHERE t.tenant_id = (SELECT app_tenant_id())),
           chain AS (
               SELECT ps.permission_set_id AS assigned_id, ps.name AS assigned_name, ps.permissions,
                      ps.base_role, ps.parent_set_id, 0 AS depth
               FROM user_permission_sets ups
               JOIN permission_sets ps USING (tenant_id, permission_set_id)
               WHERE ups.user_id = $1 AND EXISTS (SELECT 1 FROM features WHERE 'permission_sets' = ANY (enabled))
             UNION ALL
               SELECT c.assigned_id, c.assigned_name, p.permissions, p.base_role, p.parent_set_id, c.depth + 1
               FROM chain c JOIN permission_sets p ON p.permission_set_id = c.parent_set_id
               WHERE c.depth < 16
           )
           SELECT 'set' AS "kind!", assigned_id AS "id", assigned_name AS "name", permissions AS "permissions!",
                  base_role AS "base_role: Role", NULL::user_role AS "delegator_role: Role",
                  NULL::uuid AS "delegator_id", NULL::timestamptz AS "expires_at", NULL::timestamptz AS "made_at"
           FROM chain
           UNION ALL
           SELECT 'grant', NULL, granted_by, ARRAY[permission], NULL, NULL, NULL, NULL, NULL
           FROM user_grants WHERE user_id = $1
           UNION ALL
           SELECT 'loan', d.delegation_id, u.name, d.permissions, NULL, u.role, d.delegator_id, d.expires_at, d.created_at
           FROM delegations d JOIN users u ON u.tenant_id = d.tenant_id AND u.user_id = d.delegator_id
           WHERE $2 AND d.delegate_id = $1 AND d.revoked_at IS NULL AND d.expires_at > now() AND u.status = 'active'
             AND EXISTS (SELECT 1 FROM features WHERE 'delegations' = ANY (enabled))
           UNION ALL
           SELECT 'feature', NULL, f.feature::text, ARRAY[]::text[], NULL, NULL, NULL, NULL, NULL
           FROM features, unnest(features.enabled) AS f (feature)
           WHERE $2
           ORDER BY "made_at" NULLS FIRST"#,
        user_id.0,
        with_loans
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut effective = EffectivePermissions::from_role(role);
    let mut loans = Vec::new();
    for row in rows {
        match Holding::parse(&row.kind) {
            Some(Holding::Set) => {
                let (Some(set_id), Some(name)) = (row.id, row.name) else {
                    continue;
                };
                let source = Source::Set {
                    set_id: PermissionSetId(set_id),
                    name,
                };
                let from_role = row.base_role.map(|r| {
                    Permission::ALL
                        .iter()
                        .copied()
                        .filter(|p| r.grants(*p))
                        .collect::<Vec<_>>()
                });
                for permission in parsed(&row.permissions).chain(from_role.into_iter().flatten()) {
                    effective.add(permission, source.clone());
                }
            }
            Some(Holding::Grant) => {
                let Some(granted_by) = row.name else { continue };
                for permission in parsed(&row.permissions) {
                    effective.add(
                        permission,
                        Source::Grant {
                            granted_by: granted_by.clone(),
                        },
                    );
                }
            }
            Some(Holding::Feature) => {
                if let Some(feature) = row.name.as_deref().and_then(Feature::parse) {
                    effective.features.push(feature);
                }
            }
            Some(Holding::Loan) => {
                let (Some(id), Some(from_name), Some(expires_at), Some(delegator_id), Some(delegator_role)) =
                    (row.id, row.name, row.expires_at, row.delegator_id, row.delegator_role)
                else {
                    continue;
                };
                loans.push(Loan {
                    delegation_id: DelegationId(id),
                    from_name,
                    expires_at,
                    delegator_id: UserId(delegator_id),
                    delegator_role,
                    permissions: parsed(&row.permissions).collect(),
                });
            }
            None => {}
        }
    }
    Ok((effective, loans))
}

/// Everyone holding `set_id` directly or through a set built on it (at any depth), with their
/// role: the users a change to the set changes.
pub async fn select_set_holders(
    tx: &mut TenantTx,
    set_id: PermissionSetId,
) -> Result<Vec<(UserId, Role)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"WITH RECURSIVE affected AS (
               SELECT permission_set_id FROM permission_sets WHERE permission_set_id = $1
             UNION
               SELECT ps.permission_set_id FROM permission_sets ps
               JOIN affected a ON ps.parent_set_id = a.permission_set_id
           )
           SELECT DISTINCT u.user_id, u.role AS "role: Role"
           FROM user_permission_sets ups
           JOIN affected a ON a.permission_set_id = ups.permission_set_id
           JOIN users u ON u.tenant_id = ups.tenant_id AND u.user_id = ups.user_id"#,
        set_id.0
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (UserId(r.user_id), r.role)).collect())
}

pub async fn select_permission_sets(tx: &mut TenantTx) -> Result<Vec<PermissionSet>, sqlx::Error> {
    sqlx::query_as!(
        PermissionSet,
        r#"SELECT ps.permission_set_id AS "permission_set_id: PermissionSetId", ps.name, ps.description, ps.permissions,
                  ps.base_role AS "base_role: Role", ps.parent_set_id AS "parent_set_id: PermissionSetId", p.name AS "parent_name?",
                  (SELECT count(*) FROM user_permission_sets u WHERE u.permission_set_id = ps.permission_set_id) AS "member_count!"
           FROM permission_sets ps LEFT JOIN permission_sets p ON p.permission_set_id = ps.parent_set_id
           ORDER BY lower(ps.name)"#
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn select_permission_set(
    tx: &mut TenantTx,
    set_id: PermissionSetId,
) -> Result<Option<PermissionSet>, sqlx::Error> {
    sqlx::query_as!(
        PermissionSet,
        r#"SELECT ps.permission_set_id AS "permission_set_id: PermissionSetId", ps.name, ps.description, ps.permissions,
                  ps.base_role AS "base_role: Role", ps.parent_set_id AS "parent_set_id: PermissionSetId", p.name AS "parent_name?",
                  (SELECT count(*) FROM user_permission_sets u WHERE u.permission_set_id = ps.permission_set_id) AS "member_count!"
           FROM permission_sets ps LEFT JOIN permission_sets p ON p.permission_set_id = ps.parent_set_id
           WHERE ps.permission_set_id = $1"#,
        set_id.0
    )
    .fetch_optional(&mut **tx)
    .await
}

/// (set, parent) pairs of the tenant, for cycle detection before saving.
pub async fn select_set_parents(
    tx: &mut TenantTx,
) -> Result<Vec<(PermissionSetId, Option<PermissionSetId>)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT permission_set_id AS "permission_set_id: PermissionSetId",
                  parent_set_id AS "parent_set_id: PermissionSetId"
           FROM permission_sets"#
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.permission_set_id, r.parent_set_id))
        .collect())
}

pub struct SetFields<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub permissions: &'a [String],
    pub base_role: Option<Role>,
    pub parent_set_id: Option<PermissionSetId>,
}

pub async fn insert_permission_set(tx: &mut TenantTx, fields: &SetFields<'_>) -> Result<PermissionSetId, sqlx::Error> {
    let tenant = tx.tenant_id();
    sqlx::query_scalar!(
        r#"INSERT INTO permission_sets (tenant_id, name, description, permissions, base_role, parent_set_id)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING permission_set_id AS "permission_set_id: PermissionSetId""#,
        tenant.0,
        fields.name,
        fields.description,
        fields.permissions,
        fields.base_role as Option<Role>,
        fields.parent_set_id.map(|id| id.0)
    )
    .fetch_one(&mut **tx)
    .await
}

pub async fn update_permission_set(
    tx: &mut TenantTx,
    set_id: PermissionSetId,
    fields: &SetFields<'_>,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "UPDATE permission_sets SET name = $2, description = $3, permissions = $4, base_role = $5, parent_set_id = $6,
                updated_at = now() WHERE permission_set_id = $1",
        set_id.0,
        fields.name,
        fields.description,
        fields.permissions,
        fields.base_role as Option<Role>,
        fields.parent_set_id.map(|id| id.0)
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn delete_permission_set(tx: &mut TenantTx, set_id: PermissionSetId) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!("DELETE FROM permission_sets WHERE permission_set_id = $1", set_id.0)
        .execute(&mut **tx)
        .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn insert_set_member(
    tx: &mut TenantTx,
    set_id: PermissionSetId,
    user_id: UserId,
) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_id();
    let result = sqlx::query!(
        "INSERT INTO user_permission_sets (tenant_id, user_id, permission_set_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        tenant.0,
        user_id.0,
        set_id.0
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn delete_set_member(
    tx: &mut TenantTx,
    set_id: PermissionSetId,
    user_id: UserId,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "DELETE FROM user_permission_sets WHERE permission_set_id = $1 AND user_id = $2",
        set_id.0,
        user_id.0
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// The sets assigned to a user: (id, name).
pub async fn select_user_sets(
    tx: &mut TenantTx,
    user_id: UserId,
) -> Result<Vec<(PermissionSetId, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT ps.permission_set_id AS "permission_set_id: PermissionSetId", ps.name
           FROM user_permission_sets u JOIN permission_sets ps USING (tenant_id, permission_set_id)
           WHERE u.user_id = $1 ORDER BY lower(ps.name)"#,
        user_id.0
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.permission_set_id, r.name)).collect())
}

pub async fn select_user_grants(tx: &mut TenantTx, user_id: UserId) -> Result<Vec<UserGrant>, sqlx::Error> {
    sqlx::query_as!(
        UserGrant,
        "SELECT permission, granted_by, granted_at FROM user_grants WHERE user_id = $1 ORDER BY permission",
        user_id.0
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn insert_grant(
    tx: &mut TenantTx,
    user_id: UserId,
    permission: Permission,
    granted_by: &str,
) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_id();
    let result = sqlx::query!(
        "INSERT INTO user_grants (tenant_id, user_id, permission, granted_by) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        tenant.0,
        user_id.0,
        permission.as_str(),
        granted_by
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn delete_grant(tx: &mut TenantTx, user_id: UserId, permission: Permission) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "DELETE FROM user_grants WHERE user_id = $1 AND permission = $2",
        user_id.0,
        permission.as_str()
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn insert_delegation(
    tx: &mut TenantTx,
    delegator: UserId,
    delegate: UserId,
    permissions: &[String],
    expires_at: DateTime<Utc>,
    reason: &str,
) -> Result<DelegationId, sqlx::Error> {
    let tenant = tx.tenant_id();
    sqlx::query_scalar!(
        r#"INSERT INTO delegations (tenant_id, delegator_id, delegate_id, permissions, expires_at, reason)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING delegation_id AS "delegation_id: DelegationId""#,
        tenant.0,
        delegator.0,
        delegate.0,
        permissions,
        expires_at,
        reason
    )
    .fetch_one(&mut **tx)
    .await
}

/// Delegations in the tenant, newest first; `involving` limits them to one user's (given or received).
pub async fn select_delegations(tx: &mut TenantTx, involving: Option<UserId>) -> Result<Vec<Delegation>, sqlx::Error> {
    sqlx::query_as!(
        Delegation,
        r#"SELECT d.delegation_id AS "delegation_id: DelegationId", d.delegator_id AS "delegator_id: UserId", a.name AS delegator_name,
                  d.delegate_id AS "delegate_id: UserId", b.name AS delegate_name, d.permissions, d.reason,
                  d.created_at, d.expires_at, d.revoked_at, d.revoked_by,
                  (d.revoked_at IS NULL AND d.expires_at > now()) AS "active!"
           FROM delegations d
           JOIN users a ON a.tenant_id = d.tenant_id AND a.user_id = d.delegator_id
           JOIN users b ON b.tenant_id = d.tenant_id AND b.user_id = d.delegate_id
           WHERE $1::uuid IS NULL OR d.delegator_id = $1 OR d.delegate_id = $1
           ORDER BY d.created_at DESC
           LIMIT 500"#,
        involving.map(|id| id.0)
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn select_delegation(
    tx: &mut TenantTx,
    delegation_id: DelegationId,
) -> Result<Option<Delegation>, sqlx::Error> {
    sqlx::query_as!(
        Delegation,
        r#"SELECT d.delegation_id AS "delegation_id: DelegationId", d.delegator_id AS "delegator_id: UserId", a.name AS delegator_name,
                  d.delegate_id AS "delegate_id: UserId", b.name AS delegate_name, d.permissions, d.reason,
                  d.created_at, d.expires_at, d.revoked_at, d.revoked_by,
                  (d.revoked_at IS NULL AND d.expires_at > now()) AS "active!"
           FROM delegations d
           JOIN users a ON a.tenant_id = d.tenant_id AND a.user_id = d.delegator_id
           JOIN users b ON b.tenant_id = d.tenant_id AND b.user_id = d.delegate_id
           WHERE d.delegation_id = $1 FOR UPDATE OF d"#,
        delegation_id.0
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn update_delegation_revoked(
    tx: &mut TenantTx,
    delegation_id: DelegationId,
    revoked_by: &str,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "UPDATE delegations SET revoked_at = now(), revoked_by = $2 WHERE delegation_id = $1 AND revoked_at IS NULL",
        delegation_id.0,
        revoked_by
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}
