//! The request context: the one call every server function starts with. It authenticates the
//! session cookie, checks the permission the function declares, and hands out the only ways to
//! reach data on behalf of this principal.

use super::service::principal_for_token;
use super::session_cookie_name;
use super::types::Principal;
use crate::audit::db::{Actor, AuditEvent, insert_audit_event};
use crate::db::{Db, PlatformGuard, PlatformTx, TenantTx};
use crate::error::AppError;
use crate::ids::{TenantId, UserId};
use crate::permissions::effective::EffectivePermissions;
use crate::permissions::types::{Access, Permission, Scope};
use http::request::Parts;
use leptos::prelude::use_context;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

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

/// The client's address, inserted into request extensions by the server's edge (the peer, or
/// behind trusted proxies the address they forwarded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub std::net::IpAddr);

pub struct RequestContext {
    pub principal: Principal,
    pub db: Db,
    pub meta: RequestMeta,
    /// Computed once per request (see `PermissionCache`), never taken from the client.
    pub permissions: Arc<EffectivePermissions>,
}

/// The declared access of every server function by path. The shell assembles the table with the
/// routes (`shell::registry`) and the server provides it to every request; held as data, so this
/// module, which every server function uses, depends on none of them. Without it every server
/// function call is refused.
#[derive(Clone, Default)]
pub struct DeclaredAccess(Arc<HashMap<&'static str, Access>>);

impl DeclaredAccess {
    pub fn new(table: impl IntoIterator<Item = (&'static str, Access)>) -> Self {
        Self(Arc::new(table.into_iter().collect()))
    }

    /// The declared access of the server function at `path`, if it declared one.
    pub fn of(&self, path: &str) -> Option<Access> {
        self.0.get(path).copied()
    }
}

/// Per-request memo of the principal's effective permissions: a page render calls several server
/// functions in-process, and they should not each recompute the same set. The server provides a
/// fresh one in every request's context.
#[derive(Clone, Default)]
pub struct PermissionCache(Arc<OnceLock<Arc<EffectivePermissions>>>);

/// A per-request memo of page reads. A server render may build a page more than once (a
/// `Suspense`'s dry run walks what is ready, and an `Outlet` builds its page on every walk; the
/// shell avoids that for itself, see `shell::not_at_the_dry_run`), and every build created the
/// page's resources anew and asked PostgreSQL for the same list: two or three times per `/users`
/// or `/tenants` render (seen with statement logging). Reads that go through [`memo_read`] are
/// answered from the first. The server provides a fresh one in every
/// page request's context; a server function called over HTTP has none and reads directly.
#[derive(Clone, Default)]
pub struct ReadMemo(Arc<std::sync::Mutex<std::collections::HashMap<String, SharedRead>>>);

type SharedRead = futures::future::Shared<
    futures::future::BoxFuture<'static, Result<Arc<dyn std::any::Any + Send + Sync>, AppError>>,
>;

/// `read()`, or its result from earlier in this request under the same `key` (which must name
/// the function and every argument). The builds of one render start their reads together, so
/// the first one's future is shared and the others wait for it rather than run their own.
pub async fn memo_read<T, Fut>(key: String, read: impl FnOnce() -> Fut) -> Result<T, AppError>
where
    T: Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
{
    use futures::FutureExt;
    let Some(memo) = use_context::<ReadMemo>() else {
        return read().await;
    };
    let shared = {
        let Ok(mut map) = memo.0.lock() else {
            return read().await;
        };
        map.entry(key)
            .or_insert_with(|| {
                let future = read();
                async move {
                    future
                        .await
                        .map(|value| Arc::new(value) as Arc<dyn std::any::Any + Send + Sync>)
                }
                .boxed()
                .shared()
            })
            .clone()
    };
    let value = shared.await?;
    value.downcast_ref::<T>().cloned().ok_or(AppError::Internal)
}

/// The effective permissions of `principal`: everything for platform administrators, otherwise
/// role ∪ sets ∪ grants ∪ unexpired delegations from the tenant's tables.
pub async fn effective_permissions(db: &Db, principal: &Principal) -> Result<EffectivePermissions, AppError> {
    match principal {
        Principal::Platform { .. } => Ok(EffectivePermissions::platform_admin()),
        Principal::Tenant {
            tenant_id,
            user_id,
            role,
            ..
        } => {
            let mut tx = TenantTx::begin(db, *tenant_id).await?;
            let effective = crate::permissions::db::select_effective(&mut tx, *user_id, *role).await?;
            tx.commit().await?;
            Ok(effective)
        }
    }
}

async fn cached_permissions(db: &Db, principal: &Principal) -> Result<Arc<EffectivePermissions>, AppError> {
    let cache = use_context::<PermissionCache>();
    if let Some(found) = cache.as_ref().and_then(|c| c.0.get()) {
        return Ok(found.clone());
    }
    let computed = Arc::new(effective_permissions(db, principal).await?);
    if let Some(cache) = cache {
        let _ = cache.0.set(computed.clone());
    }
    Ok(computed)
}

/// The database handle provided to every render and server function.
pub fn db() -> Result<Db, AppError> {
    use_context::<Db>().ok_or_else(|| {
        tracing::error!("no database in context");
        AppError::Internal
    })
}

/// Whether the request reached us (or the TLS-terminating proxy in front) over https. The
/// server's edge removes `X-Forwarded-Proto` unless a trusted proxy sets it
/// (`ATRIUM_TRUST_FORWARDED_PROTO`), so the header is the edge's decision by the time it is read.
pub fn served_over_https(headers: &http::HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

/// The session token from the request's cookie header, if any: over https only the
/// `__Host-` cookie counts (one without the prefix may have been planted), over http only the
/// plain one.
pub fn session_token(headers: &http::HeaderMap) -> Option<String> {
    cookie_value(headers, session_cookie_name(served_over_https(headers)))
}

/// A cookie's value (at most 128 characters, as every token Atrium issues is shorter).
pub fn cookie_value(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(cookie, _)| *cookie == name)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty() && value.len() <= 128)
}

pub fn request_meta(parts: &Parts) -> RequestMeta {
    RequestMeta {
        ip: parts.extensions.get::<ClientIp>().map(|ip| ip.0.to_string()),
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
/// `permission.denied` audit row. When the request is a server function call, the permission
/// must be the one the function declares in the registry.
pub async fn require(permission: Permission) -> Result<RequestContext, AppError> {
    if let Some(parts) = use_context::<Parts>() {
        let path = parts.uri.path();
        let declared = use_context::<DeclaredAccess>().and_then(|table| table.of(path));
        if path.starts_with("/api/") && declared != Some(Access::Requires(permission)) {
            tracing::error!(path, %permission, ?declared, "server function requires a permission it does not declare");
            return Err(AppError::Internal);
        }
    }
    let context = authenticated().await?;
    context.require(permission).await?;
    Ok(context)
}

impl RequestContext {
    /// Authenticates a request outside Leptos (plain axum routes such as the audit export) by its
    /// session cookie.
    pub async fn from_parts(db: Db, parts: &Parts) -> Result<Self, AppError> {
        let meta = request_meta(parts);
        // The page middleware may already have resolved the session for this request.
        let principal = match parts.extensions.get::<Principal>() {
            Some(principal) => principal.clone(),
            None => {
                let token = session_token(&parts.headers).ok_or(AppError::Unauthorized)?;
                principal_for_token(&db, &token).await?.ok_or(AppError::Unauthorized)?
            }
        };
        let permissions = cached_permissions(&db, &principal).await?;
        Ok(Self {
            principal,
            db,
            meta,
            permissions,
        })
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
        let allowed = self.permissions.allows(permission)
            && (permission.scope() == Scope::Tenant || matches!(self.principal, Principal::Platform { .. }));
        if allowed {
            Ok(())
        } else {
            tracing::info!(permission = %permission, principal = self.principal.email(), "permission denied");
            Err(AppError::forbidden(permission))
        }
    }

    /// A person's own password, second factor and sessions are theirs to change: refused while a
    /// platform administrator is signed in as them (support access).
    pub fn own_credentials(&self) -> Result<(), AppError> {
        match self.principal.impersonator() {
            Some(_) => Err(AppError::Conflict(crate::i18n::t("support-not-credentials"))),
            None => Ok(()),
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

    /// The tenant a server function works in: the one place that decides it, so tenant users and
    /// platform administrators meet the same rule in every function (see [`TenantScope`]).
    pub async fn choose_tenant(&self, scope: TenantScope) -> Result<TenantId, AppError> {
        match (self.principal.tenant_id(), scope) {
            (Some(own), TenantScope::Named(Some(named))) if own != named => Err(AppError::NotFound),
            (Some(own), _) => Ok(own),
            (None, TenantScope::Own) => Err(AppError::NotFound),
            (None, TenantScope::Named(Some(named))) => Ok(named),
            (None, TenantScope::Named(None)) => Err(AppError::field("tenant_id", crate::i18n::t("valid-tenant"))),
            (None, TenantScope::OfUser(user_id)) => {
                let mut platform = self.platform_tx(Permission::UsersRead).await?;
                let tenant = crate::users::db::select_user_tenant(&mut platform, user_id).await?;
                platform.commit().await?;
                tenant.ok_or(AppError::NotFound)
            }
        }
    }

    /// A transaction in the tenant [`choose_tenant`](Self::choose_tenant) picks for `scope`; a
    /// `TenantId` names that tenant (any for platform admins, only their own for tenant users).
    pub async fn tenant_tx(&self, scope: impl Into<TenantScope>) -> Result<TenantTx, AppError> {
        let tenant = self.choose_tenant(scope.into()).await?;
        Ok(TenantTx::begin(&self.db, tenant).await?)
    }
}

/// Which tenant a server function works in, for [`RequestContext::choose_tenant`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantScope {
    /// The caller's own tenant, for functions with no tenant to choose (alerts, channels). A
    /// platform administrator has none, and the function no field to correct: not found.
    Own,
    /// A tenant the caller names (a picker or a form field). Tenant users work in their own;
    /// naming another reads as not found, revealing nothing. Platform administrators must name
    /// one (a field error on `tenant_id`).
    Named(Option<TenantId>),
    /// The tenant `user` belongs to: the caller's own for tenant users (another tenant's user is
    /// then not found in it), looked up across tenants for platform administrators.
    OfUser(UserId),
}

impl From<TenantId> for TenantScope {
    fn from(tenant_id: TenantId) -> Self {
        Self::Named(Some(tenant_id))
    }
}
