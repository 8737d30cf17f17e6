//! The URLs of the built site's files. `cargo xtask build` names them by their content and lists
//! them in `pkg/assets.json`; the server reads that list once and the document head links them,
//! so browsers may keep each file for a year and still get a new build at once.

use serde::Deserialize;

/// The name of the list inside the site's `pkg/` folder.
pub const MANIFEST: &str = "assets.json";

/// Site-relative URLs (`/pkg/…`) of the files the document head and the charts load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteAssets {
    /// wasm-bindgen's JS glue, imported by the hydration bootstrap.
    pub js: String,
    /// The app's wasm.
    pub wasm: String,
    pub css: String,
    /// ECharts' script, loaded only on pages with a chart.
    pub echarts: String,
}

/// `pkg/assets.json`: each role's file name inside `pkg/`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    js: String,
    wasm: String,
    css: String,
    echarts: String,
}

impl SiteAssets {
    /// The names before hashing (wasm-bindgen's and xtask's), for a site built without a list.
    pub fn unhashed(pkg_dir: &str, output_name: &str) -> Self {
        Self {
            js: format!("/{pkg_dir}/{output_name}.js"),
            wasm: format!("/{pkg_dir}/{output_name}_bg.wasm"),
            css: format!("/{pkg_dir}/{output_name}.css"),
            echarts: format!("/{pkg_dir}/echarts.min.js"),
        }
    }

    /// From the list's JSON. Each entry must be a plain file name (it becomes part of a URL and
    /// of a path under `pkg/`).
    pub fn from_manifest(pkg_dir: &str, json: &str) -> Result<Self, String> {
        let manifest: Manifest = serde_json::from_str(json).map_err(|e| format!("{MANIFEST}: {e}"))?;
        let url = |name: String| {
            let plain = !name.is_empty()
                && !name.starts_with('.')
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
            if plain {
                Ok(format!("/{pkg_dir}/{name}"))
            } else {
                Err(format!("{MANIFEST}: {name:?} is not a plain file name"))
            }
        };
        Ok(Self {
            js: url(manifest.js)?,
            wasm: url(manifest.wasm)?,
            css: url(manifest.css)?,
            echarts: url(manifest.echarts)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_names_files_inside_pkg() {
        let json = r#"{"js":"atrium.0123456789abcdef.js","wasm":"atrium_bg.0123456789abcdef.wasm",
                       "css":"atrium.fedcba9876543210.css","echarts":"echarts.min.00112233aabbccdd.js"}"#;
        let assets = SiteAssets::from_manifest("pkg", json).expect("manifest");
        assert_eq!(assets.js, "/pkg/atrium.0123456789abcdef.js");
        assert_eq!(assets.wasm, "/pkg/atrium_bg.0123456789abcdef.wasm");
        assert_eq!(assets.echarts, "/pkg/echarts.min.00112233aabbccdd.js");
    }

    #[test]
    fn a_manifest_cannot_point_outside_pkg_or_into_markup() {
        for bad in ["../secret", "a/b.js", "", "..", ".hidden", "x\".js", "a b.js"] {
            let json = serde_json::json!({"js": bad, "wasm": "w.wasm", "css": "c.css", "echarts": "e.js"});
            assert!(SiteAssets::from_manifest("pkg", &json.to_string()).is_err(), "{bad:?}");
        }
        assert!(SiteAssets::from_manifest("pkg", "{}").is_err());
    }

    #[test]
    fn without_a_manifest_the_names_are_wasm_bindgens() {
        let assets = SiteAssets::unhashed("pkg", "atrium");
        assert_eq!(assets.js, "/pkg/atrium.js");
        assert_eq!(assets.wasm, "/pkg/atrium_bg.wasm");
        assert_eq!(assets.css, "/pkg/atrium.css");
    }
}
