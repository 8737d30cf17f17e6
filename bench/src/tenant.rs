//! The bench tenant and its API key, written directly as the superuser (row-level security does not
//! apply to it) once the server has migrated the database. The key has the shape Atrium issues,
//! `atr_<8 × [a-z0-9]>_<43 × base64url>`, and only its SHA-256 is stored, as the product does.

use anyhow::{Context, Result};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use std::io::Read;
use uuid::Uuid;

/// The tenant's slug; its plan is enterprise, whose daily point quota (10⁹) and series limit
/// (10⁶) leave the bench unthrottled.
pub const SLUG: &str = "bench";

/// What the bench authenticates with.
pub struct BenchTenant {
    pub tenant_id: Uuid,
    /// The bearer key, `atr_…`.
    pub key: String,
}

fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut random| random.read_exact(&mut bytes))
        .context("reading /dev/urandom")?;
    Ok(bytes)
}

/// A key string and its public prefix.
fn new_key() -> Result<(String, String)> {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let prefix: String = random_bytes::<8>()?
        .iter()
        .map(|byte| char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()]))
        .collect();
    let key = format!("atr_{prefix}_{}", URL_SAFE_NO_PAD.encode(random_bytes::<32>()?));
    Ok((key, prefix))
}

/// Creates the tenant and a key with `metrics:write` and `metrics:read`.
pub async fn create(conn: &mut PgConnection) -> Result<BenchTenant> {
    let tenant_id: Uuid = sqlx::query_scalar(
        "INSERT INTO tenants (slug, name, plan) VALUES ($1, 'Bench', 'enterprise') RETURNING tenant_id",
    )
    .bind(SLUG)
    .fetch_one(&mut *conn)
    .await
    .context("creating the bench tenant (has the server migrated the database?)")?;
    let (key, prefix) = new_key()?;
    let hash = Sha256::digest(key.as_bytes()).to_vec();
    sqlx::query(
        "INSERT INTO api_keys (tenant_id, name, prefix, secret_hash, signing_secret, scopes)
         VALUES ($1, 'bench', $2, $3, $4, ARRAY['metrics:write', 'metrics:read'])",
    )
    .bind(tenant_id)
    .bind(&prefix)
    .bind(hash)
    .bind(random_bytes::<32>()?.to_vec())
    .execute(&mut *conn)
    .await
    .context("creating the bench API key")?;
    Ok(BenchTenant { tenant_id, key })
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a test fails by panicking")]
mod tests {
    use super::*;

    #[test]
    fn keys_have_the_issued_shape() {
        let (key, prefix) = new_key().unwrap();
        let rest = key.strip_prefix("atr_").unwrap();
        let (p, secret) = rest.split_once('_').unwrap();
        assert_eq!(p, prefix);
        assert_eq!(p.len(), 8);
        assert!(p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        assert_eq!(secret.len(), 43);
        assert_eq!(URL_SAFE_NO_PAD.decode(secret).unwrap().len(), 32);
    }
}
