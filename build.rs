//! Links the browser wasm with its relocations kept (`--emit-relocs`): the build's wasm-split
//! step (`xtask/src/site.rs`) reads them to find what each lazily loaded area uses. Only the
//! final link of this cdylib gets the flag, so no dependency is rebuilt for it.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo::rustc-link-arg-cdylib=--emit-relocs");
    }
}
