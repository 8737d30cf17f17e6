//! The account page's sessions and password sections.

use super::api::{ChangePassword, EndMySession, EndOtherSessions, SignOutEverywhere, list_my_sessions};
use crate::components::error_view::ErrorView;
use crate::components::form::{FormAlert, TextField};
use crate::components::resource::page_resource;
use crate::components::toast::use_toaster;
use crate::i18n::t;
use atrium_types::two_factor::SessionInfo;
use leptos::prelude::*;

/// "Your sessions": where the account is signed in, with a way to end any of them.
#[component]
pub fn SessionsSection() -> impl IntoView {
    let end_one = ServerAction::<EndMySession>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    let everywhere = ServerAction::<SignOutEverywhere>::new();
    let sessions = page_resource(
        move || (end_one.version().get(), end_others.version().get()),
        |_| list_my_sessions(),
    );
    let toaster = use_toaster();
    Effect::new(move |_| match end_one.value().get() {
        Some(Ok(())) => toaster.success(t("sessions-ended-one")),
        Some(Err(error)) => toaster.error(error.to_string()),
        None => {}
    });
    Effect::new(move |_| match end_others.value().get() {
        Some(Ok(_)) => toaster.success(t("sessions-ended-others")),
        Some(Err(error)) => toaster.error(error.to_string()),
        None => {}
    });
    view! {
        <section class="card" aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">{t("sessions-title")}</h2>
            <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                        Ok(rows) => view! { <SessionTable rows end_one /> }.into_any(),
                    }
                })}
            </Transition>
            <div class="actions">
                <button type="button" class="button" disabled=move || end_others.pending().get()
                    on:click=move |_| { end_others.dispatch(EndOtherSessions {}); }>
                    {t("sessions-end-others")}
                </button>
                <ActionForm action=everywhere>
                    <button type="submit" class="button danger" disabled=move || everywhere.pending().get()>
                        {t("sessions-everywhere")}
                    </button>
                </ActionForm>
            </div>
        </section>
    }
}

#[component]
fn SessionTable(rows: Vec<SessionInfo>, end_one: ServerAction<EndMySession>) -> impl IntoView {
    view! {
        <table class="data">
            <caption class="visually-hidden">{t("sessions-title")}</caption>
            <thead>
                <tr>
                    <th scope="col">{t("sessions-device")}</th>
                    <th scope="col">{t("sessions-ip")}</th>
                    <th scope="col">{t("sessions-started")}</th>
                    <th scope="col">{t("sessions-last-seen")}</th>
                    <th scope="col"><span class="visually-hidden">{t("sessions-actions")}</span></th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|row| {
                    let id = row.id;
                    let label = format!("{} {}", t("sessions-end"), row.device);
                    view! {
                        <tr data-current=row.current.then_some("true")>
                            <td>{row.device.clone()}</td>
                            <td>{row.ip.clone().unwrap_or_default()}</td>
                            <td>{row.started.clone()}</td>
                            <td>{row.last_seen.clone()}</td>
                            <td>
                                {if row.current {
                                    view! { <span class="badge success">{t("sessions-this-one")}</span> }.into_any()
                                } else {
                                    view! {
                                        <button type="button" class="button small" aria-label=label
                                            disabled=move || end_one.pending().get()
                                            on:click=move |_| { end_one.dispatch(EndMySession { session_id: id }); }>
                                            {t("sessions-end")}
                                        </button>
                                    }.into_any()
                                }}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Changing one's own password: the current one, then the new one twice.
#[component]
pub fn PasswordSection() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let toaster = use_toaster();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            toaster.success(t("password-changed"));
        }
    });
    view! {
        <section class="card" aria-labelledby="password-heading">
            <h2 id="password-heading">{t("password-title")}</h2>
            <p class="muted">{t("password-intro")}</p>
            <ActionForm action=action attr:class="form">
                <FormAlert error />
                <TextField name="current_password" label=t("password-current") input_type="password"
                    autocomplete="current-password" error required=true />
                <TextField name="new_password" label=t("password-new") input_type="password"
                    autocomplete="new-password" hint=t("password-new-hint") error required=true />
                <TextField name="new_password_again" label=t("password-again") input_type="password"
                    autocomplete="new-password" error required=true />
                <div class="actions">
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>
                        {t("password-change")}
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}
