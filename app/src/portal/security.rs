//! The portal's security page: the workspace's session policy (issue 13), two-factor and
//! support access, and single sign-on (issue 14).

use super::api::{SaveSecuritySettings, get_security_settings};
use super::types::SecuritySettings;
use crate::components::error_view::ErrorView;
use crate::components::form::{FormAlert, TextField};
use crate::components::page_title::PageTitle;
use crate::components::resource::page_resource;
use crate::components::toast::use_toaster;
use crate::i18n::{t, t_args};
use leptos::prelude::*;

#[component]
pub fn SecurityPage() -> impl IntoView {
    let current = page_resource(|| (), |()| get_security_settings());
    let action = ServerAction::<SaveSecuritySettings>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let toaster = use_toaster();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            toaster.success(t("security-saved"));
        }
    });
    view! {
        <PageTitle text=t("security-title") />
        <header class="page-header"><h1>{t("security-title")}</h1></header>
        <p class="muted">{t("security-intro")}</p>
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match current.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(settings) => view! { <SecurityForm settings action error /> }.into_any(),
                }
            })}
        </Transition>
        <crate::sso::views::SsoSection />
    }
}

#[component]
fn SecurityForm(
    settings: SecuritySettings,
    action: ServerAction<SaveSecuritySettings>,
    error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let shown = |value: Option<u16>| value.map(|v| v.to_string()).unwrap_or_default();
    view! {
        <ActionForm action=action attr:class="card form">
            <FormAlert error />
            <TextField name="idle_minutes" label=t("security-idle") input_type="number"
                value=shown(settings.policy.idle_minutes)
                hint=t_args("security-idle-hint", &[("minutes", &settings.platform_idle_minutes.to_string())]) error />
            <TextField name="max_hours" label=t("security-max") input_type="number"
                value=shown(settings.policy.max_hours)
                hint=t_args("security-max-hint", &[("hours", &settings.platform_max_hours.to_string())]) error />
            <div class="field checkbox">
                <label>
                    <input type="checkbox" name="require_two_factor" value="on" checked=settings.require_two_factor />
                    " " {t("security-require-2fa")}
                </label>
                <p class="hint">{t("security-require-2fa-hint")}</p>
            </div>
            <div class="field checkbox">
                <label>
                    <input type="checkbox" name="allow_support_access" value="on" checked=settings.allow_support_access />
                    " " {t("security-allow-support")}
                </label>
                <p class="hint">{t("security-allow-support-hint")}</p>
                {(!settings.support_access_in_plan).then(|| view! { <p class="hint warning">{t("security-support-not-in-plan")}</p> })}
            </div>
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || action.pending().get()>{t("security-save")}</button>
            </div>
        </ActionForm>
    }
}
