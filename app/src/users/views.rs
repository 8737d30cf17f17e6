//! User pages: lists (platform-wide and per tenant), creation, detail and editing.

use super::api::{CreateUser, DeleteUser, ResetUserPassword, SetUserStatus, UpdateUser, get_user, list_users};
use super::types::{User, UserStatus, role_options};
use crate::components::confirm::TypedConfirm;
use crate::components::error_view::ErrorView;
use crate::components::form::{FormAlert, SelectField, TextField};
use crate::components::hooks::{use_can, use_current_user, use_list_query};
use crate::components::link::A;
use crate::components::link::site_href;
use crate::components::page_title::PageTitle;
use crate::components::resource::{PageResource, page_resource};
use crate::components::table::{ListControls, Pager, SortHeader, list_href};
use crate::components::toast::use_toaster;
use crate::error::AppError;
use crate::i18n::format_time;
use crate::i18n::{t, t_args};
use crate::ids::{TenantId, UserId};
use crate::paging::{ListQuery, Page};
use crate::permissions::types::Permission;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

fn user_id_param() -> Memo<Option<UserId>> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("user_id").and_then(|id| id.parse().ok()))
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let can_create = use_can(Permission::UsersCreate);
    let list = user_list(Signal::stored(None));
    // In a workspace's portal its administrators also invite people by email.
    let invites = can_create.get_untracked()
        && use_current_user()
            .get_untracked()
            .is_some_and(|me| me.workspace.is_some());
    view! {
        <PageTitle text=t("users-title") />
        <header class="page-header">
            <h1>{t("users-title")}</h1>
            <Show when=move || can_create.get()>
                <A attr:class="button primary" href="/users/new">{t("users-new")}</A>
            </Show>
        </header>
        {invites.then(|| view! { <super::invitations::views::InvitationsCard /> })}
        <UserTable list all_tenants=true base_path="/users".to_owned() />
    }
}

/// One page of users for `tenant` (everyone the caller may see when `None`) under the URL's
/// list query. The page creates it, never a component rendered inside a `Suspend`: a resource
/// created while a suspended body renders is numbered differently on the server and in the
/// browser, and hydrating the page then fails (it did on `/tenants/{id}`).
pub fn user_list(tenant: Signal<Option<TenantId>>) -> UserList {
    let query = use_list_query();
    let users = page_resource(
        move || (tenant.get(), query.get()),
        move |(tenant_id, q)| list_users(tenant_id, Some(q.to_query_string())),
    );
    UserList {
        query: query.into(),
        users,
    }
}

/// What [`UserTable`] shows: the list query (from the URL) and the page of users it selects.
#[derive(Clone, Copy)]
pub struct UserList {
    query: Signal<ListQuery>,
    users: PageResource<Result<Page<User>, AppError>>,
}

/// A searchable, sortable, paginated user table whose state lives in `base_path`'s URL.
/// `all_tenants` adds the tenant column (the platform-wide list).
#[component]
pub fn UserTable(list: UserList, all_tenants: bool, base_path: String) -> impl IntoView {
    let UserList {
        query: query_signal,
        users,
    } = list;
    let show_tenant = all_tenants && use_current_user().get_untracked().is_some_and(|u| u.is_platform);
    let path = base_path;
    // Rows link with plain anchors (the router still follows them without a reload): the router's
    // `A` costs a reactive owner, a memo and a resolved path per link, a sixth of a 100-row page's
    // render on the list benchmark.
    let link_base = crate::components::hooks::use_link_base();
    view! {
        <ListControls query=query_signal path=path.clone() placeholder=t("users-search-placeholder") />
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || {
                let path = path.clone();
                let link_base = link_base.clone();
                Suspend::new(async move {
                match users.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(page) => {
                        let nav = page.nav();
                        let empty = page.items.is_empty();
                        view! {
                            <table class="data">
                                <thead>
                                    <tr>
                                        <SortHeader column="name" label=t("field-name") query=query_signal path=path.clone() />
                                        <SortHeader column="email" label=t("field-email") query=query_signal path=path.clone() />
                                        {show_tenant.then(|| view! { <th scope="col">{t("field-tenant")}</th> })}
                                        <SortHeader column="role" label=t("field-role") query=query_signal path=path.clone() />
                                        <SortHeader column="status" label=t("field-status") query=query_signal path=path.clone() />
                                        <SortHeader column="last_login" label=t("field-last-login") query=query_signal path=path.clone() />
                                    </tr>
                                </thead>
                                <tbody>
                                    {page.items.into_iter().map(|user| view! {
                                        <tr>
                                            <td><a href=site_href(&link_base, &format!("/users/{}", user.user_id))>{user.name}</a></td>
                                            <td>{user.email}</td>
                                            {show_tenant.then(|| view! { <td><a href=site_href(&link_base, &format!("/tenants/{}", user.tenant_id))>{user.tenant_name}</a></td> })}
                                            <td>{t(user.role.label_key())}</td>
                                            <td><span class=format!("badge {}", user.status.as_str())>{user.status.label()}</span></td>
                                            <td>{user.last_login_at.map(format_time).unwrap_or_else(|| t("never"))}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <Show when=move || empty><p class="muted">{t("table-empty")}</p></Show>
                            <Pager nav href=list_href(query_signal, path.clone()) />
                        }.into_any()
                    }
                }
            })}}
        </Transition>
    }
}

/// Shows a generated password once, with the address it belongs to.
#[component]
fn IssuedPasswordNotice(email: String, password: String, user_id: UserId) -> impl IntoView {
    view! {
        <div class="notice" role="status">
            <p>{t_args("users-generated-password", &[("email", &email)])}</p>
            <p><code class="secret" data-testid="issued-password">{password}</code></p>
            <A href=format!("/users/{user_id}")>{t("users-open")}</A>
        </div>
    }
}

/// The tenant a platform administrator creates a user in, searched as they type.
#[component]
fn TenantField(error: Signal<Option<AppError>>, selected: Signal<String>) -> impl IntoView {
    let message = Signal::derive(move || error.get().and_then(|e| e.field_error("tenant_id")));
    view! {
        <div class="field" class:invalid=move || message.get().is_some()>
            <label for="field-tenant_id">{t("field-tenant")}</label>
            <crate::tenants::chooser::TenantChooser
                id="field-tenant_id"
                name="tenant_id"
                selected
                described_by="field-tenant_id-error"
                placeholder=t("tenant-search-placeholder")
            />
            <p class="field-error" id="field-tenant_id-error" role="alert" hidden=move || message.get().is_none()>
                {move || message.get()}
            </p>
        </div>
    }
}

#[component]
pub fn UserNewPage() -> impl IntoView {
    let action = ServerAction::<CreateUser>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let current = use_current_user();
    let is_platform = move || current.get().is_some_and(|u| u.is_platform);
    let query = use_query_map();
    let preselected = move || query.read().get("tenant_id").unwrap_or_default();
    let toaster = use_toaster();
    Effect::new(move |_| {
        if let Some(Ok(issued)) = action.value().get()
            && issued.password.is_none()
        {
            toaster.success(t("users-created"));
            leptos_router::hooks::use_navigate()(&format!("/users/{}", issued.user_id), Default::default());
        }
    });
    view! {
        <PageTitle text=t("users-new") />
        <header class="page-header"><h1>{t("users-new")}</h1></header>
        {move || action.value().get().and_then(Result::ok).and_then(|issued| {
            let user_id = issued.user_id;
            issued.password.map(|password| view! { <IssuedPasswordNotice email=issued.email password user_id /> })
        })}
        <ActionForm action=action attr:class="card form">
            <FormAlert error />
            <Show when=is_platform fallback=|| view! { <input type="hidden" name="tenant_id" value="" /> }>
                <TenantField error selected=Signal::derive(preselected) />
            </Show>
            <TextField name="email" label=t("field-email") input_type="email" autocomplete="off" error required=true />
            <TextField name="name" label=t("field-name") error required=true />
            <SelectField name="role" label=t("field-role") error options=role_options() selected="viewer" />
            <TextField name="password" label=t("users-password") input_type="password" autocomplete="new-password" hint=t("users-password-hint") error />
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || action.pending().get()>{t("users-create")}</button>
                <a class="button" href="/users">{t("action-cancel")}</a>
            </div>
        </ActionForm>
    }
}

#[component]
pub fn UserDetailPage() -> impl IntoView {
    let link_base = StoredValue::new(crate::components::hooks::use_link_base());
    let user_id = user_id_param();
    let status_action = ServerAction::<SetUserStatus>::new();
    let reset_action = ServerAction::<ResetUserPassword>::new();
    let delete_action = ServerAction::<DeleteUser>::new();
    let two_factor_action = ServerAction::<super::credentials::ResetTwoFactor>::new();
    let sessions_action = ServerAction::<super::credentials::EndMemberSessions>::new();
    let user = page_resource(
        move || {
            (
                user_id.get(),
                status_action.version().get(),
                two_factor_action.version().get(),
            )
        },
        |(id, _, _)| async move {
            match id {
                Some(id) => get_user(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let toaster = use_toaster();
    Effect::new(move |_| match status_action.value().get() {
        Some(Ok(user)) => toaster.success(t(if user.status == UserStatus::Disabled {
            "users-disabled"
        } else {
            "users-enabled"
        })),
        Some(Err(error)) => toaster.error(error.to_string()),
        None => {}
    });
    Effect::new(move |_| match reset_action.value().get() {
        Some(Ok(_)) => toaster.success(t("users-password-reset")),
        Some(Err(error)) => toaster.error(error.to_string()),
        None => {}
    });
    Effect::new(move |_| match two_factor_action.value().get() {
        Some(Ok(())) => toaster.success(t("user-two-factor-reset-done")),
        Some(Err(error)) => toaster.error(error.to_string()),
        None => {}
    });
    Effect::new(move |_| match sessions_action.value().get() {
        Some(Ok(_)) => toaster.success(t("user-sessions-ended")),
        Some(Err(error)) => toaster.error(error.to_string()),
        None => {}
    });
    Effect::new(move |_| match delete_action.value().get() {
        Some(Ok(())) => toaster.success(t("users-deleted")),
        Some(Err(error)) => toaster.error(error.to_string()),
        None => {}
    });
    let can_update = use_can(Permission::UsersUpdate);
    let can_reset = use_can(Permission::UsersResetPassword);
    let can_delete = use_can(Permission::UsersDelete);
    // Support access is the platform's (a workspace administrator holds the permission in the
    // matrix but is refused by the server).
    let is_platform = use_current_user().get_untracked().is_some_and(|me| me.is_platform);
    let query = use_query_map();
    let on_permissions = move || query.read().get("tab").as_deref() == Some("permissions");
    let permissions =
        crate::permissions::views::user_tab::user_permissions_data(user_id.into(), Signal::derive(on_permissions));
    view! {
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(detail) => {
                        let (user, may_act, is_self) = (detail.user, detail.may_act, detail.is_self);
                        let two_factor = detail.two_factor;
                        let id = user.user_id;
                        let base = link_base.get_value();
                        let disabled = user.status == UserStatus::Disabled;
                        let email = user.email.clone();
                        view! {
                            <PageTitle text=user.name.clone() />
                            <header class="page-header">
                                <h1>{user.name.clone()}</h1>
                                <span class=format!("badge {}", user.status.as_str())>{user.status.label()}</span>
                                <div class="actions">
                                    // Only what the server will allow: users the caller outranks (and, for
                                    // their own account, editing their name and resetting their password).
                                    <Show when=move || can_update.get() && (may_act || is_self)>
                                        <a class="button" href=format!("/users/{id}/edit")>{t("action-edit")}</a>
                                    </Show>
                                    <Show when=move || can_update.get() && may_act>
                                        <button type="button" class="button" disabled=move || status_action.pending().get()
                                            on:click=move |_| { status_action.dispatch(SetUserStatus { user_id: id, status: if disabled { "active" } else { "disabled" }.to_owned() }); }>
                                            {t(if disabled { "users-enable" } else { "users-disable" })}
                                        </button>
                                    </Show>
                                    // Everything about them, as an archive (`data_export`): yourself, or
                                    // someone you outrank.
                                    <Show when=move || may_act || is_self>
                                        <a class="button" href=format!("/api/v1/exports/members/{id}") download="" data-testid="export-member">{t("data-export-member")}</a>
                                    </Show>
                                    <Show when=move || can_reset.get() && (may_act || is_self)>
                                        <button type="button" class="button" disabled=move || reset_action.pending().get()
                                            on:click=move |_| { reset_action.dispatch(ResetUserPassword { user_id: id }); }>
                                            {t("users-reset-password")}
                                        </button>
                                    </Show>
                                    <Show when=move || can_reset.get() && may_act && two_factor>
                                        <button type="button" class="button" title=t("user-two-factor-reset-hint")
                                            disabled=move || two_factor_action.pending().get()
                                            on:click=move |_| { two_factor_action.dispatch(super::credentials::ResetTwoFactor { user_id: id }); }>
                                            {t("user-two-factor-reset")}
                                        </button>
                                    </Show>
                                    <Show when=move || can_update.get() && may_act>
                                        <button type="button" class="button" disabled=move || sessions_action.pending().get()
                                            on:click=move |_| { sessions_action.dispatch(super::credentials::EndMemberSessions { user_id: id }); }>
                                            {t("user-sessions-end")}
                                        </button>
                                    </Show>
                                </div>
                            </header>
                            {move || reset_action.value().get().and_then(Result::ok).and_then(|issued| {
                                let user_id = issued.user_id;
                                issued.password.map(|password| view! { <IssuedPasswordNotice email=issued.email password user_id /> })
                            })}
                            <nav class="tabs" aria-label=t("user-tab-permissions")>
                                <a href=format!("{base}/users/{id}") aria-current=move || (!on_permissions()).then_some("page")>{t("user-tab-details")}</a>
                                <a href=format!("{base}/users/{id}?tab=permissions") aria-current=move || on_permissions().then_some("page")>{t("user-tab-permissions")}</a>
                            </nav>
                            <Show when=on_permissions fallback=|| ()>
                                <crate::permissions::views::user_tab::UserPermissionsTab user_id=id data=permissions />
                            </Show>
                            {(is_platform && !disabled).then(|| view! {
                                <super::support::views::StartSupportAccessForm user_id=id />
                            })}
                            <dl class="facts" hidden=on_permissions>
                                <div><dt>{t("field-email")}</dt><dd>{user.email.clone()}</dd></div>
                                <div><dt>{t("field-tenant")}</dt><dd>{user.tenant_name.clone()}</dd></div>
                                <div><dt>{t("field-role")}</dt><dd>{t(user.role.label_key())}</dd></div>
                                <div><dt>{t("field-last-login")}</dt><dd>{user.last_login_at.map(format_time).unwrap_or_else(|| t("never"))}</dd></div>
                                <div><dt>{t("field-created")}</dt><dd>{format_time(user.created_at)}</dd></div>
                            </dl>
                            <Show when=move || can_delete.get() && may_act && !on_permissions()>
                                <TypedConfirm
                                    title=t("users-delete-title")
                                    warning=t("users-delete-warning")
                                    prompt=t_args("users-delete-confirm", &[("email", &email)])
                                    button_label=t("users-delete-button")
                                    expected=email.clone()
                                    pending=delete_action.pending()
                                    on_confirm=Callback::new(move |confirm| { delete_action.dispatch(DeleteUser { user_id: id, confirm }); })
                                />
                                <super::erasure::views::EraseUserCard user_id=id email=email.clone() />
                            </Show>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
pub fn UserEditPage() -> impl IntoView {
    let user_id = user_id_param();
    let user = page_resource(
        move || user_id.get(),
        |id| async move {
            match id {
                Some(id) => get_user(id).await.map(|detail| detail.user),
                None => Err(AppError::NotFound),
            }
        },
    );
    let action = ServerAction::<UpdateUser>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let toaster = use_toaster();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            toaster.success(t("users-updated"));
        }
    });
    view! {
        <PageTitle text=t("users-edit-title") />
        <header class="page-header"><h1>{t("users-edit-title")}</h1></header>
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(user) => view! {
                        <ActionForm action=action attr:class="card form">
                            <FormAlert error />
                            <input type="hidden" name="user_id" value=user.user_id.to_string() />
                            <TextField name="email" label=t("field-email") input_type="email" error value=user.email required=true />
                            <TextField name="name" label=t("field-name") error value=user.name required=true />
                            <SelectField name="role" label=t("field-role") error options=role_options() selected=user.role.as_str() />
                            <div class="actions">
                                <button type="submit" class="button primary" disabled=move || action.pending().get()>{t("action-save")}</button>
                                <a class="button" href=format!("/users/{}", user.user_id)>{t("action-cancel")}</a>
                            </div>
                        </ActionForm>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
