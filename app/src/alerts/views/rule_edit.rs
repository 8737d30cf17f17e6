//! The rule editor, with a replay over the last 24 hours.

use super::channel_picker::ChannelPicker;
use super::{AlertsNav, severity_label};
use crate::alerts::api::{RuleFormOutcome, SaveRule, get_rule_form};
use crate::alerts::types::{
    Aggregation, Backtest, Comparison, NoDataPolicy, RuleFormData, Severity, format_duration, format_label_set,
    format_number,
};
use crate::components::error_view::ErrorView;
use crate::components::form::{FormAlert, SelectField, TextField};
use crate::components::hooks::use_feature;
use crate::components::link::A;
use crate::components::page_title::PageTitle;
use crate::components::resource::page_resource;
use crate::i18n::format_time;
use crate::i18n::{t, t_args};
use crate::ids::AlertRuleId;
use crate::plans::types::Feature;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn RuleEditPage() -> impl IntoView {
    let params = use_params_map();
    let rule_id = Memo::new(move |_| {
        params
            .read()
            .get("rule_id")
            .and_then(|id| id.parse::<AlertRuleId>().ok())
    });
    let data = page_resource(move || rule_id.get(), get_rule_form);
    view! {
        <PageTitle text=t("rule-edit-title") />
        <AlertsNav />
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(form) => view! { <RuleForm data=form /> }.into_any(),
                }
            })}
        </Transition>
    }
}

pub(super) fn options<T: Copy>(
    all: &[T],
    value: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> String,
) -> Vec<(String, String)> {
    all.iter().map(|item| (value(*item).to_owned(), label(*item))).collect()
}

#[component]
fn RuleForm(data: RuleFormData) -> impl IntoView {
    let save = ServerAction::<SaveRule>::new();
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let tested = Signal::derive(move || match save.value().get() {
        Some(Ok(RuleFormOutcome::Tested(backtest))) => Some(backtest),
        _ => None,
    });
    let spec = data.rule.as_ref().map(|r| r.spec.clone());
    let heading = match &spec {
        Some(spec) => t_args("rule-edit-heading", &[("name", &spec.name)]),
        None => t("rule-new-heading"),
    };
    let mut metrics = data.metrics.clone();
    if let Some(spec) = &spec
        && !metrics.contains(&spec.metric)
    {
        metrics.insert(0, spec.metric.clone());
    }
    let metric_options: Vec<(String, String)> = metrics.iter().map(|m| (m.clone(), m.clone())).collect();
    let value = {
        let spec = spec.clone();
        move |f: &dyn Fn(&crate::alerts::types::RuleSpec) -> String, default: &str| -> String {
            spec.as_ref().map_or_else(|| default.to_owned(), f)
        }
    };
    let steps: Vec<(String, Vec<crate::ids::ChannelId>)> = (0..3)
        .map(|i| {
            spec.as_ref()
                .and_then(|s| {
                    let mut sorted = s.escalation.clone();
                    sorted.sort_by_key(|step| step.after_s);
                    sorted.get(i).cloned()
                })
                .map_or((String::new(), Vec::new()), |step| {
                    (format_duration(step.after_s), step.channel_ids)
                })
        })
        .collect();
    let chosen = spec.as_ref().map(|s| s.channel_ids.clone()).unwrap_or_default();
    let channels = data.channels.clone();
    let more_channels = data.more_channels;
    let no_metrics = data.metrics.is_empty() && spec.is_none();
    // Plan features: what the workspace's plan leaves out is not offered, unless the rule
    // already uses it (saving it then explains why it is refused).
    let anomaly_on = use_feature(Feature::AnomalyDetection).get_untracked()
        || spec.as_ref().is_some_and(|s| s.comparison == Comparison::Anomaly);
    let escalation_on =
        use_feature(Feature::Escalation).get_untracked() || spec.as_ref().is_some_and(|s| !s.escalation.is_empty());
    let comparisons: Vec<Comparison> = Comparison::ALL
        .iter()
        .copied()
        .filter(|c| anomaly_on || *c != Comparison::Anomaly)
        .collect();
    view! {
        <section aria-labelledby="rule-form-heading">
            <ActionForm action=save attr:class="card form wide rule-form">
                <h1 id="rule-form-heading">{heading}</h1>
                <FormAlert error />
                {no_metrics.then(|| view! { <p class="notice">{t("rule-no-metrics")}</p> })}
                <input type="hidden" name="rule_id" value=data.rule.as_ref().map(|r| r.rule_id.to_string()).unwrap_or_default() />
                <TextField name="name" label=t("field-name") error required=true value=value(&|s| s.name.clone(), "") />
                <TextField name="description" label=t("rule-description") error value=value(&|s| s.description.clone(), "") />
                <fieldset class="rule-condition">
                    <legend>{t("rule-condition")}</legend>
                    <SelectField name="metric" label=t("rule-metric") error options=metric_options selected=value(&|s| s.metric.clone(), "") />
                    <TextField name="series_filter" label=t("rule-series-filter") hint=t("rule-series-filter-hint") error value=value(&|s| format_label_set(&s.series_filter), "") />
                    <div class="field checkbox">
                        <input id="field-per_series" type="checkbox" name="per_series" value="on" checked=spec.as_ref().is_some_and(|s| s.per_series) />
                        <label for="field-per_series">{t("rule-per-series")}</label>
                    </div>
                    <SelectField name="aggregation" label=t("rule-aggregation") error
                        options=options(Aggregation::ALL, Aggregation::as_str, |a| t(&format!("aggregation-{}", a.as_str())))
                        selected=value(&|s| s.aggregation.as_str().to_owned(), "avg") />
                    <SelectField name="comparison" label=t("rule-comparison") error
                        options=options(&comparisons, Comparison::as_str, |c| t(&format!("comparison-{}", c.as_str())))
                        selected=value(&|s| s.comparison.as_str().to_owned(), "gt") />
                    <TextField name="threshold" label=t("rule-threshold") hint=t("rule-threshold-hint") error value=value(&|s| s.threshold.map(format_number).unwrap_or_default(), "") />
                    <TextField name="window" label=t("rule-window") hint=t("rule-duration-hint") error value=value(&|s| format_duration(s.window_s), "5m") />
                    <TextField name="pending" label=t("rule-pending") hint=t("rule-pending-hint") error value=value(&|s| format_duration(s.pending_s), "0s") />
                    <SelectField name="no_data" label=t("rule-no-data") error
                        options=options(NoDataPolicy::ALL, NoDataPolicy::as_str, |p| t(&format!("no-data-{}", p.as_str())))
                        selected=value(&|s| s.no_data.as_str().to_owned(), "no_data") />
                </fieldset>
                <fieldset>
                    <legend>{t("rule-notify")}</legend>
                    <SelectField name="severity" label=t("alerts-severity") error
                        options=options(Severity::ALL, Severity::as_str, severity_label)
                        selected=value(&|s| s.severity.as_str().to_owned(), "high") />
                    <TextField name="labels" label=t("rule-labels") hint=t("rule-labels-hint") error value=value(&|s| format_label_set(&s.labels), "") />
                    <TextField name="group_by" label=t("rule-group-by") hint=t("rule-group-by-hint") error value=value(&|s| s.group_by.join(", "), "") />
                    <ChannelPicker legend=t("rule-channels") field="channels" channels=channels.clone() chosen more=more_channels error />
                    <TextField name="cooldown" label=t("rule-cooldown") hint=t("rule-cooldown-hint") error value=value(&|s| format_duration(s.cooldown_s), "0s") />
                </fieldset>
                <fieldset hidden=!escalation_on>
                    <legend>{t("rule-escalation")}</legend>
                    <p class="hint muted">{t("rule-escalation-hint")}</p>
                    {steps.into_iter().enumerate().map(|(index, (after, chosen))| {
                        let (after_name, channels_name): (&'static str, &'static str) = match index {
                            0 => ("step1_after", "step1_channels"),
                            1 => ("step2_after", "step2_channels"),
                            _ => ("step3_after", "step3_channels"),
                        };
                        let n = (index + 1).to_string();
                        view! {
                            <div class="escalation-step">
                                <TextField name=after_name label=t_args("rule-step-after", &[("step", &n)]) error value=after />
                                <ChannelPicker legend=t_args("rule-step-channels", &[("step", &n)]) field=channels_name channels=channels.clone() chosen more=more_channels error />
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="field checkbox">
                    <input id="field-enabled" type="checkbox" name="enabled" value="on" checked=spec.as_ref().is_none_or(|s| s.enabled) />
                    <label for="field-enabled">{t("rules-enabled")}</label>
                </div>
                <div class="actions">
                    <button type="submit" name="intent" value="save" class="button primary" disabled=move || save.pending().get()>{t("rule-save")}</button>
                    <button type="submit" name="intent" value="test" class="button" disabled=move || save.pending().get()>{t("rule-test")}</button>
                    <A href="/alerts/rules" attr:class="button">{t("action-cancel")}</A>
                </div>
            </ActionForm>
            {move || tested.get().map(|backtest| view! { <BacktestResult backtest /> })}
        </section>
    }
}

#[component]
fn BacktestResult(backtest: Backtest) -> impl IntoView {
    let count = backtest.firings.len().to_string();
    view! {
        <section class="card backtest" aria-labelledby="backtest-heading" role="status">
            <h2 id="backtest-heading">{t("backtest-heading")}</h2>
            <p data-testid="backtest-summary">{t_args("backtest-summary", &[("count", &count)])}</p>
            <p class="muted small">{t_args("backtest-detail", &[
                ("evaluated", &backtest.evaluated.to_string()),
                ("peak", &backtest.peak.map(format_number).unwrap_or_else(|| "–".to_owned())),
                ("from", &format_time(backtest.from)),
            ])}</p>
            {(!backtest.firings.is_empty()).then(|| view! {
                <ul class="chips">{backtest.firings.iter().take(20).map(|at| view! { <li>{format_time(*at)}</li> }).collect_view()}</ul>
            })}
        </section>
    }
}
