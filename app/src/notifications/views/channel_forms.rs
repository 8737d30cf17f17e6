//! The Channels page's forms and panels: create, edit, rotate the secret, delete, and the secret shown once.

use crate::components::confirm::TypedConfirm;
use crate::components::copy::CopyButton;
use crate::components::form::{FormAlert, SelectField, TextField};
use crate::components::scroll::scroll_into_view_on_mount;
use crate::i18n::{t, t_args, t_text};
use crate::ids::ChannelId;
use crate::notifications::api::{CreateChannel, DeleteChannel, RotateChannelSecret, UpdateChannel};
use crate::notifications::types::{ChannelDetail, ChannelKind, IssuedChannelSecret, SecretOverlap};
use crate::preferences::Language;
use leptos::prelude::*;

/// True once the page is hydrated (never during server rendering or the hydration pass, so both
/// render the same): lets forms hide fields that only matter with script running.
fn use_hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}

#[component]
pub(super) fn CreateChannelForm(
    action: ServerAction<CreateChannel>,
    form: NodeRef<leptos::html::Form>,
) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let kind = RwSignal::new(ChannelKind::Webhook);
    let hydrated = use_hydrated();
    // Without script both target fields show (each says which kinds use it); with script only
    // the one the chosen kind uses.
    let hide_url = move || hydrated.get() && !kind.get().is_http();
    let hide_recipients = move || hydrated.get() && kind.get().is_http();
    view! {
        <section aria-labelledby="create-channel-heading">
            <ActionForm action=action node_ref=form attr:class="card form">
                <h2 id="create-channel-heading">{t("channels-new")}</h2>
                <FormAlert error />
                <TextField name="name" label=t("field-name") error required=true />
                <div on:change=move |ev| {
                    if let Some(chosen) = ChannelKind::parse(&event_target_value(&ev)) {
                        kind.set(chosen);
                    }
                }>
                    <SelectField name="kind" label=t("channels-kind") error options=ChannelKind::options() selected="webhook" />
                </div>
                <div hidden=hide_url>
                    <TextField name="url" label=t("channels-url") hint=t("channels-url-hint") error input_type="url" />
                </div>
                <div hidden=hide_recipients>
                    <TextField name="recipients" label=t("channels-recipients") hint=t("channels-recipients-hint") error />
                </div>
                <SelectField name="language" label=t("channels-language") error options=Language::options() selected=crate::i18n::language().as_str() />
                <div class="actions">
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>{t("channels-create")}</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
pub(super) fn EditPanel(
    channel: ChannelDetail,
    action: ServerAction<UpdateChannel>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let node = NodeRef::new();
    scroll_into_view_on_mount(node);
    let target_field = if channel.kind.is_http() {
        view! { <TextField name="url" label=t("channels-url") hint=t("channels-url-hint") error input_type="url" value=channel.target.clone() /> }.into_any()
    } else {
        view! { <TextField name="recipients" label=t("channels-recipients") hint=t("channels-recipients-hint") error value=channel.target.clone() /> }.into_any()
    };
    view! {
        <section node_ref=node class="key-action" aria-labelledby="edit-channel-heading">
            <ActionForm action=action attr:class="card form">
                <h2 id="edit-channel-heading">{t_text("channels-edit-title", "name", &channel.name)}</h2>
                <p class="muted">{t_args("channels-kind-is", &[("kind", &channel.kind.label())])}</p>
                <FormAlert error />
                <input type="hidden" name="channel_id" value=channel.channel_id.to_string() />
                <TextField name="name" label=t("field-name") error required=true value=channel.name.clone() />
                {target_field}
                <SelectField name="language" label=t("channels-language") error options=Language::options() selected=channel.language.as_str() />
                <div class="actions">
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>{t("action-save")}</button>
                    <button type="button" class="button" on:click=move |_| on_cancel.run(())>{t("action-cancel")}</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
pub(super) fn RotatePanel(
    channel: ChannelDetail,
    action: ServerAction<RotateChannelSecret>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let node = NodeRef::new();
    scroll_into_view_on_mount(node);
    view! {
        <section node_ref=node class="key-action" aria-labelledby="rotate-secret-heading">
            <ActionForm action=action attr:class="card form">
                <h2 id="rotate-secret-heading">{t_text("channels-rotate-title", "name", &channel.name)}</h2>
                <p>{t("channels-rotate-explain")}</p>
                <FormAlert error />
                <input type="hidden" name="channel_id" value=channel.channel_id.to_string() />
                <SelectField name="overlap" label=t("channels-overlap") error options=SecretOverlap::options("channels-overlap") selected=SecretOverlap::OneDay.as_str() />
                <div class="actions">
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>{t("channels-rotate-button")}</button>
                    <button type="button" class="button" on:click=move |_| on_cancel.run(())>{t("action-cancel")}</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
pub(super) fn DeletePanel(
    channel: ChannelDetail,
    action: ServerAction<DeleteChannel>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let channel_id: ChannelId = channel.channel_id;
    let node = NodeRef::new();
    scroll_into_view_on_mount(node);
    view! {
        <section node_ref=node class="key-action" aria-labelledby="delete-channel-heading">
            <h2 id="delete-channel-heading">{t_text("channels-delete-title", "name", &channel.name)}</h2>
            <TypedConfirm
                title=t("channels-delete-sure")
                warning=t("channels-delete-warning")
                prompt=t_text("channels-delete-confirm", "name", &channel.name)
                button_label=t("channels-delete-button")
                expected=channel.name.clone()
                pending=action.pending()
                open=true
                on_confirm=Callback::new(move |_| { action.dispatch(DeleteChannel { channel_id }); })
            />
            <button type="button" class="button" on:click=move |_| on_cancel.run(())>{t("action-cancel")}</button>
        </section>
    }
}

/// A channel's new signing secret, shown once, with a copy button.
#[component]
pub(super) fn IssuedSecretPanel(issued: IssuedChannelSecret, on_done: Callback<()>) -> impl IntoView {
    let node = NodeRef::new();
    scroll_into_view_on_mount(node);
    let secret = issued.secret.unwrap_or_default();
    view! {
        <section node_ref=node class="notice issued-key" aria-labelledby="issued-secret-heading" data-testid="issued-secret-panel">
            <h2 id="issued-secret-heading">{t_text("channels-secret-title", "name", &issued.channel.name)}</h2>
            <p><strong>{t("channels-secret-once")}</strong> " " {t("channels-secret-explain")}</p>
            <div class="secret-row">
                <span class="secret-label">{t("channels-secret")}</span>
                <code class="secret" data-testid="channel-secret">{secret.clone()}</code>
                <CopyButton text=secret label=t("channels-copy-secret") />
            </div>
            <button type="button" class="button" on:click=move |_| on_done.run(())>{t("channels-secret-done")}</button>
        </section>
    }
}
