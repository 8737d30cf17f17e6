//! The document title, the only place `leptos_meta::Title` is used: leptos_meta 0.8.7 writes
//! the title into the server's HTML without escaping it, so a title made of a user's or tenant's
//! name (`T3 </title><img src=x onerror=…>`) would close `<title>` and inject markup. The app's
//! one formatter (`AppTitle`) escapes every title on the server; pages name theirs with
//! `PageTitle`. A test in this module fails when any other file names `leptos_meta::Title`.

use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;

/// The formatter every page title goes through, set once by the app root.
#[component]
pub fn AppTitle() -> impl IntoView {
    view! { <Title formatter=format_title /> }
}

/// Sets this page's title (shown as "`text` · Atrium"); `text` may be anything a user typed.
#[component]
pub fn PageTitle(#[prop(into)] text: TextProp) -> impl IntoView {
    view! { <Title text=move || text.get() /> }
}

/// "`page` · Atrium" (or "Atrium" alone). On the server the result goes into the HTML verbatim,
/// so it is escaped there; in the browser leptos_meta sets `document.title`, which is text.
fn format_title(page: String) -> String {
    let title = if page.is_empty() {
        t("app-name")
    } else {
        format!("{page} · {}", t("app-name"))
    };
    #[cfg(feature = "ssr")]
    let title = escape_title(&title);
    title
}

/// Escapes text for the inside of `<title>` (`&`, `<`, `>`): `</title` could end the element
/// and `&` start a character reference.
#[cfg(feature = "ssr")]
fn escape_title(text: &str) -> String {
    html_escape::encode_text(text).into_owned()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn titles_are_escaped_for_the_server_html() {
        assert_eq!(
            format_title("T3 </title><img src=x onerror=alert(1)>".into()),
            "T3 &lt;/title&gt;&lt;img src=x onerror=alert(1)&gt; · Atrium"
        );
        assert_eq!(format_title("A & B \"q\"".into()), "A &amp; B \"q\" · Atrium");
        assert_eq!(format_title(String::new()), "Atrium");
    }

    /// Every title must go through `AppTitle`'s formatter: a second `Title` with a formatter of
    /// its own would replace the escaping one. So `leptos_meta::Title` is named here only.
    #[test]
    fn no_other_module_uses_leptos_meta_title() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut offenders = Vec::new();
        let mut dirs = vec![src];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("read src") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") || path.ends_with("components/page_title.rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("read file");
                let names_title = text.lines().any(|line| {
                    let line = line.trim_start();
                    !line.starts_with("//")
                        && (line.contains("<Title")
                            || (line.contains("leptos_meta") && (line.contains("Title") || line.contains('*'))))
                });
                if names_title {
                    offenders.push(path.display().to_string());
                }
            }
        }
        assert!(
            offenders.is_empty(),
            "use components::page_title::PageTitle, not leptos_meta::Title: {offenders:?}"
        );
    }
}
