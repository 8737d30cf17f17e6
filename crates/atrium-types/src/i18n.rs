//! The message catalogues: every UI string is looked up here by key (Fluent syntax), in the
//! language of the page being rendered, so another language is a new `.ftl` file, not a rewrite.
//!
//! The server holds every catalogue (compiled in) and asks the rendering layer which language the
//! current request is in ([`set_language_source`]). The browser holds one: the page's, fetched
//! beside the wasm and installed before hydration ([`install`]), so no catalogue weighs on the
//! main module and a page never changes language under a mounted app (switching reloads).

use crate::locale::{self, Precision};
use crate::preferences::Language;
use chrono::{DateTime, Utc};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A moment to the minute, in the page's language and always in UTC, so the server's render and
/// the browser's hydration agree (see [`crate::locale`]).
pub fn format_time(time: DateTime<Utc>) -> String {
    locale::moment(language(), time, Precision::Minute)
}

/// A moment to the second (logs: audit entries, delivery attempts).
pub fn format_instant(time: DateTime<Utc>) -> String {
    locale::moment(language(), time, Precision::Second)
}

/// A measured value in the page's digits: up to three decimals, no trailing zeros.
pub fn format_number(value: f64) -> String {
    locale::decimal(language(), value)
}

/// Text made of numbers (`1000+`, `3/5`) in the page's digits.
pub fn format_digits(text: &str) -> String {
    locale::digits(language(), text)
}

/// A count in the page's digits.
pub fn format_count(value: i64) -> String {
    locale::integer(language(), value)
}

/// A span of seconds in its largest exact unit (`5m`, `٥ د`).
pub fn format_span(seconds: i64) -> String {
    locale::span(language(), seconds)
}

/// How long ago (or how far ahead) `then` is from `now`: "3 minutes ago", "منذ ٣ دقائق".
pub fn format_relative(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let (key, count) = locale::relative(then, now);
    t_args(key, &[("count", &count.to_string())])
}

type Bundle = FluentBundle<FluentResource>;

/// A catalogue's source read into a bundle for `language`.
fn bundle(language: Language, source: String) -> Bundle {
    let resource = match FluentResource::try_new(source) {
        Ok(resource) => resource,
        // A catalogue is covered by unit tests; a syntax error there is a build defect, and the
        // entries that did parse are still better than keys.
        Err((resource, _)) => resource,
    };
    let tag = match language {
        Language::En => unic_langid::langid!("en"),
        Language::Ar => unic_langid::langid!("ar"),
    };
    let mut bundle = FluentBundle::new_concurrent(vec![tag]);
    // Unicode isolation marks would leak into copied text, search boxes and test assertions.
    // Arguments are numbers, names and addresses inside whole sentences, which the bidi
    // algorithm places correctly without them.
    bundle.set_use_isolating(false);
    if language == Language::Ar {
        // Numbers in messages (counts that also pick the plural form) in Arabic-Indic digits.
        bundle.set_formatter(Some(arabic_number));
    }
    let _ = bundle.add_resource(resource);
    bundle
}

fn arabic_number<M>(value: &FluentValue<'_>, _: &M) -> Option<String> {
    match value {
        FluentValue::Number(number) => Some(locale::digits(Language::Ar, &number.as_string())),
        _ => None,
    }
}

/// Where the current request's language comes from on the server (the rendering layer's
/// context); `None` outside a request (background jobs), which then speak English.
static LANGUAGE_SOURCE: OnceLock<fn() -> Option<Language>> = OnceLock::new();

/// Installs the function that tells which language the current request is rendered in. Set once
/// at start-up; a second call is ignored.
pub fn set_language_source(source: fn() -> Option<Language>) {
    let _ = LANGUAGE_SOURCE.set(source);
}

/// The language messages are looked up in now.
pub fn language() -> Language {
    #[cfg(target_arch = "wasm32")]
    {
        browser::language()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        LANGUAGE_SOURCE.get().and_then(|source| source()).unwrap_or_default()
    }
}

/// The compiled-in catalogues (every build but the browser's).
#[cfg(not(target_arch = "wasm32"))]
mod compiled {
    use super::{Bundle, Language, bundle};
    use std::sync::LazyLock;

    /// A catalogue's source text, for whoever serves it to browsers.
    pub fn source(language: Language) -> &'static str {
        match language {
            Language::En => include_str!("../locales/en.ftl"),
            Language::Ar => include_str!("../locales/ar.ftl"),
        }
    }

    static EN: LazyLock<Bundle> = LazyLock::new(|| bundle(Language::En, source(Language::En).to_owned()));
    static AR: LazyLock<Bundle> = LazyLock::new(|| bundle(Language::Ar, source(Language::Ar).to_owned()));

    pub fn of(language: Language) -> Option<&'static Bundle> {
        Some(match language {
            Language::En => &EN,
            Language::Ar => &AR,
        })
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub use compiled::source;

/// The browser's one catalogue, installed before hydration.
#[cfg(target_arch = "wasm32")]
mod browser {
    use super::{Bundle, Language};
    use std::sync::OnceLock;

    pub static INSTALLED: OnceLock<(Language, Bundle)> = OnceLock::new();

    pub fn language() -> Language {
        INSTALLED.get().map(|(language, _)| *language).unwrap_or_default()
    }

    pub fn of(_: Language) -> Option<&'static Bundle> {
        INSTALLED.get().map(|(_, bundle)| bundle)
    }
}

/// Makes `source` (the text of `language`'s catalogue) the one the browser speaks. Called once,
/// before hydration; a second call is ignored.
#[cfg(target_arch = "wasm32")]
pub fn install(language: Language, source: String) {
    let _ = browser::INSTALLED.set((language, bundle(language, source)));
}

fn catalogue(language: Language) -> Option<&'static Bundle> {
    #[cfg(target_arch = "wasm32")]
    {
        browser::of(language)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        compiled::of(language)
    }
}

/// The message for `key`, or the key itself when it is missing (visible, never a panic).
pub fn t(key: &str) -> String {
    format(language(), key, None)
}

/// The message for `key` with named arguments.
pub fn t_args(key: &str, args: &[(&str, &str)]) -> String {
    t_args_in(language(), key, args)
}

/// The message for `key` with one argument that is text someone typed (a name, a title): kept as
/// typed, where `t_args` would read "007" as the number 7.
pub fn t_text(key: &str, arg: &str, text: &str) -> String {
    t_text_in(language(), key, arg, text)
}

/// `t_text` in a given language (a channel's).
pub fn t_text_in(language: Language, key: &str, arg: &str, text: &str) -> String {
    let mut args = FluentArgs::new();
    args.set(arg, text.to_owned());
    format(language, key, Some(&args))
}

/// `t` in a given language (a notification for someone who is not the one asking).
pub fn t_in(language: Language, key: &str) -> String {
    format(language, key, None)
}

/// `t_args` in a given language.
pub fn t_args_in(language: Language, key: &str, args: &[(&str, &str)]) -> String {
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        // Numbers select plural forms, so pass them as numbers.
        match value.parse::<f64>() {
            Ok(number) => fluent_args.set(*name, number),
            Err(_) => fluent_args.set(*name, value.to_string()),
        }
    }
    format(language, key, Some(&fluent_args))
}

fn format(language: Language, key: &str, args: Option<&FluentArgs<'_>>) -> String {
    let Some(bundle) = catalogue(language) else {
        return key.to_owned();
    };
    let Some(pattern) = bundle.get_message(key).and_then(|message| message.value()) else {
        return key.to_owned();
    };
    let mut errors = Vec::new();
    bundle.format_pattern(pattern, args, &mut errors).into_owned()
}

/// A message kept to be worded later, in whoever reads it's language: what a background job says
/// (an alert's reason, its history) is stored as a key with its arguments, and every page and
/// notification renders it from the catalogue it speaks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub key: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, Arg>,
}

/// A message argument, kept by kind so each language writes it its own way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Arg {
    /// Text as given (a name someone typed, a label set): never read as a number.
    Text(String),
    /// A measured value, written with up to three decimals.
    Number(f64),
    /// A count, which may also choose the plural form.
    Count(i64),
    /// A moment, to the minute.
    Time(DateTime<Utc>),
    /// A span of seconds.
    Span(i64),
}

impl Message {
    pub fn new(key: &str) -> Self {
        Self {
            key: key.to_owned(),
            args: BTreeMap::new(),
        }
    }

    /// The message with one more argument.
    pub fn with(mut self, name: &str, value: Arg) -> Self {
        self.args.insert(name.to_owned(), value);
        self
    }

    /// The message in the language of the page being rendered.
    pub fn render(&self) -> String {
        self.render_in(language())
    }

    /// The message in `language`.
    pub fn render_in(&self, language: Language) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in &self.args {
            match value {
                Arg::Text(text) => args.set(name.as_str(), text.clone()),
                Arg::Number(number) => args.set(name.as_str(), locale::decimal(language, *number)),
                Arg::Count(count) => args.set(name.as_str(), *count),
                Arg::Time(time) => args.set(name.as_str(), locale::moment(language, *time, Precision::Minute)),
                Arg::Span(seconds) => args.set(name.as_str(), locale::span(language, *seconds)),
            }
        }
        format(language, &self.key, Some(&args))
    }
}

/// What a stored record says: a message worded in each reader's language, or text kept as it was
/// written (a person's comment, or a line stored before messages were kept).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Said {
    Message(Message),
    Text(String),
}

impl Said {
    /// In the language of the page being rendered.
    pub fn render(&self) -> String {
        self.render_in(language())
    }

    pub fn render_in(&self, language: Language) -> String {
        match self {
            Self::Message(message) => message.render_in(language),
            Self::Text(text) => text.clone(),
        }
    }

    /// Read back from its two columns: the English text, and the message when one was kept and
    /// still reads as one (a row from before a message changed shape falls back to its text).
    pub fn from_columns(text: String, message: Option<serde_json::Value>) -> Self {
        match message.and_then(|value| serde_json::from_value(value).ok()) {
            Some(message) => Self::Message(message),
            None => Self::Text(text),
        }
    }

    /// The message for its JSON column, if it is one.
    pub fn message_column(&self) -> Option<serde_json::Value> {
        match self {
            Self::Message(message) => serde_json::to_value(message).ok(),
            Self::Text(_) => None,
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Self::Text(text) if text.is_empty())
    }
}

impl From<Message> for Said {
    fn from(message: Message) -> Self {
        Self::Message(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_counts_pick_their_plural_form_and_are_written_in_arabic_indic_digits() {
        let ago = |n: i64| t_args_in(Language::Ar, "relative-minutes-ago", &[("count", &n.to_string())]);
        assert_eq!(ago(1), "منذ دقيقة");
        assert_eq!(ago(2), "منذ دقيقتين");
        assert_eq!(ago(5), "منذ ٥ دقائق");
        assert_eq!(ago(11), "منذ ١١ دقيقة");
        let days = |n: i64| t_args_in(Language::Ar, "relative-days-ago", &[("count", &n.to_string())]);
        assert_eq!(days(12), "منذ ١٢ يومًا");
        assert_eq!(days(100), "منذ ١٠٠ يوم");
        assert_eq!(
            t_args_in(Language::En, "relative-minutes-ago", &[("count", "5")]),
            "5 minutes ago"
        );
    }

    #[test]
    fn a_kept_message_words_each_argument_kind_in_the_readers_language() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-07T13:05:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let message = Message::new("reason-silenced")
            .with("until", Arg::Time(at))
            .with("comment", Arg::Text("007".to_owned()));
        assert_eq!(
            message.render_in(Language::En),
            "notification silenced until 2026-12-07 13:05 UTC (007)"
        );
        assert_eq!(
            message.render_in(Language::Ar),
            "الإشعار مكتوم حتى ٧ ديسمبر ٢٠٢٦، ١٣:٠٥ UTC (007)"
        );
        // A message survives its JSON column; text stays text.
        let said = Said::from(message.clone());
        let back = Said::from_columns("ignored".to_owned(), said.message_column());
        assert_eq!(back, Said::Message(message));
        assert_eq!(Said::from_columns("as typed".to_owned(), None).render(), "as typed");
        assert_eq!(
            Said::from_columns("old".to_owned(), Some(serde_json::json!({"not": "a message"}))),
            Said::Text("old".to_owned())
        );
    }

    #[test]
    fn catalogue_parses_without_errors() {
        let source = include_str!("../locales/en.ftl").to_owned();
        assert!(FluentResource::try_new(source).is_ok());
    }

    /// Each message's id with its attributes' names and the variables it uses, sorted.
    fn shape(source: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
        use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
        fn variables(pattern: &Pattern<&str>, out: &mut Vec<String>) {
            for element in &pattern.elements {
                if let PatternElement::Placeable { expression } = element {
                    expression_variables(expression, out);
                }
            }
        }
        fn expression_variables(expression: &Expression<&str>, out: &mut Vec<String>) {
            match expression {
                Expression::Select { selector, variants } => {
                    inline_variables(selector, out);
                    for variant in variants {
                        variables(&variant.value, out);
                    }
                }
                Expression::Inline(inline) => inline_variables(inline, out),
            }
        }
        fn inline_variables(inline: &InlineExpression<&str>, out: &mut Vec<String>) {
            match inline {
                InlineExpression::VariableReference { id } => out.push(id.name.to_owned()),
                InlineExpression::Placeable { expression } => expression_variables(expression, out),
                _ => {}
            }
        }
        let resource = FluentResource::try_new(source.to_owned()).expect("the catalogue parses");
        let mut messages: Vec<(String, Vec<String>, Vec<String>)> = resource
            .entries()
            .filter_map(|entry| match entry {
                Entry::Message(message) => {
                    let mut used = Vec::new();
                    if let Some(value) = &message.value {
                        variables(value, &mut used);
                    }
                    let mut attributes = Vec::new();
                    for attribute in &message.attributes {
                        attributes.push(attribute.id.name.to_owned());
                        variables(&attribute.value, &mut used);
                    }
                    used.sort();
                    used.dedup();
                    Some((message.id.name.to_owned(), attributes, used))
                }
                _ => None,
            })
            .collect();
        messages.sort();
        messages
    }

    #[test]
    fn the_arabic_catalogue_has_every_english_message_with_the_same_arguments() {
        let english = shape(include_str!("../locales/en.ftl"));
        let arabic = shape(include_str!("../locales/ar.ftl"));
        let ids = |shape: &[(String, Vec<String>, Vec<String>)]| shape.iter().map(|m| m.0.clone()).collect::<Vec<_>>();
        let missing: Vec<String> = ids(&english)
            .into_iter()
            .filter(|id| !ids(&arabic).contains(id))
            .collect();
        let extra: Vec<String> = ids(&arabic)
            .into_iter()
            .filter(|id| !ids(&english).contains(id))
            .collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "missing in ar: {missing:?}; only in ar: {extra:?}"
        );
        for (en, ar) in english.iter().zip(&arabic) {
            assert_eq!(en, ar, "the Arabic message must take the English one's arguments");
        }
    }

    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("source folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// Every string literal of the workspace's Rust sources (comments skipped), with raw strings.
    fn source_literals() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        for dir in ["app/src", "server/src", "src", "crates/atrium-types/src"] {
            rust_files(&root.join(dir), &mut files);
        }
        let mut literals = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file).expect("source file");
            let bytes = text.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                match bytes[i] {
                    b'/' if bytes.get(i + 1) == Some(&b'/') => {
                        i = text[i..].find('\n').map_or(bytes.len(), |end| i + end);
                    }
                    // A char literal of a quote is no string.
                    b'\'' if bytes.get(i + 1) == Some(&b'"') && bytes.get(i + 2) == Some(&b'\'') => i += 3,
                    b'\'' if bytes.get(i + 1) == Some(&b'\\') && bytes.get(i + 3) == Some(&b'\'') => i += 4,
                    b'r' if bytes.get(i + 1) == Some(&b'#') || bytes.get(i + 1) == Some(&b'"') => {
                        let hashes = bytes[i + 1..].iter().take_while(|&&b| b == b'#').count();
                        if bytes.get(i + 1 + hashes) != Some(&b'"') {
                            i += 1;
                            continue;
                        }
                        let close = format!("\"{}", "#".repeat(hashes));
                        let start = i + 2 + hashes;
                        let end = text[start..].find(&close).map_or(bytes.len(), |end| start + end);
                        literals.push(text[start..end].to_owned());
                        i = end + close.len();
                    }
                    b'"' => {
                        let mut j = i + 1;
                        while j < bytes.len() && bytes[j] != b'"' {
                            j += if bytes[j] == b'\\' { 2 } else { 1 };
                        }
                        literals.push(text[i + 1..j.min(bytes.len())].to_owned());
                        i = j + 1;
                    }
                    _ => i += 1,
                }
            }
        }
        literals
    }

    /// Ids of a catalogue's messages, and the messages its own messages reference.
    fn ids_and_references(source: &str) -> (Vec<String>, Vec<String>) {
        use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
        fn walk(pattern: &Pattern<&str>, out: &mut Vec<String>) {
            for element in &pattern.elements {
                if let PatternElement::Placeable { expression } = element {
                    expression_refs(expression, out);
                }
            }
        }
        fn expression_refs(expression: &Expression<&str>, out: &mut Vec<String>) {
            match expression {
                Expression::Select { variants, .. } => variants.iter().for_each(|v| walk(&v.value, out)),
                Expression::Inline(InlineExpression::MessageReference { id, .. }) => out.push(id.name.to_owned()),
                Expression::Inline(InlineExpression::Placeable { expression }) => expression_refs(expression, out),
                Expression::Inline(_) => {}
            }
        }
        let resource = FluentResource::try_new(source.to_owned()).expect("the catalogue parses");
        let mut ids = Vec::new();
        let mut references = Vec::new();
        for entry in resource.entries() {
            if let Entry::Message(message) = entry {
                ids.push(message.id.name.to_owned());
                if let Some(value) = &message.value {
                    walk(value, &mut references);
                }
            }
        }
        (ids, references)
    }

    /// The catalogues and the code agree: a key the code looks up directly (`t("…")`,
    /// `t_args("…", …)`, `t_in(…, "…")`) is in both; a key of the catalogue is used somewhere,
    /// as a literal (label functions return them), as a prefix the code completes
    /// (`format!("alerts-tab-{}", …)`), or by another message.
    #[test]
    fn every_key_the_code_uses_exists_and_every_key_is_used() {
        let (english, references) = ids_and_references(include_str!("../locales/en.ftl"));
        let (arabic, _) = ids_and_references(include_str!("../locales/ar.ftl"));
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        // Direct lookups: the literal right after the call's parenthesis.
        let mut missing = Vec::new();
        for dir in ["app/src", "server/src", "crates/atrium-types/src"] {
            let mut files = Vec::new();
            rust_files(&root.join(dir), &mut files);
            for file in files {
                let text = std::fs::read_to_string(&file).expect("source file");
                for call in ["t(\"", "t_args(\"", "t_in(Language::En, \"", "t_in(Language::Ar, \""] {
                    for (at, _) in text.match_indices(call) {
                        // `t(` alone, not the end of another name (`set(`, `print(`).
                        let before = text[..at].chars().next_back();
                        if call.starts_with("t(") && before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                            continue;
                        }
                        let start = at + call.len();
                        let Some(len) = text[start..].find('"') else { continue };
                        let key = &text[start..start + len];
                        // Only what has a key's shape (this test's own text has other quotes).
                        let key_shaped = !key.is_empty()
                            && key
                                .bytes()
                                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                        if !key_shaped || key == "no-such-key" {
                            continue;
                        }
                        for (catalogue, ids) in [("en", &english), ("ar", &arabic)] {
                            if !ids.iter().any(|id| id == key) {
                                missing.push(format!("{key} ({catalogue}, {})", file.display()));
                            }
                        }
                    }
                }
            }
        }
        assert!(missing.is_empty(), "looked up but not in the catalogue: {missing:#?}");

        let literals = source_literals();
        let exact: std::collections::HashSet<&str> = literals.iter().map(String::as_str).collect();
        let mut prefixes: Vec<String> = literals
            .iter()
            .filter_map(|literal| literal.split_once('{').map(|(prefix, _)| prefix))
            .filter(|prefix| prefix.len() > 2 && prefix.ends_with('-') && !prefix.contains(' '))
            .map(str::to_owned)
            .collect();
        // A choice's options are named `{prefix}-{value}` (`RotationGrace::options("keys-grace")`).
        for dir in ["app/src", "crates/atrium-types/src"] {
            let mut files = Vec::new();
            rust_files(&root.join(dir), &mut files);
            for file in files {
                let text = std::fs::read_to_string(&file).expect("source file");
                for (at, call) in text.match_indices("::options(\"") {
                    let start = at + call.len();
                    if let Some(len) = text[start..].find('"') {
                        prefixes.push(format!("{}-", &text[start..start + len]));
                    }
                }
            }
        }
        let unused: Vec<&String> = english
            .iter()
            .filter(|id| {
                !exact.contains(id.as_str())
                    && !references.contains(id)
                    && !prefixes.iter().any(|prefix| id.starts_with(prefix.as_str()))
            })
            .collect();
        assert!(unused.is_empty(), "in the catalogue but used nowhere: {unused:#?}");
    }

    #[test]
    fn arabic_plurals_take_all_six_forms() {
        let resource = FluentResource::try_new(include_str!("../locales/ar.ftl").to_owned()).expect("parses");
        let mut bundle = FluentBundle::new_concurrent(vec![unic_langid::langid!("ar")]);
        bundle.set_use_isolating(false);
        bundle.add_resource(resource).expect("no duplicate ids");
        let total = |count: f64| {
            let mut args = FluentArgs::new();
            args.set("total", count);
            let pattern = bundle
                .get_message("table-total")
                .and_then(|m| m.value())
                .expect("table-total");
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(&args), &mut errors).into_owned();
            assert!(errors.is_empty(), "{errors:?}");
            text
        };
        let forms: Vec<String> = [0.0, 1.0, 2.0, 3.0, 11.0, 100.0].into_iter().map(total).collect();
        assert_eq!(forms[0], "لا توجد نتائج");
        assert_eq!(forms[1], "نتيجة واحدة");
        assert_eq!(forms[2], "نتيجتان");
        assert_eq!(forms[3], "3 نتائج");
        assert_eq!(forms[4], "11 نتيجة");
        assert_eq!(forms[5], "100 نتيجة");
    }

    #[test]
    fn formats_arguments_and_plurals() {
        assert_eq!(t("nav-tenants"), "Tenants");
        assert_eq!(t_args("table-total", &[("total", "1")]), "1 result");
        assert_eq!(t_args("table-total", &[("total", "12")]), "12 results");
        assert_eq!(t("no-such-key"), "no-such-key");
    }

    #[test]
    fn each_language_answers_from_its_own_catalogue() {
        assert_eq!(t_in(Language::Ar, "nav-tenants"), "المستأجرون");
        assert_eq!(t_args_in(Language::Ar, "table-total", &[("total", "2")]), "نتيجتان");
        assert_eq!(t_in(Language::En, "nav-tenants"), "Tenants");
        // Outside a request (no source installed in this test binary): English.
        assert_eq!(language(), Language::En);
    }
}
