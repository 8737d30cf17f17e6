//! The Channels page: the tenant's notification channels with their status, test sends and the delivery log.

use super::{
    PATH, channel_forms::CreateChannelForm, channel_forms::DeletePanel, channel_forms::EditPanel,
    channel_forms::IssuedSecretPanel, channel_forms::RotatePanel, deliveries::DeliveryTable,
    warnings::ChannelWarningList,
};
use crate::components::error_view::ErrorView;
use crate::components::hooks::use_current_user;
use crate::components::page_title::PageTitle;
use crate::components::resource::page_resource;
use crate::components::table::{PageAt, Pager, href_with};
use crate::components::toast::use_toaster;
use crate::i18n::{format_instant, t, t_args, t_text};
use crate::notifications::api::{
    CreateChannel, DeleteChannel, ReplayDelivery, RotateChannelSecret, SendChannelTest, SetChannelEnabled,
    UpdateChannel, get_channels_page,
};
use crate::notifications::types::{
    ChannelDetail, ChannelWarning, ChannelsPage as PageData, DeliveryStatus, IssuedChannelSecret, TestResult,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The status words of a channel: on, off (with why), failing since.
fn channel_status(channel: &ChannelDetail) -> (String, &'static str) {
    match (channel.enabled, channel.disabled_reason) {
        (true, _) => (t("channels-status-on"), "active"),
        (false, Some(reason)) => (
            t_args("channels-status-off", &[("reason", &reason.label())]),
            "disabled",
        ),
        (false, None) => (t("channels-status-off-plain"), "disabled"),
    }
}

#[component]
pub fn ChannelsPage() -> impl IntoView {
    let query = use_query_map();
    let log_query = Memo::new(move |_| {
        let query = query.read();
        let param = |name: &str| query.get(name).unwrap_or_default();
        LogQuery {
            channel_id: param("channel_id"),
            status: param("status"),
            after: param("after"),
            before: param("before"),
            page: param("page").parse().unwrap_or(1),
        }
    });
    let user = use_current_user();
    let is_platform = Signal::derive(move || user.get().is_some_and(|u| u.is_platform));
    let create = ServerAction::<CreateChannel>::new();
    let update = ServerAction::<UpdateChannel>::new();
    let delete = ServerAction::<DeleteChannel>::new();
    let set_enabled = ServerAction::<SetChannelEnabled>::new();
    let rotate = ServerAction::<RotateChannelSecret>::new();
    let send_test = ServerAction::<SendChannelTest>::new();
    let replay = ServerAction::<ReplayDelivery>::new();
    // Bumped after each successful change, so a refused form does not reload the page's data.
    let changed = RwSignal::new(0u32);
    let page = page_resource(
        move || (log_query.get(), is_platform.get(), changed.get()),
        |(log, platform, _)| async move {
            if platform {
                Ok(None)
            } else {
                get_channels_page(log.channel_id, log.status, log.after, log.before, log.page)
                    .await
                    .map(Some)
            }
        },
    );
    // The newest secret issued on this page, shown until dismissed; only in this page's memory.
    let issued = RwSignal::new(None::<IssuedChannelSecret>);
    let editing = RwSignal::new(None::<ChannelDetail>);
    let rotating = RwSignal::new(None::<ChannelDetail>);
    let deleting = RwSignal::new(None::<ChannelDetail>);
    // The latest "send test" answer per channel, shown next to it.
    let tests = RwSignal::new(Vec::<TestResult>::new());
    let toaster = use_toaster();
    let create_form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(created)) = create.value().get() {
            changed.update(|n| *n += 1);
            toaster.success(t_text("channels-created", "name", &created.channel.name));
            if created.secret.is_some() {
                issued.set(Some(created));
            }
            #[cfg(feature = "hydrate")]
            if let Some(form) = create_form.get_untracked() {
                form.reset();
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(channel)) = update.value().get() {
            editing.set(None);
            changed.update(|n| *n += 1);
            toaster.success(t_text("channels-updated", "name", &channel.name));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(key)) = rotate.value().get() {
            rotating.set(None);
            issued.set(Some(key));
            changed.update(|n| *n += 1);
            toaster.success(t("channels-rotated"));
        }
    });
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(())) => {
            deleting.set(None);
            changed.update(|n| *n += 1);
            toaster.success(t("channels-deleted"));
        }
        Some(Err(error)) => toaster.error(error.to_string()),
        None => {}
    });
    Effect::new(move |_| match set_enabled.value().get() {
        Some(Ok(channel)) => {
            changed.update(|n| *n += 1);
            toaster.success(t_text(
                if channel.enabled {
                    "channels-turned-on"
                } else {
                    "channels-turned-off"
                },
                "name",
                &channel.name,
            ));
        }
        Some(Err(error)) => toaster.error(error.to_string()),
        None => {}
    });
    Effect::new(move |_| match send_test.value().get() {
        Some(Ok(result)) => {
            tests.update(|tests| {
                tests.retain(|known| known.channel_id != result.channel_id);
                tests.push(result);
            });
            changed.update(|n| *n += 1);
        }
        Some(Err(error)) => toaster.error(error.to_string()),
        None => {}
    });
    Effect::new(move |_| match replay.value().get() {
        Some(Ok(_)) => {
            changed.update(|n| *n += 1);
            toaster.success(t("deliveries-replayed"));
        }
        Some(Err(error)) => toaster.error(error.to_string()),
        None => {}
    });
    let actions = ChannelActions {
        editing,
        rotating,
        deleting,
        set_enabled,
        send_test,
        tests,
    };
    view! {
        <PageTitle text=t("channels-title") />
        <header class="page-header"><h1>{t("channels-title")}</h1></header>
        {move || issued.get().map(|issued_secret| view! {
            <IssuedSecretPanel issued=issued_secret on_done=Callback::new(move |()| issued.set(None)) />
        })}
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(None) => view! { <p class="notice">{t("channels-platform")}</p> }.into_any(),
                    Ok(Some(data)) => view! { <PageBody data actions replay /> }.into_any(),
                }
            })}
        </Transition>
        {move || editing.get().map(|channel| view! {
            <EditPanel channel action=update on_cancel=Callback::new(move |()| editing.set(None)) />
        })}
        {move || rotating.get().map(|channel| view! {
            <RotatePanel channel action=rotate on_cancel=Callback::new(move |()| rotating.set(None)) />
        })}
        {move || deleting.get().map(|channel| view! {
            <DeletePanel channel action=delete on_cancel=Callback::new(move |()| deleting.set(None)) />
        })}
        <Show when=move || !is_platform.get()>
            <CreateChannelForm action=create form=create_form />
        </Show>
    }
}

/// The delivery log's place as the page's URL has it: its filter and the page's cursor.
#[derive(Debug, Clone, PartialEq)]
struct LogQuery {
    channel_id: String,
    status: String,
    after: String,
    before: String,
    page: u32,
}

/// The page's row controls, passed down as one bundle.
#[derive(Clone, Copy)]
struct ChannelActions {
    editing: RwSignal<Option<ChannelDetail>>,
    rotating: RwSignal<Option<ChannelDetail>>,
    deleting: RwSignal<Option<ChannelDetail>>,
    set_enabled: ServerAction<SetChannelEnabled>,
    send_test: ServerAction<SendChannelTest>,
    tests: RwSignal<Vec<TestResult>>,
}

#[component]
fn PageBody(data: PageData, actions: ChannelActions, replay: ServerAction<ReplayDelivery>) -> impl IntoView {
    let warnings: Vec<ChannelWarning> = data
        .channels
        .iter()
        .filter_map(|channel| {
            let reason = channel.disabled_reason.filter(|r| r.is_automatic())?;
            Some(ChannelWarning {
                channel_id: channel.channel_id,
                name: channel.name.clone(),
                reason,
                disabled_at: channel.disabled_at,
            })
        })
        .collect();
    let channel_options: Vec<(String, String)> = data
        .channels
        .iter()
        .map(|c| (c.channel_id.to_string(), c.name.clone()))
        .collect();
    let filter = data.filter.clone();
    // Pager links keep the log's filter.
    let log_href = {
        let filter = filter.clone();
        Callback::new(move |at: PageAt| {
            let mut parts = Vec::new();
            if let Some(channel_id) = filter.channel_id {
                parts.push(format!("channel_id={channel_id}"));
            }
            if let Some(status) = filter.status {
                parts.push(format!("status={}", status.as_str()));
            }
            parts.extend(at.query_parts());
            href_with(PATH, &parts)
        })
    };
    let email_note =
        (!data.email_available).then(|| view! { <p class="muted small">{t("channels-email-unavailable")}</p> });
    view! {
        <ChannelWarningList warnings reenable=Some(actions.set_enabled) />
        <section aria-labelledby="channels-heading">
            <h2 id="channels-heading">{t("channels-list")}</h2>
            {email_note}
            {if data.channels.is_empty() {
                view! { <p class="muted">{t("channels-none")}</p> }.into_any()
            } else {
                view! {
                    <table class="data channels" aria-labelledby="channels-heading">
                        <thead>
                            <tr>
                                <th scope="col">{t("field-name")}</th>
                                <th scope="col">{t("channels-kind")}</th>
                                <th scope="col">{t("channels-target")}</th>
                                <th scope="col">{t("field-status")}</th>
                                <th scope="col"><span class="visually-hidden">{t("channels-actions")}</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {data.channels.into_iter().map(|channel| view! { <ChannelRow channel actions /> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
        <section aria-labelledby="log-heading">
            <h2 id="log-heading">{t("deliveries-title")}</h2>
            <form method="get" action=PATH class="list-controls">
                <div class="field inline">
                    <label for="log-channel">{t("deliveries-channel")}</label>
                    <select id="log-channel" name="channel_id">
                        <option value="">{t("deliveries-all-channels")}</option>
                        {channel_options.into_iter().map(|(value, name)| {
                            let selected = filter.channel_id.map(|id| id.to_string()) == Some(value.clone());
                            view! { <option value=value selected=selected>{name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field inline">
                    <label for="log-status">{t("field-status")}</label>
                    <select id="log-status" name="status">
                        <option value="">{t("deliveries-all-statuses")}</option>
                        {DeliveryStatus::ALL.into_iter().map(|status| {
                            let selected = filter.status == Some(status);
                            view! { <option value=status.as_str() selected=selected>{status.label()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button">{t("deliveries-filter")}</button>
            </form>
            <DeliveryTable deliveries=data.deliveries.items.clone() replay=replay />
            <Pager nav=data.deliveries.nav() href=log_href label=t("deliveries-pagination") />
        </section>
    }
}

#[component]
fn ChannelRow(channel: ChannelDetail, actions: ChannelActions) -> impl IntoView {
    let channel_id = channel.channel_id;
    let (status, status_class) = channel_status(&channel);
    let failing = channel
        .failing_since
        .filter(|_| channel.enabled)
        .map(|since| view! { <div class="muted small">{t_args("channels-failing-since", &[("time", &format_instant(since))])}</div> });
    let overlap = channel
        .previous_secret_until
        .map(|until| view! { <div class="muted small">{t_args("channels-overlap-until", &[("time", &format_instant(until))])}</div> });
    let test_label = t_text("channels-test-named", "name", &channel.name);
    let edit_label = t_text("channels-edit-named", "name", &channel.name);
    let rotate_label = t_text("channels-rotate-named", "name", &channel.name);
    let delete_label = t_text("channels-delete-named", "name", &channel.name);
    let toggle_label = t_text(
        if channel.enabled {
            "channels-turn-off-named"
        } else {
            "channels-turn-on-named"
        },
        "name",
        &channel.name,
    );
    let enabled = channel.enabled;
    let (for_edit, for_rotate, for_delete) = (channel.clone(), channel.clone(), channel.clone());
    let log_href = format!("{PATH}?channel_id={channel_id}");
    let send_test = actions.send_test;
    let set_enabled = actions.set_enabled;
    let result = move || {
        actions
            .tests
            .get()
            .into_iter()
            .find(|result| result.channel_id == channel_id)
    };
    view! {
        <tr data-channel=channel_id.to_string()>
            <td>{channel.name.clone()}</td>
            <td>{channel.kind.label()}</td>
            <td><code class="target">{channel.target_display.clone()}</code></td>
            <td>
                <span class=format!("badge {status_class}")>{status}</span>
                {failing}
                {overlap}
                <div role="status" aria-live="polite" data-testid="test-result">
                    {move || result().map(|result| view! { <TestResultLine result /> })}
                </div>
            </td>
            <td><div class="row-actions">
                {enabled.then(|| view! {
                    <button type="button" class="button" aria-label=test_label
                        disabled=move || send_test.pending().get()
                        on:click=move |_| { send_test.dispatch(SendChannelTest { channel_id }); }>
                        {t("channels-test")}
                    </button>
                })}
                <a class="button" href=log_href>{t("channels-deliveries")}</a>
                <button type="button" class="button" aria-label=edit_label
                    on:click=move |_| actions.editing.set(Some(for_edit.clone()))>
                    {t("action-edit")}
                </button>
                {channel.signed.then(|| view! {
                    <button type="button" class="button" aria-label=rotate_label
                        on:click=move |_| actions.rotating.set(Some(for_rotate.clone()))>
                        {t("channels-rotate")}
                    </button>
                })}
                <button type="button" class="button" aria-label=toggle_label
                    disabled=move || set_enabled.pending().get()
                    on:click=move |_| {
                        set_enabled.dispatch(SetChannelEnabled { channel_id, enabled: (!enabled).to_string() });
                    }>
                    {t(if enabled { "channels-turn-off" } else { "channels-turn-on" })}
                </button>
                <button type="button" class="button danger-outline" aria-label=delete_label
                    on:click=move |_| actions.deleting.set(Some(for_delete.clone()))>
                    {t("action-delete")}
                </button>
            </div></td>
        </tr>
    }
}

/// One line about a test's outcome: delivered with code and time, or why it failed.
#[component]
fn TestResultLine(result: TestResult) -> impl IntoView {
    let code = result
        .status_code
        .map(|code| code.to_string())
        .unwrap_or_else(|| "—".into());
    let ms = result.latency_ms.map(|ms| ms.to_string()).unwrap_or_else(|| "—".into());
    let text = match result.status {
        DeliveryStatus::Delivered => t_args("channels-test-delivered", &[("code", &code), ("ms", &ms)]),
        DeliveryStatus::Pending => t("channels-test-pending"),
        DeliveryStatus::Failed => t_text(
            "channels-test-failed",
            "error",
            &result.error.clone().unwrap_or_else(|| code.clone()),
        ),
    };
    view! { <span class=format!("test-result {}", result.status.as_str())>{text}</span> }
}
