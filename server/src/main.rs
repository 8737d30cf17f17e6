//! The `atrium` binary: `atrium` (or `atrium serve`) runs the dashboard; `atrium migrate` only
//! applies migrations.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    atrium_server::telemetry::init();
    let command = std::env::args().nth(1).unwrap_or_else(|| "serve".to_owned());
    let result = match command.as_str() {
        "serve" => atrium_server::run().await,
        "migrate" => atrium_server::migrate_only().await,
        "--help" | "-h" | "help" => {
            println!("usage: atrium [serve|migrate]\nConfiguration comes from the environment; see .env.example.");
            Ok(())
        }
        other => Err(anyhow::anyhow!("unknown command {other:?}; try `atrium --help`")),
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
