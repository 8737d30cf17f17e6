//! Silences: create and end them.

use super::AlertsNav;
use crate::alerts::api::{CreateSilence, EndSilence, get_silences_page};
use crate::alerts::types::Silence;
use crate::components::error_view::ErrorView;
use crate::components::form::{FormAlert, SelectField, TextField};
use crate::components::page_title::PageTitle;
use crate::components::resource::page_resource;
use crate::i18n::format_time;
use crate::i18n::{t, t_args};
use leptos::prelude::*;

#[component]
pub fn SilencesPage() -> impl IntoView {
    let create = ServerAction::<CreateSilence>::new();
    let end = ServerAction::<EndSilence>::new();
    let data = page_resource(
        move || (create.version().get(), end.version().get()),
        |_| get_silences_page(),
    );
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    view! {
        <PageTitle text=t("silences-title") />
        <header class="page-header"><h1>{t("silences-title")}</h1></header>
        <AlertsNav />
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(page) => {
                        let now = chrono::Utc::now();
                        let rule_options: Vec<(String, String)> = std::iter::once((String::new(), t("silences-any-rule")))
                            .chain(page.rules.iter().map(|(id, name)| (id.to_string(), name.clone())))
                            .collect();
                        view! {
                            {page.can_manage.then(|| view! {
                                <ActionForm action=create attr:class="card form">
                                    <h2>{t("silences-new")}</h2>
                                    <FormAlert error />
                                    <SelectField name="rule_id" label=t("silences-rule") error options=rule_options />
                                    <TextField name="matchers" label=t("silences-matchers") hint=t("silences-matchers-hint") error />
                                    <TextField name="starts_at" label=t("silences-starts") hint=t("silences-starts-hint") error input_type="datetime-local" />
                                    <TextField name="duration" label=t("silences-duration") hint=t("rule-duration-hint") error value="2h" />
                                    <TextField name="comment" label=t("silences-comment") error required=true />
                                    <div class="actions"><button type="submit" class="button primary" disabled=move || create.pending().get()>{t("silences-create")}</button></div>
                                </ActionForm>
                            })}
                            {if page.silences.is_empty() {
                                view! { <p class="card muted">{t("silences-none")}</p> }.into_any()
                            } else {
                                let can_manage = page.can_manage;
                                view! {
                                    <table class="data silences" aria-label=t("silences-title")>
                                        <thead><tr>
                                            <th scope="col">{t("field-status")}</th>
                                            <th scope="col">{t("silences-target")}</th>
                                            <th scope="col">{t("silences-window")}</th>
                                            <th scope="col">{t("silences-comment")}</th>
                                            <th scope="col"><span class="visually-hidden">{t("alerts-actions")}</span></th>
                                        </tr></thead>
                                        <tbody>
                                            {page.silences.into_iter().map(|silence| view! { <SilenceLine silence now can_manage end /> }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn SilenceLine(
    silence: Silence,
    now: chrono::DateTime<chrono::Utc>,
    can_manage: bool,
    end: ServerAction<EndSilence>,
) -> impl IntoView {
    let status = if silence.is_active(now) {
        "active"
    } else if silence.starts_at > now {
        "scheduled"
    } else {
        "ended"
    };
    let id = silence.silence_id;
    let target = {
        let mut parts = Vec::new();
        if let Some(name) = &silence.rule_name {
            parts.push(t_args("silences-rule-named", &[("name", name)]));
        }
        parts.extend(
            silence
                .matchers
                .iter()
                .map(|m| format!("{}{}{}", m.label, m.op.as_str(), m.value)),
        );
        parts.join(", ")
    };
    view! {
        <tr>
            <td><span class=format!("badge silence {status}")>{t(&format!("silence-{status}"))}</span></td>
            <td>{target}</td>
            <td>{format_time(silence.starts_at)} " – " {format_time(silence.ends_at)}</td>
            <td>{silence.comment.clone()} <div class="muted small">{silence.created_by_name.clone()}</div></td>
            <td>{(can_manage && status != "ended").then(|| view! {
                <button type="button" class="button" on:click=move |_| { end.dispatch(EndSilence { silence_id: id }); }>{t("silences-end")}</button>
            })}</td>
        </tr>
    }
}
