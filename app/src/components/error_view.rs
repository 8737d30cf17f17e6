//! An error in place of page content.

use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// An error in place of page content; a lost session sends the user to sign in.
#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    if error == AppError::Unauthorized {
        Effect::new(move |_| use_navigate()("/login", Default::default()));
    }
    view! { <p class="form-alert" role="alert">{error.to_string()}</p> }
}
