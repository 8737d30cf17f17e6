//! Two-factor pages: the sign-in step that asks for a code, enrolment while signing in (when the
//! workspace requires it), and the account page's section where anyone manages their own factor.

use super::api::{
    ConfirmTwoFactor, DisableTwoFactor, RenewBackupCodes, StartTwoFactor, VerifyTwoFactor, get_two_factor,
};
use crate::auth::types::LocalPath;
use crate::components::error_view::ErrorView;
use crate::components::form::{FormAlert, TextField};
use crate::components::page_title::PageTitle;
use crate::components::resource::page_resource;
use crate::i18n::{t, t_args};
use atrium_types::two_factor::{BackupCodes, TwoFactorStatus};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// `next` from the page's own query string, when it is a local path.
fn next_from_query() -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let search = use_location().search;
    move || {
        LocalPath::from_query(&search.read())
            .map(|path| path.as_str().to_owned())
            .unwrap_or_default()
    }
}

/// The sign-in step after a right password: a code from the authenticator, or a backup code.
#[component]
pub fn TwoFactorVerifyPage() -> impl IntoView {
    let action = ServerAction::<VerifyTwoFactor>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let next = next_from_query();
    let expired = move || matches!(error.get(), Some(crate::error::AppError::SignIn(_)));
    view! {
        <PageTitle text=t("two-factor-verify-title") />
        <main class="login-page">
            <div class="login-card">
                <h1>{t("two-factor-verify-title")}</h1>
                <p class="muted">{t("two-factor-verify-intro")}</p>
                <ActionForm action=action>
                    <FormAlert error=error />
                    <TextField name="code" label=t("two-factor-code") autocomplete="one-time-code"
                        hint=t("two-factor-code-hint") error=error required=true />
                    <input type="hidden" name="next" value=next />
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>
                        {t("two-factor-verify-submit")}
                    </button>
                </ActionForm>
                <p hidden=move || !expired()><a href="/login">{t("two-factor-start-over")}</a></p>
            </div>
        </main>
    }
}

/// Enrolment while signing in: the workspace requires a second factor and the account has none.
#[component]
pub fn TwoFactorEnrolPage() -> impl IntoView {
    let next = next_from_query();
    view! {
        <PageTitle text=t("two-factor-enrol-title") />
        <main class="login-page">
            <div class="login-card wide">
                <h1>{t("two-factor-enrol-title")}</h1>
                <p class="muted">{t("two-factor-enrol-intro")}</p>
                <Enrolment next=Signal::derive(next) on_done=Callback::new(|_| ()) />
            </div>
        </main>
    }
}

/// Setting up a factor in three steps: ask for a secret, confirm it with a first code, note
/// the backup codes. `on_done` runs once the codes are shown.
#[component]
fn Enrolment(#[prop(into)] next: Signal<String>, on_done: Callback<()>) -> impl IntoView {
    let start = ServerAction::<StartTwoFactor>::new();
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let start_error = Signal::derive(move || start.value().get().and_then(Result::err));
    let confirm_error = Signal::derive(move || confirm.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(_)) = confirm.value().get() {
            on_done.run(());
        }
    });
    move || {
        if let Some(Ok(codes)) = confirm.value().get() {
            return view! { <BackupCodeList codes /> }.into_any();
        }
        match start.value().get() {
            Some(Ok(setup)) => view! {
                <div class="enrolment">
                    <ol class="steps">
                        <li>{t("two-factor-step-scan")}</li>
                        <li>{t("two-factor-step-type")}</li>
                    </ol>
                    <div class="qr" role="img" aria-label=t("two-factor-qr-label") inner_html=setup.qr_svg></div>
                    <p>{t("two-factor-secret-label")} " " <code class="secret" data-secret="">{setup.secret}</code></p>
                    <ActionForm action=confirm>
                        <FormAlert error=confirm_error />
                        <TextField name="code" label=t("two-factor-first-code") autocomplete="one-time-code"
                            error=confirm_error required=true />
                        <input type="hidden" name="next" value=move || next.get() />
                        <button type="submit" class="button primary" disabled=move || confirm.pending().get()>
                            {t("two-factor-confirm")}
                        </button>
                    </ActionForm>
                </div>
            }
            .into_any(),
            _ => view! {
                <ActionForm action=start>
                    <FormAlert error=start_error />
                    <button type="submit" class="button primary" disabled=move || start.pending().get()>
                        {t("two-factor-set-up")}
                    </button>
                </ActionForm>
            }
            .into_any(),
        }
    }
}

/// Backup codes, shown once, with where to go on when enrolment was part of signing in.
#[component]
fn BackupCodeList(codes: BackupCodes) -> impl IntoView {
    view! {
        <div class="backup-codes" role="status">
            <h2>{t("two-factor-backup-title")}</h2>
            <p>{t("two-factor-backup-intro")}</p>
            <ul class="codes">
                {codes.codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
            </ul>
            {codes.continue_to.map(|href| view! {
                <a class="button primary" href=href rel="external">{t("two-factor-continue")}</a>
            })}
        </div>
    }
}

/// The account page's two-factor section: the factor's state and what can be done with it.
#[component]
pub fn TwoFactorSection() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let status = page_resource(move || changed.get(), |_| get_two_factor());
    view! {
        <section class="card" aria-labelledby="two-factor-heading">
            <h2 id="two-factor-heading">{t("two-factor-title")}</h2>
            <p class="muted">{t("two-factor-intro")}</p>
            <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                        Ok(status) => view! { <FactorCard status changed /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn FactorCard(status: TwoFactorStatus, changed: RwSignal<u32>) -> impl IntoView {
    let Some(since) = status.enabled_on.clone() else {
        let done = Callback::new(|_| ());
        return view! {
            <p class="badge warning" data-two-factor="off">{t("two-factor-off-label")}</p>
            {status.required.then(|| view! { <p class="form-alert">{t("two-factor-required-note")}</p> })}
            <Enrolment next=Signal::stored(String::new()) on_done=done />
        }
        .into_any();
    };
    let renew = ServerAction::<RenewBackupCodes>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    let renew_error = Signal::derive(move || renew.value().get().and_then(Result::err));
    let disable_error = Signal::derive(move || disable.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(())) = disable.value().get() {
            changed.update(|n| *n += 1);
        }
    });
    let left = status.backup_codes_left.to_string();
    view! {
        <p class="badge success" data-two-factor="on">{t_args("two-factor-on-since", &[("date", &since)])}</p>
        <p>{t_args("two-factor-backup-left", &[("count", &left)])}</p>
        {move || match renew.value().get() {
            Some(Ok(codes)) => view! { <BackupCodeList codes /> }.into_any(),
            _ => view! {
                <ActionForm action=renew attr:class="form inline">
                    <FormAlert error=renew_error />
                    <TextField name="code" label=t("two-factor-current-code") autocomplete="one-time-code"
                        error=renew_error required=true />
                    <button type="submit" class="button" disabled=move || renew.pending().get()>
                        {t("two-factor-renew")}
                    </button>
                </ActionForm>
            }
            .into_any(),
        }}
        {if status.required {
            view! { <p class="muted">{t("two-factor-required-stays")}</p> }.into_any()
        } else {
            view! {
                <details class="danger-zone">
                    <summary>{t("two-factor-disable")}</summary>
                    <ActionForm action=disable attr:class="form">
                        <FormAlert error=disable_error />
                        <TextField name="disable_code" label=t("two-factor-current-code") autocomplete="one-time-code"
                            error=disable_error required=true />
                        <button type="submit" class="button danger" disabled=move || disable.pending().get()>
                            {t("two-factor-disable")}
                        </button>
                    </ActionForm>
                </details>
            }
            .into_any()
        }}
    }
    .into_any()
}
