//! The delegations page: hand a permission one holds to another user for a while, and revoke it.

use super::set_editor::PermissionPicker;
use crate::components::combobox::{SearchCombobox, search_fn};
use crate::components::error_view::ErrorView;
use crate::components::hooks::{use_can, use_feature};
use crate::components::page_title::PageTitle;
use crate::components::resource::page_resource;
use crate::components::toast::use_toaster;
use crate::error::AppError;
use crate::i18n::format_time;
use crate::i18n::{t, t_args};
use crate::ids::{DelegationId, UserId};
use crate::permissions::api::{create_delegation, list_delegations, revoke_delegation, search_delegates};
use crate::permissions::types::{Delegation, Permission};
use crate::plans::types::Feature;
use leptos::prelude::*;
use std::collections::BTreeSet;

/// My delegations: create, list given/received (and all, for admins), revoke.
#[component]
pub fn DelegationsPage() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let data = page_resource(move || changed.get(), |_| list_delegations());
    let delegations_on = use_feature(Feature::Delegations);
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
    let revoke = Action::new(move |id: &DelegationId| {
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
                        let can_lend = !lendable.is_empty() && delegations_on.get_untracked();
                        view! {
                            {if can_lend {
                                view! {
                                    <form class="card form wide" on:submit=move |ev| { ev.prevent_default(); create.dispatch(()); }>
                                        <h2>{t("deleg-new")}</h2>
                                        <crate::components::form::FormAlert error />
                                        <div class="field" class:invalid=move || field("delegate_id")().is_some()>
                                            <label for="deleg-delegate">{t("deleg-delegate")}</label>
                                            <SearchCombobox
                                                id="deleg-delegate"
                                                value=delegate
                                                search=search_fn(search_delegates)
                                                described_by=Some("deleg-delegate-error")
                                                placeholder=t("deleg-delegate-placeholder")
                                            />
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
                            } else if !delegations_on.get_untracked() {
                                view! { <p class="notice" role="status">{t_args("feature-not-included", &[("feature", &Feature::Delegations.label())])}</p> }.into_any()
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
    revoke: Action<DelegationId, Result<(), AppError>>,
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
