//! The API keys page: the tenant's keys against its plan's quota, creating a key (shown once with
//! its signing secret), rotating with a grace period, revoking, and the signed-ingestion switch.
//! Platform administrators pick a tenant and may view and revoke its keys.

use super::api::{CreateApiKey, RevokeApiKey, RotateApiKey, UpdateIngestSigning, list_api_keys};
use super::types::{ApiKeyList, ApiKeyScope, ApiKeyStatus, ApiKeySummary, IssuedApiKey, KeyExpiry, RotationGrace};
use crate::components::confirm::TypedConfirm;
use crate::components::copy::CopyButton;
use crate::components::error_view::ErrorView;
use crate::components::form::{FormAlert, SelectField, TextField};
use crate::components::hooks::{use_can, use_current_user, use_is_platform};
use crate::components::page_title::PageTitle;
use crate::components::resource::page_resource;
use crate::components::scroll::scroll_into_view_on_mount;
use crate::components::table::{PageAt, Pager, href_with};
use crate::components::toast::use_toaster;
use crate::i18n::format_time;
use crate::i18n::{t, t_args, t_text};
use crate::ids::TenantId;
use crate::permissions::types::Permission;
use crate::tenants::chooser::TenantChooser;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const PATH: &str = "/api-keys";

fn tenant_param() -> Memo<Option<TenantId>> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get("tenant_id").and_then(|id| id.parse().ok()))
}

/// The list's filter and place as the page's URL has them: (status, after, before, page).
fn list_place() -> Memo<(String, String, String, u32)> {
    let query = use_query_map();
    Memo::new(move |_| {
        let query = query.read();
        let param = |name: &str| query.get(name).unwrap_or_default();
        (
            param("status"),
            param("after"),
            param("before"),
            param("page").parse().unwrap_or(1),
        )
    })
}

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let tenant = tenant_param();
    let place = list_place();
    let is_platform = use_is_platform();
    let can_create = use_can(Permission::ApiKeysCreate);
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let rotate = ServerAction::<RotateApiKey>::new();
    let signing = ServerAction::<UpdateIngestSigning>::new();
    // Bumped after each successful change, so a refused form does not reload the list.
    let changed = RwSignal::new(0u32);
    let keys = page_resource(
        move || (tenant.get(), place.get(), is_platform.get(), changed.get()),
        |(tenant, (status, after, before, page), platform, _)| async move {
            // A platform administrator sees nothing until a tenant is chosen.
            if platform && tenant.is_none() {
                Ok(None)
            } else {
                list_api_keys(tenant, status, after, before, page).await.map(Some)
            }
        },
    );
    // The newest key issued on this page (created or rotated), shown until dismissed. It lives
    // only in this page's memory: a reload forgets it.
    let issued = RwSignal::new(None::<IssuedApiKey>);
    let revoking = RwSignal::new(None::<ApiKeySummary>);
    let rotating = RwSignal::new(None::<ApiKeySummary>);
    let toaster = use_toaster();
    let create_form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(key)) = create.value().get() {
            issued.set(Some(key));
            changed.update(|n| *n += 1);
            toaster.success(t("keys-created"));
            #[cfg(feature = "hydrate")]
            if let Some(form) = create_form.get_untracked() {
                form.reset();
            }
        }
    });
    // Rotation errors show in the rotate form itself.
    Effect::new(move |_| {
        if let Some(Ok(key)) = rotate.value().get() {
            rotating.set(None);
            issued.set(Some(key));
            changed.update(|n| *n += 1);
            toaster.success(t("keys-rotated"));
        }
    });
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(_)) => {
            revoking.set(None);
            changed.update(|n| *n += 1);
            toaster.success(t("keys-revoked"));
        }
        Some(Err(error)) => toaster.error(error.to_string()),
        None => {}
    });
    Effect::new(move |_| match signing.value().get() {
        Some(Ok(required)) => {
            changed.update(|n| *n += 1);
            toaster.success(t(if required {
                "keys-signing-on"
            } else {
                "keys-signing-off"
            }));
        }
        Some(Err(error)) => toaster.error(error.to_string()),
        None => {}
    });
    view! {
        <PageTitle text=t("keys-title") />
        <header class="page-header"><h1>{t("keys-title")}</h1></header>
        <Show when=move || is_platform.get()>
            <form method="get" action=PATH class="list-controls">
                <div class="field inline">
                    <label for="keys-tenant">{t("field-tenant")}</label>
                    <TenantChooser
                        id="keys-tenant"
                        name="tenant_id"
                        selected=Signal::derive(move || tenant.get().map(|id| id.to_string()).unwrap_or_default())
                        placeholder=t("tenant-search-placeholder")
                    />
                </div>
                <button type="submit" class="button">{t("keys-show")}</button>
            </form>
        </Show>
        {move || issued.get().map(|key| view! { <IssuedKeyPanel issued=key on_done=Callback::new(move |()| issued.set(None)) /> })}
        <Show when=move || !is_platform.get() && can_create.get()>
            <CreateKeyForm action=create form=create_form />
        </Show>
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match keys.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(None) => view! { <p class="muted">{t("keys-choose-tenant")}</p> }.into_any(),
                    Ok(Some(list)) => view! { <KeyListView list revoking rotating signing /> }.into_any(),
                }
            })}
        </Transition>
        {move || revoking.get().map(|key| view! { <RevokePanel key action=revoke on_cancel=Callback::new(move |()| revoking.set(None)) /> })}
        {move || rotating.get().map(|key| view! { <RotatePanel key action=rotate on_cancel=Callback::new(move |()| rotating.set(None)) /> })}
    }
}

/// Quota, signing switch and the key table.
#[component]
fn KeyListView(
    list: ApiKeyList,
    revoking: RwSignal<Option<ApiKeySummary>>,
    rotating: RwSignal<Option<ApiKeySummary>>,
    signing: ServerAction<UpdateIngestSigning>,
) -> impl IntoView {
    let can_revoke = use_can(Permission::ApiKeysRevoke).get_untracked();
    let can_rotate = list.can_issue && use_can(Permission::ApiKeysRotate).get_untracked();
    let can_sign = use_can(Permission::SettingsUpdate).get_untracked();
    let quota = t_args(
        "keys-quota",
        &[
            ("count", &list.active_count.to_string()),
            ("max", &list.max_keys.to_string()),
            ("plan", &list.plan.label()),
        ],
    );
    let full = list.active_count >= list.max_keys;
    let tenant_id = list.tenant_id;
    let required = list.require_signed_ingest;
    // A platform administrator's links and filter keep the chosen tenant.
    let tenant_part = use_current_user()
        .get_untracked()
        .is_some_and(|user| user.is_platform)
        .then(|| format!("tenant_id={tenant_id}"));
    let status = list.status;
    let pager_href = {
        let tenant_part = tenant_part.clone();
        Callback::new(move |at: PageAt| {
            let mut parts: Vec<String> = tenant_part.iter().cloned().collect();
            if let Some(status) = status {
                parts.push(format!("status={}", status.as_str()));
            }
            parts.extend(at.query_parts());
            href_with(PATH, &parts)
        })
    };
    let nav = list.keys.nav();
    view! {
        <p class="quota" class:full=full data-testid="key-quota">{quota}</p>
        <section aria-labelledby="signing-heading" class="card signing">
            <h2 id="signing-heading">{t("keys-signing-title")}</h2>
            <div class="field checkbox">
                <input
                    id="require-signed"
                    type="checkbox"
                    prop:checked=required
                    disabled=move || !can_sign || signing.pending().get()
                    aria-describedby="require-signed-hint"
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        signing.dispatch(UpdateIngestSigning { tenant_id: Some(tenant_id), required: on.to_string() });
                    }
                />
                <label for="require-signed">{t("keys-signing-label")}</label>
            </div>
            <p class="hint muted" id="require-signed-hint">{t("keys-signing-hint")}</p>
        </section>
        <section aria-labelledby="keys-heading">
            <h2 id="keys-heading">{t("keys-list")}</h2>
            <form method="get" action=PATH class="list-controls">
                {tenant_part.map(|_| view! { <input type="hidden" name="tenant_id" value=tenant_id.to_string() /> })}
                <div class="field inline">
                    <label for="keys-status">{t("field-status")}</label>
                    <select id="keys-status" name="status">
                        <option value="">{t("keys-all-statuses")}</option>
                        {ApiKeyStatus::ALL.into_iter().map(|option| view! {
                            <option value=option.as_str() selected=status == Some(option)>{option.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button">{t("keys-filter")}</button>
            </form>
            {if list.keys.items.is_empty() {
                view! { <p class="muted">{t(if status.is_some() { "keys-none-filtered" } else { "keys-none" })}</p> }.into_any()
            } else {
                view! {
                    <table class="data keys" aria-labelledby="keys-heading">
                        <thead>
                            <tr>
                                <th scope="col">{t("field-name")}</th>
                                <th scope="col">{t("keys-key")}</th>
                                <th scope="col">{t("keys-scopes")}</th>
                                <th scope="col">{t("field-created")}</th>
                                <th scope="col">{t("keys-last-used")}</th>
                                <th scope="col">{t("keys-expires")}</th>
                                <th scope="col">{t("field-status")}</th>
                                <th scope="col"><span class="visually-hidden">{t("keys-actions")}</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {list.keys.items.into_iter().map(|key| view! { <KeyRow key can_revoke can_rotate revoking rotating /> }).collect_view()}
                        </tbody>
                    </table>
                    <Pager nav href=pager_href label=t("keys-pagination") />
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn KeyRow(
    key: ApiKeySummary,
    can_revoke: bool,
    can_rotate: bool,
    revoking: RwSignal<Option<ApiKeySummary>>,
    rotating: RwSignal<Option<ApiKeySummary>>,
) -> impl IntoView {
    let active = key.status == ApiKeyStatus::Active;
    let revocable = key.status != ApiKeyStatus::Revoked;
    let for_revoke = key.clone();
    let for_rotate = key.clone();
    let revoke_label = t_text("keys-revoke-named", "name", &key.name);
    let rotate_label = t_text("keys-rotate-named", "name", &key.name);
    view! {
        <tr>
            <td>{key.name.clone()}</td>
            <td><code data-testid="key-prefix">{key.masked()}</code></td>
            <td>{key.scopes.iter().map(|scope| view! { <code class="chip" title=scope.label()>{scope.as_str()}</code> }).collect_view()}</td>
            <td>
                {format_time(key.created_at)}
                {key.created_by_name.clone().map(|name| view! { <div class="muted small">{t_text("keys-created-by", "name", &name)}</div> })}
            </td>
            <td>{key.last_used_at.map(format_time).unwrap_or_else(|| t("never"))}</td>
            <td>
                {key.expires_at.map(format_time).unwrap_or_else(|| t("keys-expiry-never"))}
                {key.grace_ends_at.map(|end| view! { <div class="muted small">{t_args("keys-grace-until", &[("time", &format_time(end))])}</div> })}
            </td>
            <td><span class=format!("badge {}", key.status.as_str())>{key.status.label()}</span></td>
            <td><div class="row-actions">
                {(active && can_rotate).then(|| view! {
                    <button type="button" class="button" aria-label=rotate_label
                        on:click=move |_| rotating.set(Some(for_rotate.clone()))>
                        {t("keys-rotate")}
                    </button>
                })}
                {(revocable && can_revoke).then(|| view! {
                    <button type="button" class="button danger-outline" aria-label=revoke_label
                        on:click=move |_| revoking.set(Some(for_revoke.clone()))>
                        {t("keys-revoke")}
                    </button>
                })}
            </div></td>
        </tr>
    }
}

#[component]
fn CreateKeyForm(action: ServerAction<CreateApiKey>, form: NodeRef<leptos::html::Form>) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let scopes_error = Signal::derive(move || error.get().and_then(|e| e.field_error("scopes")));
    view! {
        <section aria-labelledby="create-key-heading">
            <ActionForm action=action node_ref=form attr:class="card form">
                <h2 id="create-key-heading">{t("keys-new")}</h2>
                <FormAlert error />
                <TextField name="name" label=t("field-name") hint=t("keys-name-hint") error required=true />
                <fieldset class="scope-picker" class:invalid=move || scopes_error.get().is_some() aria-describedby="field-scopes-error">
                    <legend>{t("keys-scopes")}</legend>
                    {ApiKeyScope::ALL.into_iter().enumerate().map(|(index, scope)| view! {
                        <label class="check-row">
                            <input type="checkbox" name=format!("scopes[{index}]") value=scope.as_str() />
                            " " <code>{scope.as_str()}</code> " — " {scope.label()}
                        </label>
                    }).collect_view()}
                    <p class="field-error" id="field-scopes-error" role="alert" hidden=move || scopes_error.get().is_none()>
                        {move || scopes_error.get()}
                    </p>
                </fieldset>
                <SelectField name="expires_in_days" label=t("keys-expires") error options=KeyExpiry::options() selected="never" />
                <div class="actions">
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>{t("keys-create")}</button>
                </div>
            </ActionForm>
        </section>
    }
}

/// The new key and signing secret, shown once, with copy buttons.
#[component]
fn IssuedKeyPanel(issued: IssuedApiKey, on_done: Callback<()>) -> impl IntoView {
    let name = issued.summary.name.clone();
    let node = NodeRef::new();
    scroll_into_view_on_mount(node);
    view! {
        <section node_ref=node class="notice issued-key" aria-labelledby="issued-heading" data-testid="issued-panel">
            <h2 id="issued-heading">{t_text("keys-issued-title", "name", &name)}</h2>
            <p><strong>{t("keys-issued-once")}</strong> " " {t("keys-issued-store")}</p>
            <div class="secret-row">
                <span class="secret-label">{t("keys-key")}</span>
                <code class="secret" data-testid="issued-key">{issued.key.clone()}</code>
                <CopyButton text=issued.key.clone() label=t("keys-copy-key") />
            </div>
            <div class="secret-row">
                <span class="secret-label">{t("keys-signing-secret")}</span>
                <code class="secret" data-testid="issued-signing-secret">{issued.signing_secret.clone()}</code>
                <CopyButton text=issued.signing_secret.clone() label=t("keys-copy-signing") />
            </div>
            <button type="button" class="button" on:click=move |_| on_done.run(())>{t("keys-issued-done")}</button>
        </section>
    }
}

#[component]
fn RevokePanel(key: ApiKeySummary, action: ServerAction<RevokeApiKey>, on_cancel: Callback<()>) -> impl IntoView {
    let api_key_id = key.api_key_id;
    let node = NodeRef::new();
    scroll_into_view_on_mount(node);
    view! {
        <section node_ref=node class="key-action" aria-labelledby="revoke-heading">
            <h2 id="revoke-heading">{t_text("keys-revoke-title", "name", &key.name)}</h2>
            <TypedConfirm
                title=t("keys-revoke-sure")
                warning=t_text("keys-revoke-warning", "key", &key.masked())
                prompt=t_text("keys-revoke-confirm", "prefix", &key.prefix)
                button_label=t("keys-revoke-button")
                expected=key.prefix.clone()
                pending=action.pending()
                open=true
                on_confirm=Callback::new(move |_| { action.dispatch(RevokeApiKey { api_key_id }); })
            />
            <button type="button" class="button" on:click=move |_| on_cancel.run(())>{t("action-cancel")}</button>
        </section>
    }
}

#[component]
fn RotatePanel(key: ApiKeySummary, action: ServerAction<RotateApiKey>, on_cancel: Callback<()>) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let node = NodeRef::new();
    scroll_into_view_on_mount(node);
    view! {
        <section node_ref=node class="key-action" aria-labelledby="rotate-heading">
            <ActionForm action=action attr:class="card form">
                <h2 id="rotate-heading">{t_text("keys-rotate-title", "name", &key.name)}</h2>
                <p>{t("keys-rotate-explain")}</p>
                <FormAlert error />
                <input type="hidden" name="api_key_id" value=key.api_key_id.to_string() />
                <SelectField name="grace" label=t("keys-grace") error options=RotationGrace::options("keys-grace") selected=RotationGrace::OneDay.as_str() />
                <div class="actions">
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>{t("keys-rotate-button")}</button>
                    <button type="button" class="button" on:click=move |_| on_cancel.run(())>{t("action-cancel")}</button>
                </div>
            </ActionForm>
        </section>
    }
}
