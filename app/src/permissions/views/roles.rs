//! The role × permission matrix page.

use super::{tenant_param, tenant_suffix};
use crate::components::error_view::ErrorView;
use crate::components::hooks::{use_current_user, use_is_platform};
use crate::components::page_title::PageTitle;
use crate::components::resource::page_resource;
use crate::i18n::{t, t_args};
use crate::permissions::api::get_role_matrix;
use crate::permissions::types::{Permission, Role, Scope};
use crate::plans::types::Feature;
use leptos::prelude::*;

/// The role × permission matrix with the tenant's custom sets.
#[component]
pub fn RolesPage() -> impl IntoView {
    let tenant = tenant_param();
    let matrix = page_resource(move || tenant.get(), get_role_matrix);
    let user = use_current_user();
    let is_platform = use_is_platform();
    let sets_on = Signal::derive(move || {
        user.get()
            .is_some_and(|u| u.is_platform || u.has(Feature::PermissionSets))
    });
    view! {
        <PageTitle text=t("roles-title") />
        <header class="page-header"><h1>{t("roles-title")}</h1></header>
        <Show when=move || is_platform.get()>
            <form method="get" action="/roles" class="list-controls">
                <div class="field inline">
                    <label for="roles-tenant">{t("roles-tenant")}</label>
                    <crate::tenants::chooser::TenantChooser
                        id="roles-tenant"
                        name="tenant_id"
                        selected=Signal::derive(move || tenant.get().map(|id| id.to_string()).unwrap_or_default())
                        placeholder=t("tenant-search-placeholder")
                    />
                </div>
                <button type="submit" class="button">{t("roles-show")}</button>
            </form>
        </Show>
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match matrix.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(matrix) => {
                        let suffix = tenant_suffix(tenant.get_untracked());
                        let columns = matrix.columns.clone();
                        // Custom sets are a plan feature: a workspace without it keeps the four roles.
                        let can_manage = matrix.can_manage && sets_on.get_untracked();
                        view! {
                            <section aria-labelledby="matrix-heading">
                                <h2 id="matrix-heading">{t("roles-matrix")}</h2>
                                {Permission::resources().into_iter().map(|resource| {
                                    let columns = columns.clone();
                                    view! {
                                        <details open class="matrix-group">
                                            <summary>{resource}</summary>
                                            <table class="data matrix">
                                                <thead>
                                                    <tr>
                                                        <th scope="col">{t("roles-permission")}</th>
                                                        {columns.iter().map(|c| view! {
                                                            <th scope="col">
                                                                {c.label.clone()}
                                                                {c.inherits.clone().map(|i| view! { <span class="muted small">" (" {i} ")"</span> })}
                                                            </th>
                                                        }).collect_view()}
                                                    </tr>
                                                </thead>
                                                <tbody>
                                                    {Permission::ALL.iter().filter(|p| p.resource() == resource).map(|p| {
                                                        let name = p.as_str();
                                                        view! {
                                                            <tr>
                                                                <th scope="row"><code>{name}</code>{(p.scope() == Scope::Platform).then(|| view! { <span class="badge">"platform"</span> })}</th>
                                                                {columns.iter().map(|c| {
                                                                    let granted = c.permissions.iter().any(|g| g == name);
                                                                    let label = format!("{}: {}", c.label, if granted { t("roles-granted") } else { t("roles-not-granted") });
                                                                    view! { <td class="cell" aria-label=label>{if granted { "✓" } else { "" }}</td> }
                                                                }).collect_view()}
                                                            </tr>
                                                        }
                                                    }).collect_view()}
                                                </tbody>
                                            </table>
                                        </details>
                                    }
                                }).collect_view()}
                            </section>
                            <section aria-labelledby="sets-heading">
                                <header class="section-header">
                                    <h2 id="sets-heading">{t("roles-sets")}</h2>
                                    <Show when=move || can_manage>
                                        <crate::components::link::A attr:class="button" href=format!("/roles/sets/new{}", tenant_suffix(tenant.get_untracked()))>{t("roles-new-set")}</crate::components::link::A>
                                    </Show>
                                </header>
                                <Show when=move || can_manage>
                                    <ul class="copy-roles">
                                        {Role::ALL.into_iter().map(|role| {
                                            let href = format!("/roles/sets/new?copy={}{}", role.as_str(), tenant_suffix(tenant.get_untracked()).replace('?', "&"));
                                            view! { <li><crate::components::link::A href=href>{t_args("roles-copy", &[("role", &t(role.label_key()))])}</crate::components::link::A></li> }
                                        }).collect_view()}
                                    </ul>
                                </Show>
                                {
                                    let sets: Vec<_> = matrix.columns.iter().filter_map(|c| c.set_id.map(|id| (id, c.label.clone()))).collect();
                                    if sets.is_empty() {
                                        view! { <p class="muted">{t("roles-no-sets")}</p> }.into_any()
                                    } else {
                                        view! {
                                            <ul class="set-list">
                                                {sets.into_iter().map(|(id, label)| {
                                                    let href = format!("/roles/sets/{id}{suffix}");
                                                    view! { <li><crate::components::link::A href=href>{label}</crate::components::link::A></li> }
                                                }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }
                                }
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
