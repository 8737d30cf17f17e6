//! Pieces of server-paginated tables whose state lives in the URL: sortable headers, the pager,
//! and the search/page-size form.

use crate::i18n::{t, t_args};
use crate::paging::{ListQuery, PAGE_SIZES, PageNav, Total, group_thousands};
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
    let base = crate::components::hooks::use_link_base();
    let href = move || {
        let mut next = query.get();
        next.dir = if next.sort == column {
            next.dir.flip()
        } else {
            crate::paging::SortDir::Asc
        };
        next.sort = column.to_owned();
        format!("{base}{path}{}", next.first_page().to_query_string())
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
        let mut next = query.get_untracked().first_page();
        next.per_page = event_target_value(&ev).parse().unwrap_or(next.per_page);
        navigate(&format!("{target}{}", next.to_query_string()), Default::default());
    };
    let action = format!("{}{path}", crate::components::hooks::use_link_base());
    view! {
        <form method="get" action=action class="list-controls" role="search">
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

/// Where a pager link goes: the page's number and the cursor it starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageAt {
    pub page: u32,
    pub after: Option<String>,
    pub before: Option<String>,
}

impl PageAt {
    /// `page=…&after=…` (or `before=…`) for a URL whose other parameters are the list's filter;
    /// empty for the first page.
    pub fn query_parts(&self) -> Vec<String> {
        use crate::paging::encode;
        let mut parts = Vec::new();
        if self.page > 1 {
            parts.push(format!("page={}", self.page));
        }
        if let Some(after) = &self.after {
            parts.push(format!("after={}", encode(after)));
        }
        if let Some(before) = &self.before {
            parts.push(format!("before={}", encode(before)));
        }
        parts
    }
}

/// `path?parts…`, or `path` alone when there are none.
pub fn href_with(path: &str, parts: &[String]) -> String {
    if parts.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", parts.join("&"))
    }
}

/// Pager links for a list whose state is a [`ListQuery`] in `path`'s URL.
pub fn list_href(query: Signal<ListQuery>, path: String) -> Callback<PageAt, String> {
    Callback::new(move |at: PageAt| {
        let mut next = query.get_untracked().first_page();
        next.page = at.page;
        next.after = at.after;
        next.before = at.before;
        format!("{path}{}", next.to_query_string())
    })
}

/// The total, the page's number, and links to the first, previous and next pages. Pages are
/// reached by cursor, so there is no "jump to page N"; the total is exact, "1,000+" or an
/// estimate, as the list could afford to count.
#[component]
pub fn Pager(
    nav: PageNav,
    href: Callback<PageAt, String>,
    #[prop(optional, into)] label: Option<String>,
) -> impl IntoView {
    let base = crate::components::hooks::use_link_base();
    let link = move |page: u32, after: Option<String>, before: Option<String>| {
        format!("{base}{}", href.run(PageAt { page, after, before }))
    };
    // Under a thousand the count goes as a number, so it also picks the plural form (Arabic has
    // six) and the catalogue writes its digits; above, grouped, in the page's digits.
    let value = nav.total.value();
    let count = if value < 1000 {
        value.to_string()
    } else {
        crate::i18n::format_digits(&group_thousands(value))
    };
    let total = match nav.total {
        Total::Exact(_) => t_args("table-total", &[("total", &count)]),
        Total::AtLeast(_) => t_args("table-total-at-least", &[("total", &count)]),
        Total::About(_) => t_args("table-total-about", &[("total", &count)]),
    };
    let position = match nav.total.pages(nav.per_page) {
        Some(pages) => t_args(
            "table-page",
            &[("page", &nav.page.to_string()), ("pages", &pages.to_string())],
        ),
        None => t_args("table-page-open", &[("page", &nav.page.to_string())]),
    };
    let first = (nav.page > 1 || nav.prev.is_some()).then(|| link(1, None, None));
    let prev = nav
        .prev
        .map(|cursor| link(nav.page.saturating_sub(1).max(1), None, Some(cursor)));
    let next = nav.next.map(|cursor| link(nav.page + 1, Some(cursor), None));
    view! {
        <nav class="pager" aria-label=label.unwrap_or_else(|| "Pagination".to_owned())>
            <span>{total}</span>
            <span>{position}</span>
            {first.map(|href| view! { <a class="button" href=href>{t("table-first")}</a> })}
            {prev.map(|href| view! { <a class="button" href=href rel="prev">{t("table-prev")}</a> })}
            {next.map(|href| view! { <a class="button" href=href rel="next">{t("table-next")}</a> })}
        </nav>
    }
}
