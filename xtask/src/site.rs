//! `cargo xtask build`: the server binary and the site folder Leptos serves (`target/site`).
//!
//! Layout produced (Leptos `site_root` = `target/site`, `site_pkg_dir` = `pkg`, `output_name` =
//! `atrium`):
//! - `pkg/atrium.js` and `pkg/atrium_bg.wasm` — wasm-bindgen's output. Leptos 0.8.23's
//!   `HydrationScripts` (`leptos/src/hydration/mod.rs`) imports `/{pkg}/{output_name}.js` and
//!   fetches `/{pkg}/{output_name}_bg.wasm` when file hashing is off and `LEPTOS_OUTPUT_NAME`
//!   was unset while leptos compiled (cargo-leptos sets it and renames the wasm; we do neither);
//! - `pkg/atrium.css` — `style/main.css` (Leptos' `css_path()` is `/{pkg}/{output_name}.css`);
//! - `pkg/echarts.min.js` — ECharts from npm, the global that charming's wasm renderer calls;
//! - everything in `public/`, at the site root.

use crate::Ctx;
use crate::process::run;
use crate::tools::{self, WASM_TARGET, cargo};
use anyhow::{Context, Result, bail};
use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::Command;

/// Leptos' `output_name`; the server's `LeptosOptions` must use the same.
pub const OUTPUT_NAME: &str = "atrium";

/// Where `cargo build` puts the hydrate wasm: its own target dir, so the browser build (leptos
/// with `hydrate`) and the server build (leptos with `ssr`) do not evict each other's artifacts.
const FRONT_TARGET_DIR: &str = "target/front";

/// The cargo profile of the browser build. `wasm-release` (size first) unless
/// `ATRIUM_WASM_PROFILE=dev`: a debug wasm builds in a fraction of the time and, with debug
/// assertions on, a hydration mismatch names the element and the node it found instead of
/// trapping with "unreachable".
fn wasm_profile() -> WasmProfile {
    match std::env::var("ATRIUM_WASM_PROFILE").as_deref() {
        Ok("dev") => WasmProfile::Dev,
        _ => WasmProfile::Release,
    }
}

#[derive(Clone, Copy)]
enum WasmProfile {
    Release,
    Dev,
}

impl WasmProfile {
    fn cargo_name(self) -> &'static str {
        match self {
            Self::Release => "wasm-release",
            Self::Dev => "dev",
        }
    }

    /// Where cargo writes the wasm for this profile (`dev` lands in `debug/`).
    fn wasm_path(self) -> &'static str {
        match self {
            Self::Release => "target/front/wasm32-unknown-unknown/wasm-release/atrium_hydrate.wasm",
            Self::Dev => "target/front/wasm32-unknown-unknown/debug/atrium_hydrate.wasm",
        }
    }
}

pub fn build(ctx: &mut Ctx, release: bool) -> Result<()> {
    ctx.phase("tools", ensure_build_tools)?;
    ctx.phase(server_phase(release), |_| run(&mut server_build(release)))?;
    let sizes = build_site(ctx, true)?;
    ctx.phase("wasm size", |_| sizes.map_or(Ok(()), Sizes::print))
}

pub fn server_phase(release: bool) -> &'static str {
    if release {
        "server build (release)"
    } else {
        "server build"
    }
}

/// What `build` needs beyond cargo: the wasm target and the site's npm packages.
pub fn ensure_build_tools(ctx: &mut Ctx) -> Result<()> {
    tools::ensure_wasm_target()?;
    tools::ensure_site_packages(ctx)
}

/// `cargo build -p atrium-server`, checked against the committed `.sqlx/` unless the caller set
/// SQLX_OFFLINE.
pub fn server_build(release: bool) -> Command {
    let mut cmd = cargo();
    cmd.args(["build", "-p", "atrium-server"]);
    if release {
        cmd.arg("--release");
    }
    if std::env::var_os("SQLX_OFFLINE").is_none() {
        cmd.env("SQLX_OFFLINE", "true");
    }
    cmd
}

/// The browser half and the site folder; assumes `ensure_build_tools` ran. With `sizes`, also
/// returns the built wasm and JS for the caller to measure when it suits it.
pub fn build_site(ctx: &mut Ctx, sizes: bool) -> Result<Option<Sizes>> {
    ctx.phase("wasm build", |_| {
        run(cargo()
            .args(["build", "-p", "atrium-hydrate", "--lib"])
            .args(["--target", WASM_TARGET])
            // The size-first profile unless a developer asked for speed: the wasm is what
            // every visitor downloads.
            .args(["--profile", wasm_profile().cargo_name()])
            .args(["--target-dir", FRONT_TARGET_DIR]))
    })?;
    ctx.phase("wasm-bindgen", bindgen)?;
    let sizes = if sizes {
        Some(Sizes::read(&ctx.path("target/site/pkg"))?)
    } else {
        None
    };
    ctx.phase("site assets", copy_assets)?;
    Ok(sizes)
}

fn bindgen(ctx: &mut Ctx) -> Result<()> {
    let input = ctx.path(wasm_profile().wasm_path());
    let site = ctx.path("target/site");
    // Start from an empty site so files removed from public/ or old snippets do not linger.
    if site.exists() {
        fs::remove_dir_all(&site).with_context(|| format!("cannot clear {}", site.display()))?;
    }
    let pkg = site.join("pkg");
    println!("wasm-bindgen {} -> {}", input.display(), pkg.display());
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&input)
        .web(true)?
        .out_name(OUTPUT_NAME)
        .typescript(false)
        .remove_name_section(true)
        .remove_producers_section(true)
        .generate(&pkg)
        .with_context(|| format!("wasm-bindgen failed on {}", input.display()))?;
    for expected in [format!("{OUTPUT_NAME}.js"), format!("{OUTPUT_NAME}_bg.wasm")] {
        if !pkg.join(&expected).is_file() {
            bail!("wasm-bindgen did not write pkg/{expected}, which Leptos loads");
        }
    }
    Ok(())
}

fn copy_assets(ctx: &mut Ctx) -> Result<()> {
    let site = ctx.path("target/site");
    let pkg = site.join("pkg");
    let css = ctx.path("style/main.css");
    if !css.is_file() {
        bail!("{} is missing", css.display());
    }
    copy_file(&css, &pkg.join(format!("{OUTPUT_NAME}.css")))?;
    copy_file(
        &ctx.path("node_modules/echarts/dist/echarts.min.js"),
        &pkg.join("echarts.min.js"),
    )?;
    let public = ctx.path("public");
    if public.is_dir() {
        copy_tree(&public, &site)?;
    }
    Ok(())
}

fn copy_file(from: &Path, to: &Path) -> Result<()> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::copy(from, to).with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            copy_file(&entry.path(), &target)?;
        }
    }
    Ok(())
}

/// What the browser downloads: the wasm and its JS glue as built, to be measured raw, gzip and
/// brotli by `print`.
pub struct Sizes(Vec<(String, Vec<u8>)>);

impl Sizes {
    fn read(pkg: &Path) -> Result<Sizes> {
        // Read now, so that what is measured is what this build produced.
        let files = [format!("{OUTPUT_NAME}_bg.wasm"), format!("{OUTPUT_NAME}.js")]
            .into_iter()
            .map(|name| {
                let path = pkg.join(&name);
                fs::read(&path)
                    .with_context(|| format!("cannot read {}", path.display()))
                    .map(|bytes| (name, bytes))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Sizes(files))
    }

    /// Compresses and prints. Brotli at quality 11 takes tens of seconds on the wasm in xtask's
    /// unoptimised build, which is why callers choose when (and whether) to pay for it.
    pub fn print(self) -> Result<()> {
        for (name, bytes) in self.0 {
            let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            gzip.write_all(&bytes)?;
            let gzip = gzip.finish()?;
            let mut brotli = Vec::new();
            {
                // Quality 11, 4 MiB window: what a static precompression step would use.
                let mut writer = brotli::CompressorWriter::new(&mut brotli, 64 * 1024, 11, 22);
                writer.write_all(&bytes)?;
            }
            println!(
                "pkg/{name}: {} raw, {} gzip, {} brotli",
                kib(bytes.len()),
                kib(gzip.len()),
                kib(brotli.len())
            );
        }
        Ok(())
    }
}

fn kib(bytes: usize) -> String {
    format!("{bytes} B ({:.1} KiB)", bytes as f64 / 1024.0)
}
