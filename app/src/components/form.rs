//! Labelled form fields that show their server-side validation message right under the input.

use crate::error::AppError;
use leptos::prelude::*;

type ErrorSignal = Signal<Option<AppError>>;

fn field_message(error: ErrorSignal, name: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || error.get().and_then(|e| e.field_error(name)))
}

/// A labelled text input; `error` is the last result of the form's action.
#[component]
pub fn TextField(
    name: &'static str,
    label: String,
    error: ErrorSignal,
    #[prop(optional)] input_type: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] placeholder: Option<String>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let id = format!("field-{name}");
    let message_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let message = field_message(error, name);
    let described_by = {
        let (message_id, hint_id, has_hint) = (message_id.clone(), hint_id.clone(), hint.is_some());
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if message.get().is_some() {
                ids.push(message_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:invalid=move || message.get().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id.clone()
                name=name
                type=input_type.unwrap_or("text")
                value=value
                autocomplete=autocomplete
                placeholder=placeholder
                required=required
                aria-invalid=move || message.get().is_some().then_some("true")
                aria-describedby=described_by
            />
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{hint}</p> })}
            <p class="field-error" id=message_id role="alert" hidden=move || message.get().is_none()>
                {move || message.get()}
            </p>
        </div>
    }
}

/// A labelled select; `options` are (value, label) pairs.
#[component]
pub fn SelectField(
    name: &'static str,
    label: String,
    error: ErrorSignal,
    options: Vec<(String, String)>,
    #[prop(optional, into)] selected: Option<String>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let message_id = format!("{id}-error");
    let message = field_message(error, name);
    let selected = selected.unwrap_or_default();
    view! {
        <div class="field" class:invalid=move || message.get().is_some()>
            <label for=id.clone()>{label}</label>
            <select
                id=id.clone()
                name=name
                aria-invalid=move || message.get().is_some().then_some("true")
                aria-describedby=message_id.clone()
            >
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let is_selected = value == selected;
                        view! { <option value=value selected=is_selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
            <p class="field-error" id=message_id role="alert" hidden=move || message.get().is_none()>
                {move || message.get()}
            </p>
        </div>
    }
}

/// The form-level message: any error that is not about one specific field.
#[component]
pub fn FormAlert(error: ErrorSignal) -> impl IntoView {
    let text = move || match error.get() {
        None => None,
        Some(AppError::Validation(fields)) => fields
            .get("form")
            .map(str::to_owned)
            .or_else(|| Some(crate::i18n::t("error-validation"))),
        Some(other) => Some(other.to_string()),
    };
    view! {
        <div class="form-alert" role="alert" hidden=move || text().is_none()>
            {text}
        </div>
    }
}
