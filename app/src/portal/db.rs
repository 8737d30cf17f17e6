//! What the portal reads before anyone signs in: a workspace's sign-in page by its slug.

use crate::db::AuthTx;

/// A workspace's sign-in page as stored: its branding columns (NULL: not set) and the display
/// name of its single sign-on provider while one is enabled.
pub struct SignInSiteRow {
    pub tenant_name: String,
    pub brand_name: Option<String>,
    pub brand_logo_url: Option<String>,
    pub brand_color: Option<String>,
    pub sso_provider: Option<String>,
}

/// The active workspace `slug`'s sign-in page, in one statement (the provider's secret is not
/// read).
pub async fn select_sign_in_site(tx: &mut AuthTx, slug: &str) -> Result<Option<SignInSiteRow>, sqlx::Error> {
    sqlx::query_as!(
        SignInSiteRow,
        r#"SELECT t.name AS tenant_name, t.brand_name, t.brand_logo_url, t.brand_color,
                  p.display_name AS "sso_provider?"
           FROM tenants t LEFT JOIN sso_providers p ON p.tenant_id = t.tenant_id AND p.enabled
           WHERE t.slug = $1 AND t.status = 'active'"#,
        slug
    )
    .fetch_optional(&mut **tx)
    .await
}
