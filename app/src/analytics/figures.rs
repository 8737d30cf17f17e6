//! The per-tenant key figures table (points today, a 24-hour sparkline, keys, metrics, users),
//! shown on the overview and, for platform administrators, on the analytics page.

use super::api::get_tenant_figures;
use super::types::TenantFigures;
use crate::components::resource::{PageResource, page_resource};
use crate::components::sparkline::Sparkline;
use crate::error::AppError;
use crate::i18n::{format_count, t, t_args};
use leptos::prelude::*;

/// The figures, loaded only when `wanted` (resources must be created outside any `Suspend`, or
/// the browser may pair them with another resource's server data while hydrating).
pub fn tenant_figures(wanted: Signal<bool>) -> PageResource<Result<Vec<TenantFigures>, AppError>> {
    page_resource(
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
pub fn TenantFiguresTable(figures: PageResource<Result<Vec<TenantFigures>, AppError>>) -> impl IntoView {
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                figures.await.ok().filter(|rows| !rows.is_empty()).map(|rows| view! {
                    <section class="card tenant-figures" aria-labelledby="figures-heading">
                        <h2 id="figures-heading">{t("home-figures")}</h2>
                        // Wider than a phone: it scrolls on its own, and takes focus so a keyboard
                        // can scroll it too.
                        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="figures-heading">
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
                                                <td class="numeric">{format_count(row.points_today)}</td>
                                                <td><Sparkline values=row.hourly label /></td>
                                                <td class="numeric">{format_count(row.active_keys)}</td>
                                                <td class="numeric">{format_count(row.metrics)}</td>
                                                <td class="numeric">{format_count(row.users)}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </section>
                })
            })}
        </Transition>
    }
}
