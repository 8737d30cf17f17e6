//! The palette's one server function: a search across what the person may open.

use super::types::Hit;
use crate::error::AppError;
use leptos::prelude::*;

/// Tenants and every workspace's members (platform administrators); members, metrics and open
/// alerts (a workspace's members) whose names contain `q`: at most [`super::types::HITS_PER_KIND`] of each kind, each kind
/// only with the permission to read it. Nothing for a query under two characters.
#[server]
pub async fn palette_search(q: String) -> Result<Vec<Hit>, AppError> {
    use super::types::{HITS_PER_KIND, parse_query};
    use crate::permissions::types::Permission;
    let context = crate::auth::context::authenticated().await?;
    let Some(query) = parse_query(&q) else {
        return Ok(Vec::new());
    };
    let can = |permission| context.permissions.allows(permission);
    let mut hits = Vec::new();
    match context.principal.tenant_id() {
        None => {
            if can(Permission::TenantsRead) {
                let mut tx = context.platform_tx(Permission::TenantsRead).await?;
                let tenants = crate::tenants::db::select_tenant_choices(&mut tx, &query, HITS_PER_KIND).await?;
                tx.commit().await?;
                hits.extend(tenants.into_iter().filter_map(|choice| {
                    Some(Hit::Tenant {
                        tenant_id: crate::ids::TenantId(choice.value.parse().ok()?),
                        name: choice.label,
                        slug: choice.detail,
                    })
                }));
            }
            if can(Permission::UsersRead) {
                // Every workspace's members, found as the platform's users list finds them
                // (trigram-gathered, in name order); the first of its page are enough.
                let list = crate::paging::ListQuery::from_params(|name| (name == "q").then(|| query.clone()));
                let mut tx = context.platform_tx(Permission::UsersRead).await?;
                let page = crate::users::db::select_all_users_page(&mut tx, &list).await?;
                tx.commit().await?;
                hits.extend(
                    page.items
                        .into_iter()
                        .take(HITS_PER_KIND as usize)
                        .map(|user| Hit::User {
                            user_id: user.user_id,
                            name: user.name,
                            email: format!("{} · {}", user.email, user.tenant_name),
                        }),
                );
            }
        }
        Some(tenant) => {
            let mut tx = context.tenant_tx(tenant).await?;
            if can(Permission::UsersRead) {
                let roles: Vec<&str> = crate::permissions::types::Role::ALL
                    .into_iter()
                    .map(|r| r.as_str())
                    .collect();
                let nobody = crate::ids::UserId(uuid::Uuid::nil());
                let users =
                    crate::users::db::select_user_choices(&mut tx, &query, &roles, nobody, HITS_PER_KIND).await?;
                hits.extend(users.into_iter().filter_map(|choice| {
                    Some(Hit::User {
                        user_id: crate::ids::UserId(choice.value.parse().ok()?),
                        name: choice.label,
                        email: choice.detail,
                    })
                }));
            }
            if can(Permission::AnalyticsRead) {
                hits.extend(super::db::select_metric_hits(&mut tx, &query, HITS_PER_KIND).await?);
            }
            if can(Permission::AlertsRead) {
                let acknowledge = can(Permission::AlertsAcknowledge);
                hits.extend(super::db::select_alert_hits(&mut tx, &query, HITS_PER_KIND, acknowledge).await?);
            }
            tx.commit().await?;
        }
    }
    Ok(hits)
}
