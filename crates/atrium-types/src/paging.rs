//! Server-side list queries: search text, sort column, direction and page, as kept in the URL.

use serde::{Deserialize, Serialize};

pub const PAGE_SIZES: [u32; 4] = [10, 25, 50, 100];
pub const DEFAULT_PAGE_SIZE: u32 = 25;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum SortDir {
    #[default]
    Asc,
    Desc,
}

impl SortDir {
    pub fn parse(value: &str) -> Self {
        if value == "desc" { Self::Desc } else { Self::Asc }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Asc => "asc",
            Self::Desc => "desc",
        }
    }
    pub fn flip(self) -> Self {
        match self {
            Self::Asc => Self::Desc,
            Self::Desc => Self::Asc,
        }
    }
    pub fn is_desc(self) -> bool {
        self == Self::Desc
    }
}

/// `text` as a LIKE pattern matching it anywhere, its wildcards escaped (`\\` escapes).
pub fn like_pattern(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// Longest cursor accepted from a URL; longer ones are ignored (first page).
const MAX_CURSOR_LEN: usize = 1024;

/// A list URL's `after` and `before` cursors (see [`ListQuery`]), each ignored when empty or
/// longer than any cursor; `before` only when there is no `after`.
pub fn cursor_params(param: impl Fn(&str) -> Option<String>) -> (Option<String>, Option<String>) {
    let cursor = |name: &str| param(name).filter(|c| !c.is_empty() && c.len() <= MAX_CURSOR_LEN);
    match cursor("after") {
        Some(after) => (Some(after), None),
        None => (None, cursor("before")),
    }
}

/// The cursors a server function received as text (empty when the URL had none), checked as
/// [`cursor_params`] checks a URL's.
pub fn cursor_args(after: &str, before: &str) -> (Option<String>, Option<String>) {
    cursor_params(|name| match name {
        "after" => Some(after.trim().to_owned()),
        "before" => Some(before.trim().to_owned()),
        _ => None,
    })
}

/// A list request as read from the URL; every field is clamped to something valid.
///
/// Paging is by keyset: `after` (or `before`) is the [`Cursor`] of the row the page starts behind
/// (or ends before), so every page is one ordered index range however deep it is. `page` only
/// numbers the page for people; the query never skips rows by it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQuery {
    pub q: String,
    pub sort: String,
    pub dir: SortDir,
    pub page: u32,
    pub per_page: u32,
    pub after: Option<String>,
    pub before: Option<String>,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self::from_params(|_| None)
    }
}

impl ListQuery {
    /// Builds a query from raw URL parameters (`param(name)`), falling back to defaults for
    /// anything invalid.
    pub fn from_params(param: impl Fn(&str) -> Option<String>) -> Self {
        let per_page = param("per_page")
            .and_then(|v| v.parse().ok())
            .filter(|v| PAGE_SIZES.contains(v))
            .unwrap_or(DEFAULT_PAGE_SIZE);
        let (after, before) = cursor_params(&param);
        Self {
            q: param("q").unwrap_or_default().trim().chars().take(200).collect(),
            sort: param("sort").unwrap_or_default(),
            dir: SortDir::parse(param("dir").as_deref().unwrap_or("asc")),
            page: param("page")
                .and_then(|v| v.parse().ok())
                .filter(|v| *v >= 1)
                .unwrap_or(1)
                .min(1_000_000),
            per_page,
            after,
            before,
        }
    }

    /// Parses a URL query string (`?q=…&sort=…`).
    pub fn from_query_string(query: &str) -> Self {
        let pairs = parse_query_string(query);
        Self::from_params(|name| pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()))
    }

    /// The search text as a LIKE pattern with wildcards escaped (`\` is the escape character).
    pub fn like_pattern(&self) -> String {
        like_pattern(&self.q)
    }

    /// The same list from its first page (after the search, sort or page size changed).
    pub fn first_page(mut self) -> Self {
        self.page = 1;
        self.after = None;
        self.before = None;
        self
    }

    /// The URL query string for this state with some fields replaced (for links and forms).
    pub fn to_query_string(&self) -> String {
        let mut parts = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("q={}", encode(&self.q)));
        }
        if !self.sort.is_empty() {
            parts.push(format!("sort={}", encode(&self.sort)));
            parts.push(format!("dir={}", self.dir.as_str()));
        }
        if self.page > 1 {
            parts.push(format!("page={}", self.page));
        }
        if self.per_page != DEFAULT_PAGE_SIZE {
            parts.push(format!("per_page={}", self.per_page));
        }
        if let Some(after) = &self.after {
            parts.push(format!("after={}", encode(after)));
        }
        if let Some(before) = &self.before {
            parts.push(format!("before={}", encode(before)));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// Where a page starts: the sort-key values and unique id of the row next to it, as text. Each
/// list parses the parts into its own types before any reaches SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub id: String,
    pub keys: Vec<String>,
}

impl Cursor {
    /// `id,key1,key2…`, each part percent-encoded so that a comma always separates.
    pub fn encode(&self) -> String {
        std::iter::once(&self.id)
            .chain(&self.keys)
            .map(|part| encode(part))
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn decode(raw: &str) -> Option<Self> {
        let mut parts = raw.split(',').map(decode);
        let id = parts.next().filter(|id| !id.is_empty())?;
        Some(Self {
            id,
            keys: parts.collect(),
        })
    }
}

/// How many rows a list holds, as far as it was worth counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Total {
    /// Counted exactly (or kept exactly by the database).
    Exact(u64),
    /// Counting stopped here: there are at least this many.
    AtLeast(u64),
    /// PostgreSQL's statistics, for lists too long to count on every request.
    About(u64),
}

impl Total {
    /// The row count the label and plural rules use.
    pub fn value(self) -> u64 {
        match self {
            Self::Exact(n) | Self::AtLeast(n) | Self::About(n) => n,
        }
    }

    /// The figure alone: `1,234`, or `1,000+` for a count that stopped (or an estimate).
    pub fn short(self) -> String {
        match self {
            Self::Exact(n) => group_thousands(n),
            Self::AtLeast(n) | Self::About(n) => format!("{}+", group_thousands(n)),
        }
    }

    /// How many pages, when the total is exact.
    pub fn pages(self, per_page: u32) -> Option<u64> {
        let per_page = u64::from(per_page.max(1));
        match self {
            Self::Exact(n) => Some(n.div_ceil(per_page).max(1)),
            Self::AtLeast(_) | Self::About(_) => None,
        }
    }
}

/// `12345` as `12,345`.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// One page of results: the rows, the total as far as it was counted, and the cursors of the
/// neighbouring pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: Total,
    /// The page's number for people (1 for the first), carried along in the URL.
    pub page: u32,
    pub per_page: u32,
    /// `before=` for the previous page, when there is one.
    pub prev: Option<String>,
    /// `after=` for the next page, when there is one.
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// The same page holding `items` instead (the rows turned into what the list shows).
    pub fn with_items<U>(self, items: Vec<U>) -> Page<U> {
        Page {
            items,
            total: self.total,
            page: self.page,
            per_page: self.per_page,
            prev: self.prev,
            next: self.next,
        }
    }

    /// The same page with each row turned into what the list shows; rows `f` rejects are
    /// left out (the cursors still mark the rows read).
    pub fn filter_map_items<U>(mut self, f: impl FnMut(T) -> Option<U>) -> Page<U> {
        let items = std::mem::take(&mut self.items).into_iter().filter_map(f).collect();
        self.with_items(items)
    }

    /// What the pager needs, apart from the rows.
    pub fn nav(&self) -> PageNav {
        PageNav {
            total: self.total,
            page: self.page,
            per_page: self.per_page,
            prev: self.prev.clone(),
            next: self.next.clone(),
        }
    }
}

/// A page's place in its list: the total and the neighbouring pages' cursors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageNav {
    pub total: Total,
    pub page: u32,
    pub per_page: u32,
    pub prev: Option<String>,
    pub next: Option<String>,
}

/// Most choices a chooser's search returns: enough to pick from, never the whole tenant.
pub const CHOICES_LIMIT: i64 = 20;

/// One answer of a chooser's search: the value the form submits and what a person reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
    /// A second line that tells two equal labels apart (an email, a slug).
    pub detail: String,
}

/// Percent-encodes a query component.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// `name=value` pairs of a URL query string, percent-decoded (`+` is a space, as in forms).
pub fn parse_query_string(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

fn decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (other, _) => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> ListQuery {
        ListQuery::from_params(|name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned()))
    }

    #[test]
    fn invalid_params_fall_back_to_defaults() {
        let query = params(&[("dir", "sideways"), ("page", "-3"), ("per_page", "7")]);
        assert_eq!(
            (query.page, query.per_page, query.dir),
            (1, DEFAULT_PAGE_SIZE, SortDir::Asc)
        );
        assert_eq!((query.after, query.before), (None, None));
    }

    #[test]
    fn like_pattern_escapes_wildcards() {
        let query = params(&[("q", "50%_off\\")]);
        assert_eq!(query.like_pattern(), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn query_string_round_trips_state() {
        let query = params(&[
            ("q", "a b"),
            ("sort", "name"),
            ("dir", "desc"),
            ("page", "2"),
            ("per_page", "50"),
            ("after", "x,y"),
        ]);
        let text = query.to_query_string();
        assert_eq!(text, "?q=a%20b&sort=name&dir=desc&page=2&per_page=50&after=x%2Cy");
        assert_eq!(ListQuery::from_query_string(&text), query);
        assert_eq!(
            query.first_page().to_query_string(),
            "?q=a%20b&sort=name&dir=desc&per_page=50"
        );
    }

    #[test]
    fn one_cursor_direction_at_a_time_and_bounded() {
        let both = params(&[("after", "a"), ("before", "b")]);
        assert_eq!((both.after.as_deref(), both.before), (Some("a"), None));
        let long = "a".repeat(MAX_CURSOR_LEN + 1);
        assert_eq!(params(&[("before", &long)]).before, None);
    }

    #[test]
    fn cursors_keep_commas_and_empty_keys_apart() {
        let cursor = Cursor {
            id: "7f0c".into(),
            keys: vec!["smith, ann".into(), String::new(), "100%".into()],
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(Cursor::decode(""), None);
        assert_eq!(Cursor::decode(",x"), None);
    }

    #[test]
    fn totals_count_pages_only_when_exact() {
        assert_eq!(Total::Exact(101).pages(50), Some(3));
        assert_eq!(Total::Exact(0).pages(50), Some(1));
        assert_eq!(Total::AtLeast(10_000).pages(50), None);
        assert_eq!(group_thousands(1_234_567), "1,234,567");
        assert_eq!(group_thousands(999), "999");
    }
}
