//! Choosing a tenant on platform pages: a combobox that searches as one types, its choice carried
//! by a hidden form field, so GET forms keep their URLs and 10,000 tenants are never loaded.

use super::api::{search_tenants, tenant_choice};
use crate::components::combobox::{SearchCombobox, search_fn};
use crate::ids::TenantId;
use crate::paging::Choice;
use leptos::prelude::*;

/// A tenant chooser for a form field `name`. `selected` is the field's value the page was opened
/// with (from the URL): a tenant id, the value of one of `fixed`, or empty. The hidden field holds
/// it from the first byte, so a GET form submitted before hydration keeps it; the choice's label
/// is looked up in the browser (the server renders the same empty text, so hydration matches).
/// `fixed` choices (such as "All tenants") are offered before the tenants found.
#[component]
pub fn TenantChooser(
    id: &'static str,
    name: &'static str,
    #[prop(into)] selected: Signal<String>,
    #[prop(optional)] fixed: Vec<Choice>,
    #[prop(optional)] described_by: Option<&'static str>,
    #[prop(optional, into)] placeholder: Option<String>,
) -> impl IntoView {
    let fixed = StoredValue::new(fixed);
    let value = RwSignal::new(selected.get_untracked());
    let text = RwSignal::new(String::new());
    // The URL's choice (on load, and when a submitted form or a link changes it), shown by its
    // label once looked up. In an effect, so only in the browser and never under a suspense
    // boundary (see `SearchCombobox`).
    Effect::new(move |_| {
        let selected = selected.get();
        value.set(selected.clone());
        text.set(String::new());
        leptos::task::spawn_local(async move {
            let fixed_choice = fixed.with_value(|f| f.iter().find(|c| c.value == selected).cloned());
            let choice = match fixed_choice {
                Some(choice) => Some(choice),
                None => match selected.parse().ok().map(TenantId) {
                    Some(tenant_id) => tenant_choice(tenant_id).await.ok().flatten(),
                    None => None,
                },
            };
            if let Some(choice) = choice
                && value.get_untracked() == choice.value
            {
                text.set(choice.label);
            }
        });
    });
    let search = move |typed: String| async move {
        let wanted = typed.trim().to_lowercase();
        let mut choices: Vec<Choice> = fixed.with_value(|f| {
            f.iter()
                .filter(|c| c.label.to_lowercase().contains(&wanted))
                .cloned()
                .collect()
        });
        choices.extend(search_tenants(typed).await?);
        Ok(choices)
    };
    view! {
        <SearchCombobox
            id
            value
            search=search_fn(search)
            described_by
            placeholder=placeholder.unwrap_or_default()
            text
        />
        <input type="hidden" name=name value=selected.get_untracked() prop:value=move || value.get() />
    }
}
