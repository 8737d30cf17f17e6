//! The `atrium` binary: `atrium` (or `atrium serve`) runs the dashboard; `atrium migrate` only
//! applies migrations; `atrium audit verify` checks the audit hash chains.

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
