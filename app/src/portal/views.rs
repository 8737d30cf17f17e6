//! The portal's own pages and parts: what its overview adds (usage against the plan, recent
//! activity), its branded header, and its branding page. Links are written as app paths (`/usage`); the router's base puts them under
//! the portal's site.

use super::api::{SaveBranding, get_branding_settings};
use super::types::{Branding, BrandingSettings};
use crate::audit::api::list_audit_events;
use crate::components::error_view::ErrorView;
use crate::components::form::{FormAlert, TextField};
use crate::components::hooks::use_current_user;
use crate::components::link::A;
use crate::components::page_title::PageTitle;
use crate::components::resource::page_resource;
use crate::components::toast::use_toaster;
use crate::i18n::{format_time, t, t_args};
use crate::permissions::types::Permission;
use crate::plans::api::get_usage;
use crate::plans::views::{UsageAlerts, UsageBar};
use leptos::prelude::*;

/// The branding the portal's layout shows; the branding page replaces it when saved, so the
/// header changes without a reload.
#[derive(Clone, Copy)]
pub struct BrandingContext(pub RwSignal<Option<Branding>>);

/// The portal's header: the logo (bounded in size by the style sheet) and the display name.
#[component]
pub fn BrandHeader(branding: Signal<Option<Branding>>) -> impl IntoView {
    move || {
        branding.get().map(|branding| {
            view! {
                <div class="brand portal-brand">
                    {branding.logo_url.map(|logo| view! {
                        <img class="brand-logo" src=logo.as_str().to_owned() alt="" height="40" referrerpolicy="no-referrer" />
                    })}
                    <span class="brand-name" data-testid="workspace-name">{branding.display_name}</span>
                </div>
            }
        })
    }
}

/// How many entries of recent activity the overview lists.
const RECENT_ACTIVITY: u32 = 8;

/// What the portal adds to the overview (beside its firing alerts and figures): usage against
/// the plan and recent activity, each shown only to members who may read it.
#[component]
pub fn PortalOverviewSections() -> impl IntoView {
    let me = use_current_user().get_untracked();
    let can = |permission| me.as_ref().is_some_and(|me| me.can(permission));
    // Created here, at the component's top, so the browser numbers them as the server did.
    let usage = can(Permission::BillingRead).then(|| page_resource(|| (), |()| get_usage(None)));
    let activity = can(Permission::AuditRead)
        .then(|| page_resource(|| (), |()| list_audit_events(format!("per_page={RECENT_ACTIVITY}"))));
    view! {
        <div class="portal-overview">
            {usage.map(|usage| view! {
                <section class="card" aria-labelledby="overview-usage">
                    <h2 id="overview-usage">{t("portal-overview-usage")}</h2>
                    <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
                        {move || Suspend::new(async move {
                            match usage.await {
                                Err(error) => view! { <ErrorView error /> }.into_any(),
                                Ok(report) => {
                                    view! {
                                        <UsageAlerts plan=report.plan lines=report.lines.clone() />
                                        <ul class="usage-lines compact">
                                            {report.lines.into_iter().map(|line| view! {
                                                <li>
                                                    <span class="usage-label">{line.limit.label()}</span>
                                                    <UsageBar line compact=true />
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }
                            }
                        })}
                    </Transition>
                    <p><A href="/usage">{t("portal-overview-all-usage")}</A></p>
                </section>
            })}
            {activity.map(|activity| view! {
                <section class="card" aria-labelledby="overview-activity">
                    <h2 id="overview-activity">{t("portal-overview-activity")}</h2>
                    <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
                        {move || Suspend::new(async move {
                            match activity.await {
                                Err(error) => view! { <ErrorView error /> }.into_any(),
                                Ok(page) if page.items.is_empty() => view! { <p class="muted">{t("portal-overview-activity-empty")}</p> }.into_any(),
                                Ok(page) => view! {
                                    <ul class="overview-list activity">
                                        {page.items.into_iter().map(|entry| view! {
                                            <li>
                                                <span class="muted">{format_time(entry.occurred_at)}</span>
                                                " "<span>{entry.actor_email.unwrap_or(entry.actor_kind)}</span>
                                                " "<code>{entry.action}</code>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any(),
                            }
                        })}
                    </Transition>
                    <p><A href="/audit">{t("portal-overview-all-activity")}</A></p>
                </section>
            })}
        </div>
    }
}

/// The workspace's branding: display name, logo and primary colour, with a preview of the
/// header and a button as members will see them.
#[component]
pub fn BrandingPage() -> impl IntoView {
    let current = page_resource(|| (), |()| get_branding_settings());
    let action = ServerAction::<SaveBranding>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let toaster = use_toaster();
    let shown = use_context::<BrandingContext>();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = action.value().get() {
            toaster.success(t("branding-saved"));
            if let Some(BrandingContext(shown)) = shown {
                shown.set(Some(preview(&saved)));
            }
        }
    });
    view! {
        <PageTitle text=t("branding-title") />
        <header class="page-header"><h1>{t("branding-title")}</h1></header>
        <p class="muted">{t("branding-intro")}</p>
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match current.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(settings) => view! { <BrandingForm settings action error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The branding as the layout shows it, from the settings as saved.
fn preview(settings: &BrandingSettings) -> Branding {
    Branding {
        display_name: settings
            .display_name
            .clone()
            .unwrap_or_else(|| settings.tenant_name.clone()),
        logo_url: settings.logo_url.clone(),
        color: settings.color,
    }
}

#[component]
fn BrandingForm(
    settings: BrandingSettings,
    action: ServerAction<SaveBranding>,
    error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    // The preview follows what was last saved (the form's own values are the inputs').
    let saved = RwSignal::new(preview(&settings));
    Effect::new(move |_| {
        if let Some(Ok(settings)) = action.value().get() {
            saved.set(preview(&settings));
        }
    });
    view! {
        <div class="branding">
            <ActionForm action=action attr:class="card form branding-form">
                <FormAlert error />
                <TextField name="display_name" label=t("branding-name") value=settings.display_name.clone().unwrap_or_default()
                    hint=t_args("branding-name-hint", &[("name", &settings.tenant_name)]) error />
                <TextField name="logo_url" label=t("branding-logo") input_type="url" value=settings.logo_url.as_ref().map(|url| url.as_str().to_owned()).unwrap_or_default()
                    hint=t("branding-logo-hint") placeholder="https://" error />
                <TextField name="color" label=t("branding-color") value=settings.color.map(|color| color.hex()).unwrap_or_default()
                    hint=t("branding-color-hint") placeholder="#1d4ed8" error />
                <div class="actions">
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>{t("branding-save")}</button>
                </div>
            </ActionForm>
            <section class="card branding-preview" aria-labelledby="branding-preview">
                <h2 id="branding-preview">{t("branding-preview")}</h2>
                <div class="portal-preview" style=move || saved.get().style().unwrap_or_default() data-testid="branding-preview">
                    <BrandHeader branding=Signal::derive(move || Some(saved.get())) />
                    <button type="button" class="button primary" tabindex="-1">{t("branding-preview-button")}</button>
                </div>
            </section>
        </div>
    }
}
