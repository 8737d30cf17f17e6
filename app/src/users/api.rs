//! Server functions for users. Platform administrators act on any tenant's users; tenant users
//! only on their own tenant's, only on users they outrank, and give at most their own role
//! (`permissions::rank`).

use super::types::{IssuedPassword, User, UserDetail};
use crate::error::AppError;
use crate::ids::{TenantId, UserId};
use crate::paging::Page;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use crate::auth::context::RequestContext;
    use crate::auth::types::Principal;
    use crate::db::TenantTx;
    use crate::error::{AppError, FieldErrors, map_unique};
    use crate::ids::UserId;
    use crate::permissions::types::Role;
    use crate::users::types::{User, parse_role};
    use crate::validation::{DisplayName, Email};

    pub const UNIQUE: &[(&str, &str, &str)] = &[("users_email_key", "email", "valid-email-taken")];

    pub struct ParsedUser {
        pub email: Email,
        pub name: DisplayName,
        pub role: Role,
    }

    pub fn parse(email: &str, name: &str, role: &str) -> (FieldErrors, Option<ParsedUser>) {
        let mut errors = FieldErrors::new();
        let email = Email::parse(email).map_err(|e| errors.add("email", e)).ok();
        let name = DisplayName::parse(name).map_err(|e| errors.add("name", e)).ok();
        let role = parse_role(role).map_err(|e| errors.add("role", e)).ok();
        let parsed = match (email, name, role) {
            (Some(email), Some(name), Some(role)) => Some(ParsedUser { email, name, role }),
            _ => None,
        };
        (errors, parsed)
    }

    /// Acting on another user needs outranking them (`permissions::rank`); acting on yourself is
    /// limited by each function instead (no own role change, no self-disable or delete).
    pub async fn ensure_may_act_on(context: &RequestContext, tx: &mut TenantTx, user: &User) -> Result<(), AppError> {
        if is_self(context, user.user_id) {
            return Ok(());
        }
        crate::permissions::rank::ensure_outranks_user(context, tx, user.user_id, user.role).await
    }

    pub fn is_self(context: &RequestContext, user_id: UserId) -> bool {
        matches!(&context.principal, Principal::Tenant { user_id: own, .. } if *own == user_id)
    }

    pub fn unique(error: sqlx::Error) -> AppError {
        map_unique(error, UNIQUE)
    }

    pub fn json(user: &User) -> Option<serde_json::Value> {
        serde_json::to_value(user).ok()
    }
}

/// One page of users: one tenant's, or (platform administrators, no tenant given) everyone's.
/// `query` is the list's URL query string (search, sort, page size, cursor).
#[server]
pub async fn list_users(tenant_id: Option<TenantId>, query: Option<String>) -> Result<Page<User>, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::UsersRead).await?;
    let query = crate::paging::ListQuery::from_query_string(query.as_deref().unwrap_or_default());
    let tenant = tenant_id.or(context.principal.tenant_id());
    let key = format!("list_users {tenant:?} {}", query.to_query_string());
    let page = crate::auth::context::memo_read(key, || async move {
        Ok(match tenant {
            Some(tenant_id) => {
                let mut tx = context.tenant_tx(tenant_id).await?;
                let page = super::db::select_users_page(&mut tx, &query).await?;
                tx.commit().await?;
                page
            }
            None => {
                let mut tx = context.platform_tx(Permission::UsersRead).await?;
                let page = super::db::select_all_users_page(&mut tx, &query).await?;
                tx.commit().await?;
                page
            }
        })
    })
    .await?;
    Ok(page)
}

/// A user, and whether the caller may act on them (so the page hides what would be refused).
#[server]
pub async fn get_user(user_id: UserId) -> Result<UserDetail, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::UsersRead).await?;
    let mut tx = context
        .tenant_tx(crate::auth::context::TenantScope::OfUser(user_id))
        .await?;
    let user = super::db::select_user(&mut tx, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let is_self = server::is_self(&context, user_id);
    let may_act = !is_self && crate::permissions::rank::outranks_user(&context, &mut tx, user_id, user.role).await?;
    let account = crate::auth::db::Account::Tenant(user.tenant_id, user_id);
    let two_factor = crate::auth::two_factor::db::select_factor(&mut tx, account)
        .await?
        .is_some_and(|factor| factor.confirmed_at.is_some());
    tx.commit().await?;
    Ok(UserDetail {
        user,
        may_act,
        is_self,
        two_factor,
    })
}

/// Creates a user; with an empty password one is generated and returned once.
#[server]
pub async fn create_user(
    tenant_id: Option<String>,
    email: String,
    name: String,
    role: String,
    password: String,
) -> Result<IssuedPassword, AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::auth::password;
    use crate::permissions::types::Permission;
    use crate::plans::types::Limit;
    let context = crate::auth::context::require(Permission::UsersCreate).await?;
    let chosen = match tenant_id.as_deref().map(str::trim).filter(|id| !id.is_empty()) {
        Some(id) => Some(
            id.parse::<TenantId>()
                .map_err(|_| AppError::field("tenant_id", crate::i18n::t("valid-tenant")))?,
        ),
        None => None,
    };
    let (mut errors, parsed) = server::parse(&email, &name, &role);
    let tenant = context
        .choose_tenant(crate::auth::context::TenantScope::Named(chosen))
        .await
        .map_err(|e| match e {
            AppError::Validation(fields) => {
                for (field, message) in fields.0 {
                    errors.add(&field, message);
                }
                AppError::Validation(errors.clone())
            }
            other => other,
        })?;
    let generated = password.is_empty();
    let password = if generated {
        password::generate_password()
    } else {
        password
    };
    let new_password = crate::auth::password::chosen(&password)
        .map_err(|e| errors.add("password", e))
        .ok();
    let (Some(parsed), Some(new_password)) = (parsed, new_password) else {
        return Err(AppError::Validation(errors));
    };
    errors.into_result()?;
    crate::permissions::rank::ensure_may_assign(&context, parsed.role)?;
    let hash = password::hash(new_password.as_str().to_owned()).await?;
    let mut tx = context.tenant_tx(tenant).await?;
    let entitled = crate::plans::service::lock(&mut tx, Limit::Users).await?;
    let members = super::db::select_user_count(&mut tx).await?;
    let place = crate::plans::service::room_for(&entitled, Limit::Users, members, 1)?;
    let fields = super::db::UserFields {
        email: parsed.email.as_str(),
        name: parsed.name.as_str(),
        role: parsed.role,
    };
    let user_id = super::db::insert_user(&mut tx, &fields, &hash)
        .await
        .map_err(server::unique)?;
    place.taken(&mut tx).await?;
    let user = super::db::select_user(&mut tx, user_id)
        .await?
        .ok_or(AppError::Internal)?;
    let event = AuditEvent {
        tenant_id: Some(tenant),
        action: "user.create",
        entity_type: "user",
        entity_id: Some(user_id.to_string()),
        before: None,
        after: server::json(&user),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    Ok(IssuedPassword {
        user_id,
        email: user.email,
        password: generated.then_some(password),
    })
}

/// Saves a user's email, name and role.
#[server]
pub async fn update_user(user_id: UserId, email: String, name: String, role: String) -> Result<User, AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::UsersUpdate).await?;
    let (errors, parsed) = server::parse(&email, &name, &role);
    let Some(parsed) = parsed else {
        return Err(AppError::Validation(errors));
    };
    let mut tx = context
        .tenant_tx(crate::auth::context::TenantScope::OfUser(user_id))
        .await?;
    let before = super::db::select_user(&mut tx, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if server::is_self(&context, user_id) {
        // Your own name and email are yours to fix; your role is not (up or down).
        if parsed.role != before.role {
            return Err(AppError::field("role", crate::i18n::t("users-own-role")));
        }
    } else {
        server::ensure_may_act_on(&context, &mut tx, &before).await?;
        crate::permissions::rank::ensure_may_assign(&context, parsed.role)?;
    }
    let fields = super::db::UserFields {
        email: parsed.email.as_str(),
        name: parsed.name.as_str(),
        role: parsed.role,
    };
    super::db::update_user(&mut tx, user_id, &fields)
        .await
        .map_err(server::unique)?;
    let after = super::db::select_user(&mut tx, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let event = AuditEvent {
        tenant_id: Some(after.tenant_id),
        action: "user.update",
        entity_type: "user",
        entity_id: Some(user_id.to_string()),
        before: server::json(&before),
        after: server::json(&after),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    leptos_axum::redirect(&format!("/users/{user_id}"));
    Ok(after)
}

/// Disables (signing the user out everywhere) or re-enables a user.
#[server]
pub async fn set_user_status(user_id: UserId, status: String) -> Result<User, AppError> {
    use super::types::UserStatus;
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::UsersUpdate).await?;
    let status = UserStatus::parse(&status).map_err(|e| AppError::field("status", e))?;
    if server::is_self(&context, user_id) {
        return Err(AppError::Conflict(crate::i18n::t("users-not-self")));
    }
    let mut tx = context
        .tenant_tx(crate::auth::context::TenantScope::OfUser(user_id))
        .await?;
    let before = super::db::select_user(&mut tx, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    server::ensure_may_act_on(&context, &mut tx, &before).await?;
    super::db::update_user_status(&mut tx, user_id, status).await?;
    if status == UserStatus::Disabled {
        crate::auth::db::delete_user_sessions(&mut tx, user_id).await?;
    }
    let after = super::db::select_user(&mut tx, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let action = if status == UserStatus::Disabled {
        "user.disable"
    } else {
        "user.enable"
    };
    let event = AuditEvent {
        tenant_id: Some(after.tenant_id),
        action,
        entity_type: "user",
        entity_id: Some(user_id.to_string()),
        before: server::json(&before),
        after: server::json(&after),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    Ok(after)
}

/// Replaces the password with a generated one (returned once) and signs the user out everywhere.
#[server]
pub async fn reset_user_password(user_id: UserId) -> Result<IssuedPassword, AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::auth::password;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::UsersResetPassword).await?;
    let new_password = password::generate_password();
    let hash = password::hash(new_password.clone()).await?;
    let mut tx = context
        .tenant_tx(crate::auth::context::TenantScope::OfUser(user_id))
        .await?;
    let user = super::db::select_user(&mut tx, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    server::ensure_may_act_on(&context, &mut tx, &user).await?;
    super::db::update_user_password(&mut tx, user_id, &hash).await?;
    crate::auth::db::delete_user_sessions(&mut tx, user_id).await?;
    let event = AuditEvent {
        tenant_id: Some(user.tenant_id),
        action: "user.reset_password",
        entity_type: "user",
        entity_id: Some(user_id.to_string()),
        before: None,
        after: None,
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    Ok(IssuedPassword {
        user_id,
        email: user.email,
        password: Some(new_password),
    })
}

/// Deletes a user; `confirm` must repeat the email.
#[server]
pub async fn delete_user(user_id: UserId, confirm: String) -> Result<(), AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::UsersDelete).await?;
    if server::is_self(&context, user_id) {
        return Err(AppError::Conflict(crate::i18n::t("users-not-self")));
    }
    let mut tx = context
        .tenant_tx(crate::auth::context::TenantScope::OfUser(user_id))
        .await?;
    let before = super::db::select_user(&mut tx, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    server::ensure_may_act_on(&context, &mut tx, &before).await?;
    if confirm.trim().to_lowercase() != before.email {
        return Err(AppError::field(
            "confirm",
            crate::i18n::t_args("valid-confirm", &[("expected", &before.email)]),
        ));
    }
    let event = AuditEvent {
        tenant_id: Some(before.tenant_id),
        action: "user.delete",
        entity_type: "user",
        entity_id: Some(user_id.to_string()),
        before: server::json(&before),
        after: None,
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    super::db::delete_user(&mut tx, user_id).await?;
    tx.commit().await?;
    leptos_axum::redirect("/users");
    Ok(())
}
