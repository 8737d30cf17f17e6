//! Roles & permissions pages: the role × permission matrix, the custom set editor, the user's
//! Permissions tab and the delegations page.

use super::api::{
    create_delegation, delete_permission_set, explain_permission, get_permission_set, get_role_matrix,
    get_user_permissions, list_delegations, list_permission_sets, revoke_delegation, save_permission_set,
    set_user_grant, set_user_permission_set,
};
use super::types::{Delegation, Inherits, Permission, Role, Scope, UserPermissions};
use crate::components::error_view::ErrorView;
use crate::components::hooks::use_can;
use crate::components::page_title::PageTitle;
use crate::components::toast::use_toaster;
use crate::error::AppError;
use crate::i18n::format_time;
use crate::i18n::{t, t_args};
use crate::ids::{TenantId, UserId};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use std::collections::BTreeSet;
use uuid::Uuid;

fn tenant_param() -> Memo<Option<TenantId>> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get("tenant_id").and_then(|id| id.parse().ok()))
}

fn tenant_suffix(tenant: Option<TenantId>) -> String {
    tenant.map(|id| format!("?tenant_id={id}")).unwrap_or_default()
}

/// The role × permission matrix with the tenant's custom sets.
#[component]
pub fn RolesPage() -> impl IntoView {
    let tenant = tenant_param();
    let matrix = Resource::new(move || tenant.get(), get_role_matrix);
    let tenants = Resource::new(
        || (),
        |_| async move { crate::tenants::api::list_tenant_options().await.unwrap_or_default() },
    );
    let is_platform = Signal::derive(move || {
        crate::components::hooks::use_current_user()
            .get()
            .is_some_and(|u| u.is_platform)
    });
    view! {
        <PageTitle text=t("roles-title") />
        <header class="page-header"><h1>{t("roles-title")}</h1></header>
        <Show when=move || is_platform.get()>
            <form method="get" action="/roles" class="list-controls">
                <div class="field inline">
                    <label for="roles-tenant">{t("roles-tenant")}</label>
                    <select id="roles-tenant" name="tenant_id">
                        <option value="">{t("roles-choose-tenant")}</option>
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                let chosen = tenant.get_untracked();
                                tenants.await.into_iter().map(|o| {
                                    let selected = Some(o.tenant_id) == chosen;
                                    view! { <option value=o.tenant_id.to_string() selected=selected>{o.name}</option> }
                                }).collect_view()
                            })}
                        </Transition>
                    </select>
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
                        let can_manage = matrix.can_manage;
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
                                        <a class="button" href=format!("/roles/sets/new{}", tenant_suffix(tenant.get_untracked()))>{t("roles-new-set")}</a>
                                    </Show>
                                </header>
                                <Show when=move || can_manage>
                                    <ul class="copy-roles">
                                        {Role::ALL.into_iter().map(|role| {
                                            let href = format!("/roles/sets/new?copy={}{}", role.as_str(), tenant_suffix(tenant.get_untracked()).replace('?', "&"));
                                            view! { <li><a href=href>{t_args("roles-copy", &[("role", &t(role.label_key()))])}</a></li> }
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
                                                    view! { <li><a href=href>{label}</a></li> }
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

/// Creates or edits a custom permission set (`/roles/sets/new`, `/roles/sets/:set_id`).
#[component]
pub fn PermissionSetPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let tenant = tenant_param();
    let set_id = Memo::new(move |_| params.read().get("set_id").and_then(|id| id.parse::<Uuid>().ok()));
    let copy = Memo::new(move |_| query.read().get("copy").and_then(|r| Role::parse(&r)));
    let existing = Resource::new(
        move || (tenant.get(), set_id.get()),
        |(tenant, id)| async move {
            match id {
                Some(id) => get_permission_set(tenant, id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let others = Resource::new(
        move || tenant.get(),
        |tenant| async move { list_permission_sets(tenant).await.unwrap_or_default() },
    );
    view! {
        <PageTitle text=move || t(if set_id.get().is_some() { "set-title-edit" } else { "set-title-new" }) />
        <header class="page-header"><h1>{move || t(if set_id.get().is_some() { "set-title-edit" } else { "set-title-new" })}</h1></header>
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                let others = others.await;
                match existing.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(existing) => {
                        let (name, description, inherits, chosen) = match (&existing, copy.get_untracked()) {
                            (Some(set), _) => (
                                set.name.clone(),
                                set.description.clone(),
                                match (set.base_role, set.parent_set_id) {
                                    (Some(role), _) => Inherits::Role(role),
                                    (None, Some(parent)) => Inherits::Set(parent),
                                    _ => Inherits::Nothing,
                                },
                                set.permissions.iter().cloned().collect::<BTreeSet<_>>(),
                            ),
                            (None, Some(role)) => (
                                format!("{} (copy)", t(role.label_key())),
                                String::new(),
                                Inherits::Nothing,
                                Permission::ALL.iter().filter(|p| role.grants(**p)).map(|p| p.as_str().to_owned()).collect(),
                            ),
                            _ => (String::new(), String::new(), Inherits::Nothing, BTreeSet::new()),
                        };
                        let own_id = existing.as_ref().map(|s| s.permission_set_id);
                        let others = others.into_iter().filter(|s| Some(s.permission_set_id) != own_id).collect::<Vec<_>>();
                        view! { <SetEditor tenant=tenant.get_untracked() set_id=own_id name description inherits chosen others /> }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn SetEditor(
    tenant: Option<TenantId>,
    set_id: Option<Uuid>,
    name: String,
    description: String,
    inherits: Inherits,
    chosen: BTreeSet<String>,
    others: Vec<super::types::PermissionSet>,
) -> impl IntoView {
    let name = RwSignal::new(name);
    let description = RwSignal::new(description);
    let inherits = RwSignal::new(inherits.to_value());
    let chosen = RwSignal::new(chosen);
    let save = Action::new(move |_: &()| {
        let (name, description, inherits, permissions) = (
            name.get_untracked(),
            description.get_untracked(),
            inherits.get_untracked(),
            chosen.get_untracked().into_iter().collect(),
        );
        async move { save_permission_set(tenant, set_id, name, description, inherits, permissions).await }
    });
    let remove = Action::new(move |_: &()| async move {
        match set_id {
            Some(id) => delete_permission_set(tenant, id).await,
            None => Ok(()),
        }
    });
    let error = Signal::derive(move || {
        save.value()
            .get()
            .and_then(Result::err)
            .or_else(|| remove.value().get().and_then(Result::err))
    });
    let toaster = use_toaster();
    let back = format!("/roles{}", tenant_suffix(tenant));
    Effect::new({
        let back = back.clone();
        move |_| {
            if let Some(Ok(_)) = save.value().get() {
                toaster.success(t("set-saved"));
                use_navigate()(&back, Default::default());
            }
        }
    });
    Effect::new({
        let back = back.clone();
        move |_| {
            if let Some(Ok(())) = remove.value().get() {
                toaster.success(t("set-deleted"));
                use_navigate()(&back, Default::default());
            }
        }
    });
    let field = move |f: &'static str| move || error.get().and_then(|e| e.field_error(f));
    let mut inherit_options = vec![(String::new(), t("set-inherits-nothing"))];
    inherit_options.extend(Role::ALL.into_iter().map(|r| {
        (
            Inherits::Role(r).to_value(),
            t_args("set-inherits-role", &[("role", &t(r.label_key()))]),
        )
    }));
    inherit_options.extend(others.iter().map(|s| {
        (
            Inherits::Set(s.permission_set_id).to_value(),
            t_args("set-inherits-set", &[("set", &s.name)]),
        )
    }));
    view! {
        <form class="card form wide" on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
            <crate::components::form::FormAlert error />
            <div class="field" class:invalid=move || field("name")().is_some()>
                <label for="set-name">{t("field-name")}</label>
                <input id="set-name" type="text" required bind:value=name aria-describedby="set-name-error" />
                <p class="field-error" id="set-name-error" role="alert" hidden=move || field("name")().is_none()>{field("name")}</p>
            </div>
            <div class="field">
                <label for="set-description">{t("set-description")}</label>
                <input id="set-description" type="text" bind:value=description />
            </div>
            <div class="field" class:invalid=move || field("inherits")().is_some()>
                <label for="set-inherits">{t("set-inherits")}</label>
                <select id="set-inherits" aria-describedby="set-inherits-error" on:change=move |ev| inherits.set(event_target_value(&ev))>
                    {inherit_options.into_iter().map(|(value, label)| {
                        let selected = value == inherits.get_untracked();
                        view! { <option value=value selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
                <p class="field-error" id="set-inherits-error" role="alert" hidden=move || field("inherits")().is_none()>{field("inherits")}</p>
            </div>
            <fieldset class="permission-picker" aria-describedby="set-permissions-error">
                <legend>{t("set-permissions")}</legend>
                <p class="field-error" id="set-permissions-error" role="alert" hidden=move || field("permissions")().is_none()>{field("permissions")}</p>
                <PermissionPicker chosen available=None />
            </fieldset>
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || save.pending().get()>{t("set-save")}</button>
                <a class="button" href=back.clone()>{t("action-cancel")}</a>
                {set_id.map(|_| view! { <button type="button" class="button danger" on:click=move |_| { remove.dispatch(()); }>{t("set-delete")}</button> })}
            </div>
        </form>
    }
}

/// Checkboxes for tenant permissions, grouped by resource; `available` limits the choice.
#[component]
fn PermissionPicker(chosen: RwSignal<BTreeSet<String>>, available: Option<Vec<String>>) -> impl IntoView {
    let offered = move |p: &Permission| {
        p.scope() == Scope::Tenant && available.as_ref().is_none_or(|a| a.iter().any(|x| x == p.as_str()))
    };
    let groups: Vec<(&'static str, Vec<&'static str>)> = Permission::resources()
        .into_iter()
        .map(|resource| {
            (
                resource,
                Permission::ALL
                    .iter()
                    .filter(|p| p.resource() == resource && offered(p))
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, names)| !names.is_empty())
        .collect();
    view! {
        <div class="picker">
            {groups.into_iter().map(|(resource, names)| view! {
                <div class="picker-group">
                    <p class="picker-resource">{resource}</p>
                    {names.into_iter().map(|name| view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                value=name
                                prop:checked=move || chosen.with(|c| c.contains(name))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|c| { if on { c.insert(name.to_owned()); } else { c.remove(name); } });
                                }
                            />
                            " " {name}
                        </label>
                    }).collect_view()}
                </div>
            }).collect_view()}
        </div>
    }
}

/// A user's permissions as the Permissions tab shows them, loaded only while the tab is open.
/// The user page creates it, not the tab: the tab renders inside the page's suspended body, and
/// a resource created there is numbered differently on the server and in the browser, so a
/// fresh load of `?tab=permissions` failed to hydrate.
#[derive(Clone, Copy)]
pub struct UserPermissionsData {
    /// Bumped after a change so the data loads again.
    changed: RwSignal<u32>,
    data: Resource<Option<Result<UserPermissions, AppError>>>,
}

pub fn user_permissions_data(user: Signal<Option<UserId>>, open: Signal<bool>) -> UserPermissionsData {
    let changed = RwSignal::new(0u32);
    let data = Resource::new(
        move || (user.get().filter(|_| open.get()), changed.get()),
        |(user, _)| async move {
            match user {
                Some(user_id) => Some(get_user_permissions(user_id).await),
                None => None,
            }
        },
    );
    UserPermissionsData { changed, data }
}

/// The Permissions tab of a user: effective permissions with sources, sets, grants and "why?".
#[component]
pub fn UserPermissionsTab(user_id: UserId, data: UserPermissionsData) -> impl IntoView {
    let UserPermissionsData { changed, data } = data;
    let can_manage = use_can(Permission::RolesManage);
    let toaster = use_toaster();
    let change_set = Action::new(move |(set, assign): &(Uuid, bool)| {
        let (set, assign) = (*set, *assign);
        async move { set_user_permission_set(user_id, set, assign).await }
    });
    let change_grant = Action::new(move |(permission, grant): &(String, bool)| {
        let (permission, grant) = (permission.clone(), *grant);
        async move { set_user_grant(user_id, permission, grant).await }
    });
    for result in [change_set.value(), change_grant.value()] {
        Effect::new(move |_| match result.get() {
            Some(Ok(())) => {
                toaster.success(t("user-permissions-changed"));
                changed.update(|n| *n += 1);
            }
            Some(Err(error)) => toaster.error(error.to_string()),
            None => {}
        });
    }
    let set_choice = RwSignal::new(String::new());
    let grant_choice = RwSignal::new(String::new());
    let why_choice = RwSignal::new(Permission::UsersRead.as_str().to_owned());
    let explain = Action::new(move |permission: &String| {
        let permission = permission.clone();
        async move { explain_permission(user_id, permission).await }
    });
    view! {
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    None => ().into_any(),
                    Some(Err(error)) => view! { <ErrorView error /> }.into_any(),
                    Some(Ok(data)) => {
                        let held: Vec<String> = data.effective.permissions().iter().map(|p| p.as_str().to_owned()).collect();
                        let has_available = !data.available_sets.is_empty();
                        // Only for users the caller may change (outranks, not themselves).
                        let may_change = data.may_change;
                        view! {
                            <section aria-labelledby="effective-heading">
                                <h2 id="effective-heading">{t("user-effective")}</h2>
                                <table class="data" data-testid="effective-permissions">
                                    <thead><tr><th scope="col">{t("roles-permission")}</th><th scope="col">{t("user-source")}</th></tr></thead>
                                    <tbody>
                                        {data.effective.entries.iter().map(|(permission, sources)| view! {
                                            <tr>
                                                <td><code>{permission.as_str()}</code></td>
                                                <td>{sources.iter().map(|s| view! { <div>{s.describe()}</div> }).collect_view()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </section>
                            <section aria-labelledby="why-heading" class="card">
                                <h2 id="why-heading">{t("user-why")}</h2>
                                <div class="list-controls">
                                    <div class="field inline">
                                        <label for="why-permission">{t("user-why-permission")}</label>
                                        <select id="why-permission" on:change=move |ev| why_choice.set(event_target_value(&ev))>
                                            {Permission::ALL.iter().map(|p| view! { <option value=p.as_str() selected=*p == Permission::UsersRead>{p.as_str()}</option> }).collect_view()}
                                        </select>
                                    </div>
                                    <button type="button" class="button" on:click=move |_| { explain.dispatch(why_choice.get_untracked()); }>{t("user-why-ask")}</button>
                                </div>
                                <div role="status" data-testid="why-answer">
                                    {move || explain.value().get().map(|answer| match answer {
                                        Ok(answer) => view! {
                                            <p><strong>{t(if answer.allowed { "user-why-allowed" } else { "user-why-denied" })}</strong></p>
                                            <ul>{answer.reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                                        }.into_any(),
                                        Err(error) => view! { <p class="form-alert">{error.to_string()}</p> }.into_any(),
                                    })}
                                </div>
                            </section>
                            <section aria-labelledby="sets-heading">
                                <h2 id="sets-heading">{t("user-sets")}</h2>
                                {if data.sets.is_empty() { Some(view! { <p class="muted">{t("user-no-sets")}</p> }) } else { None }}
                                <ul class="chips">
                                    {data.sets.iter().cloned().map(|(id, name)| {
                                        let label = t_args("user-unassign", &[("set", &name)]);
                                        view! {
                                            <li>{name}
                                                <Show when=move || can_manage.get() && may_change>
                                                    <button type="button" class="icon" aria-label=label.clone() on:click=move |_| { change_set.dispatch((id, false)); }>"×"</button>
                                                </Show>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                                <Show when=move || can_manage.get() && may_change && has_available>
                                    <div class="list-controls">
                                        <div class="field inline">
                                            <label for="assign-set">{t("user-assign-set")}</label>
                                            <select id="assign-set" on:change=move |ev| set_choice.set(event_target_value(&ev))>
                                                <option value="">"—"</option>
                                                {data.available_sets.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                                            </select>
                                        </div>
                                        <button type="button" class="button" on:click=move |_| {
                                            if let Ok(id) = set_choice.get_untracked().parse::<Uuid>() { change_set.dispatch((id, true)); }
                                        }>{t("user-assign")}</button>
                                    </div>
                                </Show>
                            </section>
                            <section aria-labelledby="grants-heading">
                                <h2 id="grants-heading">{t("user-grants")}</h2>
                                {if data.grants.is_empty() { Some(view! { <p class="muted">{t("user-no-grants")}</p> }) } else { None }}
                                <ul class="chips">
                                    {data.grants.iter().map(|g| {
                                        let permission = g.permission.clone();
                                        let label = t_args("user-remove-grant", &[("permission", &g.permission)]);
                                        view! {
                                            <li><code>{g.permission.clone()}</code>
                                                <Show when=move || can_manage.get() && may_change>
                                                    <button type="button" class="icon" aria-label=label.clone() on:click={
                                                        let permission = permission.clone();
                                                        move |_| { change_grant.dispatch((permission.clone(), false)); }
                                                    }>"×"</button>
                                                </Show>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                                <Show when=move || can_manage.get() && may_change>
                                    <div class="list-controls">
                                        <div class="field inline">
                                            <label for="add-grant">{t("user-add-grant")}</label>
                                            <select id="add-grant" on:change=move |ev| grant_choice.set(event_target_value(&ev))>
                                                <option value="">"—"</option>
                                                {Permission::ALL.iter().filter(|p| p.scope() == Scope::Tenant && !held.iter().any(|h| h == p.as_str())).map(|p| view! { <option value=p.as_str()>{p.as_str()}</option> }).collect_view()}
                                            </select>
                                        </div>
                                        <button type="button" class="button" on:click=move |_| {
                                            let choice = grant_choice.get_untracked();
                                            if !choice.is_empty() { change_grant.dispatch((choice, true)); }
                                        }>{t("user-grant")}</button>
                                    </div>
                                </Show>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// My delegations: create, list given/received (and all, for admins), revoke.
#[component]
pub fn DelegationsPage() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let data = Resource::new(move || changed.get(), |_| list_delegations());
    let toaster = use_toaster();
    let delegate = RwSignal::new(String::new());
    let chosen = RwSignal::new(BTreeSet::<String>::new());
    let default_expiry = (chrono::Utc::now() + chrono::Duration::days(7))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let expires = RwSignal::new(default_expiry);
    let reason = RwSignal::new(String::new());
    let create = Action::new(move |_: &()| {
        let (d, p, e, r) = (
            delegate.get_untracked(),
            chosen.get_untracked().into_iter().collect(),
            expires.get_untracked(),
            reason.get_untracked(),
        );
        async move { create_delegation(d, p, e, r).await }
    });
    let revoke = Action::new(move |id: &Uuid| {
        let id = *id;
        async move { revoke_delegation(id).await }
    });
    Effect::new(move |_| match create.value().get() {
        Some(Ok(_)) => {
            toaster.success(t("deleg-created"));
            chosen.set(BTreeSet::new());
            changed.update(|n| *n += 1);
        }
        Some(Err(AppError::Validation(_))) | None => {}
        Some(Err(error)) => toaster.error(error.to_string()),
    });
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(())) => {
            toaster.success(t("deleg-revoked"));
            changed.update(|n| *n += 1);
        }
        Some(Err(error)) => toaster.error(error.to_string()),
        None => {}
    });
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let field = move |f: &'static str| move || error.get().and_then(|e| e.field_error(f));
    view! {
        <PageTitle text=t("deleg-title") />
        <header class="page-header"><h1>{t("deleg-title")}</h1></header>
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(view_data) if view_data.me.is_none() => view! { <p class="muted">{t("deleg-platform")}</p> }.into_any(),
                    Ok(view_data) => {
                        let lendable = view_data.lendable.clone();
                        let can_lend = !lendable.is_empty();
                        view! {
                            {if can_lend {
                                view! {
                                    <form class="card form wide" on:submit=move |ev| { ev.prevent_default(); create.dispatch(()); }>
                                        <h2>{t("deleg-new")}</h2>
                                        <crate::components::form::FormAlert error />
                                        <div class="field" class:invalid=move || field("delegate_id")().is_some()>
                                            <label for="deleg-delegate">{t("deleg-delegate")}</label>
                                            <select id="deleg-delegate" aria-describedby="deleg-delegate-error" on:change=move |ev| delegate.set(event_target_value(&ev))>
                                                <option value="">"—"</option>
                                                {view_data.colleagues.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                                            </select>
                                            <p class="field-error" id="deleg-delegate-error" role="alert" hidden=move || field("delegate_id")().is_none()>{field("delegate_id")}</p>
                                        </div>
                                        <fieldset class="permission-picker" aria-describedby="deleg-permissions-error">
                                            <legend>{t("deleg-permissions")}</legend>
                                            <p class="field-error" id="deleg-permissions-error" role="alert" hidden=move || field("permissions")().is_none()>{field("permissions")}</p>
                                            <PermissionPicker chosen available=Some(lendable) />
                                        </fieldset>
                                        <div class="field" class:invalid=move || field("expires_at")().is_some()>
                                            <label for="deleg-expires">{t("deleg-expires")}</label>
                                            <input id="deleg-expires" type="datetime-local" bind:value=expires aria-describedby="deleg-expires-error" />
                                            <p class="field-error" id="deleg-expires-error" role="alert" hidden=move || field("expires_at")().is_none()>{field("expires_at")}</p>
                                        </div>
                                        <div class="field">
                                            <label for="deleg-reason">{t("deleg-reason")}</label>
                                            <input id="deleg-reason" type="text" bind:value=reason />
                                        </div>
                                        <div class="actions"><button type="submit" class="button primary" disabled=move || create.pending().get()>{t("deleg-create")}</button></div>
                                    </form>
                                }.into_any()
                            } else {
                                view! { <p class="muted">{t("deleg-cannot")}</p> }.into_any()
                            }}
                            <DelegationTable title=t("deleg-given") rows=view_data.given revoke me=view_data.me />
                            <DelegationTable title=t("deleg-received") rows=view_data.received revoke me=view_data.me />
                            {view_data.all.map(|all| view! { <DelegationTable title=t("deleg-all") rows=all revoke me=view_data.me /> })}
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn DelegationTable(
    title: String,
    rows: Vec<Delegation>,
    revoke: Action<Uuid, Result<(), AppError>>,
    me: Option<UserId>,
) -> impl IntoView {
    let can_manage = use_can(Permission::RolesManage);
    view! {
        <section>
            <h2>{title.clone()}</h2>
            {if rows.is_empty() {
                view! { <p class="muted">{t("deleg-none")}</p> }.into_any()
            } else {
                view! {
                    <table class="data" aria-label=title>
                        <thead><tr>
                            <th scope="col">{t("deleg-from")}</th><th scope="col">{t("deleg-to")}</th>
                            <th scope="col">{t("deleg-permissions")}</th><th scope="col">{t("deleg-until")}</th>
                            <th scope="col">{t("deleg-status")}</th><th scope="col"><span class="visually-hidden">{t("deleg-revoke")}</span></th>
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|d| {
                                let id = d.delegation_id;
                                let may_revoke = d.active && (Some(d.delegator_id) == me || can_manage.get_untracked());
                                view! {
                                    <tr>
                                        <td>{d.delegator_name.clone()}</td>
                                        <td>{d.delegate_name.clone()}</td>
                                        <td>
                                            {d.permissions.iter().map(|p| view! { <code class="chip">{p.clone()}</code> }).collect_view()}
                                            {(!d.reason.is_empty()).then(|| view! { <div class="muted small">{d.reason.clone()}</div> })}
                                        </td>
                                        <td>{format_time(d.expires_at)}</td>
                                        <td><span class=if d.active { "badge active" } else { "badge disabled" }>{t(if d.active { "deleg-active" } else { "deleg-ended" })}</span></td>
                                        <td>{may_revoke.then(|| view! {
                                            <button type="button" class="button" on:click=move |_| { revoke.dispatch(id); }>{t("deleg-revoke")}</button>
                                        })}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
