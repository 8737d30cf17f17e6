//! The delivery log: each notification sent, its attempts, and replay.

use crate::i18n::{format_count, format_instant, t, t_args, t_text};
use crate::notifications::api::ReplayDelivery;
use crate::notifications::types::{AttemptSummary, DeliveryStatus, DeliverySummary};
use leptos::prelude::*;

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
        format_count(i64::from(delivery.attempts))
    };
    let failed = delivery.status == DeliveryStatus::Failed;
    let replay_label = t_text("deliveries-replay-named", "title", &delivery.title);
    view! {
        <tr data-delivery=delivery_id.to_string()>
            <td>{format_instant(delivery.created_at)}</td>
            <td>{delivery.channel_name.clone()}</td>
            <td><code>{delivery.event_type.clone()}</code><div class="muted small" dir="auto">{delivery.title.clone()}</div></td>
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
            <td class="response">{response.map(|text| view! { <code class="excerpt" tabindex="0">{text}</code> })}</td>
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
                        <td class="num">{format_count(i64::from(attempt.attempt))}</td>
                        <td>{format_instant(attempt.started_at)}</td>
                        <td>{attempt.outcome.label()}</td>
                        <td class="num">{attempt.status_code.map(|c| c.to_string()).unwrap_or_default()}</td>
                        <td class="num">{t_args("deliveries-ms", &[("ms", &attempt.latency_ms.to_string())])}</td>
                        <td class="response">
                            {attempt.error.map(|error| view! { <div>{error}</div> })}
                            {attempt.response_excerpt.map(|text| view! { <code class="excerpt" tabindex="0">{text}</code> })}
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
