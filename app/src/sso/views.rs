//! The Security page's single sign-on section: the workspace's OpenID provider, the redirect URI
//! to register there, and removing it.

use super::api::{RemoveSsoProvider, SaveSsoProvider, get_sso_settings};
use super::types::SsoSettings;
use crate::components::error_view::ErrorView;
use crate::components::form::{FormAlert, SelectField, TextField};
use crate::components::resource::page_resource;
use crate::components::toast::use_toaster;
use crate::i18n::{t, t_args};
use leptos::prelude::*;

#[component]
pub fn SsoSection() -> impl IntoView {
    let save = ServerAction::<SaveSsoProvider>::new();
    let remove = ServerAction::<RemoveSsoProvider>::new();
    let current = page_resource(
        move || (save.version().get(), remove.version().get()),
        |_| get_sso_settings(),
    );
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let toaster = use_toaster();
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            toaster.success(t("sso-saved"));
        }
    });
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(_)) => toaster.success(t("sso-removed")),
        Some(Err(error)) => toaster.error(error.to_string()),
        None => {}
    });
    view! {
        <section class="card form sso-section" aria-labelledby="sso-heading">
            <h2 id="sso-heading">{t("sso-title")}</h2>
            <p class="muted">{t("sso-intro")}</p>
            <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
                {move || Suspend::new(async move {
                    match current.await {
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                        Ok(settings) => view! { <SsoForm settings save remove error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SsoForm(
    settings: SsoSettings,
    save: ServerAction<SaveSsoProvider>,
    remove: ServerAction<RemoveSsoProvider>,
    error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let provider = settings.provider.clone();
    let configured = provider.is_some();
    let roles: Vec<(String, String)> = settings
        .assignable_roles
        .iter()
        .map(|role| (role.as_str().to_owned(), t(role.label_key())))
        .collect();
    let selected = provider
        .as_ref()
        .map(|p| p.default_role)
        .or_else(|| settings.assignable_roles.first().copied())
        .map(|role| role.as_str().to_owned());
    let value = {
        let provider = provider.clone();
        move |read: fn(&super::types::SsoProvider) -> String| provider.as_ref().map(read).unwrap_or_default()
    };
    let enabled = provider.as_ref().is_none_or(|p| p.enabled);
    let secret_hint = if configured {
        t("sso-secret-kept")
    } else {
        t("sso-secret-hint")
    };
    view! {
        <div class="field">
            <span class="label">{t("sso-redirect-uri")}</span>
            <code class="copyable" data-testid="sso-redirect-uri">{settings.redirect_uri.clone()}</code>
            <p class="hint">{t("sso-redirect-uri-hint")}</p>
        </div>
        {(!settings.can_store_secrets).then(|| view! { <p class="notice warning" role="status">{t("sso-no-key")}</p> })}
        <ActionForm action=save>
            <FormAlert error />
            <TextField name="display_name" label=t("sso-display-name") hint=t("sso-display-name-hint")
                value=value(|p| p.display_name.clone()) error required=true />
            <TextField name="issuer_url" label=t("sso-issuer") input_type="url" hint=t("sso-issuer-hint")
                value=value(|p| p.issuer_url.clone()) placeholder="https://login.example.com/realms/acme" error required=true />
            <TextField name="client_id" label=t("sso-client-id") value=value(|p| p.client_id.clone()) error required=true />
            <TextField name="client_secret" label=t("sso-client-secret") input_type="password" autocomplete="new-password"
                hint=secret_hint error />
            <TextField name="allowed_domains" label=t("sso-domains") hint=t("sso-domains-hint")
                value=value(|p| p.allowed_domains.join(", ")) placeholder="example.com" error required=true />
            <SelectField name="default_role" label=t("sso-default-role") options=roles selected=selected.unwrap_or_default() error />
            <div class="field checkbox">
                <label>
                    <input type="checkbox" name="enabled" value="on" checked=enabled />
                    " " {t("sso-enabled")}
                </label>
            </div>
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || save.pending().get()>{t("sso-save")}</button>
            </div>
        </ActionForm>
        // Removing asks first: members who only ever signed in through the provider are left
        // without a way in until an administrator resets their password.
        {provider.map(|provider| view! {
            <details class="danger-zone">
                <summary>{t("sso-remove")}</summary>
                <p>{t_args("sso-remove-warning", &[("provider", &provider.display_name)])}</p>
                <ActionForm action=remove attr:class="inline">
                    <button type="submit" class="button danger" disabled=move || remove.pending().get()>{t("sso-remove-confirm")}</button>
                </ActionForm>
            </details>
        })}
    }
}
