//! The overview page: a greeting and the figures the signed-in user may see.

use crate::analytics::figures::{TenantFiguresTable, tenant_figures};
use crate::components::error_view::ErrorView;
use crate::components::hooks::use_can;
use crate::components::page_title::PageTitle;
use crate::components::resource::page_resource;
use crate::error::AppError;
use crate::i18n::{t, t_args};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub name: String,
    pub figures: Vec<(String, i64)>,
}

/// Figures for the overview: platform-wide for platform administrators, one tenant otherwise.
#[server]
pub async fn get_overview() -> Result<Overview, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::UsersRead).await?;
    let name = context.principal.name().to_owned();
    let figures = match context.principal.tenant_id() {
        None => {
            let mut tx = context.platform_tx(Permission::TenantsRead).await?;
            let (tenants, active, users) = crate::tenants::db::select_platform_counts(&mut tx).await?;
            tx.commit().await?;
            vec![
                (t("home-tenants"), tenants),
                (t("home-active-tenants"), active),
                (t("home-users"), users),
            ]
        }
        Some(tenant_id) => {
            let mut tx = context.tenant_tx(tenant_id).await?;
            let tenant = crate::tenants::db::select_own_tenant(&mut tx)
                .await?
                .ok_or(AppError::NotFound)?;
            let active = crate::tenants::db::select_active_user_count(&mut tx).await?;
            tx.commit().await?;
            vec![
                (t("home-users"), tenant.user_count),
                (t("tenants-active-users"), active),
            ]
        }
    };
    Ok(Overview { name, figures })
}

#[component]
pub fn HomePage() -> impl IntoView {
    let can_analytics = use_can(crate::permissions::types::Permission::AnalyticsRead);
    let figures = tenant_figures(can_analytics);
    let overview = page_resource(|| (), |_| get_overview());
    // In a tenant's portal the overview also shows usage against the plan and recent activity.
    let portal = crate::components::hooks::use_current_user()
        .get_untracked()
        .is_some_and(|me| me.workspace.is_some());
    // The platform's administrators see every workspace's totals (T6).
    let platform = crate::components::hooks::use_current_user()
        .get_untracked()
        .is_some_and(|me| me.is_platform);
    view! {
        <PageTitle text=t("home-title") />
        <header class="page-header"><h1>{t("home-title")}</h1></header>
        <crate::alerts::views::firing::FiringAlertsCard />
        {(portal && can_analytics.get_untracked()).then(|| view! { <crate::analytics::views::panel::OverviewChart /> })}
        <crate::notifications::views::warnings::ChannelWarningBanner />
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(overview) => view! {
                        <p>{t_args("home-welcome", &[("name", &overview.name)])}</p>
                        <ul class="figures">
                            {overview.figures.into_iter().map(|(label, value)| view! {
                                <li class="figure"><span class="value">{crate::i18n::format_count(value)}</span><span class="label">{label}</span></li>
                            }).collect_view()}
                        </ul>
                        <TenantFiguresTable figures />
                    }.into_any(),
                }
            })}
        </Transition>
        {portal.then(|| view! { <crate::portal::views::PortalOverviewSections /> })}
        {platform.then(|| view! { <crate::plans::views::PlatformStatisticsCard /> })}
    }
}
