//! An error in place of page content.

use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// A page-sized "nothing here" (unknown path, workspace or invitation link): the message, what
/// follows it, and a 404 status when rendered on the server.
#[component]
pub fn NotFound(message: String, #[prop(optional)] children: Option<Children>) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! { <main class="login-page"><p role="alert">{message}</p>{children.map(|children| children())}</main> }
}

/// An error in place of page content; a lost session sends the user to sign in.
#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    if error == AppError::Unauthorized {
        Effect::new(move |_| use_navigate()("/login", Default::default()));
    }
    view! { <p class="form-alert" role="alert">{error.to_string()}</p> }
}
