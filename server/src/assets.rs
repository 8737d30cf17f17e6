//! The built site as browsers get it: the content-hashed names the document head links
//! (`pkg/assets.json`), and the files themselves, a precompressed copy (`.br`, `.gz`, written by
//! `cargo xtask build`) preferred when the browser accepts it. Hashed files are cached for a
//! year; the rest (`favicon.svg`, …) are revalidated.

use atrium_app::shell::assets::{MANIFEST, SiteAssets};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use leptos::config::LeptosOptions;
use std::path::PathBuf;
use tower_http::services::ServeDir;

/// A hashed file never changes under its name.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Unhashed files may change at the next deploy: keep them, but ask first.
const REVALIDATE: &str = "no-cache";

fn pkg_dir(options: &LeptosOptions) -> PathBuf {
    PathBuf::from(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref())
}

/// The hashed names from the site's list, or the unhashed ones (with a warning) when the site
/// was built without one.
pub fn site_assets(options: &LeptosOptions) -> SiteAssets {
    let path = pkg_dir(options).join(MANIFEST);
    let unhashed = || SiteAssets::unhashed(&options.site_pkg_dir, &options.output_name);
    match std::fs::read_to_string(&path) {
        Ok(json) => SiteAssets::from_manifest(&options.site_pkg_dir, &json).unwrap_or_else(|error| {
            tracing::error!(%error, "the site's asset list is unreadable; linking unhashed names");
            unhashed()
        }),
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "no asset list; linking unhashed names (build the site with `cargo xtask build`)");
            unhashed()
        }
    }
}

/// `/pkg/…`: the hashed build output, precompressed copies preferred.
pub fn pkg_files(options: &LeptosOptions) -> ServeDir {
    ServeDir::new(pkg_dir(options))
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
}

/// The rest of the site root (`public/`'s files), precompressed copies preferred; what is not a
/// file goes to `pages` (the app's own 404 page and the like), whatever the method.
pub fn site_files<F>(options: &LeptosOptions, pages: F) -> ServeDir<F> {
    ServeDir::new(options.site_root.as_ref())
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        .call_fallback_on_method_not_allowed(true)
        .fallback(pages)
}

/// Cache headers for what the two services above found: a year for `/pkg/` (hashed), a
/// revalidation for other files, and `Vary: Accept-Encoding` on both. Errors and pages are left alone (the edge makes them
/// `no-store`), so a 404 is never cached for a year.
pub async fn cache_headers(request: Request, next: Next) -> Response {
    let hashed = request.uri().path().starts_with("/pkg/");
    let mut response = next.run(request).await;
    let found = matches!(
        response.status(),
        StatusCode::OK | StatusCode::PARTIAL_CONTENT | StatusCode::NOT_MODIFIED
    );
    let is_file = response.headers().contains_key(header::LAST_MODIFIED);
    if found && (hashed || is_file) {
        let value = if hashed { IMMUTABLE } else { REVALIDATE };
        let headers = response.headers_mut();
        headers
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static(value));
        // The same URL answers brotli, gzip or plain bytes: a shared cache must key on it.
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}
