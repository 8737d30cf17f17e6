//! The sign-in page.

use super::api::Login;
use super::types::LocalPath;
use crate::components::error_view::NotFound;
use crate::components::form::{FormAlert, TextField};
use crate::components::page_title::PageTitle;
use crate::components::resource::page_resource;
use crate::i18n::{t, t_args};
use crate::portal::api::get_site_branding;
use crate::portal::site::use_site;
use crate::portal::types::Branding;
use crate::portal::views::BrandHeader;
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
    // A workspace's portal signs in its own members: its branding, and the workspace implied.
    let site = use_site();
    let slug = site.as_ref().map(|site| site.slug.as_str().to_owned());
    let branding = page_resource(
        move || slug.clone(),
        |slug| async move {
            match slug {
                Some(slug) => get_site_branding(slug).await.ok().flatten(),
                None => None,
            }
        },
    );
    let form = move |portal: Option<Branding>| {
        let heading = match &portal {
            Some(branding) => t_args("login-heading-workspace", &[("name", &branding.display_name)]),
            None => t("login-heading"),
        };
        let style = portal.as_ref().and_then(Branding::style);
        let workspace = site.as_ref().map(|site| site.slug.as_str().to_owned());
        view! {
            <main class="login-page" class:portal=portal.is_some() style=style>
                <div class="login-card">
                    {portal.clone().map(|branding| view! { <BrandHeader branding=Signal::stored(Some(branding)) /> })}
                    <h1>{heading}</h1>
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
