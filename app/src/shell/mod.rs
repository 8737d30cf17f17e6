//! The document shell, the router, the signed-in layout (sidebar, user, toasts) and the access
//! registry: the top layer, where every page and server function is assembled.

pub mod assets;
pub mod home;
pub mod registry;
pub mod routes;
pub mod scripts;

use crate::auth::api::{Logout, get_current_user};
use crate::auth::types::CurrentUser;
use crate::auth::views::LoginPage;
use crate::components::error_view::{ErrorView, NotFound};
use crate::components::hooks::CurrentUserContext;
use crate::components::link::A;
use crate::components::page_title::{AppTitle, PageTitle};
use crate::components::resource::page_resource;
use crate::components::toast::{ToastArea, Toaster};
use crate::i18n::t;
use crate::live::client::LiveConnection;
use crate::permissions::types::Permission;
use crate::plans::types::Feature;
use crate::portal::site::CurrentSite;
use crate::portal::types::PortalSite;
use crate::portal::views::{BrandHeader, BrandingContext};
use crate::tenants::erasure::views::{ErasureContext, WorkspaceErasureBanner};
use assets::SiteAssets;
use leptos::prelude::*;
use leptos_meta::{MetaTags, provide_meta_context};
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};
use routes::*;
use scripts::HydrationBootstrap;

/// The HTML document around the app, rendered on the server. The server provides the built
/// site's file names ([`SiteAssets`]); without them the unhashed names are linked.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let assets = use_context::<SiteAssets>()
        .unwrap_or_else(|| SiteAssets::unhashed(&options.site_pkg_dir, &options.output_name));
    let chunks = route_chunks(&assets);
    // The portal this page belongs to, for the browser's router (`portal::site::detect`).
    let site = crate::portal::site::detect().map(|site| crate::portal::site::meta_content(&site));
    // Rendered in the person's theme from the first byte; none set: the device's.
    let theme = crate::auth::preferences::current_theme().attribute();
    // And in their language and its direction, before any script runs.
    let language = crate::auth::language::current_language();
    view! {
        <!DOCTYPE html>
        <html lang=language.as_str() dir=language.direction().as_str() data-theme=theme>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="stylesheet" href=assets.css.clone() />
                <meta name=crate::components::chart::ECHARTS_META content=assets.echarts.clone() />
                {site.map(|site| view! { <meta name=crate::portal::site::SITE_META content=site /> })}
                // Leptos' HydrationScripts with leptos#4843 worked around (see `scripts`).
                <HydrationBootstrap assets chunks language />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The wasm chunk files of the area the request renders, for the head to preload.
fn route_chunks(assets: &SiteAssets) -> Vec<String> {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|request| Area::for_path(app_path(request.uri.path())))
            .map(|area| assets.split_files(area.split_prefix()).to_vec())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = assets;
        Vec::new()
    }
}

/// The path the router matches: a portal's path without its `/t/{slug}` prefix.
#[cfg(feature = "ssr")]
fn app_path(path: &str) -> &str {
    crate::portal::types::PortalSite::split_path(path).map_or(path, |(_, rest)| rest)
}

/// Every route renders completely on the server (`SsrMode::Async`): pages are whole before any
/// script runs, which keeps them usable without JavaScript and makes hydration deterministic.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    Toaster::provide();
    // One live connection per tab; it connects only once a page subscribes.
    LiveConnection::provide();
    // A tenant's portal is this same app under its site's base (`/t/{slug}`, or nothing on the
    // tenant's own host): every `A` link and navigation resolves under it.
    let site = crate::portal::site::detect();
    let base = site.as_ref().map(PortalSite::base).unwrap_or_default();
    provide_context(CurrentSite(site));
    provide_context(crate::components::hooks::LinkBase(base.clone()));
    #[cfg(feature = "hydrate")]
    crate::portal::site::redirect::install(base.clone());
    view! {
        <AppTitle />
        <Router base>
            {bridge()}
            <Routes fallback=|| view! { <NotFoundPage /> }>
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                // The second factor after a right password (the challenge cookie is the credential).
                <Route path=path!("/login/verify") view={Lazy::<TwoFactorVerifyRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/login/enrol") view={Lazy::<TwoFactorEnrolRoute>::new()} ssr=SsrMode::Async />
                // An invitation link: open to anyone who has it (the token is the credential).
                <Route path=path!("/invite/:token") view={Lazy::<InviteRoute>::new()} ssr=SsrMode::Async />
                <ParentRoute path=path!("") view=AppShell ssr=SsrMode::Async>
                    <Route path=path!("") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("tenants") view={Lazy::<TenantsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("tenants/new") view={Lazy::<TenantNewRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("tenants/:tenant_id") view={Lazy::<TenantDetailRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("tenants/:tenant_id/edit") view={Lazy::<TenantEditRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("users") view={Lazy::<UsersRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("users/new") view={Lazy::<UserNewRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("users/:user_id") view={Lazy::<UserDetailRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("users/:user_id/edit") view={Lazy::<UserEditRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("roles") view={Lazy::<RolesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("roles/sets/new") view={Lazy::<PermissionSetRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("roles/sets/:set_id") view={Lazy::<PermissionSetRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("delegations") view={Lazy::<DelegationsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("audit") view={Lazy::<AuditRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("analytics") view={Lazy::<AnalyticsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("api-keys") view={Lazy::<ApiKeysRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("alerts") view={Lazy::<AlertsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("alerts/rules") view={Lazy::<RulesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("alerts/rules/new") view={Lazy::<RuleEditRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("alerts/rules/:rule_id") view={Lazy::<RuleEditRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("alerts/silences") view={Lazy::<SilencesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("alerts/channels") view={Lazy::<ChannelsRoute>::new()} ssr=SsrMode::Async />
                    // Matched in order: every fixed `alerts/…` path above the alert id.
                    <Route path=path!("system/ip-blocks") view={Lazy::<IpBlocksRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("plans") view={Lazy::<PlansRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("usage") view={Lazy::<UsageRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("branding") view={Lazy::<BrandingRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("data") view={Lazy::<DataRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("security") view={Lazy::<SecurityRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("alerts/:alert_id") view={Lazy::<AlertDetailRoute>::new()} ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
        <ToastArea />
    }
}

/// The portal's redirect hook navigates through the router (browser only).
fn bridge() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        view! { <crate::portal::site::redirect::NavigationBridge /> }
    }
}

#[component]
fn NotFoundPage() -> impl IntoView {
    view! {
        <PageTitle text=t("error-not-found") />
        <NotFound message=t("error-not-found")><a href="/">{t("nav-home")}</a></NotFound>
    }
}

#[component]
fn AppShell() -> impl IntoView {
    // The layout and every page render only once the user is known, on the server and in the
    // browser alike: reading the user outside a Suspense let the two disagree (hydration panic).
    // The child is one `Suspend`, not a closure that makes one: on the server a Suspense walks
    // a closure child three times (two dry runs that register resources, then the render), and
    // each walk built the whole layout and page again, a list page's table of 100 rows included.
    // A `Suspend` keeps what it resolved to between the walks. The user never changes under a
    // mounted shell (signing in or out leaves it for the sign-in page), so nothing re-runs it.
    let user = page_resource(|| (), |_| get_current_user());
    view! {
        <Suspense fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {Suspend::new(async move {
                let user = user.await;
                #[cfg(feature = "ssr")]
                not_at_the_dry_run().await;
                match user {
                    Ok(me) => {
                        provide_context(CurrentUserContext(Signal::stored(Some(me.clone()))));
                        view! { <Layout me /> }.into_any()
                    }
                    Err(error) => view! { <main class="login-page"><ErrorView error /></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Pending once, then done. On the server a `Suspense` walks its child twice: a dry run that
/// registers the resources read inside, then the render. A `Suspend` already complete at the
/// dry run has its view walked by both, and the layout's `Outlet` builds the page anew on each
/// walk: every page's resources were created twice and their data serialised into the page
/// twice (a `/users` page of 100 rows carried the list two times). Not complete at the dry run,
/// the layout and the page are built once, by the render. Only when the user takes a read to
/// resolve (a tenant user's permissions): a user known at once (a platform administrator) spends
/// this poll on the first dry run, and the second builds the page. The browser has no dry run,
/// and numbers the page's resources as the render does.
#[cfg(feature = "ssr")]
async fn not_at_the_dry_run() {
    let mut polled = false;
    std::future::poll_fn(|cx| {
        if polled {
            std::task::Poll::Ready(())
        } else {
            polled = true;
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    })
    .await
}

/// A followed link closes the phone menu (the page under it changes without a reload).
fn close_menu(_: leptos::ev::MouseEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let menu = document()
            .get_element_by_id("sidebar-menu")
            .and_then(|menu| menu.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(menu) = menu {
            // Not open (a wide screen): nothing to do, and no error either.
            let _ = menu.hide_popover();
        }
    }
}

#[component]
fn Layout(me: CurrentUser) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let can = |permission| me.can(permission);
    // A tenant member's layout is their workspace's portal: its branding in the header and its
    // colour on the layout (CSS custom properties), kept in a signal the branding page updates.
    let branding = RwSignal::new(me.workspace.as_ref().map(|workspace| workspace.branding.clone()));
    provide_context(BrandingContext(branding));
    let erase_on = me.workspace.as_ref().and_then(|workspace| workspace.erase_on.clone());
    provide_context(ErasureContext(RwSignal::new(erase_on)));
    let portal = me.workspace.is_some();
    let palette = crate::palette::views::PaletteState::new();
    let style = move || branding.with(|branding| branding.as_ref().and_then(|b| b.style()));
    view! {
        <div class="layout" class:portal=portal style=style>
            <a class="skip-link" href="#main">{t("shell-skip-link")}</a>
            <aside class="sidebar">
                {if portal {
                    view! { <BrandHeader branding=branding.into() /> }.into_any()
                } else {
                    view! { <div class="brand">{t("app-name")}</div> }.into_any()
                }}
                // On a phone the navigation and the account fold behind this button: a popover,
                // which the browser opens, closes on Escape or a tap outside, and announces as
                // expanded or not, with no code in the main module. On wider screens the button
                // is hidden and the popover is laid out in place (style/main.css).
                <button type="button" class="button menu-button" popovertarget="sidebar-menu">{t("shell-menu")}</button>
                <div id="sidebar-menu" class="sidebar-menu" popover="auto">
                <button type="button" class="button small menu-close" popovertarget="sidebar-menu" popovertargetaction="hide">{t("shell-menu-close")}</button>
                <crate::palette::views::KeyboardButtons state=palette />
                <nav aria-label=if portal { t("portal-nav") } else { t("nav-main") } on:click=close_menu>
                    <ul>
                        <li><A href="/" exact=true>{t("nav-home")}</A></li>
                        {me.is_platform.then(|| view! { <li><A href="/tenants">{t("nav-tenants")}</A></li> })}
                        {can(Permission::UsersRead).then(|| view! { <li><A href="/users">{t("nav-users")}</A></li> })}
                        {can(Permission::RolesRead).then(|| view! { <li><A href="/roles">{t("nav-roles")}</A></li> })}
                        {(!me.is_platform && me.has(Feature::Delegations)).then(|| view! { <li><A href="/delegations">{t("nav-delegations")}</A></li> })}
                        {can(Permission::AnalyticsRead).then(|| view! { <li><A href="/analytics">{t("nav-analytics")}</A></li> })}
                        {(can(Permission::AlertsRead) && !me.is_platform).then(|| view! { <li><A href="/alerts">{t("nav-alerts")}</A></li> })}
                        {can(Permission::ApiKeysRead).then(|| view! { <li><A href="/api-keys">{t("nav-api-keys")}</A></li> })}
                        {can(Permission::NotificationsManageChannels).then(|| view! { <li><A href="/alerts/channels">{t("nav-channels")}</A></li> })}
                        {can(Permission::AuditRead).then(|| view! { <li><A href="/audit">{t("nav-audit")}</A></li> })}
                        {(me.is_platform && can(Permission::SystemMonitor)).then(|| view! { <li><A href="/system/ip-blocks">{t("nav-ip-blocks")}</A></li> })}
                        {(me.is_platform && can(Permission::TenantsRead)).then(|| view! { <li><A href="/plans">{t("nav-plans")}</A></li> })}
                        {(!me.is_platform && can(Permission::BillingRead)).then(|| view! { <li><A href="/usage">{t("nav-usage")}</A></li> })}
                        {(portal && can(Permission::SettingsRead)).then(|| view! { <li><A href="/branding">{t("nav-branding")}</A></li> })}
                        {(portal && can(Permission::SettingsRead)).then(|| view! { <li><A href="/security">{t("nav-security")}</A></li> })}
                        {(portal && can(Permission::SettingsUpdate)).then(|| view! { <li><A href="/data">{t("nav-data")}</A></li> })}
                    </ul>
                </nav>
                <div class="whoami">
                    <p class="muted">{t("shell-signed-in-as")}</p>
                    <p class="who" data-testid="current-user">{me.name.clone()}</p>
                    <p class="muted">{me.role_label.clone()} " · " {me.tenant_name.clone().unwrap_or_else(|| t("shell-platform"))}</p>
                    <p><A href="/account">{t("nav-account")}</A></p>
                    <crate::auth::preferences::ThemeSwitch current=crate::auth::preferences::current_theme() />
                    <crate::auth::language::LanguageSwitch current=crate::auth::language::current_language() />
                    <ActionForm action=logout>
                        <button type="submit" class="button">{t("shell-sign-out")}</button>
                    </ActionForm>
                </div>
                </div>
            </aside>
            <main id="main" class="content">
                {me.workspace.as_ref().and_then(|workspace| workspace.support_by.clone()).map(|by| {
                    let member = format!("{} ({})", me.name, me.email);
                    view! { <crate::users::support::views::SupportBanner by member /> }
                })}
                {portal.then(|| view! { <WorkspaceErasureBanner /> })}
                <Outlet />
            </main>
            <crate::palette::views::KeyboardDialogs state=palette />
        </div>
    }
}
