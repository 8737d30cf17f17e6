//! A button that copies a text (a secret shown once) to the clipboard and says so.

use crate::i18n::t;
use leptos::prelude::*;

/// Copies `text` to the clipboard (after hydration) and then reads "Copied". Without script it
/// does nothing; the text next to it stays selectable by hand.
#[component]
pub fn CopyButton(text: String, label: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let on_click = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            // The promise settles on its own; a refusal leaves the text selectable by hand.
            let _ = window.navigator().clipboard().write_text(&text);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &text;
        copied.set(true);
    };
    view! {
        <button type="button" class="button" on:click=on_click>
            {move || if copied.get() { t("action-copied") } else { label.clone() }}
        </button>
    }
}
