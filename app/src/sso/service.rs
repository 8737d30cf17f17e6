//! Signing in through a workspace's OpenID provider: leaving for it (`begin`) and coming back
//! (`finish`), which finds the member by the email the provider vouched for, or creates them with
//! the workspace's default role, and opens their session.
//!
//! The provider's sign-in stands in for the password and the second factor: a member who signs
//! in this way is not asked for Atrium's code (the provider enforces its own), and the password
//! lockout, which counts guesses at Atrium's password, does not stop it.

use super::db::{self as sso_db, NewRequest, ProviderRow};
use super::oidc::{Identity, OidcError, Registration, RelyingParty};
use super::types::{SsoRefusal, email_domain};
use crate::audit::db::{Actor, AuditEvent, insert_audit_event};
use crate::auth::context::RequestMeta;
use crate::auth::db::Account;
use crate::auth::types::LocalPath;
use crate::db::{AuthTx, Db, TenantTx};
use crate::error::AppError;
use crate::ids::{TenantId, UserId};
use crate::notifications::outbound::AddressPolicy;
use crate::plans::types::Limit;
use crate::secrets::Sealer;
use crate::tenants::types::TenantSlug;
use crate::validation::Email;
use chrono::{Duration, Utc};
use std::time::Duration as StdDuration;

/// How long a sign-in may take at the provider.
pub const REQUEST_TTL_MINUTES: i64 = 10;
/// How long one request to the provider may take.
const PROVIDER_TIMEOUT: StdDuration = StdDuration::from_secs(10);

/// Single sign-on's part of the server: the key client secrets are sealed with, the relying
/// party (over the outbound client: no redirects, the outbound address policy), and the public
/// address the provider sends browsers back to.
#[derive(Clone)]
pub struct Sso {
    sealer: Sealer,
    relying_party: RelyingParty,
    policy: AddressPolicy,
    public_url: String,
}

impl Sso {
    pub fn new(sealer: Sealer, policy: AddressPolicy, public_url: &str) -> Result<Self, reqwest::Error> {
        let http = crate::notifications::outbound::http_client(policy, PROVIDER_TIMEOUT)?;
        Ok(Self {
            sealer,
            relying_party: RelyingParty::new(http, policy),
            policy,
            public_url: public_url.trim_end_matches('/').to_owned(),
        })
    }

    pub fn sealer(&self) -> &Sealer {
        &self.sealer
    }

    pub fn relying_party(&self) -> &RelyingParty {
        &self.relying_party
    }

    pub fn policy(&self) -> AddressPolicy {
        self.policy
    }

    /// `ATRIUM_PUBLIC_URL`: every sign-in returns there, so a provider knows one address per
    /// workspace whichever host the member started from.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// The redirect (callback) URI of `slug`'s workspace, to register at its provider.
    pub fn redirect_uri(&self, slug: &TenantSlug) -> String {
        format!("{}/sso/{}/callback", self.public_url, slug.as_str())
    }
}

/// Whether the active workspace `slug` offers single sign-on (an enabled provider).
pub async fn offered(db: &Db, slug: &TenantSlug) -> Result<bool, AppError> {
    let mut tx = AuthTx::begin(db).await?;
    let provider = sso_db::select_enabled_by_slug(&mut tx, slug.as_str()).await?;
    tx.commit().await?;
    Ok(provider.is_some())
}

/// A random `state` for one sign-in (256 bits, hex) and its hash as stored.
fn new_state() -> (String, Vec<u8>) {
    crate::auth::service::new_token()
}

/// A sign-in sent on to the provider.
#[derive(Debug)]
pub struct Begun {
    /// Where to send the browser.
    pub url: url::Url,
    /// The `state` the browser must bring back, for its cookie.
    pub state: String,
}

/// Starts a sign-in with `slug`'s provider: the authorization URL, and a row holding what the
/// return must match. `Ok(Err(_))` is a refusal to show on the sign-in page.
pub async fn begin(
    sso: &Sso,
    db: &Db,
    slug: &TenantSlug,
    next: &LocalPath,
) -> Result<Result<Begun, SsoRefusal>, AppError> {
    let mut tx = AuthTx::begin(db).await?;
    let Some(provider) = sso_db::select_enabled_by_slug(&mut tx, slug.as_str()).await? else {
        tx.commit().await?;
        return Ok(Err(SsoRefusal::NotConfigured));
    };
    tx.commit().await?;
    let Some(secret) = open_secret(sso, &provider) else {
        return Ok(Err(SsoRefusal::Provider));
    };
    let registration = Registration {
        issuer_url: &provider.issuer_url,
        client_id: &provider.client_id,
        client_secret: &secret,
    };
    let redirect_uri = sso.redirect_uri(slug);
    let (state, state_hash) = new_state();
    let authorization = match sso.relying_party.authorize(&registration, &redirect_uri, &state).await {
        Ok(authorization) => authorization,
        Err(error) => {
            tracing::warn!(tenant = %provider.tenant_id, %error, "single sign-on could not start");
            return Ok(Err(SsoRefusal::Provider));
        }
    };
    let mut tx = AuthTx::begin(db).await?;
    sso_db::insert_request(
        &mut tx,
        NewRequest {
            state_hash: &state_hash,
            tenant_id: provider.tenant_id,
            nonce: &authorization.nonce,
            pkce_verifier: &authorization.pkce_verifier,
            redirect_uri: &redirect_uri,
            next: next.as_str(),
            expires_at: Utc::now() + Duration::minutes(REQUEST_TTL_MINUTES),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(Begun {
        url: authorization.url,
        state,
    }))
}

/// What the browser brought back from the provider.
#[derive(Debug, Default)]
pub struct Returned {
    /// `state` in the redirect's query.
    pub state: Option<String>,
    /// `state` in the cookie set when the sign-in began (the same browser).
    pub cookie_state: Option<String>,
    pub code: Option<String>,
    /// The provider's `error` (the person cancelled, the provider refused).
    pub error: Option<String>,
}

/// A sign-in through the provider that ended in a session.
#[derive(Debug)]
pub struct SignedIn {
    pub token: String,
    pub slug: TenantSlug,
    pub next: LocalPath,
    /// The member was created by this sign-in.
    pub created: bool,
}

/// Finishes a sign-in with `slug`'s provider. `Ok(Err(_))` is a refusal to show on the sign-in
/// page; the ones after the request was found are audited in the workspace's chain.
pub async fn finish(
    sso: &Sso,
    db: &Db,
    slug: &TenantSlug,
    returned: Returned,
    meta: &RequestMeta,
) -> Result<Result<SignedIn, SsoRefusal>, AppError> {
    // The same browser: the state in the redirect is the one this browser's cookie holds. A
    // login CSRF (someone else's code pushed into this browser) carries no such cookie.
    let Some(state) = returned.state.filter(|state| {
        returned
            .cookie_state
            .as_deref()
            .is_some_and(|cookie| atrium_types::api_keys::secret::constant_time_eq(cookie.as_bytes(), state.as_bytes()))
    }) else {
        return Ok(Err(SsoRefusal::State));
    };
    let state_hash = crate::auth::service::hash_token(&state);
    let mut tx = AuthTx::begin(db).await?;
    let request = sso_db::take_request(&mut tx, &state_hash).await?;
    let provider = sso_db::select_enabled_by_slug(&mut tx, slug.as_str()).await?;
    tx.commit().await?;
    let Some(request) = request.filter(|request| request.expires_at > Utc::now()) else {
        return Ok(Err(SsoRefusal::Expired));
    };
    let Some(provider) = provider.filter(|provider| provider.tenant_id == request.tenant_id) else {
        return Ok(Err(SsoRefusal::NotConfigured));
    };
    let refuse = async |refusal: SsoRefusal, email: Option<&str>, detail: Option<String>| {
        audit_refusal(db, provider.tenant_id, refusal, email, detail, meta).await?;
        Ok::<_, AppError>(Err(refusal))
    };
    if let Some(error) = returned.error {
        let error: String = error.chars().filter(|c| !c.is_control()).take(64).collect();
        return refuse(SsoRefusal::Provider, None, Some(format!("provider answered {error}"))).await;
    }
    let Some(code) = returned.code.filter(|code| !code.is_empty() && code.len() <= 2048) else {
        return refuse(SsoRefusal::Provider, None, Some("no code".to_owned())).await;
    };
    let Some(secret) = open_secret(sso, &provider) else {
        return refuse(SsoRefusal::Provider, None, Some("client secret unreadable".to_owned())).await;
    };
    let registration = Registration {
        issuer_url: &provider.issuer_url,
        client_id: &provider.client_id,
        client_secret: &secret,
    };
    let identity = sso
        .relying_party
        .exchange(
            &registration,
            &request.redirect_uri,
            &code,
            &request.pkce_verifier,
            &request.nonce,
        )
        .await;
    let identity: Identity = match identity {
        Ok(identity) => identity,
        Err(error) => {
            tracing::warn!(tenant = %provider.tenant_id, %error, "single sign-on refused");
            let refusal = match error {
                OidcError::Token(_) => SsoRefusal::Token,
                OidcError::Discovery(_) | OidcError::Exchange(_) => SsoRefusal::Provider,
            };
            return refuse(refusal, None, Some(error.to_string())).await;
        }
    };
    let email = match identity.email.as_deref().map(Email::parse) {
        Some(Ok(email)) if identity.email_verified => email,
        Some(Ok(email)) => return refuse(SsoRefusal::EmailUnverified, Some(email.as_str()), None).await,
        _ => {
            return refuse(
                SsoRefusal::EmailUnverified,
                None,
                Some("no usable email claim".to_owned()),
            )
            .await;
        }
    };
    let admitted = email_domain(email.as_str()).is_some_and(|domain| provider.allowed_domains.contains(&domain));
    if !admitted {
        return refuse(SsoRefusal::Domain, Some(email.as_str()), None).await;
    }
    let next = LocalPath::or_root(Some(&request.next));
    match sign_in_member(db, &provider, &email, identity.name.as_deref(), meta).await? {
        Ok((token, created)) => Ok(Ok(SignedIn {
            token,
            slug: slug.clone(),
            next,
            created,
        })),
        Err(refusal) => refuse(refusal, Some(email.as_str()), None).await,
    }
}

/// Finds the member with `email` or creates one with the provider's default role (within the
/// plan's member limit), and opens a session, in one transaction of the workspace.
async fn sign_in_member(
    db: &Db,
    provider: &ProviderRow,
    email: &Email,
    name: Option<&str>,
    meta: &RequestMeta,
) -> Result<Result<(String, bool), SsoRefusal>, AppError> {
    let tenant = provider.tenant_id;
    let mut tx = TenantTx::begin(db, tenant).await?;
    let (user_id, created) = match sso_db::select_member_by_email(&mut tx, email.as_str()).await? {
        Some(member) if !member.active => return Ok(Err(SsoRefusal::Disabled)),
        Some(member) => (member.user_id, false),
        None => match create_member(&mut tx, provider, email, name, meta).await? {
            Some(user_id) => (user_id, true),
            None => return Ok(Err(SsoRefusal::Limit)),
        },
    };
    sso_db::update_signed_in(&mut tx, user_id).await?;
    let after = serde_json::json!({ "method": "oidc", "issuer": provider.issuer_url });
    let account = Account::Tenant(tenant, user_id);
    let token = crate::auth::service::open_session(&mut tx, account, email.as_str(), meta, Some(after)).await?;
    tx.commit().await?;
    Ok(Ok((token, created)))
}

/// Creates the member a first sign-in brings (`user.create`, by the provider); `None` when the
/// plan has no room for another member. Their password is random and never shown: they sign in
/// through the provider until someone sets one.
async fn create_member(
    tx: &mut TenantTx,
    provider: &ProviderRow,
    email: &Email,
    name: Option<&str>,
    meta: &RequestMeta,
) -> Result<Option<UserId>, AppError> {
    let entitled = crate::plans::service::lock(tx, Limit::Users).await?;
    let members = crate::users::db::select_user_count(tx).await?;
    let Ok(place) = crate::plans::service::room_for(&entitled, Limit::Users, members, 1) else {
        return Ok(None);
    };
    let name = name
        .and_then(|name| crate::validation::DisplayName::parse(name).ok())
        .map(crate::validation::DisplayName::into_inner)
        .unwrap_or_else(|| email.as_str().split('@').next().unwrap_or("member").to_owned());
    let password_hash = crate::auth::password::hash(crate::auth::service::new_token().0).await?;
    let fields = crate::users::db::UserFields {
        email: email.as_str(),
        name: &name,
        role: provider.default_role,
    };
    let user_id = crate::users::db::insert_user(tx, &fields, &password_hash).await?;
    place.taken(tx).await?;
    let mut actor = Actor::anonymous(meta.ip.clone(), meta.user_agent.clone()).with_request_id(meta.request_id.clone());
    actor.email = Some(email.as_str().to_owned());
    Account::Tenant(provider.tenant_id, user_id).act_as(&mut actor);
    let event = AuditEvent {
        tenant_id: Some(provider.tenant_id),
        action: "user.create",
        entity_type: "user",
        entity_id: Some(user_id.to_string()),
        before: None,
        after: Some(serde_json::json!({
            "email": email.as_str(),
            "name": name,
            "role": provider.default_role,
            "via": "oidc",
            "issuer": provider.issuer_url,
        })),
    };
    insert_audit_event(tx, &actor, event).await?;
    Ok(Some(user_id))
}

/// `auth.sso_refused` in the workspace's chain: who tried (when the provider said), and why.
async fn audit_refusal(
    db: &Db,
    tenant: TenantId,
    refusal: SsoRefusal,
    email: Option<&str>,
    detail: Option<String>,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let mut actor = Actor::anonymous(meta.ip.clone(), meta.user_agent.clone()).with_request_id(meta.request_id.clone());
    actor.email = email.map(str::to_owned);
    let event = AuditEvent {
        tenant_id: Some(tenant),
        action: "auth.sso_refused",
        entity_type: "tenant",
        entity_id: Some(tenant.to_string()),
        before: None,
        after: Some(serde_json::json!({ "reason": refusal.as_str(), "email": email, "detail": detail })),
    };
    let mut tx = TenantTx::begin(db, tenant).await?;
    insert_audit_event(&mut tx, &actor, event).await?;
    tx.commit().await?;
    Ok(())
}

/// The provider's client secret, opened; `None` (logged) when the key cannot open it: the
/// key changed since it was saved, or there is none.
fn open_secret(sso: &Sso, provider: &ProviderRow) -> Option<String> {
    match sso
        .sealer
        .open(&provider.client_secret, provider.tenant_id.0.as_bytes())
    {
        Ok(secret) => String::from_utf8(secret).ok(),
        Err(error) => {
            tracing::error!(tenant = %provider.tenant_id, ?error, "the provider's client secret cannot be opened (ATRIUM_ENCRYPTION_KEY changed or unset?)");
            None
        }
    }
}

/// Deletes sign-ins that never came back (with the session cleanup); returns how many.
pub async fn delete_expired_requests(db: &Db) -> Result<u64, AppError> {
    let mut tx = AuthTx::begin(db).await?;
    let deleted = sso_db::delete_expired_requests(&mut tx).await?;
    tx.commit().await?;
    Ok(deleted)
}
