//! Toasts: short-lived messages about the result of an action, announced to screen readers.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toast {
    id: u64,
    kind: ToastKind,
    text: String,
}

/// The app-wide toast queue, provided once by the shell.
#[derive(Clone, Copy)]
pub struct Toaster {
    toasts: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

impl Toaster {
    pub fn provide() -> Self {
        let toaster = Self {
            toasts: RwSignal::new(Vec::new()),
            next_id: StoredValue::new(0),
        };
        provide_context(toaster);
        toaster
    }

    pub fn success(&self, text: impl Into<String>) {
        self.push(ToastKind::Success, text.into());
    }

    pub fn error(&self, text: impl Into<String>) {
        self.push(ToastKind::Error, text.into());
    }

    fn push(&self, kind: ToastKind, text: String) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.toasts.update(|toasts| toasts.push(Toast { id, kind, text }));
        let toasts = self.toasts;
        // Errors stay until dismissed; successes fade after a few seconds.
        if kind == ToastKind::Success {
            set_timeout(
                move || toasts.update(|t| t.retain(|toast| toast.id != id)),
                std::time::Duration::from_secs(6),
            );
        }
    }

    fn dismiss(&self, id: u64) {
        self.toasts.update(|toasts| toasts.retain(|toast| toast.id != id));
    }
}

/// The toaster provided by the shell (a fresh, unattached one if used outside it).
pub fn use_toaster() -> Toaster {
    use_context::<Toaster>().unwrap_or_else(Toaster::provide)
}

#[component]
pub fn ToastArea() -> impl IntoView {
    let toaster = use_toaster();
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || toaster.toasts.get() key=|toast| toast.id let:toast>
                <div class="toast" class:error=toast.kind == ToastKind::Error>
                    <span>{toast.text.clone()}</span>
                    <button type="button" class="icon" aria-label=crate::i18n::t("toast-dismiss") on:click=move |_| toaster.dismiss(toast.id)>
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}
