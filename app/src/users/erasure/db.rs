//! The copies of a member's name and email outside the audit trail, rewritten on erasure.

use crate::db::TenantTx;
use crate::ids::UserId;

/// How many rows of each kind an erasure rewrote or removed.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Scrubbed {
    pub alert_events: u64,
    pub silences: u64,
    pub invitations: u64,
}

/// Replaces the member's name where other tables copied it, and removes the invitations sent to
/// any of their emails (the audit trail keeps that history, pseudonymised).
pub async fn scrub_copies(
    tx: &mut TenantTx,
    user_id: UserId,
    email: &str,
    pseudonym: &str,
) -> Result<Scrubbed, sqlx::Error> {
    let alert_events = sqlx::query!(
        "UPDATE alert_events SET actor_name = $2 WHERE actor_user_id = $1",
        user_id.0,
        pseudonym
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    let silences = sqlx::query!(
        "UPDATE silences SET created_by_name = $2 WHERE created_by = $1",
        user_id.0,
        pseudonym
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    let invitations = sqlx::query!(
        "DELETE FROM invitations WHERE accepted_user_id = $1 OR lower(email) = lower($2)",
        user_id.0,
        email
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(Scrubbed {
        alert_events,
        silences,
        invitations,
    })
}
