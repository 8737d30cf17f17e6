//! The `atrium` binary: `atrium` (or `atrium serve`) runs the dashboard; `atrium migrate` only
//! applies migrations; `atrium audit verify` checks the audit hash chains.

/// mimalloc instead of glibc's malloc: serving a list page allocates and frees a great many
/// small strings across the runtime's threads, and under `wrk -c32` glibc's `malloc`, `free`,
/// `malloc_consolidate` and their arena locks took about a quarter of the server's CPU
/// (`perf record` on `/users?per_page=100`; bench/RESULTS.md has the before and after).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    atrium_server::telemetry::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match words.as_slice() {
        [] | ["serve"] => atrium_server::run().await,
        ["migrate"] => atrium_server::migrate_only().await,
        ["audit", "verify"] => atrium_server::audit_verify().await,
        ["--help" | "-h" | "help"] => {
            println!(
                "usage: atrium [serve|migrate|audit verify]\nConfiguration comes from the environment; see .env.example."
            );
            Ok(())
        }
        other => Err(anyhow::anyhow!(
            "unknown command {:?}; try `atrium --help`",
            other.join(" ")
        )),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("atrium: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
