//! The `data_exports` rows: one per archive, updated as it streams.

use super::types::{DataExport, ExportScope, ExportStatus};
use crate::db::TenantTx;
use crate::ids::{DataExportId, UserId};
use uuid::Uuid;

/// Records a new export as running.
pub async fn insert_export(
    tx: &mut TenantTx,
    scope: ExportScope,
    requested_by: Option<Uuid>,
    tables_total: i32,
) -> Result<DataExportId, sqlx::Error> {
    let subject = match scope {
        ExportScope::Member(user) => Some(user.0),
        ExportScope::Workspace => None,
    };
    let tenant = tx.tenant_id().0;
    sqlx::query_scalar!(
        r#"INSERT INTO data_exports (tenant_id, scope, subject_user_id, requested_by, tables_total)
           VALUES ($1, $2, $3, $4, $5) RETURNING export_id AS "export_id: DataExportId""#,
        tenant,
        scope.as_str(),
        subject,
        requested_by,
        tables_total
    )
    .fetch_one(&mut **tx)
    .await
}

/// Progress so far; `status` other than running also stamps the end.
pub async fn update_progress(
    tx: &mut TenantTx,
    export_id: DataExportId,
    progress: &Progress,
    status: ExportStatus,
    error: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE data_exports
            SET tables_done = $2, rows_done = $3, bytes = $4, status = $5, error = $6, updated_at = now(),
                finished_at = CASE WHEN $5 = 'running' THEN NULL ELSE now() END
          WHERE export_id = $1",
        export_id.0,
        progress.tables_done,
        progress.rows_done,
        progress.bytes,
        status.as_str(),
        error
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What a running export has written.
#[derive(Debug, Default, Clone, Copy)]
pub struct Progress {
    pub tables_done: i32,
    pub rows_done: i64,
    pub bytes: i64,
}

/// The workspace's newest exports.
pub async fn select_recent(tx: &mut TenantTx, limit: i64) -> Result<Vec<DataExport>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT export_id AS "export_id: DataExportId", scope, subject_user_id AS "subject_user_id: UserId",
                  status, tables_done, tables_total, rows_done, bytes, started_at, finished_at, error
           FROM data_exports ORDER BY tenant_id, started_at DESC, export_id LIMIT $1"#,
        limit
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(DataExport {
                export_id: row.export_id,
                scope: ExportScope::from_stored(&row.scope, row.subject_user_id)?,
                status: ExportStatus::parse(&row.status),
                tables_done: row.tables_done,
                tables_total: row.tables_total,
                rows_done: row.rows_done,
                bytes: row.bytes,
                started_at: row.started_at,
                finished_at: row.finished_at,
                error: row.error,
            })
        })
        .collect())
}

/// Marks exports still running after `stale` (their server went away mid-stream) as failed.
pub async fn fail_stale(tx: &mut TenantTx, stale: chrono::Duration) -> Result<u64, sqlx::Error> {
    let before = chrono::Utc::now() - stale;
    Ok(sqlx::query!(
        "UPDATE data_exports SET status = 'failed', error = 'interrupted', finished_at = now()
          WHERE status = 'running' AND updated_at < $1",
        before
    )
    .execute(&mut **tx)
    .await?
    .rows_affected())
}
