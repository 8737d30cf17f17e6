//! The site's files made cacheable and small: content-hashed names for what `pkg/` holds (listed
//! in `pkg/assets.json`, which the server reads to write its links) and a brotli and a gzip copy
//! of every compressible file beside it, which the server sends to browsers that accept them.
//!
//! A hashed name changes whenever the content does, so the server can tell browsers to keep
//! those files for a year (`immutable`) and a new build is still picked up at once.

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The manifest the server reads (`atrium_app::shell::assets::SiteAssets`): logical role →
/// file name inside `pkg/` (or inside the build folder), and each split's wasm files.
pub const MANIFEST: &str = "assets.json";

/// The files of `pkg/` that get hashed names of their own, by the role the manifest gives them.
fn hashed_roles(output_name: &str) -> [(&'static str, String); 2] {
    [
        ("css", format!("{output_name}.css")),
        ("echarts", "echarts.min.js".to_owned()),
    ]
}

/// The languages whose catalogues (`crates/atrium-types/locales/<tag>.ftl`) the site serves, by
/// the tags `atrium_types::preferences::Language` uses.
pub const LANGUAGES: [&str; 2] = ["en", "ar"];

/// Extensions worth compressing (images like PNG and fonts like WOFF2 are compressed already).
const COMPRESSIBLE: &[&str] = &["js", "wasm", "css", "svg", "json", "html", "txt", "map", "ftl"];

/// One file as a browser may fetch it.
pub struct Transfer {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

/// Renames `pkg/`'s own files to `<stem>.<hash>.<ext>`, names the wasm build folder `staging`
/// by the hash of everything in it (moving it into `pkg/`), writes the manifest and returns the
/// folder's name.
pub fn fingerprint(
    pkg: &Path,
    output_name: &str,
    staging: &Path,
    splits: &BTreeMap<String, Vec<String>>,
) -> Result<String> {
    let mut manifest = serde_json::Map::new();
    for (role, name) in hashed_roles(output_name) {
        let path = pkg.join(&name);
        let bytes = fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let hashed = hashed_name(&name, &bytes);
        fs::rename(&path, pkg.join(&hashed)).with_context(|| format!("cannot rename {}", path.display()))?;
        manifest.insert(role.to_owned(), hashed.into());
    }
    let mut catalogues = serde_json::Map::new();
    for language in LANGUAGES {
        let name = format!("{language}.ftl");
        let path = pkg.join(&name);
        let bytes = fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let hashed = hashed_name(&name, &bytes);
        fs::rename(&path, pkg.join(&hashed)).with_context(|| format!("cannot rename {}", path.display()))?;
        catalogues.insert(language.to_owned(), hashed.into());
    }
    manifest.insert("catalogues".into(), catalogues.into());
    let build = folder_hash(staging)?;
    let folder = pkg.join(&build);
    fs::rename(staging, &folder)
        .with_context(|| format!("cannot rename {} to {}", staging.display(), folder.display()))?;
    manifest.insert("build".into(), build.clone().into());
    manifest.insert("js".into(), format!("{output_name}.js").into());
    manifest.insert("wasm".into(), format!("{output_name}_bg.wasm").into());
    manifest.insert("loader".into(), "__wasm_split.js".into());
    manifest.insert("splits".into(), serde_json::to_value(splits)?);
    for (split, stems) in splits {
        if let Some(stem) = stems.iter().find(|stem| !folder.join(format!("{stem}.wasm")).is_file()) {
            anyhow::bail!("split {split} needs {stem}.wasm, which wasm-split did not write");
        }
    }
    let json = serde_json::to_string_pretty(&serde_json::Value::Object(manifest))?;
    fs::write(pkg.join(MANIFEST), json).context("cannot write the asset manifest")?;
    Ok(build)
}

/// 16 hex digits of the SHA-256 over every file of a folder (not its subfolders): name and
/// content, in name order.
fn folder_hash(dir: &Path) -> Result<String> {
    let mut names: Vec<_> = fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .map(|entry| entry.map(|e| e.file_name()))
        .collect::<Result<_, _>>()?;
    names.sort();
    let mut hasher = Sha256::new();
    for name in names {
        let bytes = fs::read(dir.join(&name))?;
        let name = name.to_string_lossy();
        // Lengths first, so no two different folders feed the same byte stream.
        hasher.update((name.len() as u64).to_le_bytes());
        hasher.update(name.as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    Ok(hex16(&hasher.finalize()))
}

fn hex16(digest: &[u8]) -> String {
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// `atrium_bg.wasm` → `atrium_bg.1f3a…(16 hex).wasm`: 64 bits of SHA-256 tell builds apart.
fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let hash = hex16(&Sha256::digest(bytes));
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{name}.{hash}"),
    }
}

/// Writes `<file>.br` and `<file>.gz` beside every compressible file under `site` and returns
/// the sizes of `pkg/`'s hashed files, read from the manifest.
pub fn precompress(site: &Path, brotli_quality: u32) -> Result<Vec<Transfer>> {
    let files = compressible_files(site)?;
    // One thread per file: the wasm alone is most of the work, so the rest finish beside it.
    let mut transfers = std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .iter()
            .map(|path| scope.spawn(move || compress_file(site, path, brotli_quality)))
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a compression thread panicked")))
            })
            .collect::<Result<Vec<_>>>()
    })?;
    transfers.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(transfers)
}

/// What a browser transfers for each compressible file under `site`, read from the files and
/// their `.gz` and `.br` copies (as `precompress` wrote them).
pub fn transfers(site: &Path) -> Result<Vec<Transfer>> {
    let mut transfers = Vec::new();
    for path in compressible_files(site)? {
        let size = |path: &Path| -> Result<u64> {
            Ok(fs::metadata(path)
                .with_context(|| format!("cannot read {}", path.display()))?
                .len())
        };
        transfers.push(Transfer {
            name: path.strip_prefix(site).unwrap_or(&path).to_string_lossy().into_owned(),
            raw: size(&path)?,
            gzip: size(&with_suffix(&path, "gz"))?,
            brotli: size(&with_suffix(&path, "br"))?,
        });
    }
    transfers.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(transfers)
}

fn compressible_files(site: &Path) -> Result<Vec<PathBuf>> {
    Ok(files_under(site)?
        .into_iter()
        .filter(|path| {
            path.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| COMPRESSIBLE.contains(&e))
        })
        .collect())
}

fn compress_file(site: &Path, path: &Path, brotli_quality: u32) -> Result<Transfer> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let gzip = gzip(&bytes)?;
    let brotli = brotli(&bytes, brotli_quality)?;
    fs::write(with_suffix(path, "gz"), &gzip)?;
    fs::write(with_suffix(path, "br"), &brotli)?;
    Ok(Transfer {
        name: path.strip_prefix(site).unwrap_or(path).to_string_lossy().into_owned(),
        raw: bytes.len() as u64,
        gzip: gzip.len() as u64,
        brotli: brotli.len() as u64,
    })
}

fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                dirs.push(entry.path());
            } else {
                files.push(entry.path());
            }
        }
    }
    Ok(files)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

/// Brotli with a 4 MiB window (what browsers accept) at the given quality (11 = smallest).
fn brotli(bytes: &[u8], quality: u32) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, quality, 22);
        writer.write_all(bytes)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_keep_the_extension_and_follow_the_content() {
        let a = hashed_name("atrium_bg.wasm", b"one");
        let b = hashed_name("atrium_bg.wasm", b"two");
        assert!(a.starts_with("atrium_bg.") && a.ends_with(".wasm"), "{a}");
        assert_eq!(a.len(), "atrium_bg..wasm".len() + 16);
        assert_ne!(a, b);
        assert_eq!(a, hashed_name("atrium_bg.wasm", b"one"));
        assert!(hashed_name("echarts.min.js", b"x").starts_with("echarts.min."));
    }

    #[test]
    fn a_folder_hash_follows_every_name_and_byte() {
        let dir = std::env::temp_dir().join(format!("xtask-folder-hash-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("temp dir");
        fs::write(dir.join("a.js"), b"one").expect("write");
        fs::write(dir.join("b.wasm"), b"two").expect("write");
        let first = folder_hash(&dir).expect("hash");
        assert_eq!(first.len(), 16);
        assert_eq!(first, folder_hash(&dir).expect("hash"), "stable");
        fs::write(dir.join("b.wasm"), b"twO").expect("write");
        let changed = folder_hash(&dir).expect("hash");
        assert_ne!(first, changed);
        fs::rename(dir.join("b.wasm"), dir.join("c.wasm")).expect("rename");
        assert_ne!(changed, folder_hash(&dir).expect("hash"), "names count too");
        fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn compressed_copies_decompress_to_the_original() {
        use std::io::Read;
        let text = "atrium ".repeat(1000).into_bytes();
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&gzip(&text).expect("gzip")[..])
            .read_to_end(&mut back)
            .expect("gunzip");
        assert_eq!(back, text);
        let mut back = Vec::new();
        brotli::Decompressor::new(&brotli(&text, 5).expect("brotli")[..], 4096)
            .read_to_end(&mut back)
            .expect("unbrotli");
        assert_eq!(back, text);
    }
}
