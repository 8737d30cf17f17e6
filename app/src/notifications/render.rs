//! What a notification looks like on each channel kind: the Standard Webhooks JSON body, a Slack
//! incoming-webhook message (`text` + `blocks`), a Teams message card, and an email (subject, text
//! and a simple HTML alternative). Pure functions: the sender calls them at attempt time.
//!
//! A notification's text is plain text from the enqueuing domain, possibly holding what a user
//! typed (an alert rule's name), so each format escapes it for its own markup: Slack's `&<>`,
//! HTML entities and Markdown emphasis for Teams, HTML for email.

use super::types::Notification;
use crate::i18n::t_in;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

/// Slack caps a header block's text at 150 characters and a section's at 3000.
const SLACK_HEADER_MAX: usize = 150;
const SLACK_SECTION_MAX: usize = 3000;

/// The absolute URL of a notification's link: Atrium paths are put under the server's public
/// URL; an absolute http(s) URL is kept; anything else (`javascript:`, `//host`) is dropped.
pub fn absolute_link(public_url: &str, link: Option<&str>) -> Option<String> {
    let link = link?.trim();
    if link.starts_with('/') && !link.starts_with("//") {
        Some(format!("{}{link}", public_url.trim_end_matches('/')))
    } else if link.starts_with("https://") || link.starts_with("http://") {
        Some(link.to_owned())
    } else {
        None
    }
}

/// The generic webhook body: `{"type", "timestamp", "data"}`. `timestamp` is when the event
/// happened (the delivery's creation), so every retry of one `webhook-id` sends the same body.
pub fn webhook_body(notification: &Notification, occurred_at: DateTime<Utc>, public_url: &str) -> Value {
    json!({
        "type": notification.event_type,
        "timestamp": occurred_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        "data": {
            "title": notification.title,
            "body": notification.body,
            "severity": notification.severity,
            "link": absolute_link(public_url, notification.link.as_deref()),
            "sources": notification.sources,
            "data": notification.data,
        },
    })
}

/// Slack's escaping for `mrkdwn` text: only `&`, `<` and `>` are special (they form links and
/// mentions).
pub fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

fn severity_label(severity: Option<&str>) -> Option<String> {
    severity.map(|s| s.trim()).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// A Slack incoming-webhook message: `text` is the notification fallback (push, unfurl), `blocks`
/// the message itself.
pub fn slack_body(notification: &Notification, public_url: &str) -> Value {
    let severity = severity_label(notification.severity.as_deref());
    let fallback = match &severity {
        Some(severity) => format!("[{}] {}", severity.to_uppercase(), notification.title),
        None => notification.title.clone(),
    };
    let mut blocks = vec![json!({
        "type": "header",
        "text": { "type": "plain_text", "text": truncate(&notification.title, SLACK_HEADER_MAX), "emoji": false },
    })];
    if !notification.body.trim().is_empty() {
        blocks.push(json!({
            "type": "section",
            "text": { "type": "mrkdwn", "text": truncate(&slack_escape(&notification.body), SLACK_SECTION_MAX) },
        }));
    }
    let mut context = vec![format!(
        "{}: `{}`",
        t_in(notification.language, "notify-event"),
        slack_escape(&notification.event_type)
    )];
    if let Some(severity) = &severity {
        context.push(format!(
            "{}: *{}*",
            t_in(notification.language, "notify-severity"),
            slack_escape(severity)
        ));
    }
    blocks.push(json!({
        "type": "context",
        "elements": [{ "type": "mrkdwn", "text": context.join("  ·  ") }],
    }));
    if let Some(link) = absolute_link(public_url, notification.link.as_deref()) {
        blocks.push(json!({
            "type": "actions",
            "elements": [{
                "type": "button",
                "text": { "type": "plain_text", "text": t_in(notification.language, "notify-open") },
                "url": link,
            }],
        }));
    }
    json!({ "text": slack_escape(&fallback), "blocks": blocks })
}

/// The card's colour (hex without `#`) for a severity; grey for none or an unknown one.
pub fn theme_color(severity: Option<&str>) -> &'static str {
    match severity.map(str::trim).map(str::to_ascii_lowercase).as_deref() {
        Some("critical") => "B60205",
        Some("high") => "D93F0B",
        Some("medium") => "FBCA04",
        Some("low") => "1D76DB",
        _ => "6A737D",
    }
}

/// HTML-escapes `text` (for email bodies and attribute values).
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// Teams renders card text as Markdown with some HTML: escape both, and keep line breaks.
pub fn teams_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in escape_html(text).chars() {
        match c {
            '\\' | '*' | '_' | '~' | '`' | '[' | ']' | '#' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '\n' => escaped.push_str("<br>"),
            '\r' => {}
            other => escaped.push(other),
        }
    }
    escaped
}

/// A Microsoft Teams connector message card (the legacy `MessageCard` format incoming webhooks
/// accept), coloured by severity.
pub fn teams_body(notification: &Notification, public_url: &str) -> Value {
    let mut facts = vec![
        json!({ "name": t_in(notification.language, "notify-event"), "value": teams_escape(&notification.event_type) }),
    ];
    if let Some(severity) = severity_label(notification.severity.as_deref()) {
        facts.push(json!({ "name": t_in(notification.language, "notify-severity"), "value": teams_escape(&severity) }));
    }
    let mut card = json!({
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "themeColor": theme_color(notification.severity.as_deref()),
        "summary": notification.title,
        "sections": [{
            "activityTitle": teams_escape(&notification.title),
            "text": teams_escape(&notification.body),
            "facts": facts,
            "markdown": true,
        }],
    });
    if let Some(link) = absolute_link(public_url, notification.link.as_deref())
        && let Value::Object(map) = &mut card
    {
        map.insert(
            "potentialAction".into(),
            json!([{
                "@type": "OpenUri",
                "name": t_in(notification.language, "notify-open"),
                "targets": [{ "os": "default", "uri": link }],
            }]),
        );
    }
    card
}

/// An email's parts; the sender adds the addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailContent {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Subject = title (on one line), a plain text body, and the same as simple escaped HTML.
pub fn email_content(notification: &Notification, public_url: &str) -> EmailContent {
    let subject: String = notification
        .title
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned();
    let link = absolute_link(public_url, notification.link.as_deref());
    let severity = severity_label(notification.severity.as_deref());
    let mut text = String::new();
    if !notification.body.trim().is_empty() {
        text.push_str(notification.body.trim_end());
        text.push_str("\n\n");
    }
    if let Some(severity) = &severity {
        text.push_str(&format!(
            "{}: {severity}\n",
            t_in(notification.language, "notify-severity")
        ));
    }
    text.push_str(&format!(
        "{}: {}\n",
        t_in(notification.language, "notify-event"),
        notification.event_type
    ));
    if let Some(link) = &link {
        text.push_str(&format!("{}: {link}\n", t_in(notification.language, "notify-open")));
    }
    let mut html = format!("<h2>{}</h2>\n", escape_html(&subject));
    if !notification.body.trim().is_empty() {
        html.push_str(&format!(
            "<p>{}</p>\n",
            escape_html(notification.body.trim_end()).replace('\n', "<br>\n")
        ));
    }
    html.push_str("<p>");
    if let Some(severity) = &severity {
        html.push_str(&format!(
            "{}: <strong>{}</strong><br>\n",
            t_in(notification.language, "notify-severity"),
            escape_html(severity)
        ));
    }
    html.push_str(&format!(
        "{}: <code>{}</code></p>\n",
        t_in(notification.language, "notify-event"),
        escape_html(&notification.event_type)
    ));
    if let Some(link) = &link {
        html.push_str(&format!(
            "<p><a href=\"{}\">{}</a></p>\n",
            escape_html(link),
            t_in(notification.language, "notify-open")
        ));
    }
    EmailContent { subject, text, html }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preferences::Language;
    use chrono::TimeZone;

    fn notification() -> Notification {
        Notification {
            event_type: "alert.firing".into(),
            language: Language::En,
            title: "CPU <high> & rising".into(),
            body: "p95 is 97%\nfor *10* minutes".into(),
            severity: Some("critical".into()),
            link: Some("/alerts/123".into()),
            sources: vec![uuid::Uuid::nil()],
            data: json!({ "value": 97.5 }),
        }
    }

    const PUBLIC: &str = "https://atrium.example.com/";

    #[test]
    fn the_labels_around_a_message_are_in_its_language() {
        let english = notification();
        let arabic = Notification {
            language: Language::Ar,
            ..notification()
        };
        let facts = |n: &Notification| teams_body(n, PUBLIC)["sections"][0]["facts"][0]["name"].clone();
        assert_eq!(facts(&english), "Event");
        assert_eq!(facts(&arabic), t_in(Language::Ar, "notify-event"));
        assert_ne!(facts(&arabic), "Event");
        let email = email_content(&arabic, PUBLIC);
        assert!(
            email.text.contains(&t_in(Language::Ar, "notify-open")),
            "{}",
            email.text
        );
        let slack = slack_body(&arabic, PUBLIC).to_string();
        assert!(slack.contains(&t_in(Language::Ar, "notify-severity")), "{slack}");
    }

    #[test]
    fn links_are_made_absolute_and_only_http() {
        assert_eq!(
            absolute_link(PUBLIC, Some("/alerts/1")).as_deref(),
            Some("https://atrium.example.com/alerts/1")
        );
        assert_eq!(
            absolute_link(PUBLIC, Some("https://other.test/x")).as_deref(),
            Some("https://other.test/x")
        );
        for bad in ["javascript:alert(1)", "//evil.test/x", "alerts/1", ""] {
            assert_eq!(absolute_link(PUBLIC, Some(bad)), None, "{bad}");
        }
        assert_eq!(absolute_link(PUBLIC, None), None);
    }

    #[test]
    fn the_webhook_body_follows_the_standard_shape() {
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 10, 30, 0).single().expect("time");
        let body = webhook_body(&notification(), at, PUBLIC);
        assert_eq!(body["type"], "alert.firing");
        assert_eq!(body["timestamp"], "2026-11-22T10:30:00.000Z");
        assert_eq!(body["data"]["title"], "CPU <high> & rising");
        assert_eq!(body["data"]["severity"], "critical");
        assert_eq!(body["data"]["link"], "https://atrium.example.com/alerts/123");
        assert_eq!(body["data"]["sources"][0], uuid::Uuid::nil().to_string());
        assert_eq!(body["data"]["data"]["value"], 97.5);
    }

    #[test]
    fn slack_gets_text_and_escaped_blocks() {
        let body = slack_body(&notification(), PUBLIC);
        assert_eq!(body["text"], "[CRITICAL] CPU &lt;high&gt; &amp; rising");
        let blocks = body["blocks"].as_array().expect("blocks");
        assert_eq!(blocks[0]["type"], "header");
        // plain_text is shown literally: no entities.
        assert_eq!(blocks[0]["text"]["text"], "CPU <high> & rising");
        assert_eq!(blocks[1]["text"]["type"], "mrkdwn");
        assert_eq!(blocks[1]["text"]["text"], "p95 is 97%\nfor *10* minutes");
        assert!(
            blocks[2]["elements"][0]["text"]
                .as_str()
                .is_some_and(|s| s.contains("*critical*"))
        );
        assert_eq!(blocks[3]["elements"][0]["url"], "https://atrium.example.com/alerts/123");
        let long = Notification {
            title: "x".repeat(400),
            ..notification()
        };
        let header = slack_body(&long, PUBLIC)["blocks"][0]["text"]["text"]
            .as_str()
            .map(|s| s.chars().count());
        assert_eq!(header, Some(150));
        let bare = Notification {
            severity: None,
            link: None,
            body: String::new(),
            ..notification()
        };
        let body = slack_body(&bare, PUBLIC);
        assert_eq!(body["blocks"].as_array().map(Vec::len), Some(2));
        assert_eq!(body["text"], "CPU &lt;high&gt; &amp; rising");
    }

    #[test]
    fn teams_gets_a_message_card_coloured_by_severity() {
        let card = teams_body(&notification(), PUBLIC);
        assert_eq!(card["@type"], "MessageCard");
        assert_eq!(card["@context"], "https://schema.org/extensions");
        assert_eq!(card["themeColor"], "B60205");
        assert_eq!(card["summary"], "CPU <high> & rising");
        assert_eq!(card["sections"][0]["activityTitle"], "CPU &lt;high&gt; &amp; rising");
        assert_eq!(card["sections"][0]["text"], "p95 is 97%<br>for \\*10\\* minutes");
        assert_eq!(
            card["potentialAction"][0]["targets"][0]["uri"],
            "https://atrium.example.com/alerts/123"
        );
        assert_eq!(theme_color(Some("HIGH")), "D93F0B");
        assert_eq!(theme_color(Some("medium")), "FBCA04");
        assert_eq!(theme_color(None), "6A737D");
        let bare = Notification {
            link: None,
            ..notification()
        };
        assert!(teams_body(&bare, PUBLIC).get("potentialAction").is_none());
    }

    #[test]
    fn email_has_a_one_line_subject_and_escaped_html() {
        let mail = email_content(
            &Notification {
                title: "Disk\r\nfull".into(),
                ..notification()
            },
            PUBLIC,
        );
        assert_eq!(mail.subject, "Disk  full");
        assert!(mail.text.starts_with("p95 is 97%\nfor *10* minutes\n\n"));
        assert!(mail.text.contains("https://atrium.example.com/alerts/123"));
        assert!(mail.text.contains("critical"));
        let mail = email_content(&notification(), PUBLIC);
        assert!(mail.html.contains("<h2>CPU &lt;high&gt; &amp; rising</h2>"));
        assert!(mail.html.contains("p95 is 97%<br>\nfor *10* minutes"));
        assert!(mail.html.contains("<a href=\"https://atrium.example.com/alerts/123\">"));
        assert!(!mail.html.contains("<high>"));
    }
}
