//! The custom permission set editor.

use super::{tenant_param, tenant_suffix};
use crate::components::error_view::ErrorView;
use crate::components::page_title::PageTitle;
use crate::components::resource::page_resource;
use crate::components::toast::use_toaster;
use crate::i18n::{t, t_args};
use crate::ids::{PermissionSetId, TenantId};
use crate::permissions::api::{delete_permission_set, get_permission_set, list_permission_sets, save_permission_set};
use crate::permissions::types::{Inherits, Permission, Role, Scope};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use std::collections::BTreeSet;

/// Creates or edits a custom permission set (`/roles/sets/new`, `/roles/sets/:set_id`).
#[component]
pub fn PermissionSetPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let tenant = tenant_param();
    let set_id = Memo::new(move |_| {
        params
            .read()
            .get("set_id")
            .and_then(|id| id.parse::<PermissionSetId>().ok())
    });
    let copy = Memo::new(move |_| query.read().get("copy").and_then(|r| Role::parse(&r)));
    let existing = page_resource(
        move || (tenant.get(), set_id.get()),
        |(tenant, id)| async move {
            match id {
                Some(id) => get_permission_set(tenant, id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let others = page_resource(
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
    set_id: Option<PermissionSetId>,
    name: String,
    description: String,
    inherits: Inherits,
    chosen: BTreeSet<String>,
    others: Vec<crate::permissions::types::PermissionSet>,
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
            </div>
            // Deleting asks first: whoever holds the set loses what it grants at once.
            {set_id.map(|_| view! {
                <details class="danger-zone">
                    <summary>{t("set-delete")}</summary>
                    <p>{t("set-delete-warning")}</p>
                    <button type="button" class="button danger" on:click=move |_| { remove.dispatch(()); }>{t("set-delete-confirm")}</button>
                </details>
            })}
        </form>
    }
}

/// Checkboxes for tenant permissions, grouped by resource; `available` limits the choice.
#[component]
pub(super) fn PermissionPicker(chosen: RwSignal<BTreeSet<String>>, available: Option<Vec<String>>) -> impl IntoView {
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
