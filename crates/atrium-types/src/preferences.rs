//! A person's display preferences: the colour theme and the language, kept with their account and
//! mirrored in cookies so the server renders the first byte of a page in them (no flash of the
//! other theme, the other language or the other direction).

use serde::{Deserialize, Serialize};

/// The cookie that carries the theme between pages and to the sign-in page.
pub const THEME_COOKIE: &str = "atrium_theme";

/// Light or dark, or whatever the device prefers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Self; 3] = [Self::System, Self::Light, Self::Dark];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    /// The stored or submitted word; anything else is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|theme| theme.as_str() == text)
    }

    /// The `data-theme` of the document: none when the device decides.
    pub fn attribute(self) -> Option<&'static str> {
        match self {
            Self::System => None,
            Self::Light | Self::Dark => Some(self.as_str()),
        }
    }

    /// The message key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::System => "theme-system",
            Self::Light => "theme-light",
            Self::Dark => "theme-dark",
        }
    }
}

/// The cookie that carries the language between pages and to the sign-in page.
pub const LANGUAGE_COOKIE: &str = "atrium_lang";

/// A language the interface is written in: a catalogue under `locales/` for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Ar,
}

/// Which way a language's text runs: the document's `dir`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ltr,
    Rtl,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ltr => "ltr",
            Self::Rtl => "rtl",
        }
    }
}

impl Language {
    pub const ALL: [Self; 2] = [Self::En, Self::Ar];

    /// The BCP 47 tag: the document's `lang`, the stored and submitted value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Ar => "ar",
        }
    }

    /// The stored or submitted tag; anything else is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|language| language.as_str() == text)
    }

    pub fn direction(self) -> Direction {
        match self {
            Self::En => Direction::Ltr,
            Self::Ar => Direction::Rtl,
        }
    }

    /// Its own name, written in it: a language switch must be readable by someone who does not
    /// read the current one, so these are not translated.
    pub fn endonym(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Ar => "العربية",
        }
    }

    /// (tag, name in itself) for a language select.
    pub fn options() -> Vec<(String, String)> {
        Self::ALL
            .into_iter()
            .map(|language| (language.as_str().to_owned(), language.endonym().to_owned()))
            .collect()
    }

    /// The browser's first choice that Atrium speaks, from an `Accept-Language` header
    /// (`ar-EG,ar;q=0.9,en;q=0.8`): highest weight first, the header's order between equals,
    /// a region ignored (`ar-SA` is Arabic). `None` when it names none of ours.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut best: Option<(Self, f32)> = None;
        // At most a few dozen entries are read: the header is the client's, not ours to trust.
        for entry in header.split(',').take(32) {
            let mut parts = entry.split(';');
            let tag = parts.next().unwrap_or_default().trim();
            let weight = parts
                .find_map(|param| param.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| {
                    q.trim().parse::<f32>().ok().filter(|q| (0.0..=1.0).contains(q))
                });
            let Some(weight) = weight else { continue };
            if weight <= 0.0 {
                continue;
            }
            let primary = tag.split('-').next().unwrap_or_default().to_ascii_lowercase();
            let Some(language) = Self::parse(&primary) else {
                continue;
            };
            if best.is_none_or(|(_, w)| weight > w) {
                best = Some((language, weight));
            }
        }
        best.map(|(language, _)| language)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_read_back_what_they_write_and_nothing_else() {
        for language in Language::ALL {
            assert_eq!(Language::parse(language.as_str()), Some(language));
        }
        for bad in ["", "AR", "ar-SA", "fr", "en "] {
            assert_eq!(Language::parse(bad), None, "{bad:?}");
        }
        assert_eq!(Language::Ar.direction().as_str(), "rtl");
        assert_eq!(Language::En.direction().as_str(), "ltr");
    }

    #[test]
    fn accept_language_picks_the_heaviest_language_we_speak() {
        let pick = Language::from_accept_language;
        assert_eq!(pick("ar-EG,ar;q=0.9,en;q=0.8"), Some(Language::Ar));
        assert_eq!(pick("en-US,en;q=0.9,ar;q=0.8"), Some(Language::En));
        assert_eq!(pick("fr-FR,fr;q=0.9,ar;q=0.5,en;q=0.4"), Some(Language::Ar));
        assert_eq!(pick("en;q=0.2, AR-sa;q=0.7"), Some(Language::Ar));
        assert_eq!(pick("ar;q=0, en;q=0.1"), Some(Language::En));
        assert_eq!(pick("de, fr"), None);
        assert_eq!(pick(""), None);
        assert_eq!(pick("*"), None);
        // A malformed weight drops its entry, never the header.
        assert_eq!(pick("ar;q=high, en;q=0.5"), Some(Language::En));
        assert_eq!(pick("ar;q=7, en"), Some(Language::En));
        // Equal weights: the header's order.
        assert_eq!(pick("ar, en"), Some(Language::Ar));
    }

    #[test]
    fn themes_read_back_what_they_write_and_nothing_else() {
        for theme in Theme::ALL {
            assert_eq!(Theme::parse(theme.as_str()), Some(theme));
        }
        for bad in ["", "Dark", "dark ", "blue", "system\n"] {
            assert_eq!(Theme::parse(bad), None, "{bad:?}");
        }
        assert_eq!(Theme::System.attribute(), None);
        assert_eq!(Theme::Dark.attribute(), Some("dark"));
    }
}
