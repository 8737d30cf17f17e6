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

/// A list request as read from the URL; every field is clamped to something valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQuery {
    pub q: String,
    pub sort: String,
    pub dir: SortDir,
    pub page: u32,
    pub per_page: u32,
}

impl ListQuery {
    /// Builds a query from raw URL parameters, falling back to defaults for anything invalid.
    pub fn from_params(
        q: Option<String>,
        sort: Option<String>,
        dir: Option<String>,
        page: Option<String>,
        per_page: Option<String>,
    ) -> Self {
        let per_page = per_page
            .and_then(|v| v.parse().ok())
            .filter(|v| PAGE_SIZES.contains(v))
            .unwrap_or(DEFAULT_PAGE_SIZE);
        Self {
            q: q.unwrap_or_default().trim().chars().take(200).collect(),
            sort: sort.unwrap_or_default(),
            dir: SortDir::parse(dir.as_deref().unwrap_or("asc")),
            page: page
                .and_then(|v| v.parse().ok())
                .filter(|v| *v >= 1)
                .unwrap_or(1)
                .min(1_000_000),
            per_page,
        }
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.page.saturating_sub(1)) * i64::from(self.per_page)
    }

    /// The search text as a LIKE pattern with wildcards escaped (`\` is the escape character).
    pub fn like_pattern(&self) -> String {
        let escaped = self.q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        format!("%{escaped}%")
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
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// One page of results with the total count for the pager.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u32 {
        let per_page = i64::from(self.per_page.max(1));
        u32::try_from((self.total + per_page - 1) / per_page)
            .unwrap_or(u32::MAX)
            .max(1)
    }
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

    #[test]
    fn invalid_params_fall_back_to_defaults() {
        let query = ListQuery::from_params(None, None, Some("sideways".into()), Some("-3".into()), Some("7".into()));
        assert_eq!(
            (query.page, query.per_page, query.dir),
            (1, DEFAULT_PAGE_SIZE, SortDir::Asc)
        );
        assert_eq!(query.offset(), 0);
    }

    #[test]
    fn like_pattern_escapes_wildcards() {
        let query = ListQuery::from_params(Some("50%_off\\".into()), None, None, None, None);
        assert_eq!(query.like_pattern(), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn query_string_round_trips_state() {
        let query = ListQuery::from_params(
            Some("a b".into()),
            Some("name".into()),
            Some("desc".into()),
            Some("2".into()),
            Some("50".into()),
        );
        assert_eq!(
            query.to_query_string(),
            "?q=a%20b&sort=name&dir=desc&page=2&per_page=50"
        );
        let page = Page::<()> {
            items: vec![],
            total: 101,
            page: 1,
            per_page: 50,
        };
        assert_eq!(page.pages(), 3);
    }
}
