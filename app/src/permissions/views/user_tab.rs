//! The user page's Permissions tab: effective permissions with reasons, sets, grants, and "why can this user do X?".

use crate::components::error_view::ErrorView;
use crate::components::hooks::use_can;
use crate::components::resource::{PageResource, page_resource};
use crate::components::toast::use_toaster;
use crate::error::AppError;
use crate::i18n::{t, t_args};
use crate::ids::{PermissionSetId, UserId};
use crate::permissions::api::{explain_permission, get_user_permissions, set_user_grant, set_user_permission_set};
use crate::permissions::types::{Permission, Scope, UserPermissions};
use leptos::prelude::*;

/// A user's permissions as the Permissions tab shows them, loaded only while the tab is open.
/// The user page creates it, not the tab: the tab renders inside the page's suspended body, and
/// a resource created there is numbered differently on the server and in the browser, so a
/// fresh load of `?tab=permissions` failed to hydrate.
#[derive(Clone, Copy)]
pub struct UserPermissionsData {
    /// Bumped after a change so the data loads again.
    changed: RwSignal<u32>,
    data: PageResource<Option<Result<UserPermissions, AppError>>>,
}

pub fn user_permissions_data(user: Signal<Option<UserId>>, open: Signal<bool>) -> UserPermissionsData {
    let changed = RwSignal::new(0u32);
    let data = page_resource(
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
    let change_set = Action::new(move |(set, assign): &(PermissionSetId, bool)| {
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
                                            if let Ok(id) = set_choice.get_untracked().parse::<PermissionSetId>() { change_set.dispatch((id, true)); }
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
