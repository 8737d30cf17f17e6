//! The app role's login. The server connects as `atrium_app` (no SUPERUSER, no BYPASSRLS), never
//! as the owner that runs migrations: a `SET ROLE` from a superuser login is undone by one
//! `RESET ROLE`, whereas a login role cannot become anything it is not a member of.
//!
//! With zero configuration the app's options are the owner's with the user replaced by the app
//! role and, when the owner has a password, a password derived from it (HMAC-SHA256 keyed by the
//! owner's password, hex), so every replica sharing one `DATABASE_URL` agrees on it without
//! storing a second secret. The owner makes the role able to log in with that password
//! (`ensure_login`) only when logging in fails.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};

/// The role the server works as (created by the first migration).
pub(super) const APP_ROLE: &str = "atrium_app";

/// What the derived password is the HMAC of; changing it changes every derived password.
const DERIVATION_LABEL: &[u8] = b"atrium_app login password v1";

/// PostgreSQL's own default iteration count for SCRAM-SHA-256 verifiers.
const SCRAM_ITERATIONS: u32 = 4096;

/// How often `ensure_login` retries an `ALTER ROLE` that lost a race with another process doing
/// the same (roles are cluster-wide, so parallel test databases share one).
const ALTER_ATTEMPTS: usize = 5;

type HmacSha256 = Hmac<Sha256>;

/// The options the app logs in with, derived from the owner's: same server, database and TLS
/// settings; user `atrium_app`; password derived from the owner's, or none when it has none
/// (trust or peer authentication).
pub(super) fn app_options(owner: &PgConnectOptions) -> PgConnectOptions {
    let app = owner.clone().username(APP_ROLE);
    match owner_password(owner) {
        Some(password) => app.password(&derive_password(&password)),
        None => app,
    }
}

/// The owner's password, whether it came from the URL, `PGPASSWORD` or a passfile.
/// `PgConnectOptions` has no getter for it; its URL form carries it percent-encoded. The user and
/// host are replaced first because sqlx builds that URL by pasting them unescaped (and panics if
/// the result does not parse); neither is needed here.
fn owner_password(owner: &PgConnectOptions) -> Option<String> {
    let url = owner.clone().username("owner").host("localhost").to_url_lossy();
    let encoded = url.password()?;
    let password = percent_encoding::percent_decode_str(encoded).decode_utf8().ok()?;
    (!password.is_empty()).then(|| password.into_owned())
}

/// The app role's password for an owner password: 64 hex digits, so it needs no quoting anywhere.
fn derive_password(owner_password: &str) -> String {
    hex::encode(hmac(owner_password.as_bytes(), DERIVATION_LABEL))
}

/// Whether `error` is the server refusing the login itself (a role that may not log in, a wrong
/// or missing password, no `pg_hba.conf` entry), which `ensure_login` may be able to fix.
pub(super) fn is_login_refused(error: &sqlx::Error) -> bool {
    matches!(
        error.as_database_error().and_then(|e| e.code()).as_deref(),
        Some("28000" | "28P01")
    )
}

/// As the owner: gives `atrium_app` LOGIN and, when `password` is set, that password. The
/// password travels as a SCRAM-SHA-256 verifier computed here, so the server (and any statement
/// log) never sees it in clear, and the statement is built by `format('%L')` on the server.
/// Needs an owner that is a superuser or holds CREATEROLE (with ADMIN on the role from
/// PostgreSQL 16); otherwise set `ATRIUM_APP_DATABASE_URL`.
pub(super) async fn ensure_login(owner: &PgConnectOptions, password: Option<&str>) -> Result<(), sqlx::Error> {
    let mut conn = PgConnection::connect_with(owner).await?;
    let statement = match password {
        Some(password) => {
            let verifier = scram_verifier(password, &random_salt());
            sqlx::query_scalar!(
                r#"SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', $1::text, $2::text) AS "statement!""#,
                APP_ROLE,
                verifier
            )
            .fetch_one(&mut conn)
            .await?
        }
        None => {
            sqlx::query_scalar!(
                r#"SELECT format('ALTER ROLE %I WITH LOGIN', $1::text) AS "statement!""#,
                APP_ROLE
            )
            .fetch_one(&mut conn)
            .await?
        }
    };
    let mut attempt = 1;
    let result = loop {
        // A statement the server composed above: ALTER ROLE takes no bind parameters.
        match sqlx::raw_sql(&statement).execute(&mut conn).await {
            Err(error) if attempt < ALTER_ATTEMPTS && is_concurrent_update(&error) => {
                attempt += 1;
                tokio::time::sleep(std::time::Duration::from_millis(20 * attempt as u64)).await;
            }
            result => break result,
        }
    };
    conn.close().await?;
    result.map(|_| ())
}

/// "tuple concurrently updated": two sessions changed the same role at the same moment.
fn is_concurrent_update(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .is_some_and(|e| e.code().as_deref() == Some("XX000") && e.message().contains("concurrently"))
}

/// The password the app logs in with under `owner` (`None` when the owner has none).
pub(super) fn derived_password(owner: &PgConnectOptions) -> Option<String> {
    owner_password(owner).map(|password| derive_password(&password))
}

fn random_salt() -> [u8; 16] {
    let mut salt = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut salt);
    salt
}

/// `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` (RFC 5802/7677), the form
/// PostgreSQL stores and accepts in `ALTER ROLE … PASSWORD`. The password is ASCII hex, for which
/// SASLprep (which PostgreSQL applies first) changes nothing.
fn scram_verifier(password: &str, salt: &[u8]) -> String {
    let salted = salted_password(password.as_bytes(), salt, SCRAM_ITERATIONS);
    let client_key = hmac(&salted, b"Client Key");
    let stored_key = Sha256::digest(client_key);
    let server_key = hmac(&salted, b"Server Key");
    format!(
        "SCRAM-SHA-256${SCRAM_ITERATIONS}:{}${}:{}",
        BASE64.encode(salt),
        BASE64.encode(stored_key),
        BASE64.encode(server_key)
    )
}

/// PBKDF2-HMAC-SHA256 with a 32-byte output (one block): SCRAM's `Hi()`.
fn salted_password(password: &[u8], salt: &[u8], iterations: u32) -> [u8; 32] {
    let mut block = Vec::with_capacity(salt.len() + 4);
    block.extend_from_slice(salt);
    block.extend_from_slice(&1u32.to_be_bytes());
    let mut u = hmac(password, &block);
    let mut result = u;
    for _ in 1..iterations {
        u = hmac(password, &u);
        for (r, x) in result.iter_mut().zip(u) {
            *r ^= x;
        }
    }
    result
}

/// Startup-only code (connecting to the database), and HMAC accepts a key of any length, so the
/// `expect` cannot fire.
fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn the_verifier_matches_rfc_7677() {
        // RFC 7677, section 3: user "user", password "pencil", this salt, 4096 iterations. The
        // server's signature is HMAC(ServerKey, AuthMessage); matching it proves ServerKey.
        let salt = BASE64.decode("W22ZaJ0SNY7soEsUEjb6gQ==").expect("salt");
        let verifier = scram_verifier("pencil", &salt);
        let server_key = BASE64
            .decode(verifier.rsplit(':').next().expect("server key"))
            .expect("base64");
        let auth_message = "n=user,r=rOprNGfwEbeRWgbNEkqO,\
            r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,\
            c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        assert_eq!(
            BASE64.encode(hmac(&server_key, auth_message.as_bytes())),
            "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
        );
        // The client proof of the same exchange checks StoredKey: ClientKey = proof XOR signature.
        let stored_key = BASE64
            .decode(
                verifier
                    .split('$')
                    .nth(2)
                    .and_then(|keys| keys.split(':').next())
                    .expect("stored key"),
            )
            .expect("base64");
        let proof = BASE64
            .decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
            .expect("proof");
        let signature = hmac(&stored_key, auth_message.as_bytes());
        let client_key: Vec<u8> = proof.iter().zip(signature).map(|(p, s)| p ^ s).collect();
        assert_eq!(Sha256::digest(&client_key).as_slice(), stored_key.as_slice());
        assert!(verifier.starts_with("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$"));
    }

    #[test]
    fn the_app_password_follows_the_owner_password_only() {
        let a = PgConnectOptions::from_str("postgres://postgres:s%40cret@db.internal:6543/atrium").expect("url");
        let b = PgConnectOptions::from_str("postgres://owner:s%40cret@10.0.0.2/other").expect("url");
        let c = PgConnectOptions::from_str("postgres://postgres:other@db.internal:6543/atrium").expect("url");
        let password = derived_password(&a).expect("derived");
        assert_eq!(password.len(), 64);
        assert!(password.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(derived_password(&b), Some(password.clone()), "replicas agree");
        assert_ne!(derived_password(&c), Some(password.clone()));
        assert_eq!(
            password,
            derive_password("s@cret"),
            "the owner password is decoded first"
        );
        let app = app_options(&a);
        assert_eq!(app.get_username(), APP_ROLE);
        assert_eq!(app.get_host(), "db.internal");
        assert_eq!(app.get_port(), 6543);
        assert_eq!(app.get_database(), Some("atrium"));
    }

    #[test]
    fn without_an_owner_password_the_app_has_none() {
        let trust = PgConnectOptions::from_str("postgres://postgres@127.0.0.1:5432/postgres").expect("url");
        if std::env::var_os("PGPASSWORD").is_none() {
            assert_eq!(derived_password(&trust), None);
        }
        assert_eq!(app_options(&trust).get_username(), APP_ROLE);
    }
}
