//! The dashboard's firing-alerts card.

use super::{follow_alert_changes, severity_label};
use crate::alerts::api::get_firing_counts;
use crate::alerts::types::Severity;
use crate::components::error_view::ErrorView;
use crate::components::hooks::use_can;
use crate::components::link::A;
use crate::components::resource::page_resource;
use crate::i18n::t_args;
use crate::permissions::types::Permission;
use leptos::prelude::*;

/// The dashboard's card: firing alerts per severity, linking to the alerts page.
#[component]
pub fn FiringAlertsCard() -> impl IntoView {
    let can_read = use_can(Permission::AlertsRead);
    let user = crate::components::hooks::use_current_user();
    let tenant_user = Signal::derive(move || user.get().is_some_and(|u| !u.is_platform));
    // Only people who see the card follow alert changes: a platform administrator's overview
    // opens no socket for it.
    let live = if can_read.get_untracked() && tenant_user.get_untracked() {
        follow_alert_changes()
    } else {
        Signal::stored((0, 0))
    };
    let counts = page_resource(
        move || (can_read.get() && tenant_user.get(), live.get()),
        |(wanted, _)| async move {
            if wanted {
                get_firing_counts().await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match counts.await {
                    Ok(Some(counts)) => {
                        let total = counts.total();
                        view! {
                            <section class="card firing-alerts" aria-labelledby="firing-heading">
                                <h2 id="firing-heading"><A href="/alerts">{t_args("home-firing", &[("count", &total.to_string())])}</A></h2>
                                <ul class="figures">
                                    {Severity::ALL.iter().map(|severity| {
                                        let n = counts.by_severity.iter().find(|(s, _)| s == severity).map_or(0, |(_, n)| *n);
                                        view! {
                                            <li class=format!("figure severity {}", severity.as_str()) data-testid=format!("firing-{}", severity.as_str())>
                                                <span class="value">{crate::i18n::format_count(n)}</span>
                                                <span class="label">{severity_label(*severity)}</span>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </section>
                        }.into_any()
                    }
                    Ok(None) => ().into_any(),
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                }
            })}
        </Transition>
    }
}
