//! The audit page: filters and page kept in the URL, the server-paginated trail with a
//! before/after diff per row, chain verification and CSV/JSON export of the filtered set.

use super::api::{VerifyAuditChain, list_audit_events};
use super::diff::{FieldChange, field_changes};
use super::types::{AuditEntry, AuditQuery, BrokenLink, ChainReport, ENTITY_TYPES};
use crate::components::error_view::ErrorView;
use crate::components::hooks::{use_can, use_is_platform};
use crate::components::page_title::PageTitle;
use crate::components::resource::page_resource;
use crate::components::table::{PageAt, Pager};
use crate::i18n::{format_instant, t, t_args};
use crate::paging::Choice;
use crate::paging::{PAGE_SIZES, PageNav};
use crate::permissions::types::Permission;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const PATH: &str = "/audit";

fn use_audit_query() -> Memo<AuditQuery> {
    let params = use_query_map();
    Memo::new(move |_| {
        let params = params.read();
        AuditQuery::from_params(|name| params.get(name))
    })
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_audit_query();
    let entries = page_resource(move || query.get(), |q| list_audit_events(q.to_query_string()));
    let is_platform = use_is_platform();
    let can_export = use_can(Permission::AuditExport);
    let can_retention = use_can(Permission::SettingsUpdate);
    let verify = ServerAction::<VerifyAuditChain>::new();
    view! {
        <PageTitle text=t("audit-title") />
        <header class="page-header">
            <h1>{t("audit-title")}</h1>
            <div class="actions">
                <ActionForm action=verify>
                    <button type="submit" class="button" disabled=move || verify.pending().get()>{t("audit-verify")}</button>
                </ActionForm>
                <Show when=move || can_export.get()>
                    <a class="button" href=move || query.get().export_href("csv") download="" rel="external">{t("audit-export-csv")}</a>
                    <a class="button" href=move || query.get().export_href("json") download="" rel="external">{t("audit-export-json")}</a>
                </Show>
            </div>
        </header>
        <div role="status" aria-live="polite" aria-label=t("audit-verify-result")>
            {move || verify.value().get().map(|result| match result {
                Ok(report) => view! { <VerifyReport report /> }.into_any(),
                Err(error) => view! { <ErrorView error /> }.into_any(),
            })}
        </div>
        <Show when=move || !is_platform.get() && can_retention.get()>
            <RetentionForm />
        </Show>
        <AuditFilters query is_platform />
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match entries.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(page) => {
                        let nav = page.nav();
                        let empty = page.items.is_empty();
                        let platform = is_platform.get_untracked();
                        view! {
                            <table class="data audit">
                                <thead>
                                    <tr>
                                        <th scope="col">{t("audit-col-time")}</th>
                                        {platform.then(|| view! { <th scope="col">{t("field-tenant")}</th> })}
                                        <th scope="col">{t("audit-col-actor")}</th>
                                        <th scope="col">{t("audit-col-action")}</th>
                                        <th scope="col">{t("audit-col-entity")}</th>
                                        <th scope="col">{t("audit-col-ip")}</th>
                                        <th scope="col">{t("audit-col-details")}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {page.items.into_iter().map(|entry| view! { <AuditRow entry platform /> }).collect_view()}
                                </tbody>
                            </table>
                            <Show when=move || empty><p class="muted">{t("table-empty")}</p></Show>
                            <AuditPager query nav />
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The filter form: a plain GET form, so the filter lives in the URL and works before hydration.
#[component]
fn AuditFilters(query: Memo<AuditQuery>, is_platform: Signal<bool>) -> impl IntoView {
    let q = move || query.get();
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
    view! {
        <form method="get" action=PATH class="card audit-filters" role="search" aria-label=t("audit-filters")>
            <Show when=move || is_platform.get()>
                <div class="field">
                    <label for="audit-tenant">{t("field-tenant")}</label>
                    <crate::tenants::chooser::TenantChooser
                        id="audit-tenant"
                        name="tenant"
                        selected=Signal::derive(move || q().tenant.as_param())
                        fixed=vec![
                            Choice { value: String::new(), label: t("audit-all-tenants"), detail: String::new() },
                            Choice { value: "platform".to_owned(), label: t("audit-platform-events"), detail: String::new() },
                        ]
                        placeholder=t("tenant-search-placeholder")
                    />
                </div>
            </Show>
            <div class="field">
                <label for="audit-actor">{t("audit-col-actor")}</label>
                <input id="audit-actor" name="actor" type="search" placeholder=t("audit-actor-placeholder") value=move || q().actor />
            </div>
            <div class="field">
                <label for="audit-action">{t("audit-col-action")}</label>
                <input id="audit-action" name="action" type="search" placeholder=t("audit-action-placeholder") value=move || q().action />
            </div>
            <div class="field">
                <label for="audit-entity-type">{t("audit-entity-type")}</label>
                <select id="audit-entity-type" name="entity_type">
                    <option value="" selected=move || q().entity_type.is_empty()>{t("audit-any")}</option>
                    {ENTITY_TYPES.into_iter().map(|kind| view! {
                        <option value=kind selected=move || q().entity_type == kind>{kind}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="audit-entity-id">{t("audit-entity-id")}</label>
                <input id="audit-entity-id" name="entity_id" type="search" value=move || q().entity_id />
            </div>
            <div class="field">
                <label for="audit-from">{t("audit-from")}</label>
                <input id="audit-from" name="from" type="date" value=move || date(q().from) />
            </div>
            <div class="field">
                <label for="audit-to">{t("audit-to")}</label>
                <input id="audit-to" name="to" type="date" value=move || date(q().to) />
            </div>
            <div class="field checkbox">
                <input id="audit-security" name="security" type="checkbox" value="1" checked=move || q().security_only />
                <label for="audit-security">{t("audit-security-only")}</label>
            </div>
            <div class="field">
                <label for="audit-per-page">{t("table-per-page")}</label>
                <select id="audit-per-page" name="per_page">
                    {PAGE_SIZES.into_iter().map(|size| view! {
                        <option value=size.to_string() selected=move || q().per_page == size>{size.to_string()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="actions">
                <button type="submit" class="button primary">{t("audit-apply")}</button>
                <a class="button" href=PATH>{t("audit-clear")}</a>
            </div>
        </form>
    }
}

#[component]
fn AuditRow(entry: AuditEntry, platform: bool) -> impl IntoView {
    let actor = entry
        .actor_email
        .clone()
        .unwrap_or_else(|| match entry.actor_kind.as_str() {
            "system" => t("audit-actor-system"),
            _ => t("audit-actor-anonymous"),
        });
    let tenant = entry.tenant_name.clone().unwrap_or_else(|| {
        entry
            .tenant_id
            .map(|id| id.to_string())
            .unwrap_or_else(|| t("shell-platform"))
    });
    let security = entry.is_security_event();
    let entity = match &entry.entity_id {
        Some(id) => format!("{} {id}", entry.entity_type),
        None => entry.entity_type.clone(),
    };
    view! {
        <tr class:security=security>
            <td><time datetime=entry.occurred_at.to_rfc3339()>{format_instant(entry.occurred_at)}</time></td>
            {platform.then(|| view! { <td>{tenant}</td> })}
            <td>
                {actor}
                {entry.impersonator_id.is_some().then(|| view! {
                    " " <span class="badge warning" title=t("audit-support-hint")>{t("audit-support-badge")}</span>
                })}
            </td>
            <td>
                <code>{entry.action.clone()}</code>
                {security.then(|| view! { " " <span class="badge security">{t("audit-security-badge")}</span> })}
            </td>
            <td class="entity">{entity}</td>
            <td>{entry.ip.clone().unwrap_or_default()}</td>
            <td><AuditDetail entry /></td>
        </tr>
    }
}

/// The row detail: changed fields first and highlighted, unchanged ones collapsed, then where
/// the request came from.
#[component]
fn AuditDetail(entry: AuditEntry) -> impl IntoView {
    let changes = field_changes(entry.before.as_ref(), entry.after.as_ref());
    let (changed, unchanged): (Vec<FieldChange>, Vec<FieldChange>) = changes.into_iter().partition(|c| c.changed);
    let unchanged_count = unchanged.len();
    let nothing = changed.is_empty() && unchanged.is_empty();
    view! {
        <details class="audit-detail">
            <summary>{t("audit-show-changes")}</summary>
            {(!nothing).then(|| view! { <DiffTable rows=changed caption=t("audit-changed-fields") /> })}
            {nothing.then(|| view! { <p class="muted">{t("audit-no-changes")}</p> })}
            {(unchanged_count > 0).then(|| view! {
                <details class="unchanged">
                    <summary>{t_args("audit-unchanged-fields", &[("count", &unchanged_count.to_string())])}</summary>
                    <DiffTable rows=unchanged caption=t("audit-unchanged-caption") />
                </details>
            })}
            <dl class="audit-meta">
                <div><dt>{t("audit-request-id")}</dt><dd><code>{entry.request_id.clone().unwrap_or_default()}</code></dd></div>
                <div><dt>{t("audit-user-agent")}</dt><dd>{entry.user_agent.clone().unwrap_or_default()}</dd></div>
                <div><dt>{t("audit-chain-position")}</dt><dd>{entry.chain_seq.map(|s| s.to_string()).unwrap_or_else(|| t("audit-unchained"))}</dd></div>
            </dl>
        </details>
    }
}

#[component]
fn DiffTable(rows: Vec<FieldChange>, caption: String) -> impl IntoView {
    view! {
        <table class="diff">
            <caption>{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">{t("audit-field")}</th>
                    <th scope="col">{t("audit-before")}</th>
                    <th scope="col">{t("audit-after")}</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|row| {
                    let changed = row.changed;
                    let before = row.before.unwrap_or_default();
                    let after = row.after.unwrap_or_default();
                    view! {
                        <tr class:changed=changed>
                            <th scope="row"><code>{row.field}</code></th>
                            {if changed {
                                view! { <td><del>{before}</del></td><td><ins>{after}</ins></td> }.into_any()
                            } else {
                                view! { <td>{before}</td><td>{after}</td> }.into_any()
                            }}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn VerifyReport(report: ChainReport) -> impl IntoView {
    let summary = t_args(
        "audit-verify-summary",
        &[
            ("rows", &report.rows.to_string()),
            ("chains", &report.chains.to_string()),
        ],
    );
    let unchained = report.unchained;
    let erased = report.erased;
    if report.is_intact() {
        view! {
            <div class="notice ok">
                <p><strong>{t("audit-verify-intact")}</strong> " " {summary}</p>
                {(unchained > 0).then(|| view! { <p>{t_args("audit-verify-unchained", &[("count", &unchained.to_string())])}</p> })}
                {(erased > 0).then(|| view! { <p>{t_args("audit-verify-erased", &[("count", &erased.to_string())])}</p> })}
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="notice broken">
                <p><strong>{t("audit-verify-broken")}</strong></p>
                <ul>
                    {report.broken.into_iter().map(|link| view! { <li>{broken_text(&link)}</li> }).collect_view()}
                </ul>
            </div>
        }
        .into_any()
    }
}

fn broken_text(link: &BrokenLink) -> String {
    let chain = link
        .tenant_name
        .clone()
        .or_else(|| link.tenant_id.map(|id| id.to_string()))
        .unwrap_or_else(|| t("shell-platform"));
    let row = link.audit_id.map(|id| id.to_string()).unwrap_or_else(|| "–".to_owned());
    t_args(
        "audit-verify-break",
        &[
            ("chain", &chain),
            ("seq", &link.chain_seq.to_string()),
            ("row", &row),
            ("reason", &link.reason.label()),
        ],
    )
}

#[component]
fn AuditPager(query: Memo<AuditQuery>, nav: PageNav) -> impl IntoView {
    let href = Callback::new(move |at: PageAt| {
        let mut next = query.get_untracked();
        next.page = at.page;
        next.after = at.after;
        next.before = at.before;
        format!("{PATH}{}", next.to_query_string())
    });
    view! { <Pager nav href label=t("audit-pagination") /> }
}

/// The tenant's audit retention, editable by those who may change settings.
#[component]
fn RetentionForm() -> impl IntoView {
    let current = page_resource(|| (), |_| crate::tenants::api::get_audit_retention(None));
    let action = ServerAction::<crate::tenants::api::SetAuditRetention>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let toaster = crate::components::toast::use_toaster();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            toaster.success(t("audit-retention-saved"));
        }
    });
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let days = current.await.map(|d| d.to_string()).unwrap_or_default();
                view! {
                    <ActionForm action=action attr:class="list-controls retention">
                        <crate::components::form::TextField name="days" label=t("audit-retention") input_type="number" value=days hint=t("audit-retention-hint") error />
                        <button type="submit" class="button" disabled=move || action.pending().get()>{t("audit-retention-save")}</button>
                    </ActionForm>
                }
            })}
        </Transition>
    }
}
