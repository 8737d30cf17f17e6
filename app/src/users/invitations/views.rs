//! The invitations card on the members page (invite, send again, revoke) and the page an
//! invitation link opens (join the workspace).

use super::api::{
    AcceptInvitation, CreateInvitation, InvitationSent, ResendInvitation, RevokeInvitation, get_invitation,
    list_invitations,
};
use super::types::{Invitation, InvitationState};
use crate::components::error_view::{ErrorView, NotFound};
use crate::components::form::{FormAlert, SelectField, TextField};
use crate::components::page_title::PageTitle;
use crate::components::resource::page_resource;
use crate::components::toast::use_toaster;
use crate::i18n::{format_time, t, t_args};
use crate::portal::views::BrandHeader;
use crate::users::types::role_options;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// Invite by email, and the workspace's open invitations (portal, `users:create`).
#[component]
pub fn InvitationsCard() -> impl IntoView {
    let create = ServerAction::<CreateInvitation>::new();
    let resend = ServerAction::<ResendInvitation>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    // Read again after every change; the same (0, 0, 0) on the server and in the browser.
    let invitations = page_resource(
        move || (create.version().get(), resend.version().get(), revoke.version().get()),
        |_| list_invitations(),
    );
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let toaster = use_toaster();
    let announce = move |sent: InvitationSent| match sent.send_error {
        None => toaster.success(t_args("invitation-sent", &[("email", &sent.invitation.email)])),
        Some(reason) => toaster.error(t_args(
            "invitation-not-sent",
            &[("email", &sent.invitation.email), ("reason", &reason)],
        )),
    };
    Effect::new(move |_| {
        if let Some(Ok(sent)) = create.value().get() {
            announce(sent);
        }
    });
    Effect::new(move |_| match resend.value().get() {
        Some(Ok(sent)) => announce(sent),
        Some(Err(error)) => toaster.error(error.to_string()),
        None => {}
    });
    Effect::new(move |_| {
        if let Some(Err(error)) = revoke.value().get() {
            toaster.error(error.to_string());
        }
    });
    view! {
        <section class="card invitations" aria-labelledby="invitations-heading">
            <h2 id="invitations-heading">{t("invitations-title")}</h2>
            <ActionForm action=create attr:class="list-controls invite-form">
                <FormAlert error />
                <TextField name="email" label=t("invitation-email") input_type="email" autocomplete="off" error required=true />
                <SelectField name="role" label=t("field-role") error options=role_options() selected="viewer" />
                <button type="submit" class="button primary" disabled=move || create.pending().get()>{t("invitation-send")}</button>
            </ActionForm>
            <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
                {move || Suspend::new(async move {
                    match invitations.await {
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                        Ok(page) => view! {
                            {(!page.email_available).then(|| view! { <p class="notice" role="status">{t("invitation-no-smtp")}</p> })}
                            {if page.invitations.is_empty() {
                                view! { <p class="muted">{t("invitations-none")}</p> }.into_any()
                            } else {
                                view! { <InvitationTable invitations=page.invitations resend revoke /> }.into_any()
                            }}
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn InvitationTable(
    invitations: Vec<Invitation>,
    resend: ServerAction<ResendInvitation>,
    revoke: ServerAction<RevokeInvitation>,
) -> impl IntoView {
    view! {
        <table class="data" aria-labelledby="invitations-heading">
            <thead>
                <tr>
                    <th scope="col">{t("field-email")}</th>
                    <th scope="col">{t("field-role")}</th>
                    <th scope="col">{t("invitation-state")}</th>
                    <th scope="col">{t("invitation-expires")}</th>
                    <th scope="col"><span class="visually-hidden">{t("invitation-actions")}</span></th>
                </tr>
            </thead>
            <tbody>
                {invitations.into_iter().map(|invitation| {
                    let id = invitation.invitation_id;
                    let email = invitation.email.clone();
                    let state = if invitation.state == InvitationState::Open && invitation.sent_at.is_none() {
                        t("invitation-unsent")
                    } else {
                        invitation.state.label()
                    };
                    view! {
                        <tr>
                            <td>{invitation.email}</td>
                            <td>{t(invitation.role.label_key())}</td>
                            <td><span class=format!("badge {}", invitation.state.as_str())>{state}</span></td>
                            <td>{format_time(invitation.expires_at)}</td>
                            <td class="actions">
                                <button type="button" class="button" aria-label=t_args("invitation-resend-for", &[("email", &email)])
                                    disabled=move || resend.pending().get()
                                    on:click=move |_| { resend.dispatch(ResendInvitation { invitation_id: id }); }>
                                    {t("invitation-resend")}
                                </button>
                                <RevokeButton id email=email.clone() revoke />
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Revoking asks first: the button opens a confirmation beside it (its link stops working at
/// once and cannot be given back), which takes the focus; "Keep it" closes it again.
#[component]
fn RevokeButton(id: crate::ids::InvitationId, email: String, revoke: ServerAction<RevokeInvitation>) -> impl IntoView {
    let asking = RwSignal::new(false);
    let confirm = NodeRef::<leptos::html::Button>::new();
    Effect::new(move || {
        if let Some(button) = confirm.get() {
            request_animation_frame(move || {
                let _ = button.focus();
            });
        }
    });
    view! {
        <button type="button" class="button danger" aria-label=t_args("invitation-revoke-for", &[("email", &email)])
            aria-expanded=move || if asking.get() { "true" } else { "false" }
            on:click=move |_| asking.update(|asking| *asking = !*asking)>
            {t("invitation-revoke")}
        </button>
        <Show when=move || asking.get()>
            <span class="confirm-inline" role="group" aria-label=t_args("invitation-revoke-for", &[("email", &email)])>
                <span>{t_args("invitation-revoke-confirm", &[("email", &email)])}</span>
                <button type="button" class="button danger" node_ref=confirm disabled=move || revoke.pending().get()
                    on:click=move |_| {
                        asking.set(false);
                        revoke.dispatch(RevokeInvitation { invitation_id: id });
                    }>
                    {t("invitation-revoke-now")}
                </button>
                <button type="button" class="button" on:click=move |_| asking.set(false)>{t("invitation-revoke-keep")}</button>
            </span>
        </Show>
    }
}

/// The page an invitation link opens: the workspace's branding, the address and role invited,
/// and the name and password that create the account.
#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let preview = page_resource(move || params.read().get("token").unwrap_or_default(), get_invitation);
    let action = ServerAction::<AcceptInvitation>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <PageTitle text=t("invite-title") />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let token = params.read_untracked().get("token").unwrap_or_default();
                match preview.await {
                    Err(_) => view! { <NotFound message=t("invite-not-found") /> }.into_any(),
                    Ok(preview) => {
                        let name = preview.workspace.display_name.clone();
                        view! {
                            <main class="login-page portal" style=preview.workspace.style()>
                                <div class="login-card">
                                    <BrandHeader branding=Signal::stored(Some(preview.workspace.clone())) />
                                    <h1>{t_args("invite-heading", &[("workspace", &name)])}</h1>
                                    {if preview.state == InvitationState::Open {
                                        view! {
                                            <p>{t_args("invite-as", &[("email", &preview.email), ("role", &t(preview.role.label_key()))])}</p>
                                            <ActionForm action>
                                                <FormAlert error />
                                                <input type="hidden" name="token" value=token />
                                                <TextField name="name" label=t("invite-name") autocomplete="name" error required=true />
                                                <TextField name="password" label=t("invite-password") input_type="password" autocomplete="new-password" hint=t("invite-password-hint") error required=true />
                                                <button type="submit" class="button primary" disabled=move || action.pending().get()>
                                                    {t_args("invite-join", &[("workspace", &name)])}
                                                </button>
                                            </ActionForm>
                                        }.into_any()
                                    } else {
                                        view! { <p role="alert">{t(&format!("invitation-closed-{}", preview.state.as_str()))}</p> }.into_any()
                                    }}
                                </div>
                            </main>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
