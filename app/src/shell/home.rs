//! The overview page: a greeting and the figures the signed-in user may see.

use crate::components::page_title::PageTitle;
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

/// Per-tenant key figures with a 24-hour sparkline of points: every tenant for platform
/// administrators, the own tenant otherwise.
#[server]
pub async fn get_tenant_figures() -> Result<Vec<crate::tenants::types::TenantFigures>, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::AnalyticsRead).await?;
    let now = chrono::Utc::now();
    let since = now - chrono::Duration::hours(23);
    let since = chrono::DateTime::from_timestamp(since.timestamp() / 3600 * 3600, 0).unwrap_or(since);
    let figures = match context.principal.tenant_id() {
        None => {
            let mut tx = context.platform_tx(Permission::TenantsRead).await?;
            let figures = crate::tenants::db::select_tenant_figures(&mut tx, now.date_naive(), since).await?;
            tx.commit().await?;
            figures
        }
        Some(tenant_id) => {
            let mut tx = context.tenant_tx(tenant_id).await?;
            let figures = crate::tenants::db::select_tenant_figures(&mut tx, now.date_naive(), since).await?;
            tx.commit().await?;
            figures
        }
    };
    Ok(figures)
}

/// The figures, loaded only when `wanted` (resources must be created outside any `Suspend`, or
/// the browser may pair them with another resource's server data while hydrating).
pub fn tenant_figures(wanted: Signal<bool>) -> Resource<Result<Vec<crate::tenants::types::TenantFigures>, AppError>> {
    Resource::new(
        move || wanted.get(),
        |wanted| async move {
            if wanted {
                get_tenant_figures().await
            } else {
                Ok(Vec::new())
            }
        },
    )
}

#[component]
pub fn TenantFiguresTable(
    figures: Resource<Result<Vec<crate::tenants::types::TenantFigures>, AppError>>,
) -> impl IntoView {
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                figures.await.ok().filter(|rows| !rows.is_empty()).map(|rows| view! {
                    <section class="card tenant-figures" aria-labelledby="figures-heading">
                        <h2 id="figures-heading">{t("home-figures")}</h2>
                        <table class="data">
                            <thead>
                                <tr>
                                    <th scope="col">{t("field-tenant")}</th>
                                    <th scope="col" class="numeric">{t("home-points-today")}</th>
                                    <th scope="col">{t("home-points-24h")}</th>
                                    <th scope="col" class="numeric">{t("home-active-keys")}</th>
                                    <th scope="col" class="numeric">{t("home-metrics")}</th>
                                    <th scope="col" class="numeric">{t("home-users")}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows.into_iter().map(|row| {
                                    let label = t_args("home-sparkline", &[("name", &row.name), ("total", &row.hourly.iter().sum::<i64>().to_string())]);
                                    view! {
                                        <tr>
                                            <th scope="row">{row.name.clone()}</th>
                                            <td class="numeric">{row.points_today}</td>
                                            <td><crate::components::sparkline::Sparkline values=row.hourly label /></td>
                                            <td class="numeric">{row.active_keys}</td>
                                            <td class="numeric">{row.metrics}</td>
                                            <td class="numeric">{row.users}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </section>
                })
            })}
        </Transition>
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let can_analytics = super::use_can(crate::permissions::types::Permission::AnalyticsRead);
    let figures = tenant_figures(can_analytics);
    let overview = Resource::new(|| (), |_| get_overview());
    view! {
        <PageTitle text=t("home-title") />
        <header class="page-header"><h1>{t("home-title")}</h1></header>
        <crate::alerts::views::FiringAlertsCard />
        <crate::notifications::views::ChannelWarningBanner />
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Err(error) => view! { <super::ErrorView error /> }.into_any(),
                    Ok(overview) => view! {
                        <p>{t_args("home-welcome", &[("name", &overview.name)])}</p>
                        <ul class="figures">
                            {overview.figures.into_iter().map(|(label, value)| view! {
                                <li class="figure"><span class="value">{value}</span><span class="label">{label}</span></li>
                            }).collect_view()}
                        </ul>
                        <TenantFiguresTable figures />
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
