//! The palette's dialog and the keyboard help. The main module carries only the shortcuts, the
//! buttons and two `<dialog>` elements (modal: the page behind is inert while one is open, so
//! focus stays inside, and the browser gives it back to where it was when the dialog closes);
//! the palette's search and list are a split module loaded on first use.

use crate::i18n::t;
use leptos::prelude::*;

const PALETTE_ID: &str = "palette";
const SHORTCUTS_ID: &str = "shortcuts";

/// Whether the palette was opened once on this page (its split module is then loaded).
#[derive(Clone, Copy)]
pub struct PaletteState(RwSignal<bool>);

impl PaletteState {
    pub fn new() -> Self {
        Self(RwSignal::new(false))
    }

    fn open(self) {
        self.0.set(true);
        show_modal(PALETTE_ID);
    }
}

impl Default for PaletteState {
    fn default() -> Self {
        Self::new()
    }
}

/// The sidebar's entries to the palette and the help, each with its shortcut shown.
#[component]
pub fn KeyboardButtons(state: PaletteState) -> impl IntoView {
    view! {
        <div class="keyboard-buttons">
            <button type="button" class="button palette-button" aria-keyshortcuts="Control+K Meta+K"
                on:click=move |_| state.open()>
                <span>{t("palette-open")}</span>
                <kbd aria-hidden="true">"Ctrl K"</kbd>
            </button>
            // Opened by the browser itself (invoker commands): no code for it.
            <button type="button" class="button small" commandfor=SHORTCUTS_ID command="show-modal" aria-keyshortcuts="Shift+Slash">
                {t("shortcuts-open")}
            </button>
        </div>
    }
}

/// The palette's and the help's dialogs, and the keys that open them (Ctrl/Cmd-K, `?`).
#[component]
pub fn KeyboardDialogs(state: PaletteState) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::keydown, move |event| browser::on_key(&event, state));
        on_cleanup(move || handle.remove());
    }
    view! {
        <dialog id=PALETTE_ID class="palette" aria-label=t("palette-title")>
            {move || state.0.get().then(|| view! {
                <Suspense fallback=|| view! { <p class="muted">{t("loading")}</p> }>
                    {Suspend::new(async { palette_body().await })}
                </Suspense>
            })}
        </dialog>
        <dialog id=SHORTCUTS_ID class="shortcuts" aria-labelledby="shortcuts-title">
            <h2 id="shortcuts-title">{t("shortcuts-title")}</h2>
            <dl>
                <dt><kbd>"Ctrl K"</kbd>" / "<kbd>"⌘ K"</kbd></dt><dd>{t("shortcuts-palette")}</dd>
                <dt><kbd>"?"</kbd></dt><dd>{t("shortcuts-help")}</dd>
                <dt><kbd>"↑"</kbd>" "<kbd>"↓"</kbd>" "<kbd>"Enter"</kbd></dt><dd>{t("shortcuts-choose")}</dd>
                <dt><kbd>"Esc"</kbd></dt><dd>{t("shortcuts-close")}</dd>
                <dt><kbd>"Tab"</kbd>" / "<kbd>"Shift Tab"</kbd></dt><dd>{t("shortcuts-tab")}</dd>
            </dl>
            // Closes the dialog without code (`method="dialog"`).
            <form method="dialog"><button type="submit" class="button">{t("action-close")}</button></form>
        </dialog>
    }
}

fn show_modal(id: &str) {
    #[cfg(feature = "hydrate")]
    browser::show_modal(id);
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

fn close(id: &str) {
    #[cfg(feature = "hydrate")]
    browser::close(id);
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{PALETTE_ID, PaletteState, SHORTCUTS_ID};
    use wasm_bindgen::JsCast;

    fn dialog(id: &str) -> Option<web_sys::HtmlDialogElement> {
        leptos::prelude::document().get_element_by_id(id)?.dyn_into().ok()
    }

    pub fn show_modal(id: &str) {
        if let Some(dialog) = dialog(id)
            && !dialog.open()
        {
            let _ = dialog.show_modal();
        }
    }

    pub fn close(id: &str) {
        if let Some(dialog) = dialog(id) {
            dialog.close();
        }
    }

    /// Whether the key goes to a text the person is typing (then `?` is a question mark).
    fn typing(event: &web_sys::KeyboardEvent) -> bool {
        event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlElement>().ok())
            .is_some_and(|element| {
                element.is_content_editable() || matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
            })
    }

    pub fn on_key(event: &web_sys::KeyboardEvent, state: PaletteState) {
        let key = event.key();
        let command = event.ctrl_key() || event.meta_key();
        if command && !event.alt_key() && !event.shift_key() && key.eq_ignore_ascii_case("k") {
            event.prevent_default();
            close(SHORTCUTS_ID);
            state.open();
        } else if key == "?" && !command && !event.alt_key() && !typing(event) {
            event.prevent_default();
            close(PALETTE_ID);
            show_modal(SHORTCUTS_ID);
        }
    }
}

#[lazy]
fn palette_body() -> AnyView {
    view! { <body::Palette /> }.into_any()
}

/// The palette itself (the split module): a combobox over pages, actions and the server's hits.
mod body {
    use super::{PALETTE_ID, SHORTCUTS_ID, close, show_modal};
    use crate::components::hooks::{use_current_user, use_link_base};
    use crate::components::toast::use_toaster;
    use crate::i18n::{t, t_args};
    use crate::ids::AlertId;
    use crate::palette::api::palette_search;
    use crate::palette::types::{Hit, parse_query};
    use crate::permissions::types::Permission;
    use leptos::prelude::*;

    /// What choosing an entry does.
    #[derive(Clone, Debug, PartialEq)]
    enum Target {
        /// Open this page: an app path, which the router puts under the site's prefix.
        Go(String),
        Acknowledge(AlertId),
        Shortcuts,
    }

    #[derive(Clone, Debug, PartialEq)]
    struct Entry {
        kind: String,
        label: String,
        detail: String,
        target: Target,
    }

    /// The pages of the sidebar, as the server rendered them for this person (so the palette
    /// offers exactly what the navigation does), without the site's prefix their links carry.
    #[cfg(not(feature = "hydrate"))]
    fn pages(_: &str) -> Vec<Entry> {
        Vec::new()
    }

    #[cfg(feature = "hydrate")]
    fn pages(base: &str) -> Vec<Entry> {
        let kind = t("palette-kind-page");
        let Ok(links) = document().query_selector_all("#sidebar-menu nav a[href]") else {
            return Vec::new();
        };
        (0..links.length())
            .filter_map(|index| {
                use wasm_bindgen::JsCast;
                let link = links.item(index)?.dyn_into::<web_sys::Element>().ok()?;
                Some(Entry {
                    kind: kind.clone(),
                    label: link.text_content()?.trim().to_owned(),
                    detail: String::new(),
                    target: Target::Go(app_path(base, &link.get_attribute("href")?)),
                })
            })
            .collect()
    }

    /// `/t/acme/users` → `/users` in the portal reached by `/t/acme`.
    #[cfg(feature = "hydrate")]
    fn app_path(base: &str, href: &str) -> String {
        match href.strip_prefix(base) {
            Some(rest) if !base.is_empty() && (rest.is_empty() || rest.starts_with(['/', '?'])) => {
                format!("/{}", rest.trim_start_matches('/'))
            }
            _ => href.to_owned(),
        }
    }

    /// The common actions this person may take.
    fn actions() -> Vec<Entry> {
        let Some(me) = use_current_user().get_untracked() else {
            return Vec::new();
        };
        let kind = t("palette-kind-action");
        let go = |key: &str, path: &str| Entry {
            kind: kind.clone(),
            label: t(key),
            detail: String::new(),
            target: Target::Go(path.to_owned()),
        };
        let mut actions = Vec::new();
        if me.is_platform && me.can(Permission::TenantsCreate) {
            actions.push(go("palette-new-tenant", "/tenants/new"));
        }
        if me.can(Permission::UsersCreate) {
            actions.push(go("palette-new-user", "/users/new"));
        }
        if !me.is_platform && me.can(Permission::AlertsManageRules) {
            actions.push(go("palette-new-rule", "/alerts/rules/new"));
            actions.push(go("palette-new-silence", "/alerts/silences"));
        }
        if me.can(Permission::ApiKeysCreate) {
            actions.push(go("palette-new-key", "/api-keys"));
        }
        actions.push(Entry {
            kind,
            label: t("shortcuts-title"),
            detail: String::new(),
            target: Target::Shortcuts,
        });
        actions
    }

    fn hit_entries(hits: Vec<Hit>) -> Vec<Entry> {
        let mut entries = Vec::new();
        for hit in hits {
            let (label, detail) = hit.label();
            let label = label.to_owned();
            if let Hit::Alert {
                alert_id,
                acknowledgeable: true,
                ..
            } = &hit
            {
                entries.push(Entry {
                    kind: t("palette-kind-action"),
                    label: t_args("palette-acknowledge", &[("rule", &label)]),
                    detail: String::new(),
                    target: Target::Acknowledge(*alert_id),
                });
            }
            entries.push(Entry {
                kind: t(hit.kind_key()),
                label,
                detail,
                target: Target::Go(hit.path()),
            });
        }
        entries
    }

    #[component]
    pub fn Palette() -> impl IntoView {
        let navigate = leptos_router::hooks::use_navigate();
        let toaster = use_toaster();
        let query = RwSignal::new(String::new());
        let active = RwSignal::new(0usize);
        let input = NodeRef::<leptos::html::Input>::new();
        let fixed = StoredValue::new([pages(&use_link_base()), actions()].concat());
        // The server's hits for the latest query. Not a resource: reading one would suspend the
        // `Suspense` around the palette on every keystroke and take the input away mid-word.
        let found = RwSignal::new(Vec::<Hit>::new());
        let asked = StoredValue::new(0u64);
        Effect::new(move || {
            let q = query.get();
            asked.update_value(|n| *n += 1);
            let this = asked.get_value();
            leptos::task::spawn_local(async move {
                let hits = match parse_query(&q) {
                    Some(q) => palette_search(q).await.unwrap_or_default(),
                    None => Vec::new(),
                };
                // An older answer arriving late does not replace a newer one.
                if asked.get_value() == this {
                    found.set(hits);
                }
            });
        });
        let entries = Memo::new(move |_| {
            let q = query.get().trim().to_lowercase();
            let mut entries: Vec<Entry> = fixed
                .get_value()
                .into_iter()
                .filter(|entry| q.is_empty() || entry.label.to_lowercase().contains(&q))
                .collect();
            entries.extend(hit_entries(found.get()));
            entries
        });
        // Focused once loaded (the dialog opened before its content existed); later openings
        // focus it themselves (`autofocus`).
        Effect::new(move || {
            if let Some(input) = input.get() {
                // After the frame that mounts it: a detached input cannot take focus.
                request_animation_frame(move || {
                    let _ = input.focus();
                });
            }
        });
        let choose = StoredValue::new_local(move |index: usize| {
            let Some(entry) = entries.with_untracked(|entries| entries.get(index).cloned()) else {
                return;
            };
            close(PALETTE_ID);
            query.set(String::new());
            active.set(0);
            match entry.target {
                Target::Go(href) => navigate(&href, Default::default()),
                Target::Shortcuts => show_modal(SHORTCUTS_ID),
                Target::Acknowledge(alert_id) => {
                    leptos::task::spawn_local(async move {
                        match crate::alerts::api::acknowledge_alert(alert_id, String::new()).await {
                            Ok(()) => toaster.success(t("palette-acknowledged")),
                            Err(error) => toaster.error(error.to_string()),
                        }
                    });
                }
            }
        });
        let on_key = move |event: leptos::ev::KeyboardEvent| {
            let count = entries.with_untracked(Vec::len);
            match event.key().as_str() {
                "ArrowDown" if count > 0 => {
                    event.prevent_default();
                    active.update(|index| *index = (*index + 1) % count);
                }
                "ArrowUp" if count > 0 => {
                    event.prevent_default();
                    active.update(|index| *index = (*index + count - 1) % count);
                }
                "Enter" => {
                    event.prevent_default();
                    choose.with_value(|choose| choose(active.get_untracked()));
                }
                _ => {}
            }
        };
        view! {
            <div class="palette-body">
                <label for="palette-input" class="visually-hidden">{t("palette-title")}</label>
                <input id="palette-input" node_ref=input type="text" role="combobox" autocomplete="off" autofocus=true
                    spellcheck="false" aria-autocomplete="list" aria-expanded="true" aria-controls="palette-options"
                    placeholder=t("palette-placeholder")
                    aria-activedescendant=move || (!entries.with(Vec::is_empty)).then(|| format!("palette-option-{}", active.get()))
                    prop:value=move || query.get()
                    on:input=move |event| {
                        query.set(event_target_value(&event));
                        active.set(0);
                    }
                    on:keydown=on_key />
                <ul id="palette-options" role="listbox" aria-label=t("palette-results")>
                    {move || entries.get().into_iter().enumerate().map(|(index, entry)| view! {
                        <li id=format!("palette-option-{index}") role="option"
                            aria-selected=move || if active.get() == index { "true" } else { "false" }
                            on:mousemove=move |_| active.set(index)
                            on:click=move |_| choose.with_value(|choose| choose(index))>
                            <span class="palette-kind">{entry.kind}</span>
                            <span class="palette-label">{entry.label}</span>
                            <span class="palette-detail muted">{entry.detail}</span>
                        </li>
                    }).collect_view()}
                </ul>
                <p class="muted palette-status" role="status">
                    {move || match entries.with(Vec::len) {
                        0 => t("palette-nothing"),
                        count => t_args("palette-count", &[("count", &count.to_string())]),
                    }}
                </p>
            </div>
        }
    }
}
