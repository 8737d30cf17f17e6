//! The sign-in page.

use super::api::Login;
use crate::components::form::{FormAlert, TextField};
use crate::components::page_title::PageTitle;
use crate::i18n::t;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let result = action.value();
    let error = Signal::derive(move || result.get().and_then(Result::err));
    view! {
        <PageTitle text=t("login-title") />
        <main class="login-page">
            <div class="login-card">
                <h1>{t("login-heading")}</h1>
                <ActionForm action=action>
                    <FormAlert error=error />
                    <TextField name="email" label=t("login-email") input_type="email" autocomplete="username" error=error required=true />
                    <TextField name="password" label=t("login-password") input_type="password" autocomplete="current-password" error=error required=true />
                    <TextField name="workspace" label=t("login-workspace") hint=t("login-workspace-hint") autocomplete="organization" error=error />
                    <input type="hidden" name="next" value=next />
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>
                        {t("login-submit")}
                    </button>
                </ActionForm>
            </div>
        </main>
    }
}
