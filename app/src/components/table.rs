//! Pieces of server-paginated tables whose state lives in the URL: sortable headers, the pager,
//! and the search/page-size form.

use crate::i18n::{t, t_args};
use crate::paging::{ListQuery, PAGE_SIZES};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// A column header that sorts by `column` and shows the current direction to assistive tech.
#[component]
pub fn SortHeader(
    column: &'static str,
    label: String,
    query: Signal<ListQuery>,
    #[prop(into)] path: String,
) -> impl IntoView {
    let label_for_aria = label.clone();
    let href = move || {
        let mut next = query.get();
        next.dir = if next.sort == column {
            next.dir.flip()
        } else {
            crate::paging::SortDir::Asc
        };
        next.sort = column.to_owned();
        next.page = 1;
        format!("{path}{}", next.to_query_string())
    };
    let aria_sort = move || {
        let current = query.get();
        if current.sort != column {
            "none"
        } else if current.dir.is_desc() {
            "descending"
        } else {
            "ascending"
        }
    };
    view! {
        <th scope="col" aria-sort=aria_sort>
            <a href=href aria-label=t_args("sort-by", &[("column", &label_for_aria)])>
                {label}
                <span aria-hidden="true" class="sort-mark">
                    {move || match aria_sort() {
                        "ascending" => "▲",
                        "descending" => "▼",
                        _ => "",
                    }}
                </span>
            </a>
        </th>
    }
}

/// Search box and page-size select. A plain GET form, so it works before hydration too; once
/// hydrated, changing the page size navigates at once.
#[component]
pub fn ListControls(query: Signal<ListQuery>, #[prop(into)] path: String, placeholder: String) -> impl IntoView {
    let navigate = use_navigate();
    let target = path.clone();
    let on_size = move |ev: leptos::ev::Event| {
        let mut next = query.get_untracked();
        next.per_page = event_target_value(&ev).parse().unwrap_or(next.per_page);
        next.page = 1;
        navigate(&format!("{target}{}", next.to_query_string()), Default::default());
    };
    view! {
        <form method="get" action=path class="list-controls" role="search">
            <div class="field inline">
                <label for="list-search">{t("search-label")}</label>
                <input id="list-search" type="search" name="q" placeholder=placeholder value=move || query.get().q />
            </div>
            <input type="hidden" name="sort" value=move || query.get().sort />
            <input type="hidden" name="dir" value=move || query.get().dir.as_str() />
            <button type="submit" class="button">{t("action-search")}</button>
            <div class="field inline">
                <label for="list-per-page">{t("table-per-page")}</label>
                <select id="list-per-page" name="per_page" on:change=on_size>
                    {PAGE_SIZES
                        .into_iter()
                        .map(|size| view! { <option value=size.to_string() selected=move || query.get().per_page == size>{size.to_string()}</option> })
                        .collect_view()}
                </select>
            </div>
        </form>
    }
}

/// Previous/next links and the page position.
#[component]
pub fn Pager(query: Signal<ListQuery>, total: i64, pages: u32, #[prop(into)] path: String) -> impl IntoView {
    let path = StoredValue::new(path);
    let link = move |page: u32| {
        let path = path.get_value();
        let mut next = query.get();
        next.page = page;
        format!("{path}{}", next.to_query_string())
    };
    let page = move || query.get().page;
    view! {
        <nav class="pager" aria-label="Pagination">
            <span>{t_args("table-total", &[("total", &total.to_string())])}</span>
            <span>{move || t_args("table-page", &[("page", &page().to_string()), ("pages", &pages.to_string())])}</span>
            {move || (page() > 1).then(|| view! { <a class="button" href=link(page() - 1) rel="prev">{t("table-prev")}</a> })}
            {move || (page() < pages).then(|| view! { <a class="button" href=link(page() + 1) rel="next">{t("table-next")}</a> })}
        </nav>
    }
}
