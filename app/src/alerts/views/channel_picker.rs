//! The rule editor's channel chooser: checkboxes for the first channels by name and those the
//! rule names, and for a tenant with more, a search that adds any other channel as a checked box.

use crate::components::combobox::{SearchCombobox, search_fn};
use crate::components::link::A;
use crate::error::AppError;
use crate::i18n::t;
use crate::ids::ChannelId;
use crate::notifications::api::list_channels;
use crate::notifications::types::ChannelSummary;
use crate::paging::Choice;
use leptos::prelude::*;

/// A channel as a choice: its id, its name, and its kind (and "off") to tell equal names apart.
fn choice(channel: &ChannelSummary) -> Choice {
    let mut detail = channel.kind.as_str().to_owned();
    if !channel.enabled {
        detail = format!("{detail} · {}", t("channel-disabled"));
    }
    Choice {
        value: channel.channel_id.to_string(),
        label: channel.name.clone(),
        detail,
    }
}

/// Channels found by searching, each with whether its box is checked.
type Found = RwSignal<Vec<(ChannelSummary, bool)>>;

/// One channel's box, named `field[index]`. A found channel's box (`added`, its place there)
/// keeps its checked state in that list, since the found boxes are drawn again on each addition.
fn channel_box(
    field: &'static str,
    index: usize,
    channel: &ChannelSummary,
    checked: bool,
    added: Option<(Found, usize)>,
) -> AnyView {
    let on_change = move |ev: leptos::ev::Event| {
        if let Some((added, at)) = added {
            let on = event_target_checked(&ev);
            added.update(|added| {
                if let Some(entry) = added.get_mut(at) {
                    entry.1 = on;
                }
            });
        }
    };
    view! {
        <label class="check-row">
            <input type="checkbox" name=format!("{field}[{index}]") value=channel.channel_id.to_string() checked=checked on:change=on_change />
            " " {channel.name.clone()} " " <span class="muted small">{channel.kind.as_str()}</span>
            {(!channel.enabled).then(|| view! { " " <span class="badge disabled">{t("channel-disabled")}</span> })}
        </label>
    }
    .into_any()
}

/// The search input's id for a picker's form field (ids are static for the combobox).
fn search_id(field: &'static str) -> &'static str {
    match field {
        "step1_channels" => "step1_channels-search",
        "step2_channels" => "step2_channels-search",
        "step3_channels" => "step3_channels-search",
        _ => "channels-search",
    }
}

/// Channel checkboxes named `field[i]`, with the field's error under them. `channels` are
/// offered at first (checked when in `chosen`); with `more`, a search finds the tenant's others.
#[component]
pub fn ChannelPicker(
    legend: String,
    field: &'static str,
    channels: Vec<ChannelSummary>,
    chosen: Vec<ChannelId>,
    more: bool,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let message = Signal::derive(move || error.get().and_then(|e| e.field_error(field)));
    let error_id = format!("field-{field}-error");
    let described_by = error_id.clone();
    let empty = channels.is_empty();
    let first = channels.len();
    // Channels found by searching, after the first ones (so a box keeps its index, its field
    // name), with whether each is checked: they are drawn again when one is added, so their
    // state lives here rather than in the boxes.
    let added: Found = RwSignal::new(Vec::new());
    // The latest search's answers, to add the one picked with its kind and state.
    let found = RwSignal::new(Vec::<ChannelSummary>::new());
    let picked = RwSignal::new(String::new());
    let typed = RwSignal::new(String::new());
    let search = move |q: String| async move {
        let channels = list_channels(q).await?;
        found.set(channels.clone());
        Ok::<_, AppError>(channels.iter().map(choice).collect())
    };
    let offered: Vec<ChannelId> = channels.iter().map(|c| c.channel_id).collect();
    Effect::new(move |_| {
        let id = picked.get();
        if id.is_empty() {
            return;
        }
        let channel = found.with_untracked(|found| found.iter().find(|c| c.channel_id.to_string() == id).cloned());
        if let Some(channel) = channel
            && !offered.contains(&channel.channel_id)
        {
            added.update(|added| {
                if !added.iter().any(|(c, _)| c.channel_id == channel.channel_id) {
                    added.push((channel, true));
                }
            });
        }
        picked.set(String::new());
        typed.set(String::new());
    });
    let first_boxes = channels
        .into_iter()
        .enumerate()
        .map(|(index, channel)| {
            let checked = chosen.contains(&channel.channel_id);
            channel_box(field, index, &channel, checked, None)
        })
        .collect_view();
    let added_boxes = move || {
        added
            .get()
            .into_iter()
            .enumerate()
            .map(|(at, (channel, checked))| channel_box(field, first + at, &channel, checked, Some((added, at))))
            .collect_view()
    };
    let search_input = search_id(field);
    view! {
        <fieldset class="scope-picker" class:invalid=move || message.get().is_some() aria-describedby=described_by>
            <legend>{legend}</legend>
            {empty.then(|| view! {
                <p class="muted small">{t("rule-no-channels")} " " <A href="/alerts/channels">{t("alerts-nav-channels")}</A></p>
            })}
            {first_boxes}
            {added_boxes}
            {more.then(|| view! {
                <div class="field inline">
                    <label for=search_input>{t("rule-find-channel")}</label>
                    <SearchCombobox
                        id=search_input
                        value=picked
                        text=typed
                        search=search_fn(search)
                        placeholder=t("rule-find-channel-placeholder")
                    />
                </div>
            })}
            <p class="field-error" id=error_id role="alert" hidden=move || message.get().is_none()>{move || message.get()}</p>
        </fieldset>
    }
}
