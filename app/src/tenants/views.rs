//! Tenant pages: the searchable list, creation, the detail page and editing.

use super::api::{CreateTenant, DeleteTenant, SetTenantStatus, UpdateTenant, get_tenant, list_tenants};
use super::erasure::api::CancelWorkspaceErasure;
use super::erasure::views::{PendingErasureNotice, cancel_toasts, requested_line};
use super::types::{Plan, TenantStatus};
use crate::components::confirm::TypedConfirm;
use crate::components::error_view::ErrorView;
use crate::components::form::{FormAlert, SelectField, TextField};
use crate::components::hooks::{use_can, use_list_query};
use crate::components::page_title::PageTitle;
use crate::components::resource::page_resource;
use crate::components::table::{ListControls, Pager, SortHeader, list_href};
use crate::components::toast::use_toaster;
use crate::error::AppError;
use crate::i18n::{format_count, format_time};
use crate::i18n::{t, t_args};
use crate::ids::TenantId;
use crate::permissions::types::Permission;
use crate::plans::views::{TenantEntitlements, TenantStatisticsCard, entitlements_data, tenant_statistics_data};
use crate::users::views::{UserTable, user_list};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

const PATH: &str = "/tenants";

fn tenant_id_param() -> Memo<Option<TenantId>> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("tenant_id").and_then(|id| id.parse().ok()))
}

#[component]
pub fn TenantsPage() -> impl IntoView {
    let query = use_list_query();
    let tenants = page_resource(move || query.get(), |q| list_tenants(Some(q.to_query_string())));
    let can_create = use_can(Permission::TenantsCreate);
    let query_signal: Signal<_> = query.into();
    view! {
        <PageTitle text=t("tenants-title") />
        <header class="page-header">
            <h1>{t("tenants-title")}</h1>
            <Show when=move || can_create.get()>
                <a class="button primary" href="/tenants/new">{t("tenants-new")}</a>
            </Show>
        </header>
        <ListControls query=query_signal path=PATH placeholder=t("tenants-search-placeholder") />
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match tenants.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(page) => {
                        let nav = page.nav();
                        let empty = page.items.is_empty();
                        view! {
                            <table class="data">
                                <thead>
                                    <tr>
                                        <SortHeader column="name" label=t("field-name") query=query_signal path=PATH />
                                        <SortHeader column="slug" label=t("field-slug") query=query_signal path=PATH />
                                        <SortHeader column="plan" label=t("field-plan") query=query_signal path=PATH />
                                        <SortHeader column="status" label=t("field-status") query=query_signal path=PATH />
                                        <th scope="col">{t("tenants-user-count")}</th>
                                        <SortHeader column="created" label=t("field-created") query=query_signal path=PATH />
                                    </tr>
                                </thead>
                                <tbody>
                                    {page.items.into_iter().map(|tenant| view! {
                                        <tr>
                                            <td><a href=format!("/tenants/{}", tenant.tenant_id)>{tenant.name}</a></td>
                                            <td><code>{tenant.slug}</code></td>
                                            <td>{tenant.plan.label()}</td>
                                            <td>
                                                <span class=format!("badge {}", tenant.status.as_str())>{tenant.status.label()}</span>
                                                {tenant.erase_after.map(|when| view! {
                                                    " " <span class="badge erasing" title=format_time(when)>{t("erasure-badge")}</span>
                                                })}
                                            </td>
                                            <td class="num">{format_count(tenant.user_count)}</td>
                                            <td>{format_time(tenant.created_at)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <Show when=move || empty><p class="muted">{t("table-empty")}</p></Show>
                            <Pager nav href=list_href(query_signal, PATH.to_owned()) />
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
pub fn TenantNewPage() -> impl IntoView {
    let action = ServerAction::<CreateTenant>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let toaster = use_toaster();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            toaster.success(t("tenants-created"));
        }
    });
    view! {
        <PageTitle text=t("tenants-new") />
        <header class="page-header"><h1>{t("tenants-new")}</h1></header>
        <ActionForm action=action attr:class="card form">
            <FormAlert error />
            <TextField name="name" label=t("field-name") error required=true />
            <TextField name="slug" label=t("field-slug") hint=t("valid-slug") error required=true />
            <SelectField name="plan" label=t("field-plan") error options=Plan::options() selected="free" />
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || action.pending().get()>{t("tenants-create")}</button>
                <a class="button" href=PATH>{t("action-cancel")}</a>
            </div>
        </ActionForm>
    }
}

#[component]
pub fn TenantDetailPage() -> impl IntoView {
    let tenant_id = tenant_id_param();
    let status_action = ServerAction::<SetTenantStatus>::new();
    let delete_action = ServerAction::<DeleteTenant>::new();
    let cancel_erasure = ServerAction::<CancelWorkspaceErasure>::new();
    let tenant = page_resource(
        // One version for both actions: the key keeps the type it had (each key type is another
        // copy of the resource code in the wasm).
        move || {
            (
                tenant_id.get(),
                status_action.version().get() + cancel_erasure.version().get(),
            )
        },
        |(id, _)| async move {
            match id {
                Some(id) => get_tenant(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let toaster = use_toaster();
    Effect::new(move |_| match status_action.value().get() {
        Some(Ok(tenant)) => toaster.success(t(if tenant.status == TenantStatus::Suspended {
            "tenants-suspended"
        } else {
            "tenants-reactivated"
        })),
        Some(Err(error)) => toaster.error(error.to_string()),
        None => {}
    });
    Effect::new(move |_| match delete_action.value().get() {
        Some(Ok(())) => toaster.success(t("tenants-deleted")),
        Some(Err(error)) => toaster.error(error.to_string()),
        None => {}
    });
    cancel_toasts(cancel_erasure);
    let can_update = use_can(Permission::TenantsUpdate);
    let can_suspend = use_can(Permission::TenantsSuspend);
    let can_delete = use_can(Permission::TenantsDelete);
    let can_add_user = use_can(Permission::UsersCreate);
    let users = user_list(tenant_id.into());
    let plan = entitlements_data(tenant_id);
    let statistics = tenant_statistics_data(tenant_id);
    view! {
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match tenant.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(detail) => {
                        let tenant = detail.tenant;
                        let id = tenant.tenant_id;
                        let suspended = tenant.status == TenantStatus::Suspended;
                        let slug = tenant.slug.clone();
                        view! {
                            <PageTitle text=tenant.name.clone() />
                            <header class="page-header">
                                <h1>{tenant.name.clone()}</h1>
                                <span class=format!("badge {}", tenant.status.as_str())>{tenant.status.label()}</span>
                                <div class="actions">
                                    <Show when=move || can_update.get()>
                                        <a class="button" href=format!("/tenants/{id}/edit")>{t("action-edit")}</a>
                                    </Show>
                                    <Show when=move || can_suspend.get()>
                                        <button type="button" class="button" disabled=move || status_action.pending().get()
                                            on:click=move |_| { status_action.dispatch(SetTenantStatus { tenant_id: id, status: if suspended { "active" } else { "suspended" }.to_owned() }); }>
                                            {t(if suspended { "tenants-reactivate" } else { "tenants-suspend" })}
                                        </button>
                                    </Show>
                                </div>
                            </header>
                            {detail.erasure.map(|pending| view! {
                                <PendingErasureNotice erase_on=format_time(pending.erase_after) requested=Some(requested_line(&pending))
                                    cancel=can_delete.get_untracked().then_some((Some(id), cancel_erasure)) />
                            })}
                            <dl class="facts">
                                <div><dt>{t("field-slug")}</dt><dd><code>{tenant.slug.clone()}</code></dd></div>
                                <div><dt>{t("field-plan")}</dt><dd>{tenant.plan.label()}</dd></div>
                                <div><dt>{t("tenants-user-count")}</dt><dd>{format_count(tenant.user_count)}</dd></div>
                                <div><dt>{t("tenants-active-users")}</dt><dd>{format_count(detail.active_user_count)}</dd></div>
                                <div><dt>{t("field-created")}</dt><dd>{format_time(tenant.created_at)}</dd></div>
                            </dl>
                            <section aria-labelledby="tenant-users">
                                <header class="section-header">
                                    <h2 id="tenant-users">{t("tenants-users")}</h2>
                                    <Show when=move || can_add_user.get()>
                                        <a class="button" href=format!("/users/new?tenant_id={id}")>{t("tenants-add-user")}</a>
                                    </Show>
                                </header>
                                <UserTable list=users all_tenants=false base_path=format!("/tenants/{id}") />
                            </section>
                            <TenantStatisticsCard data=statistics />
                            <TenantEntitlements data=plan tenant_id=id />
                            <Show when=move || can_delete.get()>
                                <TypedConfirm
                                    title=t("tenants-delete-title")
                                    warning=t("tenants-delete-warning")
                                    prompt=t_args("tenants-delete-confirm", &[("slug", &slug)])
                                    button_label=t("tenants-delete-button")
                                    expected=slug.clone()
                                    pending=delete_action.pending()
                                    on_confirm=Callback::new(move |confirm| { delete_action.dispatch(DeleteTenant { tenant_id: id, confirm }); })
                                />
                            </Show>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
pub fn TenantEditPage() -> impl IntoView {
    let tenant_id = tenant_id_param();
    let tenant = page_resource(
        move || tenant_id.get(),
        |id| async move {
            match id {
                Some(id) => get_tenant(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let action = ServerAction::<UpdateTenant>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let toaster = use_toaster();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            toaster.success(t("tenants-updated"));
        }
    });
    view! {
        <PageTitle text=t("tenants-edit-title") />
        <header class="page-header"><h1>{t("tenants-edit-title")}</h1></header>
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match tenant.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(detail) => {
                        let tenant = detail.tenant;
                        view! {
                            <ActionForm action=action attr:class="card form">
                                <FormAlert error />
                                <input type="hidden" name="tenant_id" value=tenant.tenant_id.to_string() />
                                <TextField name="name" label=t("field-name") error value=tenant.name required=true />
                                <TextField name="slug" label=t("field-slug") hint=t("valid-slug") error value=tenant.slug required=true />
                                <SelectField name="plan" label=t("field-plan") error options=Plan::options() selected=tenant.plan.as_str() />
                                <SelectField name="status" label=t("field-status") error options=TenantStatus::options() selected=tenant.status.as_str() />
                                <div class="actions">
                                    <button type="submit" class="button primary" disabled=move || action.pending().get()>{t("action-save")}</button>
                                    <a class="button" href=format!("/tenants/{}", tenant.tenant_id)>{t("action-cancel")}</a>
                                </div>
                            </ActionForm>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
