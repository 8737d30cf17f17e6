//! The request context: the one call every server function starts with. It authenticates the
//! session cookie, checks the permission the function declares, and hands out the only ways to
//! reach data on behalf of this principal.

use super::SESSION_COOKIE;
use super::service::principal_for_token;
use super::types::Principal;
use crate::audit::db::{Actor, AuditEvent, insert_audit_event};
use crate::db::{Db, PlatformGuard, PlatformTx, TenantTx};
use crate::error::AppError;
use crate::ids::TenantId;
use crate::permissions::types::{Permission, Scope};
use http::request::Parts;
use leptos::prelude::use_context;

/// Where a request came from, for audit rows.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The `x-request-id` the server set (or accepted) for this request.
    pub request_id: Option<String>,
    /// The request path, for permission denials.
    pub path: Option<String>,
}

/// The request id header, set by the server's request-id layer.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// A request id worth recording: 1–128 visible ASCII characters without separators, so a
/// client-supplied id can neither break the audit row nor smuggle odd text into logs.
pub fn valid_request_id(value: &str) -> bool {
    (1..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// The peer address, inserted into request extensions by the server.
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

pub struct RequestContext {
    pub principal: Principal,
    pub db: Db,
    pub meta: RequestMeta,
}

/// The database handle provided to every render and server function.
pub fn db() -> Result<Db, AppError> {
    use_context::<Db>().ok_or_else(|| {
        tracing::error!("no database in context");
        AppError::Internal
    })
}

/// The session token from the request's cookie header, if any.
pub fn session_token(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty() && value.len() <= 128)
}

pub fn request_meta(parts: &Parts) -> RequestMeta {
    RequestMeta {
        ip: parts.extensions.get::<ClientIp>().map(|ip| ip.0.clone()),
        user_agent: parts
            .headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(512).collect()),
        request_id: parts
            .headers
            .get(REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .filter(|v| valid_request_id(v))
            .map(str::to_owned),
        path: Some(parts.uri.path().chars().take(512).collect()),
    }
}

/// The signed-in principal, or `Unauthorized`.
pub async fn authenticated() -> Result<RequestContext, AppError> {
    let db = db()?;
    let parts = use_context::<Parts>().ok_or(AppError::Unauthorized)?;
    RequestContext::from_parts(db, &parts).await
}

/// Authenticates and checks one permission; deny by default. A refusal is recorded as a
/// `permission.denied` audit row.
pub async fn require(permission: Permission) -> Result<RequestContext, AppError> {
    let context = authenticated().await?;
    context.require(permission).await?;
    Ok(context)
}

impl RequestContext {
    /// Authenticates a request outside Leptos (plain axum routes such as the audit export) by its
    /// session cookie.
    pub async fn from_parts(db: Db, parts: &Parts) -> Result<Self, AppError> {
        let meta = request_meta(parts);
        // The page middleware already resolved the session for this request.
        if let Some(principal) = parts.extensions.get::<Principal>() {
            return Ok(Self {
                principal: principal.clone(),
                db,
                meta,
            });
        }
        let token = session_token(&parts.headers).ok_or(AppError::Unauthorized)?;
        let principal = principal_for_token(&db, &token).await?.ok_or(AppError::Unauthorized)?;
        Ok(Self { principal, db, meta })
    }

    /// `check`, and on refusal a `permission.denied` audit row (a security event).
    pub async fn require(&self, permission: Permission) -> Result<(), AppError> {
        let result = self.check(permission);
        if result.is_err() {
            self.record_denial(permission).await;
        }
        result
    }

    /// Writes the denial in a short transaction of its own: the refused request's work never
    /// starts, so there is no transaction of its to join. A failure to record is logged and does
    /// not change the answer (still Forbidden).
    async fn record_denial(&self, permission: Permission) {
        let event = AuditEvent {
            tenant_id: self.principal.tenant_id(),
            action: "permission.denied",
            entity_type: "permission",
            entity_id: Some(permission.as_str().to_owned()),
            before: None,
            after: Some(serde_json::json!({
                "permission": permission.as_str(),
                "path": self.meta.path,
            })),
        };
        let actor = self.actor();
        let result = async {
            match self.principal.tenant_id() {
                Some(tenant_id) => {
                    let mut tx = TenantTx::begin(&self.db, tenant_id).await?;
                    insert_audit_event(&mut tx, &actor, event).await?;
                    tx.commit().await
                }
                None => {
                    let mut tx = PlatformTx::begin(&self.db, PlatformGuard::new_checked()).await?;
                    insert_audit_event(&mut tx, &actor, event).await?;
                    tx.commit().await
                }
            }
        }
        .await;
        if let Err(error) = result {
            tracing::error!(%error, "could not record a permission denial");
        }
    }

    pub fn check(&self, permission: Permission) -> Result<(), AppError> {
        let allowed = self.principal.can(permission)
            && (permission.scope() == Scope::Tenant || matches!(self.principal, Principal::Platform { .. }));
        if allowed {
            Ok(())
        } else {
            tracing::info!(permission = %permission, principal = self.principal.email(), "permission denied");
            Err(AppError::forbidden(permission))
        }
    }

    pub fn actor(&self) -> Actor {
        Actor::of(&self.principal, self.meta.ip.clone(), self.meta.user_agent.clone())
            .with_request_id(self.meta.request_id.clone())
    }

    /// Proof for `PlatformTx`, only for platform administrators.
    pub fn platform_guard(&self, permission: Permission) -> Result<PlatformGuard, AppError> {
        match self.principal {
            Principal::Platform { .. } => Ok(PlatformGuard::new_checked()),
            Principal::Tenant { .. } => Err(AppError::forbidden(permission)),
        }
    }

    pub async fn platform_tx(&self, permission: Permission) -> Result<PlatformTx, AppError> {
        let guard = self.platform_guard(permission)?;
        Ok(PlatformTx::begin(&self.db, guard).await?)
    }

    /// A transaction in `tenant_id`: any tenant for platform admins, only their own for tenant
    /// users (another tenant's id reads as not found, revealing nothing).
    pub async fn tenant_tx(&self, tenant_id: TenantId) -> Result<TenantTx, AppError> {
        match self.principal.tenant_id() {
            Some(own) if own != tenant_id => Err(AppError::NotFound),
            _ => Ok(TenantTx::begin(&self.db, tenant_id).await?),
        }
    }
}
