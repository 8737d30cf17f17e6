//! Writing audit rows. Callers pass the connection of the transaction that makes the change, so
//! the audit row commits or rolls back with it.

use crate::auth::types::Principal;
use crate::ids::TenantId;
use sqlx::PgConnection;

/// Who acted and from where.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub kind: &'static str,
    pub id: Option<uuid::Uuid>,
    pub email: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Actor {
    pub fn of(principal: &Principal, ip: Option<String>, user_agent: Option<String>) -> Self {
        let (kind, id) = match principal {
            Principal::Platform { platform_user_id, .. } => ("platform_user", platform_user_id.0),
            Principal::Tenant { user_id, .. } => ("user", user_id.0),
        };
        Self {
            kind,
            id: Some(id),
            email: Some(principal.email().to_owned()),
            ip,
            user_agent,
        }
    }
    pub fn anonymous(ip: Option<String>, user_agent: Option<String>) -> Self {
        Self {
            kind: "anonymous",
            id: None,
            email: None,
            ip,
            user_agent,
        }
    }
    pub fn system() -> Self {
        Self {
            kind: "system",
            ..Self::default()
        }
    }
}

/// One audit entry. `before`/`after` hold the entity's JSON with secrets left out.
pub struct AuditEvent<'a> {
    pub tenant_id: Option<TenantId>,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

pub async fn insert_audit_event(
    conn: &mut PgConnection,
    actor: &Actor,
    event: AuditEvent<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO audit_events (tenant_id, actor_kind, actor_id, actor_email, action, entity_type,
                                   entity_id, before, after, ip, user_agent)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        event.tenant_id.map(|id| id.0),
        actor.kind,
        actor.id,
        actor.email,
        event.action,
        event.entity_type,
        event.entity_id,
        event.before,
        event.after,
        actor.ip,
        actor.user_agent,
    )
    .execute(conn)
    .await?;
    Ok(())
}
