//! Server functions of invitations: a workspace's administrators invite by email, send again and
//! revoke; the invited person previews and accepts through the link, which creates their account
//! and signs them in. Inviting follows the member rules: at most one's own role, and a place under
//! the member limit for every open invitation as well as every member.

use super::types::{Invitation, InvitationPreview, InvitationsPage};
use crate::error::AppError;
use crate::ids::InvitationId;
use leptos::prelude::*;

/// An invitation as saved, and why its email did not go out (when it did not).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct InvitationSent {
    pub invitation: Invitation,
    pub send_error: Option<String>,
}

/// The workspace's open invitations (expired ones included, to be sent again).
#[server]
pub async fn list_invitations() -> Result<InvitationsPage, AppError> {
    use crate::auth::context::TenantScope;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::UsersRead).await?;
    let mut tx = context.tenant_tx(TenantScope::Own).await?;
    let invitations = super::db::select_open_invitations(&mut tx, chrono::Utc::now()).await?;
    tx.commit().await?;
    let email_available =
        use_context::<crate::notifications::outbox::Outbox>().is_some_and(|outbox| outbox.email_available());
    Ok(InvitationsPage {
        invitations,
        email_available,
    })
}

/// Invites `email` to the workspace as `role` and sends the link.
#[server]
pub async fn create_invitation(email: String, role: String) -> Result<InvitationSent, AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::auth::context::TenantScope;
    use crate::error::FieldErrors;
    use crate::permissions::types::Permission;
    use crate::plans::types::Limit;
    use crate::validation::Email;
    let context = crate::auth::context::require(Permission::UsersCreate).await?;
    let site = server::member_site(&context)?;
    let mut errors = FieldErrors::new();
    let email = Email::parse(&email).map_err(|e| errors.add("email", e)).ok();
    let role = crate::users::types::parse_role(&role)
        .map_err(|e| errors.add("role", e))
        .ok();
    let (Some(email), Some(role)) = (email, role) else {
        return Err(AppError::Validation(errors));
    };
    crate::permissions::rank::ensure_may_assign(&context, role)?;
    server::ensure_email_available()?;
    let now = chrono::Utc::now();
    let (token, token_hash) = super::types::token::generate();
    let mut tx = context.tenant_tx(TenantScope::Own).await?;
    if crate::users::db::select_user_by_email(&mut tx, email.as_str())
        .await?
        .is_some()
    {
        return Err(AppError::field("email", crate::i18n::t("invitation-member-exists")));
    }
    // Every open invitation may become a member: together they stay under the member limit.
    let entitled = crate::plans::service::lock(&mut tx, Limit::Users).await?;
    let members = crate::users::db::select_user_count(&mut tx).await?;
    let pending = super::db::count_pending(&mut tx, now).await?;
    crate::plans::service::room_for(&entitled, Limit::Users, members + pending, 1)
        .map_err(|error| AppError::field("email", error.to_string()))?;
    let expires_at = now + chrono::Duration::days(super::types::INVITATION_TTL_DAYS);
    let new = super::db::NewInvitation {
        email: email.as_str(),
        role,
        token_hash: &token_hash,
        invited_by: server::inviter(&context),
        expires_at,
    };
    let invitation_id = super::db::insert_invitation(&mut tx, &new)
        .await
        .map_err(server::unique)?;
    let event = AuditEvent {
        tenant_id: Some(tx.tenant_id()),
        action: "invitation.create",
        entity_type: "invitation",
        entity_id: Some(invitation_id.to_string()),
        before: None,
        after: Some(serde_json::json!({ "email": email.as_str(), "role": role, "expires_at": expires_at })),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    let invitation = Invitation {
        invitation_id,
        email: email.as_str().to_owned(),
        role,
        created_at: now,
        sent_at: None,
        expires_at,
        state: super::types::InvitationState::Open,
    };
    server::send(&context, &site, invitation, &token).await
}

/// Sends an open invitation again with a new link and a new expiry; the old link stops working.
#[server]
pub async fn resend_invitation(invitation_id: InvitationId) -> Result<InvitationSent, AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::auth::context::TenantScope;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::UsersCreate).await?;
    let site = server::member_site(&context)?;
    server::ensure_email_available()?;
    let now = chrono::Utc::now();
    let (token, token_hash) = super::types::token::generate();
    let mut tx = context.tenant_tx(TenantScope::Own).await?;
    let open = server::open_one(&mut tx, invitation_id).await?;
    crate::permissions::rank::ensure_may_assign(&context, open.role)?;
    let expires_at = now + chrono::Duration::days(super::types::INVITATION_TTL_DAYS);
    super::db::update_token(&mut tx, invitation_id, &token_hash, expires_at).await?;
    let event = AuditEvent {
        tenant_id: Some(tx.tenant_id()),
        action: "invitation.resend",
        entity_type: "invitation",
        entity_id: Some(invitation_id.to_string()),
        before: Some(serde_json::json!({ "expires_at": open.expires_at })),
        after: Some(serde_json::json!({ "expires_at": expires_at })),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    let invitation = Invitation {
        invitation_id,
        email: open.email,
        role: open.role,
        created_at: now,
        sent_at: None,
        expires_at,
        state: super::types::InvitationState::Open,
    };
    server::send(&context, &site, invitation, &token).await
}

/// Withdraws an open invitation: its link stops working at once.
#[server]
pub async fn revoke_invitation(invitation_id: InvitationId) -> Result<(), AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::auth::context::TenantScope;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::UsersCreate).await?;
    let mut tx = context.tenant_tx(TenantScope::Own).await?;
    let open = server::open_one(&mut tx, invitation_id).await?;
    crate::permissions::rank::ensure_may_assign(&context, open.role)?;
    super::db::update_revoked(&mut tx, invitation_id, chrono::Utc::now()).await?;
    let event = AuditEvent {
        tenant_id: Some(tx.tenant_id()),
        action: "invitation.revoke",
        entity_type: "invitation",
        entity_id: Some(invitation_id.to_string()),
        before: Some(serde_json::json!({ "email": open.email, "role": open.role })),
        after: None,
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    Ok(())
}

/// What an invitation link offers, for its page (before anyone is signed in). A link that names
/// nothing is "not found", like one whose workspace is gone.
#[server]
pub async fn get_invitation(token: String) -> Result<InvitationPreview, AppError> {
    use super::types::{InvitationState, token as invitation_token};
    use crate::db::AuthTx;
    use crate::portal::types::Branding;
    if !invitation_token::looks_valid(&token) {
        return Err(AppError::NotFound);
    }
    let db = crate::auth::context::db()?;
    let mut tx = AuthTx::begin(&db).await?;
    let found = super::db::select_by_token(&mut tx, &invitation_token::hash(&token)).await?;
    tx.commit().await?;
    let found = found.ok_or(AppError::NotFound)?;
    let slug = crate::tenants::types::TenantSlug::parse(&found.slug).map_err(|_| AppError::Internal)?;
    Ok(InvitationPreview {
        workspace: Branding::from_stored(
            &found.tenant_name,
            found.brand_name.as_deref(),
            found.brand_logo_url.as_deref(),
            found.brand_color.as_deref(),
        ),
        slug,
        email: found.email,
        role: found.role,
        state: InvitationState::of(
            found.expires_at,
            found.accepted_at,
            found.revoked_at,
            chrono::Utc::now(),
        ),
    })
}

/// Accepts an invitation: creates the account with the name and password given, marks the
/// invitation used, signs the new member in (all in one transaction) and opens their portal.
#[server]
pub async fn accept_invitation(token: String, name: String, password: String) -> Result<(), AppError> {
    use super::types::{InvitationState, token as invitation_token};
    use crate::audit::db::{Actor, AuditEvent, insert_audit_event};
    use crate::auth::context::request_meta;
    use crate::db::{AuthTx, TenantTx};
    use crate::error::FieldErrors;
    use crate::plans::types::Limit;
    use crate::validation::DisplayName;
    if !invitation_token::looks_valid(&token) {
        return Err(AppError::NotFound);
    }
    let mut errors = FieldErrors::new();
    let name = DisplayName::parse(&name).map_err(|e| errors.add("name", e)).ok();
    let password = crate::auth::password::chosen(&password)
        .map_err(|e| errors.add("password", e))
        .ok();
    let (Some(name), Some(password)) = (name, password) else {
        return Err(AppError::Validation(errors));
    };
    let db = crate::auth::context::db()?;
    let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
    let meta = request_meta(&parts);
    let token_hash = invitation_token::hash(&token);
    let mut tx = AuthTx::begin(&db).await?;
    let found = super::db::select_by_token(&mut tx, &token_hash).await?;
    tx.commit().await?;
    let found = found.ok_or(AppError::NotFound)?;
    // The redirect below becomes a header: built from a parsed slug, never the raw column.
    let portal = crate::portal::types::PortalSite::new(
        crate::tenants::types::TenantSlug::parse(&found.slug).map_err(|_| AppError::Internal)?,
        crate::portal::types::SiteRoute::Path,
    );
    let password_hash = crate::auth::password::hash(password.as_str().to_owned()).await?;
    let now = chrono::Utc::now();
    let mut tx = TenantTx::begin(&db, found.tenant_id).await?;
    // Locked: two tabs accepting at once create one account.
    let open = super::db::select_by_token_for_update(&mut tx, &token_hash)
        .await?
        .ok_or(AppError::NotFound)?;
    match InvitationState::of(open.expires_at, open.accepted_at, open.revoked_at, now) {
        InvitationState::Open => {}
        state => return Err(AppError::field("form", server::closed_message(state))),
    }
    let entitled = crate::plans::service::lock(&mut tx, Limit::Users).await?;
    let members = crate::users::db::select_user_count(&mut tx).await?;
    let place = crate::plans::service::room_for(&entitled, Limit::Users, members, 1)?;
    let fields = crate::users::db::UserFields {
        email: &open.email,
        name: name.as_str(),
        role: open.role,
    };
    let user_id = crate::users::db::insert_user(&mut tx, &fields, &password_hash)
        .await
        .map_err(crate::users::api::server::unique)?;
    super::db::update_accepted(&mut tx, open.invitation_id, user_id, now).await?;
    place.taken(&mut tx).await?;
    let mut actor = Actor::anonymous(meta.ip.clone(), meta.user_agent.clone()).with_request_id(meta.request_id.clone());
    actor.email = Some(open.email.clone());
    let event = AuditEvent {
        tenant_id: Some(found.tenant_id),
        action: "invitation.accept",
        entity_type: "user",
        entity_id: Some(user_id.to_string()),
        before: None,
        after: Some(serde_json::json!({
            "invitation_id": open.invitation_id,
            "email": open.email,
            "name": name.as_str(),
            "role": open.role,
        })),
    };
    insert_audit_event(&mut tx, &actor, event).await?;
    let session = crate::auth::service::start_member_session(&mut tx, user_id, &open.email, &meta).await?;
    tx.commit().await?;
    crate::auth::api::set_session_cookie(&parts, &session);
    leptos_axum::redirect(&portal.base());
    Ok(())
}

#[cfg(feature = "ssr")]
mod server {
    use super::InvitationSent;
    use crate::auth::context::RequestContext;
    use crate::auth::types::Principal;
    use crate::db::TenantTx;
    use crate::error::{AppError, map_unique};
    use crate::ids::{InvitationId, UserId};
    use crate::notifications::outbox::Outbox;
    use crate::portal::types::{PortalSite, SiteRoute};
    use crate::users::invitations::db::OpenInvitation;
    use crate::users::invitations::types::{Invitation, InvitationState};

    const UNIQUE: &[(&str, &str, &str)] = &[("invitations_open_email_idx", "email", "invitation-already-open")];

    pub fn unique(error: sqlx::Error) -> AppError {
        map_unique(error, UNIQUE)
    }

    /// The inviting member's workspace, whose portal the link opens. Invitations are the
    /// portal's: platform administrators create members directly.
    pub fn member_site(context: &RequestContext) -> Result<PortalSite, AppError> {
        match &context.principal {
            Principal::Tenant { tenant_slug, .. } => Ok(PortalSite::new(tenant_slug.clone(), SiteRoute::Path)),
            Principal::Platform { .. } => Err(AppError::field("email", crate::i18n::t("invitation-members-only"))),
        }
    }

    pub fn inviter(context: &RequestContext) -> Option<UserId> {
        match &context.principal {
            Principal::Tenant { user_id, .. } => Some(*user_id),
            Principal::Platform { .. } => None,
        }
    }

    fn outbox() -> Result<Outbox, AppError> {
        leptos::prelude::use_context::<Outbox>().ok_or(AppError::Internal)
    }

    /// Without SMTP settings there is no way to deliver the link: refused before anything is
    /// written, with what to do.
    pub fn ensure_email_available() -> Result<(), AppError> {
        if outbox()?.email_available() {
            Ok(())
        } else {
            Err(AppError::field("email", crate::i18n::t("invitation-no-smtp")))
        }
    }

    /// An invitation of this workspace that is still open (accepted and revoked ones are history).
    pub async fn open_one(tx: &mut TenantTx, invitation_id: InvitationId) -> Result<OpenInvitation, AppError> {
        let found = crate::users::invitations::db::select_invitation_for_update(tx, invitation_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if found.accepted_at.is_some() || found.revoked_at.is_some() {
            return Err(AppError::NotFound);
        }
        Ok(found)
    }

    pub fn closed_message(state: InvitationState) -> String {
        crate::i18n::t(&format!("invitation-closed-{}", state.as_str()))
    }

    /// Sends the invitation's email (after its row is committed: a slow or failing relay holds
    /// no transaction) and records when it went out. A failure is reported, not raised: the
    /// invitation stands and can be sent again.
    pub async fn send(
        context: &RequestContext,
        site: &PortalSite,
        mut invitation: Invitation,
        token: &str,
    ) -> Result<InvitationSent, AppError> {
        let outbox = outbox()?;
        let (workspace, inviter) = match &context.principal {
            Principal::Tenant { branding, name, .. } => (branding.display_name.clone(), name.clone()),
            Principal::Platform { name, .. } => (String::new(), name.clone()),
        };
        let link = format!(
            "{}{}",
            outbox.settings().public_url.trim_end_matches('/'),
            site.href(&format!("/invite/{token}"))
        );
        let mail = super::super::mail::invitation(&workspace, &inviter, &invitation, &link);
        let send_error = match outbox
            .send_mail(&invitation.email, mail.subject, mail.text, mail.html)
            .await
        {
            Ok(()) => {
                let now = chrono::Utc::now();
                let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
                crate::users::invitations::db::update_sent(&mut tx, invitation.invitation_id, now).await?;
                tx.commit().await?;
                invitation.sent_at = Some(now);
                None
            }
            Err(error) => {
                tracing::warn!(%error, invitation_id = %invitation.invitation_id, "an invitation could not be sent");
                Some(error)
            }
        };
        Ok(InvitationSent { invitation, send_error })
    }
}
