//! The banner warning about channels that stopped delivering or whose secret is about to change.

use super::PATH;
use crate::components::hooks::use_can;
use crate::components::resource::page_resource;
use crate::i18n::{format_instant, t, t_args, t_text};
use crate::notifications::api::{SetChannelEnabled, get_channel_warnings};
use crate::notifications::types::{ChannelWarning, DisabledReason};
use crate::permissions::types::Permission;
use leptos::prelude::*;

/// Channels the server turned off, with a way back on (when `reenable` is given).
#[component]
pub(super) fn ChannelWarningList(
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
                                    None => view! { <crate::components::link::A href=PATH>{t("channels-review")}</crate::components::link::A> }.into_any(),
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
    let warnings = page_resource(
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
