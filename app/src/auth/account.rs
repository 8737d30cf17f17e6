//! The account page: what anyone signed in manages about themselves (issue 14): their second
//! factor, their sessions and their password.

use crate::auth::sessions::views::{PasswordSection, SessionsSection};
use crate::auth::two_factor::views::TwoFactorSection;
use crate::components::page_title::PageTitle;
use crate::i18n::t;
use leptos::prelude::*;

#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <PageTitle text=t("account-title") />
        <header class="page-header"><h1>{t("account-title")}</h1></header>
        <TwoFactorSection />
        <SessionsSection />
        <PasswordSection />
    }
}
