//! A destructive-action confirmation that asks the user to type a word (a slug, an email) first.

use leptos::prelude::*;

/// Renders a disclosure with a warning, a text box and a button enabled only once `expected` is
/// typed exactly; `on_confirm` receives the typed text (the server checks it again).
#[component]
pub fn TypedConfirm(
    title: String,
    warning: String,
    prompt: String,
    button_label: String,
    expected: String,
    #[prop(into)] pending: Signal<bool>,
    on_confirm: Callback<String>,
    /// Start expanded (when the user already asked for this action, e.g. a row's button).
    #[prop(optional)]
    open: bool,
    /// The text box's id, when a page has more than one confirmation.
    #[prop(optional, into)]
    field_id: Option<String>,
) -> impl IntoView {
    let field_id = field_id.unwrap_or_else(|| "confirm-typed".to_owned());
    let typed = RwSignal::new(String::new());
    let matches = {
        let expected = expected.clone();
        move || typed.get() == expected
    };
    view! {
        <details class="danger-zone" open=open>
            <summary>{title}</summary>
            <p>{warning}</p>
            <div class="field">
                <label for=field_id.clone()>{prompt}</label>
                <input id=field_id type="text" autocomplete="off" bind:value=typed />
            </div>
            <button
                type="button"
                class="button danger"
                disabled=move || !matches() || pending.get()
                on:click=move |_| on_confirm.run(typed.get_untracked())
            >
                {button_label}
            </button>
        </details>
    }
}
