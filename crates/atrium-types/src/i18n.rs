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
}
