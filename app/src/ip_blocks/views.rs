//! `/system/ip-blocks`: the blocks in force (address or range, automatic or manual, why, by whom,
//! since and until), a form to block an address or range, and a button to lift each block.

use super::api::{CreateIpBlock, LiftIpBlock, get_ip_blocks_page};
use super::types::{BlockDuration, IpBlock};
use crate::components::error_view::ErrorView;
use crate::components::form::{FormAlert, SelectField, TextField};
use crate::components::page_title::PageTitle;
use crate::components::resource::page_resource;
use crate::i18n::format_time;
use crate::i18n::{t, t_args};
use leptos::prelude::*;

#[component]
pub fn IpBlocksPage() -> impl IntoView {
    let create = ServerAction::<CreateIpBlock>::new();
    let lift = ServerAction::<LiftIpBlock>::new();
    let data = page_resource(
        move || (create.version().get(), lift.version().get()),
        |_| get_ip_blocks_page(),
    );
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let lift_error = move || lift.value().get().and_then(Result::err);
    view! {
        <PageTitle text=t("ip-blocks-title") />
        <header class="page-header">
            <h1>{t("ip-blocks-title")}</h1>
            <p class="muted">{t("ip-blocks-intro")}</p>
        </header>
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(page) => {
                        let can_manage = page.can_manage;
                        view! {
                            {can_manage.then(|| view! {
                                <ActionForm action=create attr:class="card form">
                                    <h2>{t("ip-blocks-new")}</h2>
                                    <FormAlert error />
                                    <TextField name="network" label=t("ip-blocks-network") hint=t("ip-blocks-network-hint") error required=true />
                                    <SelectField name="duration" label=t("ip-blocks-duration") error options=BlockDuration::options() />
                                    <TextField name="reason" label=t("ip-blocks-reason") error required=true />
                                    <div class="actions"><button type="submit" class="button primary" disabled=move || create.pending().get()>{t("ip-blocks-create")}</button></div>
                                </ActionForm>
                            })}
                            {move || lift_error().map(|error| view! { <p class="error" role="alert">{error.to_string()}</p> })}
                            {if page.blocks.is_empty() {
                                view! { <p class="card muted">{t("ip-blocks-none")}</p> }.into_any()
                            } else {
                                view! {
                                    <table class="data ip-blocks" aria-label=t("ip-blocks-title")>
                                        <thead><tr>
                                            <th scope="col">{t("ip-blocks-network")}</th>
                                            <th scope="col">{t("ip-blocks-origin")}</th>
                                            <th scope="col">{t("ip-blocks-reason")}</th>
                                            <th scope="col">{t("ip-blocks-since")}</th>
                                            <th scope="col">{t("ip-blocks-until")}</th>
                                            <th scope="col"><span class="visually-hidden">{t("ip-blocks-actions")}</span></th>
                                        </tr></thead>
                                        <tbody>
                                            {page.blocks.into_iter().map(|block| view! { <BlockLine block can_manage lift /> }).collect_view()}
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
fn BlockLine(block: IpBlock, can_manage: bool, lift: ServerAction<LiftIpBlock>) -> impl IntoView {
    let id = block.ip_block_id;
    // PostgreSQL writes a single address as /32 (/128); people write it without.
    let network = block
        .network
        .strip_suffix("/32")
        .or_else(|| block.network.strip_suffix("/128"))
        .unwrap_or(&block.network)
        .to_owned();
    let by = block.created_by_name.clone().map_or_else(
        || t("audit-actor-system"),
        |name| t_args("ip-blocks-by", &[("name", &name)]),
    );
    let lift_label = t_args("ip-blocks-lift-named", &[("network", &network)]);
    view! {
        <tr>
            <td><code>{network.clone()}</code></td>
            <td><span class=format!("badge ip-block {}", block.origin.as_str())>{block.origin.label()}</span></td>
            <td>{block.reason.clone()} <div class="muted small">{by}</div></td>
            <td>{format_time(block.created_at)}</td>
            <td>{block.blocked_until.map_or_else(|| t("ip-blocks-until-lifted"), format_time)}</td>
            <td>{can_manage.then(|| view! {
                <button type="button" class="button" aria-label=lift_label disabled=move || lift.pending().get()
                    on:click=move |_| { lift.dispatch(LiftIpBlock { ip_block_id: id }); }>{t("ip-blocks-lift")}</button>
            })}</td>
        </tr>
    }
}
