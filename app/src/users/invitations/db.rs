//! Invitation queries: a workspace's own in its transaction; by token in the auth scope, for the
//! accept page before anyone is signed in.

use super::types::{Invitation, InvitationState};
use crate::db::{AuthTx, TenantTx};
use crate::ids::{InvitationId, TenantId, UserId};
use crate::permissions::types::Role;
use chrono::{DateTime, Utc};

/// A new invitation's row.
pub struct NewInvitation<'a> {
    pub email: &'a str,
    pub role: Role,
    pub token_hash: &'a [u8],
    pub invited_by: Option<UserId>,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert_invitation(tx: &mut TenantTx, new: &NewInvitation<'_>) -> Result<InvitationId, sqlx::Error> {
    let tenant = tx.tenant_id();
    sqlx::query_scalar!(
        r#"INSERT INTO invitations (tenant_id, email, role, token_hash, invited_by, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING invitation_id AS "id: InvitationId""#,
        tenant.0,
        new.email,
        new.role as Role,
        new.token_hash,
        new.invited_by.map(|id| id.0),
        new.expires_at
    )
    .fetch_one(&mut **tx)
    .await
}

/// The workspace's open invitations (not accepted, not revoked; expired ones included, so they
/// can be sent again), newest first. Bounded by the member limit in practice; capped anyway.
pub async fn select_open_invitations(tx: &mut TenantTx, now: DateTime<Utc>) -> Result<Vec<Invitation>, sqlx::Error> {
    let tenant = tx.tenant_id();
    let rows = sqlx::query!(
        r#"SELECT invitation_id AS "invitation_id: InvitationId", email, role AS "role: Role",
                  created_at, sent_at, expires_at
           FROM invitations
           WHERE tenant_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL
           ORDER BY created_at DESC, invitation_id
           LIMIT 500"#,
        tenant.0
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Invitation {
            invitation_id: row.invitation_id,
            email: row.email,
            role: row.role,
            created_at: row.created_at,
            sent_at: row.sent_at,
            expires_at: row.expires_at,
            state: InvitationState::of(row.expires_at, None, None, now),
        })
        .collect())
}

/// How many open, unexpired invitations the workspace has: places they may still take.
pub async fn count_pending(tx: &mut TenantTx, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    let tenant = tx.tenant_id();
    let count = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM invitations
           WHERE tenant_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2"#,
        tenant.0,
        now
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(count)
}

/// One open invitation of the workspace, locked for a change.
pub struct OpenInvitation {
    pub invitation_id: InvitationId,
    pub email: String,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub async fn select_invitation_for_update(
    tx: &mut TenantTx,
    invitation_id: InvitationId,
) -> Result<Option<OpenInvitation>, sqlx::Error> {
    let tenant = tx.tenant_id();
    sqlx::query_as!(
        OpenInvitation,
        r#"SELECT invitation_id AS "invitation_id: InvitationId", email, role AS "role: Role",
                  expires_at, accepted_at, revoked_at
           FROM invitations WHERE tenant_id = $1 AND invitation_id = $2 FOR UPDATE"#,
        tenant.0,
        invitation_id.0
    )
    .fetch_optional(&mut **tx)
    .await
}

/// The invitation a token names, locked, inside its workspace's transaction (accepting).
pub async fn select_by_token_for_update(
    tx: &mut TenantTx,
    token_hash: &[u8],
) -> Result<Option<OpenInvitation>, sqlx::Error> {
    let tenant = tx.tenant_id();
    sqlx::query_as!(
        OpenInvitation,
        r#"SELECT invitation_id AS "invitation_id: InvitationId", email, role AS "role: Role",
                  expires_at, accepted_at, revoked_at
           FROM invitations WHERE tenant_id = $1 AND token_hash = $2 FOR UPDATE"#,
        tenant.0,
        token_hash
    )
    .fetch_optional(&mut **tx)
    .await
}

/// What the accept page needs of the invitation a token names, before anyone is signed in.
pub struct TokenLookup {
    pub tenant_id: TenantId,
    pub slug: String,
    pub tenant_name: String,
    pub brand_name: Option<String>,
    pub brand_logo_url: Option<String>,
    pub brand_color: Option<String>,
    pub email: String,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub async fn select_by_token(tx: &mut AuthTx, token_hash: &[u8]) -> Result<Option<TokenLookup>, sqlx::Error> {
    sqlx::query_as!(
        TokenLookup,
        r#"SELECT i.tenant_id AS "tenant_id: TenantId", t.slug, t.name AS tenant_name, t.brand_name,
                  t.brand_logo_url, t.brand_color, i.email, i.role AS "role: Role", i.expires_at,
                  i.accepted_at, i.revoked_at
           FROM invitations i JOIN tenants t USING (tenant_id)
           WHERE i.token_hash = $1 AND t.status = 'active'"#,
        token_hash
    )
    .fetch_optional(&mut **tx)
    .await
}

/// A new token and expiry for an open invitation (sending it again); the old link stops working.
pub async fn update_token(
    tx: &mut TenantTx,
    invitation_id: InvitationId,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_id();
    let result = sqlx::query!(
        "UPDATE invitations SET token_hash = $3, expires_at = $4, sent_at = NULL
         WHERE tenant_id = $1 AND invitation_id = $2 AND accepted_at IS NULL AND revoked_at IS NULL",
        tenant.0,
        invitation_id.0,
        token_hash,
        expires_at
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Records that the email went out.
pub async fn update_sent(tx: &mut TenantTx, invitation_id: InvitationId, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_id();
    sqlx::query!(
        "UPDATE invitations SET sent_at = $3 WHERE tenant_id = $1 AND invitation_id = $2",
        tenant.0,
        invitation_id.0,
        at
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn update_revoked(
    tx: &mut TenantTx,
    invitation_id: InvitationId,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_id();
    let result = sqlx::query!(
        "UPDATE invitations SET revoked_at = $3
         WHERE tenant_id = $1 AND invitation_id = $2 AND accepted_at IS NULL AND revoked_at IS NULL",
        tenant.0,
        invitation_id.0,
        at
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn update_accepted(
    tx: &mut TenantTx,
    invitation_id: InvitationId,
    user_id: UserId,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_id();
    let result = sqlx::query!(
        "UPDATE invitations SET accepted_at = $4, accepted_user_id = $3
         WHERE tenant_id = $1 AND invitation_id = $2 AND accepted_at IS NULL AND revoked_at IS NULL",
        tenant.0,
        invitation_id.0,
        user_id.0,
        at
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}
