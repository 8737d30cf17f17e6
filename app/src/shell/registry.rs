//! The declared access of every server function: the single list a test checks against the
//! functions actually registered, and `auth::context::require` checks against at run time, so a
//! function that forgets to declare (or declares one permission and checks another) is refused.
//! It names every domain's server functions, so it lives here, where the routes are assembled;
//! the request context receives it as data ([`DeclaredAccess`]) and depends on no domain.

use crate::permissions::types::{Access, Permission};
use leptos::server_fn::ServerFn;

/// Something that walks the declared server functions with their types, so a tool (the attack
/// suite in `server/tests/integration/attack.rs`) can learn each one's arguments from its `Deserialize` impl
/// instead of from a second list that would drift from this one.
pub trait ServerFnVisitor {
    fn visit<F>(&mut self, path: &'static str, access: Access)
    where
        F: ServerFn + serde::Serialize + serde::de::DeserializeOwned + 'static;
}

macro_rules! declare {
    ($($path:path => $access:expr,)*) => {
        /// Every server function's path with its declared access.
        pub fn server_fn_access() -> Vec<(&'static str, Access)> {
            vec![$((<$path as ServerFn>::PATH, $access),)*]
        }

        /// Calls `visitor` once per declared server function, with its type.
        pub fn visit_server_fns(visitor: &mut impl ServerFnVisitor) {
            $(visitor.visit::<$path>(<$path as ServerFn>::PATH, $access);)*
        }
    };
}

use Access::{ApiKey, Authenticated, Public, Requires};
use Permission::*;

declare! {
    crate::auth::api::Login => Public,
    crate::auth::api::Logout => Public,
    crate::auth::api::GetCurrentUser => Authenticated,
    // The challenge cookie is the credential while signing in; enrolment takes a session or an
    // enrolment challenge (`two_factor::api::enroller`).
    crate::auth::two_factor::api::VerifyTwoFactor => Public,
    crate::auth::two_factor::api::StartTwoFactor => Public,
    crate::auth::two_factor::api::ConfirmTwoFactor => Public,
    crate::auth::two_factor::api::GetTwoFactor => Authenticated,
    crate::auth::two_factor::api::DisableTwoFactor => Authenticated,
    crate::auth::two_factor::api::RenewBackupCodes => Authenticated,
    crate::users::credentials::ResetTwoFactor => Requires(UsersResetPassword),
    crate::auth::sessions::api::ListMySessions => Authenticated,
    crate::auth::sessions::api::EndMySession => Authenticated,
    crate::auth::sessions::api::EndOtherSessions => Authenticated,
    crate::auth::sessions::api::SignOutEverywhere => Authenticated,
    crate::auth::sessions::api::ChangePassword => Authenticated,
    crate::auth::preferences::SetTheme => Authenticated,
    // Signed out too: the sign-in page has the switch (the cookie alone keeps it then).
    crate::auth::language::SetLanguage => Public,
    // Each kind of hit checks its own read permission.
    crate::palette::api::PaletteSearch => Authenticated,
    crate::users::credentials::EndMemberSessions => Requires(UsersUpdate),
    crate::users::support::api::StartSupportAccess => Requires(UsersImpersonate),
    // The support session itself ends it (a member's session marked with its administrator).
    crate::users::support::api::EndSupportAccess => Authenticated,
    crate::shell::home::GetOverview => Requires(UsersRead),
        crate::tenants::api::ListTenants => Requires(TenantsRead),
    crate::tenants::api::GetTenant => Requires(TenantsRead),
    crate::tenants::api::SearchTenants => Requires(TenantsRead),
    crate::tenants::api::TenantChoice => Requires(TenantsRead),
    crate::tenants::api::CreateTenant => Requires(TenantsCreate),
    crate::tenants::api::UpdateTenant => Requires(TenantsUpdate),
    crate::tenants::api::SetTenantStatus => Requires(TenantsSuspend),
    crate::tenants::api::DeleteTenant => Requires(TenantsDelete),
    crate::tenants::erasure::api::RequestWorkspaceErasure => Requires(TenantsErase),
    crate::tenants::erasure::api::CancelWorkspaceErasure => Requires(TenantsErase),
    crate::users::api::ListUsers => Requires(UsersRead),
    crate::users::api::GetUser => Requires(UsersRead),
    crate::users::api::CreateUser => Requires(UsersCreate),
    crate::users::api::UpdateUser => Requires(UsersUpdate),
    crate::users::api::SetUserStatus => Requires(UsersUpdate),
    crate::users::api::ResetUserPassword => Requires(UsersResetPassword),
    crate::users::api::DeleteUser => Requires(UsersDelete),
    crate::users::erasure::api::EraseUser => Requires(UsersDelete),
    crate::permissions::api::GetRoleMatrix => Requires(RolesRead),
    crate::permissions::api::ListPermissionSets => Requires(RolesRead),
    crate::permissions::api::GetPermissionSet => Requires(RolesRead),
    crate::permissions::api::SavePermissionSet => Requires(RolesManage),
    crate::permissions::api::DeletePermissionSet => Requires(RolesManage),
    crate::permissions::api::GetUserPermissions => Requires(UsersRead),
    crate::permissions::api::ExplainPermission => Requires(UsersRead),
    crate::permissions::api::SetUserPermissionSet => Requires(RolesManage),
    crate::permissions::api::SetUserGrant => Requires(RolesManage),
    crate::permissions::api::ListDelegations => Authenticated,
    crate::permissions::api::CreateDelegation => Requires(PermissionsDelegate),
    crate::permissions::api::SearchDelegates => Requires(PermissionsDelegate),
    crate::permissions::api::RevokeDelegation => Authenticated,
    crate::audit::api::ListAuditEvents => Requires(AuditRead),
    crate::audit::api::VerifyAuditChain => Requires(AuditRead),
    crate::tenants::api::GetAuditRetention => Requires(SettingsRead),
    crate::tenants::api::SetAuditRetention => Requires(SettingsUpdate),
    crate::analytics::api::ListMetrics => Requires(AnalyticsRead),
    crate::analytics::api::GetPanel => Requires(AnalyticsRead),
    crate::analytics::api::GetOverviewPanel => Requires(AnalyticsRead),
    crate::analytics::api::GetAnalyticsPage => Requires(AnalyticsRead),
    crate::analytics::api::UpdateMetric => Requires(AnalyticsIngest),
    crate::analytics::api::GetTenantFigures => Requires(AnalyticsRead),
    crate::api_keys::api::ListApiKeys => Requires(ApiKeysRead),
    crate::api_keys::api::CreateApiKey => Requires(ApiKeysCreate),
    crate::api_keys::api::RevokeApiKey => Requires(ApiKeysRevoke),
    crate::api_keys::api::RotateApiKey => Requires(ApiKeysRotate),
    crate::api_keys::api::UpdateIngestSigning => Requires(SettingsUpdate),
    crate::alerts::api::GetAlertsPage => Requires(AlertsRead),
    crate::alerts::api::GetAlertDetail => Requires(AlertsRead),
    crate::alerts::api::AcknowledgeAlert => Requires(AlertsAcknowledge),
    crate::alerts::api::ResolveAlert => Requires(AlertsResolve),
    crate::alerts::api::GetRulesPage => Requires(AlertsRead),
    crate::alerts::api::GetRuleForm => Requires(AlertsManageRules),
    crate::alerts::api::SaveRule => Requires(AlertsManageRules),
    crate::alerts::api::SetRuleEnabled => Requires(AlertsManageRules),
    crate::alerts::api::DeleteRule => Requires(AlertsManageRules),
    crate::alerts::api::GetSilencesPage => Requires(AlertsRead),
    crate::alerts::api::CreateSilence => Requires(AlertsManageRules),
    crate::alerts::api::EndSilence => Requires(AlertsManageRules),
    crate::alerts::api::GetFiringCounts => Requires(AlertsRead),
    crate::notifications::api::ListChannels => Requires(AlertsRead),
    crate::notifications::api::GetChannelsPage => Requires(NotificationsManageChannels),
    crate::notifications::api::CreateChannel => Requires(NotificationsManageChannels),
    crate::notifications::api::UpdateChannel => Requires(NotificationsManageChannels),
    crate::notifications::api::DeleteChannel => Requires(NotificationsManageChannels),
    crate::notifications::api::SetChannelEnabled => Requires(NotificationsManageChannels),
    crate::notifications::api::RotateChannelSecret => Requires(NotificationsManageChannels),
    crate::notifications::api::SendChannelTest => Requires(NotificationsManageChannels),
    crate::notifications::api::ReplayDelivery => Requires(NotificationsManageChannels),
    crate::notifications::api::GetChannelWarnings => Requires(NotificationsManageChannels),
    crate::plans::api::ListPlans => Requires(TenantsRead),
    crate::plans::api::SavePlan => Requires(TenantsUpdate),
    crate::plans::api::GetTenantPlan => Requires(TenantsRead),
    crate::plans::api::SaveEntitlements => Requires(TenantsUpdate),
    crate::plans::api::GetUsage => Requires(BillingRead),
    crate::plans::api::GetTenantStatistics => Requires(TenantsRead),
    crate::plans::api::GetPlatformStatistics => Requires(TenantsRead),
    crate::portal::api::GetSignInSite => Public,
    crate::portal::api::GetBrandingSettings => Requires(SettingsRead),
    crate::portal::api::SaveBranding => Requires(SettingsUpdate),
    crate::portal::api::GetSecuritySettings => Requires(SettingsRead),
    crate::portal::api::SaveSecuritySettings => Requires(SettingsUpdate),
    crate::sso::api::GetSsoSettings => Requires(SettingsRead),
    crate::sso::api::SaveSsoProvider => Requires(SettingsUpdate),
    crate::sso::api::RemoveSsoProvider => Requires(SettingsUpdate),
    crate::data_export::api::ListExports => Requires(SettingsUpdate),
    crate::users::invitations::api::ListInvitations => Requires(UsersRead),
    crate::users::invitations::api::CreateInvitation => Requires(UsersCreate),
    crate::users::invitations::api::ResendInvitation => Requires(UsersCreate),
    crate::users::invitations::api::RevokeInvitation => Requires(UsersCreate),
    crate::users::invitations::api::GetInvitation => Public,
    crate::users::invitations::api::AcceptInvitation => Public,
    crate::ip_blocks::api::GetIpBlocksPage => Requires(SystemMonitor),
    crate::ip_blocks::api::CreateIpBlock => Requires(SystemManage),
    crate::ip_blocks::api::LiftIpBlock => Requires(SystemManage),
}

/// The REST routes under `/api/v1` with their declared access; a test calls each one without a
/// session and expects the JSON `unauthorized` error, never data.
pub const REST_ROUTES: &[(&str, Access)] = &[
    ("/api/v1/permissions/check", Requires(UsersRead)),
    ("/api/v1/audit/export", Requires(AuditExport)),
    ("/api/v1/metrics", ApiKey("metrics:read / metrics:write")),
    ("/api/v1/metrics/{metric}/panel", ApiKey("metrics:read")),
    ("/api/v1/analytics/export", Requires(AnalyticsExport)),
    ("/api/v1/live/stats", Requires(SystemMonitor)),
    ("/api/v1/system/jobs", Requires(SystemMonitor)),
    ("/api/v1/exports/workspace", Requires(SettingsUpdate)),
    // Your own data needs no permission; anyone else's needs users:read over someone you outrank.
    ("/api/v1/exports/members/{user_id}", Authenticated),
];

/// The table the server provides to every request, for `auth::context::require`.
#[cfg(feature = "ssr")]
pub fn declared_access() -> crate::auth::context::DeclaredAccess {
    crate::auth::context::DeclaredAccess::new(server_fn_access())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_declared_once() {
        let mut paths: Vec<_> = server_fn_access().into_iter().map(|(p, _)| p).collect();
        let before = paths.len();
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), before);
    }
}
