//! Code splitting by area: every area of the signed-in app (alerts, users, analytics, …) is a
//! wasm chunk the browser loads when a route of that area is first shown, so a first visit
//! downloads the shell and one area instead of the whole app (issue 11; the build side is
//! `xtask/src/site.rs`, the design in `docs/route-splitting.md`).
//!
//! Each area is one `#[lazy]` function, which `wasm-split` moves with everything only it uses
//! into its own module; each route is a [`LazyRoute`] that awaits its area's function. Before
//! hydrating, the browser awaits the chunk of the route it landed on (`hydrate_from_async`), and
//! the server links that chunk's files in the head ([`Area::for_path`]) so they download beside
//! the main module instead of after it.

use crate::alerts::views::{detail::AlertDetailPage, list::AlertsPage, rule_edit::RuleEditPage};
use crate::alerts::views::{rules::RulesPage, silences::SilencesPage};
use crate::analytics::views::page::AnalyticsPage;
use crate::api_keys::views::ApiKeysPage;
use crate::audit::views::AuditPage;
use crate::ip_blocks::views::IpBlocksPage;
use crate::notifications::views::channels::ChannelsPage;
use crate::permissions::views::{delegations::DelegationsPage, roles::RolesPage, set_editor::PermissionSetPage};
use crate::plans::views::{PlansPage, UsagePage};
use crate::portal::views::BrandingPage;
use crate::tenants::views::{TenantDetailPage, TenantEditPage, TenantNewPage, TenantsPage};
use crate::users::invitations::views::InvitePage;
use crate::users::views::{UserDetailPage, UserEditPage, UserNewPage, UsersPage};
use leptos::prelude::*;
use leptos_router::LazyRoute;

/// An area: the routes that share one wasm chunk. Four, chosen by measurement (see
/// `docs/route-splitting.md`): wasm-split writes one shared chunk for every set of areas that
/// share code, so eleven areas (one per domain) meant 120–160 files per first visit for about
/// 10% fewer bytes than four, which need 9. Pages a user moves between load together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    /// The overview and analytics: the chart code.
    Charts,
    /// Tenants, users, roles, permission sets and delegations.
    People,
    /// The audit log, API keys, blocked addresses, plans, usage and the portal's branding.
    Settings,
    /// Alerts, rules, silences, alert detail and notification channels.
    Alerting,
}

impl Area {
    pub const ALL: [Area; 4] = [Area::Charts, Area::People, Area::Settings, Area::Alerting];

    /// The start of the area's split module name: `#[lazy]` names it after the function, in
    /// snake case, plus a hash of where the function is written, so the build's list of
    /// chunks (`assets.json`) is looked up by this prefix.
    pub fn split_prefix(self) -> &'static str {
        match self {
            Area::Charts => "charts_area_",
            Area::People => "people_area_",
            Area::Settings => "settings_area_",
            Area::Alerting => "alerting_area_",
        }
    }

    /// The area a request path renders, as the router in [`super::App`] matches it; `None` for
    /// the sign-in page (part of the main module) and unknown paths (the 404 page is too).
    pub fn for_path(path: &str) -> Option<Area> {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        Some(match segments.as_slice() {
            [] | ["analytics"] => Area::Charts,
            ["tenants", rest @ ..] | ["users", rest @ ..] if rest.len() <= 2 => Area::People,
            ["roles"] | ["roles", "sets", _] | ["delegations"] | ["invite", _] => Area::People,
            ["audit"] | ["api-keys"] | ["system", "ip-blocks"] | ["plans"] | ["usage"] => Area::Settings,
            ["branding"] | ["data"] | ["security"] | ["account"] => Area::Settings,
            ["login", "verify" | "enrol"] => Area::Settings,
            ["alerts"] | ["alerts", _] | ["alerts", "rules", _] => Area::Alerting,
            _ => return None,
        })
    }
}

/// A route whose page lives in an area's chunk: the route type, the area function and its
/// generated preload function, and the page the function renders.
macro_rules! lazy_routes {
    ($($route:ident => $area:ident / $preload:ident ($page:expr);)*) => {$(
        #[doc = concat!("The route rendering `", stringify!($page), "` from the `", stringify!($area), "` chunk.")]
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(_this: Self) -> AnyView {
                $area($page).await
            }

            async fn preload() {
                // The split exists only in the browser build; the server renders in place.
                #[cfg(all(target_arch = "wasm32", feature = "hydrate"))]
                $preload().await;
            }
        }
    )*};
}

lazy_routes! {
    HomeRoute => charts_area / __preload_charts_area(ChartsPage::Home);
    AnalyticsRoute => charts_area / __preload_charts_area(ChartsPage::Analytics);
    TenantsRoute => people_area / __preload_people_area(PeoplePage::Tenants);
    TenantNewRoute => people_area / __preload_people_area(PeoplePage::TenantNew);
    TenantDetailRoute => people_area / __preload_people_area(PeoplePage::TenantDetail);
    TenantEditRoute => people_area / __preload_people_area(PeoplePage::TenantEdit);
    UsersRoute => people_area / __preload_people_area(PeoplePage::Users);
    UserNewRoute => people_area / __preload_people_area(PeoplePage::UserNew);
    UserDetailRoute => people_area / __preload_people_area(PeoplePage::UserDetail);
    UserEditRoute => people_area / __preload_people_area(PeoplePage::UserEdit);
    RolesRoute => people_area / __preload_people_area(PeoplePage::Roles);
    PermissionSetRoute => people_area / __preload_people_area(PeoplePage::PermissionSet);
    DelegationsRoute => people_area / __preload_people_area(PeoplePage::Delegations);
    InviteRoute => people_area / __preload_people_area(PeoplePage::Invite);
    AuditRoute => settings_area / __preload_settings_area(SettingsPage::Audit);
    ApiKeysRoute => settings_area / __preload_settings_area(SettingsPage::ApiKeys);
    IpBlocksRoute => settings_area / __preload_settings_area(SettingsPage::IpBlocks);
    PlansRoute => settings_area / __preload_settings_area(SettingsPage::Plans);
    UsageRoute => settings_area / __preload_settings_area(SettingsPage::Usage);
    BrandingRoute => settings_area / __preload_settings_area(SettingsPage::Branding);
    DataRoute => settings_area / __preload_settings_area(SettingsPage::Data);
    SecurityRoute => settings_area / __preload_settings_area(SettingsPage::Security);
    AccountRoute => settings_area / __preload_settings_area(SettingsPage::Account);
    TwoFactorVerifyRoute => settings_area / __preload_settings_area(SettingsPage::TwoFactorVerify);
    TwoFactorEnrolRoute => settings_area / __preload_settings_area(SettingsPage::TwoFactorEnrol);
    AlertsRoute => alerting_area / __preload_alerting_area(AlertingPage::Alerts);
    RulesRoute => alerting_area / __preload_alerting_area(AlertingPage::Rules);
    RuleEditRoute => alerting_area / __preload_alerting_area(AlertingPage::RuleEdit);
    SilencesRoute => alerting_area / __preload_alerting_area(AlertingPage::Silences);
    AlertDetailRoute => alerting_area / __preload_alerting_area(AlertingPage::AlertDetail);
    ChannelsRoute => alerting_area / __preload_alerting_area(AlertingPage::Channels);
}

/// Which page of an area a route shows: the argument of the area's function.
#[derive(Clone, Copy)]
pub enum ChartsPage {
    Home,
    Analytics,
}

#[derive(Clone, Copy)]
pub enum PeoplePage {
    Tenants,
    TenantNew,
    TenantDetail,
    TenantEdit,
    Users,
    UserNew,
    UserDetail,
    UserEdit,
    Roles,
    PermissionSet,
    Delegations,
    Invite,
}

#[derive(Clone, Copy)]
pub enum SettingsPage {
    Audit,
    ApiKeys,
    IpBlocks,
    Plans,
    Usage,
    Branding,
    Data,
    Security,
    Account,
    TwoFactorVerify,
    TwoFactorEnrol,
}

#[derive(Clone, Copy)]
pub enum AlertingPage {
    Alerts,
    Rules,
    RuleEdit,
    Silences,
    AlertDetail,
    Channels,
}

// The area functions. `#[lazy]` names each split module after its function: keep the names in
// step with `Area::split_prefix`.

#[lazy]
fn charts_area(page: ChartsPage) -> AnyView {
    match page {
        ChartsPage::Home => view! { <super::home::HomePage /> }.into_any(),
        ChartsPage::Analytics => view! { <AnalyticsPage /> }.into_any(),
    }
}

#[lazy]
fn people_area(page: PeoplePage) -> AnyView {
    match page {
        PeoplePage::Tenants => view! { <TenantsPage /> }.into_any(),
        PeoplePage::TenantNew => view! { <TenantNewPage /> }.into_any(),
        PeoplePage::TenantDetail => view! { <TenantDetailPage /> }.into_any(),
        PeoplePage::TenantEdit => view! { <TenantEditPage /> }.into_any(),
        PeoplePage::Users => view! { <UsersPage /> }.into_any(),
        PeoplePage::UserNew => view! { <UserNewPage /> }.into_any(),
        PeoplePage::UserDetail => view! { <UserDetailPage /> }.into_any(),
        PeoplePage::UserEdit => view! { <UserEditPage /> }.into_any(),
        PeoplePage::Roles => view! { <RolesPage /> }.into_any(),
        PeoplePage::PermissionSet => view! { <PermissionSetPage /> }.into_any(),
        PeoplePage::Delegations => view! { <DelegationsPage /> }.into_any(),
        PeoplePage::Invite => view! { <InvitePage /> }.into_any(),
    }
}

#[lazy]
fn settings_area(page: SettingsPage) -> AnyView {
    match page {
        SettingsPage::Audit => view! { <AuditPage /> }.into_any(),
        SettingsPage::ApiKeys => view! { <ApiKeysPage /> }.into_any(),
        SettingsPage::IpBlocks => view! { <IpBlocksPage /> }.into_any(),
        SettingsPage::Plans => view! { <PlansPage /> }.into_any(),
        SettingsPage::Usage => view! { <UsagePage /> }.into_any(),
        SettingsPage::Branding => view! { <BrandingPage /> }.into_any(),
        SettingsPage::Data => view! { <crate::data_export::views::DataPage /> }.into_any(),
        SettingsPage::Security => view! { <crate::portal::security::SecurityPage /> }.into_any(),
        SettingsPage::Account => view! { <crate::auth::account::AccountPage /> }.into_any(),
        SettingsPage::TwoFactorVerify => view! { <crate::auth::two_factor::views::TwoFactorVerifyPage /> }.into_any(),
        SettingsPage::TwoFactorEnrol => view! { <crate::auth::two_factor::views::TwoFactorEnrolPage /> }.into_any(),
    }
}

#[lazy]
fn alerting_area(page: AlertingPage) -> AnyView {
    match page {
        AlertingPage::Alerts => view! { <AlertsPage /> }.into_any(),
        AlertingPage::Rules => view! { <RulesPage /> }.into_any(),
        AlertingPage::RuleEdit => view! { <RuleEditPage /> }.into_any(),
        AlertingPage::Silences => view! { <SilencesPage /> }.into_any(),
        AlertingPage::AlertDetail => view! { <AlertDetailPage /> }.into_any(),
        AlertingPage::Channels => view! { <ChannelsPage /> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_of_the_router_has_its_area() {
        let cases = [
            ("/", Area::Charts),
            ("/analytics?range=1h", Area::Charts),
            ("/tenants", Area::People),
            ("/tenants/new", Area::People),
            ("/tenants/7f7c/edit", Area::People),
            ("/users?page=2", Area::People),
            ("/users/7f7c", Area::People),
            ("/roles", Area::People),
            ("/roles/sets/new", Area::People),
            ("/delegations", Area::People),
            ("/invite/inv_abc", Area::People),
            ("/audit", Area::Settings),
            ("/api-keys", Area::Settings),
            ("/system/ip-blocks", Area::Settings),
            ("/plans", Area::Settings),
            ("/usage", Area::Settings),
            ("/branding", Area::Settings),
            ("/data", Area::Settings),
            ("/security", Area::Settings),
            ("/account", Area::Settings),
            ("/login/verify?next=%2Fusers", Area::Settings),
            ("/login/enrol", Area::Settings),
            ("/alerts", Area::Alerting),
            ("/alerts/rules", Area::Alerting),
            ("/alerts/rules/new", Area::Alerting),
            ("/alerts/silences", Area::Alerting),
            ("/alerts/channels", Area::Alerting),
            ("/alerts/0b5e", Area::Alerting),
        ];
        for (path, area) in cases {
            assert_eq!(Area::for_path(path), Some(area), "{path}");
        }
        for path in ["/login", "/nope", "/users/a/b/c", "/system"] {
            assert_eq!(Area::for_path(path), None, "{path}");
        }
    }

    #[test]
    fn split_prefixes_are_distinct_and_none_starts_another() {
        for a in Area::ALL {
            for b in Area::ALL {
                if a != b {
                    assert!(!a.split_prefix().starts_with(b.split_prefix()), "{a:?} {b:?}");
                }
            }
        }
    }
}
