//! A workspace's erasure on screen: the Data page's card (ask, or see when it runs and withdraw
//! it), the notice every page of the portal shows while one is pending, and the notice with its
//! cancel button on the platform's tenant page.

use super::super::types::PendingErasure;
use super::api::{CancelWorkspaceErasure, RequestWorkspaceErasure};
use crate::components::confirm::TypedConfirm;
use crate::components::hooks::{use_can, use_current_user};
use crate::components::toast::use_toaster;
use crate::i18n::{format_time, t, t_args};
use crate::ids::TenantId;
use crate::permissions::types::Permission;
use leptos::prelude::*;

/// When the signed-in member's workspace is due to be erased, as the portal's layout shows it
/// (already formatted); the Data page sets it when its erasure is asked for or cancelled.
#[derive(Clone, Copy)]
pub struct ErasureContext(pub RwSignal<Option<String>>);

/// The portal's notice on every page while the workspace's erasure is pending.
#[component]
pub fn WorkspaceErasureBanner() -> impl IntoView {
    let due = use_context::<ErasureContext>().map(|c| c.0);
    move || {
        due.and_then(|due| due.get()).map(|when| {
            view! {
                <div class="notice broken" role="alert" data-testid="erasure-banner">
                    <p><strong>{t_args("erasure-pending", &[("when", &when)])}</strong></p>
                </div>
            }
        })
    }
}

/// The Data page's "Erase this workspace".
#[component]
pub fn WorkspaceErasureCard() -> impl IntoView {
    let request = ServerAction::<RequestWorkspaceErasure>::new();
    let cancel = ServerAction::<CancelWorkspaceErasure>::new();
    let due = use_context::<ErasureContext>().map_or_else(|| RwSignal::new(None), |c| c.0);
    let toaster = use_toaster();
    Effect::new(move |_| match request.value().get() {
        Some(Ok(pending)) => due.set(Some(format_time(pending.erase_after))),
        Some(Err(error)) => toaster.error(error.to_string()),
        None => {}
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = cancel.value().get() {
            due.set(None);
        }
    });
    cancel_toasts(cancel);
    let can_erase = use_can(Permission::TenantsErase).get_untracked();
    let workspace = use_current_user().get_untracked().and_then(|me| me.workspace);
    let slug = workspace
        .as_ref()
        .map(|w| w.slug.as_str().to_owned())
        .unwrap_or_default();
    let hours = workspace.map(|w| w.erase_delay_hours).unwrap_or_default().to_string();
    view! {
        <section class="card" aria-labelledby="erase-workspace">
            <h2 id="erase-workspace">{t("erasure-title")}</h2>
            {move || match due.get() {
                Some(when) => view! {
                    <PendingErasureNotice erase_on=when requested=None
                        cancel=can_erase.then_some((None, cancel)) />
                }.into_any(),
                None if can_erase => view! {
                    <TypedConfirm
                        title=t("erasure-request-title")
                        warning=t_args("erasure-warning", &[("hours", &hours)])
                        prompt=t_args("tenants-delete-confirm", &[("slug", &slug)])
                        button_label=t("erasure-request-button")
                        expected=slug.clone()
                        pending=request.pending()
                        field_id="erase-workspace-typed"
                        on_confirm=Callback::new(move |confirm| { request.dispatch(RequestWorkspaceErasure { confirm }); })
                    />
                }.into_any(),
                None => view! { <p class="muted">{t("erasure-ask-admin")}</p> }.into_any(),
            }}
        </section>
    }
}

/// A pending erasure: when it runs, who asked (where known), and for those who may cancel it,
/// the button (with the tenant a platform administrator names).
#[component]
pub fn PendingErasureNotice(
    /// When it runs, as shown.
    erase_on: String,
    requested: Option<String>,
    cancel: Option<(Option<TenantId>, ServerAction<CancelWorkspaceErasure>)>,
) -> impl IntoView {
    view! {
        <div class="notice broken" role="status" data-testid="erasure-pending">
            <p><strong>{t_args("erasure-pending", &[("when", &erase_on)])}</strong></p>
            {requested.map(|requested| view! { <p>{requested}</p> })}
            {cancel.map(|(tenant_id, action)| view! {
                <div class="actions">
                    <button type="button" class="button" disabled=move || action.pending().get()
                        on:click=move |_| { action.dispatch(CancelWorkspaceErasure { tenant_id }); }>
                        {t("erasure-cancel")}
                    </button>
                </div>
            })}
        </div>
    }
}

/// Who asked for `pending` and when, as the platform's tenant page says it.
pub fn requested_line(pending: &PendingErasure) -> String {
    let who = pending
        .requested_by
        .clone()
        .unwrap_or_else(|| t("erasure-requested-unknown"));
    t_args(
        "erasure-requested",
        &[("who", &who), ("when", &format_time(pending.requested_at))],
    )
}

/// The toasts after a cancel, wherever its button is.
pub fn cancel_toasts(action: ServerAction<CancelWorkspaceErasure>) {
    let toaster = use_toaster();
    Effect::new(move |_| match action.value().get() {
        Some(Ok(())) => toaster.success(t("erasure-cancelled")),
        Some(Err(error)) => toaster.error(error.to_string()),
        None => {}
    });
}
