//! The Channels page (`/alerts/channels`): a tenant's channels with their state, creating and
//! editing them, the signing secret shown once (at creation and rotation), "send test", turning
//! channels off and on, and the delivery log with its attempts and a replay for failed ones.
//! Also the delivery table the alert page embeds and the home page's warning about channels the
//! server turned off.

use super::api::{
    CreateChannel, DeleteChannel, ReplayDelivery, RotateChannelSecret, SendChannelTest, SetChannelEnabled,
    UpdateChannel, get_channel_warnings, get_channels_page,
};
use super::types::{
    AttemptSummary, ChannelDetail, ChannelKind, ChannelWarning, ChannelsPage as PageData, DeliveryStatus,
    DeliverySummary, DisabledReason, IssuedChannelSecret, SecretOverlap, TestResult,
};
use crate::components::confirm::TypedConfirm;
use crate::components::copy::CopyButton;
use crate::components::error_view::ErrorView;
use crate::components::form::{FormAlert, SelectField, TextField};
use crate::components::hooks::{use_can, use_current_user};
use crate::components::page_title::PageTitle;
use crate::components::scroll::scroll_into_view_on_mount;
use crate::components::toast::use_toaster;
use crate::i18n::{t, t_args};
use crate::ids::ChannelId;
use crate::permissions::types::Permission;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Where the page lives (the alerts area).
pub const PATH: &str = "/alerts/channels";

/// Delivery times need seconds; always UTC so hydration agrees with the server.
fn format_instant(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// `t_args` with one argument that is user text (kept as typed, never read as a number).
fn t_text(key: &str, arg: &str, text: &str) -> String {
    const MARK: char = '\u{1}';
    t_args(key, &[(arg, &MARK.to_string())]).replace(MARK, text)
}

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
    let filter = Memo::new(move |_| {
        let query = query.read();
        (
            query.get("channel_id").unwrap_or_default(),
            query.get("status").unwrap_or_default(),
        )
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
    let page = Resource::new(
        move || (filter.get(), is_platform.get(), changed.get()),
        |((channel_id, status), platform, _)| async move {
            if platform {
                Ok(None)
            } else {
                get_channels_page(channel_id, status).await.map(Some)
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
            <DeliveryTable deliveries=data.deliveries replay=replay />
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

/// Channels the server turned off, with a way back on (when `reenable` is given).
#[component]
fn ChannelWarningList(
    warnings: Vec<ChannelWarning>,
    reenable: Option<ServerAction<SetChannelEnabled>>,
) -> impl IntoView {
    (!warnings.is_empty()).then(|| {
        view! {
            <section class="notice warning channel-warnings" role="alert" aria-labelledby="channel-warnings-heading">
                <h2 id="channel-warnings-heading">{t("channels-warning-title")}</h2>
                <ul>
                    {warnings.into_iter().map(|warning| {
                        let channel_id = warning.channel_id;
                        let text = warning_text(&warning);
                        let label = t_text("channels-reenable-named", "name", &warning.name);
                        view! {
                            <li>
                                {text} " "
                                {match reenable {
                                    Some(action) => view! {
                                        <button type="button" class="button" aria-label=label
                                            disabled=move || action.pending().get()
                                            on:click=move |_| {
                                                action.dispatch(SetChannelEnabled { channel_id, enabled: "true".into() });
                                            }>
                                            {t("channels-reenable")}
                                        </button>
                                    }.into_any(),
                                    None => view! { <a href=PATH>{t("channels-review")}</a> }.into_any(),
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

fn warning_text(warning: &ChannelWarning) -> String {
    let when = warning.disabled_at.map(format_instant).unwrap_or_default();
    let key = match warning.reason {
        DisabledReason::Gone => "channels-warning-gone",
        _ => "channels-warning-failing",
    };
    t_args(key, &[("time", &when), ("name", "\u{1}")]).replace('\u{1}', &warning.name)
}

/// The home page's warning about channels the server turned off, for those who manage channels.
/// Creates its own resource: place it outside any `Suspend`.
#[component]
pub fn ChannelWarningBanner() -> impl IntoView {
    let can = use_can(Permission::NotificationsManageChannels);
    let warnings = Resource::new(
        move || can.get(),
        |can| async move {
            if can {
                get_channel_warnings().await.unwrap_or_default()
            } else {
                Vec::new()
            }
        },
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let warnings = warnings.await;
                view! { <ChannelWarningList warnings reenable=None /> }
            })}
        </Transition>
    }
}

/// Deliveries with their attempts, newest first; with `replay`, failed ones get a Replay button.
#[component]
pub fn DeliveryTable(
    deliveries: Vec<DeliverySummary>,
    #[prop(optional)] replay: Option<ServerAction<ReplayDelivery>>,
) -> impl IntoView {
    if deliveries.is_empty() {
        return view! { <p class="muted">{t("deliveries-none")}</p> }.into_any();
    }
    view! {
        <table class="data deliveries">
            <caption class="visually-hidden">{t("deliveries-title")}</caption>
            <thead>
                <tr>
                    <th scope="col">{t("field-created")}</th>
                    <th scope="col">{t("deliveries-channel")}</th>
                    <th scope="col">{t("deliveries-event")}</th>
                    <th scope="col">{t("field-status")}</th>
                    <th scope="col">{t("deliveries-attempts")}</th>
                    <th scope="col">{t("deliveries-last-code")}</th>
                    <th scope="col">{t("deliveries-latency")}</th>
                    <th scope="col">{t("deliveries-response")}</th>
                    <th scope="col">{t("deliveries-next")}</th>
                    {replay.is_some().then(|| view! { <th scope="col"><span class="visually-hidden">{t("channels-actions")}</span></th> })}
                </tr>
            </thead>
            <tbody>
                {deliveries.into_iter().map(|delivery| view! { <DeliveryRow delivery replay /> }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn DeliveryRow(delivery: DeliverySummary, replay: Option<ServerAction<ReplayDelivery>>) -> impl IntoView {
    let delivery_id = delivery.delivery_id;
    let response = delivery
        .last_error
        .clone()
        .or_else(|| delivery.last_response().map(str::to_owned));
    let attempts = delivery.attempt_log.clone();
    let count = if delivery.replays > 0 {
        t_args(
            "deliveries-attempts-replayed",
            &[
                ("count", &delivery.attempts.to_string()),
                ("replays", &delivery.replays.to_string()),
            ],
        )
    } else {
        delivery.attempts.to_string()
    };
    let failed = delivery.status == DeliveryStatus::Failed;
    let replay_label = t_text("deliveries-replay-named", "title", &delivery.title);
    view! {
        <tr data-delivery=delivery_id.to_string()>
            <td>{format_instant(delivery.created_at)}</td>
            <td>{delivery.channel_name.clone()}</td>
            <td><code>{delivery.event_type.clone()}</code><div class="muted small">{delivery.title.clone()}</div></td>
            <td><span class=format!("badge delivery-{}", delivery.status.as_str())>{delivery.status.label()}</span></td>
            <td>
                {if attempts.is_empty() {
                    view! { <span>{count}</span> }.into_any()
                } else {
                    view! {
                        <details>
                            <summary>{count}</summary>
                            <AttemptLog attempts />
                        </details>
                    }.into_any()
                }}
            </td>
            <td class="num">{delivery.last_status_code.map(|c| c.to_string()).unwrap_or_default()}</td>
            <td class="num">{delivery.last_latency_ms.map(|ms| t_args("deliveries-ms", &[("ms", &ms.to_string())])).unwrap_or_default()}</td>
            <td class="response">{response.map(|text| view! { <code class="excerpt">{text}</code> })}</td>
            <td>{delivery.next_attempt_at.map(format_instant).unwrap_or_default()}</td>
            {replay.map(|action| view! {
                <td>{failed.then(|| view! {
                    <button type="button" class="button" aria-label=replay_label
                        disabled=move || action.pending().get()
                        on:click=move |_| { action.dispatch(ReplayDelivery { delivery_id }); }>
                        {t("deliveries-replay")}
                    </button>
                })}</td>
            })}
        </tr>
    }
}

#[component]
fn AttemptLog(attempts: Vec<AttemptSummary>) -> impl IntoView {
    view! {
        <table class="data attempts">
            <thead>
                <tr>
                    <th scope="col">"#"</th>
                    <th scope="col">{t("deliveries-attempt-time")}</th>
                    <th scope="col">{t("deliveries-attempt-outcome")}</th>
                    <th scope="col">{t("deliveries-last-code")}</th>
                    <th scope="col">{t("deliveries-latency")}</th>
                    <th scope="col">{t("deliveries-response")}</th>
                </tr>
            </thead>
            <tbody>
                {attempts.into_iter().map(|attempt| view! {
                    <tr>
                        <td class="num">{attempt.attempt}</td>
                        <td>{format_instant(attempt.started_at)}</td>
                        <td>{attempt.outcome.label()}</td>
                        <td class="num">{attempt.status_code.map(|c| c.to_string()).unwrap_or_default()}</td>
                        <td class="num">{t_args("deliveries-ms", &[("ms", &attempt.latency_ms.to_string())])}</td>
                        <td class="response">
                            {attempt.error.map(|error| view! { <div>{error}</div> })}
                            {attempt.response_excerpt.map(|text| view! { <code class="excerpt">{text}</code> })}
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// True once the page is hydrated (never during server rendering or the hydration pass, so both
/// render the same): lets forms hide fields that only matter with script running.
fn use_hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}

#[component]
fn CreateChannelForm(action: ServerAction<CreateChannel>, form: NodeRef<leptos::html::Form>) -> impl IntoView {
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
                <div class="actions">
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>{t("channels-create")}</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn EditPanel(channel: ChannelDetail, action: ServerAction<UpdateChannel>, on_cancel: Callback<()>) -> impl IntoView {
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
                <div class="actions">
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>{t("action-save")}</button>
                    <button type="button" class="button" on:click=move |_| on_cancel.run(())>{t("action-cancel")}</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn RotatePanel(
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
fn DeletePanel(channel: ChannelDetail, action: ServerAction<DeleteChannel>, on_cancel: Callback<()>) -> impl IntoView {
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
fn IssuedSecretPanel(issued: IssuedChannelSecret, on_done: Callback<()>) -> impl IntoView {
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
