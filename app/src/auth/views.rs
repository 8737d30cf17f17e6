//! The sign-in page.

use super::api::Login;
use super::types::LocalPath;
use crate::components::form::{FormAlert, TextField};
use crate::components::page_title::PageTitle;
use crate::i18n::t;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    // The raw query string, decoded here exactly once: leptos_router's query map decodes values
    // that are already decoded (0.8.17, `ParamsMap::insert`), which turned `%2509` into a tab.
    // Only a local path is carried into the form; the server parses it again.
    let search = use_location().search;
    let next = move || {
        LocalPath::from_query(&search.read())
            .map(|path| path.as_str().to_owned())
            .unwrap_or_default()
    };
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
