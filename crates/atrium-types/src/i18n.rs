//! The message catalogue: every UI string is looked up here by key (Fluent syntax), so another
//! language is a new `.ftl` file, not a rewrite.

use chrono::{DateTime, Utc};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use std::sync::LazyLock;

/// Times render in UTC the same on server and browser, so hydration never mismatches; server
/// messages (alert reasons, permission explanations) use the same form.
pub fn format_time(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%d %H:%M UTC").to_string()
}

static EN: LazyLock<FluentBundle<FluentResource>> = LazyLock::new(|| {
    let source = include_str!("../locales/en.ftl").to_owned();
    let resource = match FluentResource::try_new(source) {
        Ok(resource) => resource,
        // The catalogue is compiled in and covered by a unit test; a syntax error is a build defect.
        Err((resource, _)) => resource,
    };
    let mut bundle = FluentBundle::new_concurrent(vec![unic_langid::langid!("en")]);
    // Unicode isolation marks would leak into copied text and test assertions; English needs none.
    bundle.set_use_isolating(false);
    let _ = bundle.add_resource(resource);
    bundle
});

/// The message for `key`, or the key itself when it is missing (visible, never a panic).
pub fn t(key: &str) -> String {
    format(key, None)
}

/// The message for `key` with named arguments.
pub fn t_args(key: &str, args: &[(&str, &str)]) -> String {
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        // Numbers select plural forms, so pass them as numbers.
        match value.parse::<f64>() {
            Ok(number) => fluent_args.set(*name, number),
            Err(_) => fluent_args.set(*name, value.to_string()),
        }
    }
    format(key, Some(&fluent_args))
}

fn format(key: &str, args: Option<&FluentArgs<'_>>) -> String {
    let Some(pattern) = EN.get_message(key).and_then(|message| message.value()) else {
        return key.to_owned();
    };
    let mut errors = Vec::new();
    EN.format_pattern(pattern, args, &mut errors).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_parses_without_errors() {
        let source = include_str!("../locales/en.ftl").to_owned();
        assert!(FluentResource::try_new(source).is_ok());
    }

    #[test]
    fn formats_arguments_and_plurals() {
        assert_eq!(t("nav-tenants"), "Tenants");
        assert_eq!(t_args("table-total", &[("total", "1")]), "1 result");
        assert_eq!(t_args("table-total", &[("total", "12")]), "12 results");
        assert_eq!(t("no-such-key"), "no-such-key");
    }
}
