//! Support access in the UI: the member page's "Sign in as this member" (platform
//! administrators) and the banner every page shows during it.

use super::api::{EndSupportAccess, StartSupportAccess};
use crate::components::form::{FormAlert, TextField};
use crate::i18n::{t, t_args};
use crate::ids::UserId;
use leptos::prelude::*;

/// Loads `url` whole: the session changed, so the shell, the current user and the portal's base
/// must all be read again rather than navigated to in place.
fn load_page(url: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_href(url);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}

/// The member page's support-access form: a reason, then the member's workspace as them.
#[component]
pub fn StartSupportAccessForm(user_id: UserId) -> impl IntoView {
    let action = ServerAction::<StartSupportAccess>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(url)) = action.value().get() {
            load_page(&url);
        }
    });
    view! {
        <details class="card support-access">
            <summary>{t("support-start")}</summary>
            <p class="muted">{t("support-intro")}</p>
            <ActionForm action=action attr:class="form">
                <FormAlert error />
                <input type="hidden" name="user_id" value=user_id.to_string() />
                <TextField name="reason" label=t("support-reason") hint=t("support-reason-hint") error required=true />
                <button type="submit" class="button" disabled=move || action.pending().get()>{t("support-submit")}</button>
            </ActionForm>
        </details>
    }
}

/// Shown on every page of a support session: who is signed in as whom, and the way out. A plain
/// form, not an action: the browser posts it and loads the page it is sent to whole, as the
/// administrator, and the main module every page loads carries no code for it.
#[component]
pub fn SupportBanner(by: String, member: String) -> impl IntoView {
    use leptos::server_fn::ServerFn;
    view! {
        <div class="notice broken support-banner" role="status" data-testid="support-banner">
            <p><strong>{t_args("support-banner", &[("by", &by), ("member", &member)])}</strong></p>
            <form method="post" action=EndSupportAccess::PATH>
                <button type="submit" class="button">{t("support-end")}</button>
            </form>
        </div>
    }
}
