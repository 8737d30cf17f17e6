//! The Data page: download the workspace's archive and follow exports as they stream. (A
//! member's archive is linked from their page, `users::views`.)

use super::api::list_exports;
use super::types::{DataExport, ExportScope, ExportStatus};
use crate::components::error_view::ErrorView;
use crate::components::page_title::PageTitle;
use crate::components::resource::page_resource;
use crate::i18n::{format_time, t, t_args};
use crate::tenants::erasure::views::WorkspaceErasureCard;
use atrium_types::plans::format_bytes;
use leptos::prelude::*;

/// Where the browser downloads a workspace's archive (an app route outside the portal's base).
pub const WORKSPACE_DOWNLOAD: &str = "/api/v1/exports/workspace";

/// How many one-second polls follow a click on a download link before the list has caught up.
const POLLS_AFTER_CLICK: u32 = 10;

#[component]
pub fn DataPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let polls_left = RwSignal::new(0u32);
    let exports = page_resource(move || version.get(), |_| list_exports());
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || {
                if polls_left.get_untracked() > 0 {
                    polls_left.update(|left| *left -= 1);
                    version.update(|v| *v += 1);
                }
            },
            std::time::Duration::from_secs(1),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    });
    view! {
        <PageTitle text=t("data-title") />
        <header class="page-header"><h1>{t("data-title")}</h1></header>
        <section class="card">
            <h2>{t("data-export-title")}</h2>
            <p class="muted">{t("data-export-intro")}</p>
            <a class="button primary" href=WORKSPACE_DOWNLOAD download="" data-testid="export-workspace"
                on:click=move |_| polls_left.set(POLLS_AFTER_CLICK)>
                {t("data-export-button")}
            </a>
        </section>
        <section class="card">
            <h2>{t("data-exports-recent")}</h2>
            <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
                {move || Suspend::new(async move {
                    match exports.await {
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                        Ok(list) => {
                            if list.iter().any(|e| e.status == ExportStatus::Running) {
                                polls_left.update(|left| *left = (*left).max(2));
                            }
                            view! { <ExportTable list /> }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
        <section class="card">
            <h2>{t("data-erase-title")}</h2>
            <p class="muted">{t("data-erase-intro")}</p>
        </section>
        <WorkspaceErasureCard />
    }
}

#[component]
fn ExportTable(list: Vec<DataExport>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="muted">{t("data-exports-none")}</p> }.into_any();
    }
    view! {
        <table class="table" data-testid="exports">
            <thead><tr>
                <th>{t("data-export-started")}</th>
                <th>{t("data-export-scope")}</th>
                <th>{t("data-export-status")}</th>
                <th>{t("data-export-progress")}</th>
                <th class="num">{t("data-export-rows")}</th>
                <th class="num">{t("data-export-size")}</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|export| {
                    let scope = match export.scope {
                        ExportScope::Workspace => t("data-scope-workspace"),
                        ExportScope::Member(user) => t_args("data-scope-member", &[("id", &user.to_string())]),
                    };
                    let percent = export.percent();
                    let tables = t_args("data-export-tables", &[
                        ("done", &export.tables_done.to_string()),
                        ("total", &export.tables_total.to_string()),
                    ]);
                    view! {
                        <tr data-status=export.status.as_str()>
                            <td>{format_time(export.started_at)}</td>
                            <td>{scope}</td>
                            <td>
                                <span class=format!("badge {}", export.status.as_str())>{export.status.label()}</span>
                                {export.error.map(|error| view! { <span class="muted">" " {error}</span> })}
                            </td>
                            <td><progress max="100" value=percent.to_string() aria-label=tables.clone()></progress> " " {tables}</td>
                            <td class="num">{crate::i18n::format_count(export.rows_done)}</td>
                            <td class="num">{crate::i18n::format_digits(&format_bytes(export.bytes))}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
