//! The app crate's integration tests as one binary: on a real PostgreSQL, and the layer rules
//! of `app/src` read from its source.

mod alerts;
mod api_keys;
mod audit;
mod auth;
mod layers;
mod lists;
mod log_lists;
mod rls;

/// Runs `statement` inside a savepoint and returns what it yields (the first column as a count,
/// or the rows affected), or `None` when the transaction's role lacks the privilege (SQLSTATE
/// 42501): a scope either sees and touches no rows of a table or may not use it at all, and both
/// keep the transaction usable.
pub async fn rows_or_denied(conn: &mut sqlx::PgConnection, statement: &str) -> Option<u64> {
    sqlx::query("SAVEPOINT probe")
        .execute(&mut *conn)
        .await
        .expect("savepoint");
    let result = if statement.trim_start().to_ascii_uppercase().starts_with("SELECT") {
        sqlx::query_scalar::<_, i64>(statement)
            .fetch_one(&mut *conn)
            .await
            .map(|count| u64::try_from(count).expect("count"))
    } else {
        sqlx::query(statement)
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
    };
    match result {
        Ok(rows) => {
            sqlx::query("RELEASE SAVEPOINT probe")
                .execute(&mut *conn)
                .await
                .expect("release");
            Some(rows)
        }
        Err(sqlx::Error::Database(error)) if error.code().as_deref() == Some("42501") => {
            sqlx::query("ROLLBACK TO SAVEPOINT probe")
                .execute(&mut *conn)
                .await
                .expect("rollback");
            None
        }
        Err(error) => panic!("{statement}: {error}"),
    }
}
