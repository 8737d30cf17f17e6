//! The URLs of the built site's files. `cargo xtask build` names them by their content and lists
//! them in `pkg/assets.json`; the server reads that list once and the document head links them,
//! so browsers may keep each file for a year and still get a new build at once.
//!
//! The wasm and its JS are split by area (`shell::routes`): wasm-bindgen's glue, the main module,
//! the split loader and every chunk live together in `pkg/<build>/`, a folder named by the hash of
//! all of them, because the loader and the glue import each other and so cannot be named by their
//! own content.

use crate::preferences::Language;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The name of the list inside the site's `pkg/` folder.
pub const MANIFEST: &str = "assets.json";

/// Site-relative URLs (`/pkg/…`) of the files the document head and the charts load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteAssets {
    /// wasm-bindgen's JS glue, imported by the hydration bootstrap.
    pub js: String,
    /// The app's main wasm module.
    pub wasm: String,
    pub css: String,
    /// ECharts' script, loaded only on pages with a chart.
    pub echarts: String,
    /// The split loader the glue imports (none in a site built without the list).
    pub loader: Option<String>,
    /// Each split module's name → the URLs of the wasm files it needs, shared chunks first.
    pub splits: BTreeMap<String, Vec<String>>,
    /// Each language's message catalogue, fetched beside the wasm and installed before hydration.
    pub catalogues: BTreeMap<Language, String>,
}

/// `pkg/assets.json`: the hashed files' names inside `pkg/`, the build folder's name, and the
/// names inside it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    css: String,
    echarts: String,
    build: String,
    js: String,
    wasm: String,
    loader: String,
    /// Split module name → file stems (`chunk_3`, `alerts_area_…`) of `.wasm` files in the folder.
    splits: BTreeMap<String, Vec<String>>,
    /// Language tag → its catalogue's hashed name inside `pkg/`; every language must have one.
    catalogues: BTreeMap<String, String>,
}

impl SiteAssets {
    /// The names before hashing (wasm-bindgen's and xtask's), for a site built without a list.
    pub fn unhashed(pkg_dir: &str, output_name: &str) -> Self {
        Self {
            js: format!("/{pkg_dir}/{output_name}.js"),
            wasm: format!("/{pkg_dir}/{output_name}_bg.wasm"),
            css: format!("/{pkg_dir}/{output_name}.css"),
            echarts: format!("/{pkg_dir}/echarts.min.js"),
            loader: None,
            splits: BTreeMap::new(),
            catalogues: Language::ALL
                .into_iter()
                .map(|language| (language, format!("/{pkg_dir}/{}.ftl", language.as_str())))
                .collect(),
        }
    }

    /// From the list's JSON. Each entry must be a plain file name (it becomes part of a URL and
    /// of a path under `pkg/`), the build folder 16 hex digits.
    pub fn from_manifest(pkg_dir: &str, json: &str) -> Result<Self, String> {
        let manifest: Manifest = serde_json::from_str(json).map_err(|e| format!("{MANIFEST}: {e}"))?;
        let plain = |name: &str| {
            let ok = !name.is_empty()
                && !name.starts_with('.')
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
            if ok {
                Ok(())
            } else {
                Err(format!("{MANIFEST}: {name:?} is not a plain file name"))
            }
        };
        let build = &manifest.build;
        if build.len() != 16 || !build.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(format!("{MANIFEST}: the build folder {build:?} is not 16 hex digits"));
        }
        let top = |name: String| plain(&name).map(|()| format!("/{pkg_dir}/{name}"));
        let built = |name: String| plain(&name).map(|()| format!("/{pkg_dir}/{build}/{name}"));
        let mut splits = BTreeMap::new();
        for (split, stems) in manifest.splits {
            plain(&split)?;
            let urls = stems
                .into_iter()
                .map(|stem| built(format!("{stem}.wasm")))
                .collect::<Result<Vec<_>, _>>()?;
            splits.insert(split, urls);
        }
        let mut catalogues = BTreeMap::new();
        for (tag, name) in manifest.catalogues {
            let language = Language::parse(&tag).ok_or_else(|| format!("{MANIFEST}: no language {tag:?}"))?;
            catalogues.insert(language, top(name)?);
        }
        if let Some(missing) = Language::ALL
            .into_iter()
            .find(|language| !catalogues.contains_key(language))
        {
            return Err(format!("{MANIFEST}: no catalogue for {}", missing.as_str()));
        }
        Ok(Self {
            css: top(manifest.css)?,
            echarts: top(manifest.echarts)?,
            js: built(manifest.js)?,
            wasm: built(manifest.wasm)?,
            loader: Some(built(manifest.loader)?),
            splits,
            catalogues,
        })
    }

    /// The wasm files a split module needs, found by the start of its name (the rest is a hash
    /// `#[lazy]` adds); empty when the site has no such split.
    pub fn split_files(&self, prefix: &str) -> &[String] {
        self.splits
            .iter()
            .find(|(name, _)| name.starts_with(prefix))
            .map(|(_, files)| files.as_slice())
            .unwrap_or_default()
    }

    /// The URL of `language`'s catalogue.
    pub fn catalogue(&self, language: Language) -> &str {
        self.catalogues.get(&language).map(String::as_str).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> serde_json::Value {
        serde_json::json!({
            "css": "atrium.fedcba9876543210.css", "echarts": "echarts.min.00112233aabbccdd.js",
            "build": "0123456789abcdef", "js": "atrium.js", "wasm": "atrium_bg.wasm",
            "loader": "__wasm_split.js",
            "splits": {"alerts_area_123": ["chunk_0", "alerts_area_123"], "users_area_9": ["users_area_9"]},
            "catalogues": {"en": "en.0011223344556677.ftl", "ar": "ar.8899aabbccddeeff.ftl"}
        })
    }

    #[test]
    fn the_manifest_names_files_inside_pkg_and_its_build_folder() {
        let assets = SiteAssets::from_manifest("pkg", &manifest().to_string()).expect("manifest");
        assert_eq!(assets.js, "/pkg/0123456789abcdef/atrium.js");
        assert_eq!(assets.wasm, "/pkg/0123456789abcdef/atrium_bg.wasm");
        assert_eq!(assets.loader.as_deref(), Some("/pkg/0123456789abcdef/__wasm_split.js"));
        assert_eq!(assets.css, "/pkg/atrium.fedcba9876543210.css");
        assert_eq!(assets.echarts, "/pkg/echarts.min.00112233aabbccdd.js");
        assert_eq!(
            assets.split_files("alerts_area_"),
            [
                "/pkg/0123456789abcdef/chunk_0.wasm",
                "/pkg/0123456789abcdef/alerts_area_123.wasm"
            ]
        );
        assert!(assets.split_files("audit_area_").is_empty());
        assert_eq!(assets.catalogue(Language::Ar), "/pkg/ar.8899aabbccddeeff.ftl");
        assert_eq!(assets.catalogue(Language::En), "/pkg/en.0011223344556677.ftl");
    }

    #[test]
    fn a_manifest_names_a_catalogue_for_every_language_and_no_other() {
        let mut json = manifest();
        json["catalogues"].as_object_mut().expect("object").remove("ar");
        assert!(SiteAssets::from_manifest("pkg", &json.to_string()).is_err());
        let mut json = manifest();
        json["catalogues"]["fr"] = "fr.0011223344556677.ftl".into();
        assert!(SiteAssets::from_manifest("pkg", &json.to_string()).is_err());
        let mut json = manifest();
        json["catalogues"]["ar"] = "../ar.ftl".into();
        assert!(SiteAssets::from_manifest("pkg", &json.to_string()).is_err());
    }

    #[test]
    fn a_manifest_cannot_point_outside_pkg_or_into_markup() {
        for bad in ["../secret", "a/b.js", "", "..", ".hidden", "x\".js", "a b.js"] {
            for field in ["js", "css", "loader"] {
                let mut json = manifest();
                json[field] = bad.into();
                assert!(
                    SiteAssets::from_manifest("pkg", &json.to_string()).is_err(),
                    "{field} {bad:?}"
                );
            }
            let mut json = manifest();
            json["splits"]["users_area_9"] = serde_json::json!([bad]);
            assert!(
                SiteAssets::from_manifest("pkg", &json.to_string()).is_err(),
                "chunk {bad:?}"
            );
        }
        for build in ["0123456789ABCDEF", "../../../etc/xx", "0123", ""] {
            let mut json = manifest();
            json["build"] = build.into();
            assert!(
                SiteAssets::from_manifest("pkg", &json.to_string()).is_err(),
                "{build:?}"
            );
        }
        assert!(SiteAssets::from_manifest("pkg", "{}").is_err());
    }

    #[test]
    fn without_a_manifest_the_names_are_wasm_bindgens() {
        let assets = SiteAssets::unhashed("pkg", "atrium");
        assert_eq!(assets.js, "/pkg/atrium.js");
        assert_eq!(assets.wasm, "/pkg/atrium_bg.wasm");
        assert_eq!(assets.css, "/pkg/atrium.css");
        assert_eq!(assets.loader, None);
        assert_eq!(assets.catalogue(Language::Ar), "/pkg/ar.ftl");
    }
}
