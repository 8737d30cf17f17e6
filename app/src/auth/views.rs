//! The sign-in page.

use super::api::Login;
use super::types::LocalPath;
use crate::components::error_view::NotFound;
use crate::components::form::{FormAlert, TextField};
use crate::components::page_title::PageTitle;
use crate::components::resource::page_resource;
use crate::i18n::{t, t_args};
use crate::portal::api::get_sign_in_site;
use crate::portal::site::use_site;
use crate::portal::types::{Branding, SignInSite};
use crate::portal::views::BrandHeader;
use crate::sso::types::SsoRefusal;
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
    // A sign-in through the workspace's provider that came back refused says why here.
    let refused = move || {
        crate::paging::parse_query_string(&search.read())
            .into_iter()
            .find(|(name, _)| name == "sso_error")
            .map(|(_, code)| SsoRefusal::parse(&code).map_or("sso-refused-provider", SsoRefusal::message_key))
            .map(t)
    };
    let result = action.value();
    let error = Signal::derive(move || result.get().and_then(Result::err));
    // A workspace's portal signs in its own members: its branding, and the workspace implied.
    let site = use_site();
    let slug = site.as_ref().map(|site| site.slug.as_str().to_owned());
    let branding = page_resource(
        move || slug.clone(),
        |slug| async move {
            match slug {
                Some(slug) => get_sign_in_site(slug).await.ok().flatten(),
                None => None,
            }
        },
    );
    let form = move |signing_in: Option<SignInSite>| {
        let sso = signing_in.as_ref().and_then(|site| site.sso_provider.clone());
        let portal: Option<Branding> = signing_in.map(|site| site.branding);
        let heading = match &portal {
            Some(branding) => t_args("login-heading-workspace", &[("name", &branding.display_name)]),
            None => t("login-heading"),
        };
        let style = portal.as_ref().and_then(Branding::style);
        let workspace = site.as_ref().map(|site| site.slug.as_str().to_owned());
        let console = workspace.is_none();
        view! {
            <main class="login-page" class:portal=portal.is_some() style=style>
                <div class="login-card">
                    {portal.clone().map(|branding| view! { <BrandHeader branding=Signal::stored(Some(branding)) /> })}
                    <h1>{heading}</h1>
                    {move || refused().map(|message| view! { <div class="form-alert" role="alert">{message}</div> })}
                    {match (sso, workspace.clone()) {
                        (Some(provider), Some(slug)) => {
                            // Outside the portal's router (rel=external): the server answers it
                            // with a redirect to the provider.
                            let href = move || sso_start(&slug, &next());
                            Some(view! {
                                <a class="button sso" rel="external" href=href>
                                    {t_args("login-sso", &[("provider", &provider)])}
                                </a>
                                <p class="divider"><span>{t("login-or")}</span></p>
                            })
                        }
                        _ => None,
                    }}
                    <ActionForm action=action>
                        <FormAlert error=error />
                        <TextField name="email" label=t("login-email") input_type="email" autocomplete="username" error=error required=true />
                        <TextField name="password" label=t("login-password") input_type="password" autocomplete="current-password" error=error required=true />
                        {match workspace {
                            Some(slug) => view! { <input type="hidden" name="workspace" value=slug /> }.into_any(),
                            None => view! {
                                <TextField name="workspace" label=t("login-workspace") hint=t("login-workspace-hint") autocomplete="organization" error=error />
                            }.into_any(),
                        }}
                        <input type="hidden" name="next" value=next />
                        <button type="submit" class="button primary" disabled=move || action.pending().get()>
                            {t("login-submit")}
                        </button>
                    </ActionForm>
                    {console.then(|| view! {
                        // The console does not know the workspace yet: its name leads to the
                        // workspace's own sign-in page and provider (a plain GET, no password in it).
                        <details class="sso-entry">
                            <summary>{t("login-sso-any")}</summary>
                            <form method="get" action="/sso/start">
                                <div class="field">
                                    <label for="sso-workspace">{t("login-sso-workspace")}</label>
                                    <input id="sso-workspace" name="workspace" autocomplete="organization" required=true />
                                </div>
                                <input type="hidden" name="next" value=next />
                                <button type="submit" class="button">{t("login-sso-continue")}</button>
                            </form>
                        </details>
                    })}
                    <crate::auth::language::LanguageSwitch current=crate::auth::language::current_language() />
                </div>
            </main>
        }
    };
    let in_portal = use_site().is_some();
    view! {
        <PageTitle text=t("login-title") />
        <Suspense fallback=|| ()>
            {move || {
                let form = form.clone();
                Suspend::new(async move {
                let branding = branding.await;
                if in_portal && branding.is_none() {
                    // No active workspace at this address.
                    return view! { <NotFound message=t("portal-unknown") /> }.into_any();
                }
                form(branding).into_any()
                })
            }}
        </Suspense>
    }
}

/// Where single sign-on with `slug`'s provider starts, carrying `next` (already a local path).
fn sso_start(slug: &str, next: &str) -> String {
    if next.is_empty() {
        format!("/sso/{slug}/start")
    } else {
        let next: String = next
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        format!("/sso/{slug}/start?next={next}")
    }
}
