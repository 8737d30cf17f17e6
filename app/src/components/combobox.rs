//! A combobox that asks the server as the person types (the WAI-ARIA combobox pattern with a
//! listbox popup): for choosing one of many — a colleague among 100,000 — without loading them.

use crate::error::AppError;
use crate::i18n::t;
use crate::paging::Choice;
use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// How a combobox asks for its choices. One boxed type for every chooser, so the browser gets
/// one compiled combobox rather than a copy per search function (each copy was several KB of
/// wasm in the area that used it).
pub type SearchFn = Arc<dyn Fn(String) -> Pin<Box<dyn Future<Output = Result<Vec<Choice>, AppError>>>> + Send + Sync>;

/// `search` as a [`SearchFn`].
pub fn search_fn<F, Fut>(search: F) -> SearchFn
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Vec<Choice>, AppError>> + 'static,
{
    Arc::new(move |typed| Box::pin(search(typed)))
}

/// A text input whose suggestions come from `search(text)` (at most a page of [`Choice`]s);
/// picking one sets `value` to its value and the input to its label. Typing clears `value`, so
/// the form never submits a value the input no longer shows. Arrow keys move through the
/// suggestions, Enter picks, Escape closes; a pointer picks with a press.
#[component]
pub fn SearchCombobox(
    /// The input's id: the page's `<label for>` names it.
    id: &'static str,
    /// The chosen value, empty while nothing is chosen.
    value: RwSignal<String>,
    search: SearchFn,
    /// The id of the field's error message, when it has one.
    #[prop(default = None)]
    described_by: Option<&'static str>,
    #[prop(optional, into)] placeholder: Option<String>,
    /// What the input shows; a caller that knows the current choice's label sets it.
    #[prop(optional)]
    text: Option<RwSignal<String>>,
) -> impl IntoView {
    let text = text.unwrap_or_else(|| RwSignal::new(String::new()));
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    // Asked from an effect, so only in the browser and never under a suspense boundary: a
    // resource read there would put the page's boundary into its loading state on every
    // keystroke (detaching the input mid-typing), and a local resource never resolves on the
    // server, so the boundary would never close. Answers can arrive out of order: only the one
    // to what is still typed is kept.
    let choices = RwSignal::new(Vec::<Choice>::new());
    let answered = RwSignal::new(false);
    Effect::new(move |_| {
        let typed = text.get();
        let found = search(typed.clone());
        leptos::task::spawn_local(async move {
            let found = found.await;
            if text.get_untracked() == typed {
                choices.set(found.unwrap_or_default());
                answered.set(true);
            }
        });
    });
    let listbox = format!("{id}-listbox");
    let option_id = move |index: usize| format!("{id}-option-{index}");
    let choose = move |choice: Choice| {
        value.set(choice.value);
        text.set(choice.label);
        open.set(false);
        active.set(None);
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let count = choices.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|at| *at = Some(at.map_or(0, |i| (i + 1).min(count - 1))));
            }
            "ArrowUp" => {
                ev.prevent_default();
                active.update(|at| *at = at.and_then(|i| i.checked_sub(1)));
            }
            "Enter" if open.get_untracked() => {
                if let Some(choice) = active
                    .get_untracked()
                    .and_then(|i| choices.with_untracked(|c| c.get(i).cloned()))
                {
                    ev.prevent_default();
                    choose(choice);
                }
            }
            "Escape" => {
                open.set(false);
                active.set(None);
            }
            _ => {}
        }
    };
    let nothing = move || open.get() && answered.get() && choices.with(Vec::is_empty) && !text.with(String::is_empty);
    view! {
        <div class="combobox">
            <input
                id=id
                type="text"
                role="combobox"
                autocomplete="off"
                aria-autocomplete="list"
                aria-expanded=move || (open.get() && !choices.with(Vec::is_empty)).to_string()
                aria-controls=listbox.clone()
                aria-activedescendant=move || active.get().map(option_id)
                aria-describedby=described_by
                placeholder=placeholder
                prop:value=move || text.get()
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    value.set(String::new());
                    open.set(true);
                    active.set(None);
                }
                on:focus=move |_| open.set(true)
                on:blur=move |_| open.set(false)
                on:keydown=on_keydown
            />
            <ul id=listbox role="listbox" class="combobox-list" hidden=move || !open.get() || choices.with(Vec::is_empty)>
                {move || {
                    choices
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(index, choice)| {
                            let picked = choice.clone();
                            view! {
                                <li
                                    id=option_id(index)
                                    role="option"
                                    aria-selected=move || (active.get() == Some(index)).to_string()
                                    on:mousedown=move |ev| {
                                        ev.prevent_default();
                                        choose(picked.clone());
                                    }
                                >
                                    <span class="combobox-label">{choice.label}</span>
                                    " "
                                    <span class="muted">{choice.detail}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <p class="muted combobox-status" role="status">{move || nothing().then(|| t("combobox-none"))}</p>
        </div>
    }
}
