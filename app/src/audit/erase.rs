//! Erasing a person from a tenant's audit trail (through `audit_erase_person`, migration
//! `20261211000001_audit_personal_data`): personal values become a pseudonym, hashes stay valid.

use crate::db::TenantTx;
use crate::error::AppError;
use crate::ids::UserId;

/// A pseudonym for an erased person: email-shaped so every email column and filter still holds
/// an email, random so it links the person's rows to each other and to nothing else.
pub fn pseudonym() -> String {
    format!("erased-{}@erased.invalid", hex::encode(rand::random::<[u8; 5]>()))
}

/// Rewrites every audit row of the transaction's tenant that names the member `user_id` (by id,
/// by `email`, or by any email their rows recorded) and returns how many rows changed.
pub async fn erase_person(
    tx: &mut TenantTx,
    user_id: UserId,
    email: &str,
    name: &str,
    pseudonym: &str,
) -> Result<u64, AppError> {
    let rows = sqlx::query_scalar!(
        r#"SELECT audit_erase_person($1, $2, $3, $4) AS "rows!""#,
        user_id.0,
        email,
        name,
        pseudonym
    )
    .fetch_one(&mut **tx)
    .await
    .map_err(|error| match &error {
        sqlx::Error::Database(db) if db.message() == "audit_chain_not_resealed" => {
            AppError::Conflict(crate::i18n::t("erase-not-resealed"))
        }
        _ => AppError::from(error),
    })?;
    Ok(u64::try_from(rows).unwrap_or(0))
}
