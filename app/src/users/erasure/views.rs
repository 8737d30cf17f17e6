//! The erase confirmation on a member's page.

use super::api::EraseUser;
use crate::components::confirm::TypedConfirm;
use crate::components::toast::use_toaster;
use crate::i18n::{t, t_args};
use crate::ids::UserId;
use leptos::prelude::*;

/// Asks for the member's email, then erases them.
#[component]
pub fn EraseUserCard(user_id: UserId, email: String) -> impl IntoView {
    let action = ServerAction::<EraseUser>::new();
    let toaster = use_toaster();
    Effect::new(move |_| match action.value().get() {
        Some(Ok(())) => toaster.success(t("users-erased")),
        Some(Err(error)) => toaster.error(error.to_string()),
        None => {}
    });
    view! {
        <TypedConfirm
            title=t("users-erase-title")
            warning=t("users-erase-warning")
            prompt=t_args("users-delete-confirm", &[("email", &email)])
            button_label=t("users-erase-button")
            expected=email.clone()
            pending=action.pending()
            field_id="erase-typed"
            on_confirm=Callback::new(move |confirm| { action.dispatch(EraseUser { user_id, confirm }); })
        />
    }
}
