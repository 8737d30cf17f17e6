//! Streaming an export: one task reads the tables inside one snapshot transaction and writes the
//! ZIP into a small bounded channel that the HTTP body drains, so memory stays at a few chunks
//! whatever the workspace's size, a slow download slows the reading, and an abandoned one stops
//! it. Progress goes to the export's row in short transactions of its own, every table and at
//! most every second or so.

use super::db::{Progress, update_progress};
use super::tables::{LEFT_OUT, MEMBER, Table, WORKSPACE};
use super::types::{ExportScope, ExportStatus};
use super::zip::{MAX_ENTRY, ZipStream};
use crate::db::{Db, TenantTx};
use crate::ids::{DataExportId, TenantId};
use axum::body::Bytes;
use chrono::{DateTime, Utc};
use futures::{Stream, TryStreamExt};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// The tables of a scope.
pub fn tables(scope: ExportScope) -> &'static [Table] {
    match scope {
        ExportScope::Workspace => WORKSPACE,
        ExportScope::Member(_) => MEMBER,
    }
}

/// One export to stream.
#[derive(Debug, Clone, Copy)]
pub struct ExportJob {
    pub tenant: TenantId,
    pub scope: ExportScope,
    pub export_id: DataExportId,
    pub started_at: DateTime<Utc>,
}

/// JSON collected before it is compressed and sent.
const CHUNK: usize = 256 * 1024;
/// Chunks in flight between the reading task and the HTTP body.
const IN_FLIGHT: usize = 4;
/// How often a running export's row is updated at most, besides once per table.
const REPORT_EVERY: Duration = Duration::from_secs(1);

enum Failure {
    Database(sqlx::Error),
    /// The download was abandoned: nobody reads the channel any more.
    Gone,
}

impl From<sqlx::Error> for Failure {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(error)
    }
}

/// The archive's bytes as they are produced. The reading starts at once, in a task of its own.
pub fn stream(db: Db, job: ExportJob) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    let (sender, receiver) = mpsc::channel(IN_FLIGHT);
    tokio::spawn(async move {
        let mut writer = Writer {
            db: &db,
            job,
            out: &sender,
            zip: ZipStream::new(job.started_at),
            buffer: Vec::with_capacity(CHUNK + 4096),
            progress: Progress::default(),
            reported: Instant::now(),
        };
        let outcome = writer.run().await;
        let progress = writer.progress;
        let (status, error) = match outcome {
            Ok(()) => (ExportStatus::Done, None),
            Err(Failure::Gone) => (ExportStatus::Failed, Some("the download was cancelled")),
            Err(Failure::Database(error)) => {
                tracing::warn!(%error, export_id = %job.export_id, "a data export failed");
                let _ = sender
                    .send(Err(std::io::Error::other("the export failed; see the server log")))
                    .await;
                (ExportStatus::Failed, Some("the database failed while reading"))
            }
        };
        if let Err(error) = report(&db, &job, &progress, status, error).await {
            tracing::warn!(%error, export_id = %job.export_id, "recording a data export's end failed");
        }
    });
    futures::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|item| (item, receiver))
    })
}

async fn report(
    db: &Db,
    job: &ExportJob,
    progress: &Progress,
    status: ExportStatus,
    error: Option<&str>,
) -> Result<(), sqlx::Error> {
    let mut tx = TenantTx::begin(db, job.tenant).await?;
    update_progress(&mut tx, job.export_id, progress, status, error).await?;
    tx.commit().await
}

struct Writer<'a> {
    db: &'a Db,
    job: ExportJob,
    out: &'a mpsc::Sender<Result<Bytes, std::io::Error>>,
    zip: ZipStream,
    buffer: Vec<u8>,
    progress: Progress,
    reported: Instant,
}

impl Writer<'_> {
    async fn run(&mut self) -> Result<(), Failure> {
        let mut tx = TenantTx::begin_snapshot(self.db, self.job.tenant).await?;
        let mut files = Vec::new();
        for table in tables(self.job.scope) {
            let (rows, parts) = self.table(&mut tx, table).await?;
            files.push(serde_json::json!({ "file": table.file, "rows": rows, "parts": parts }));
            self.progress.tables_done += 1;
            self.report_now().await?;
        }
        tx.commit().await?;
        let manifest = serde_json::json!({
            "format": "atrium.export.v1",
            "scope": self.job.scope.as_str(),
            "subject_user_id": match self.job.scope {
                ExportScope::Member(user) => Some(user.to_string()),
                ExportScope::Workspace => None,
            },
            "tenant_id": self.job.tenant.to_string(),
            "export_id": self.job.export_id.to_string(),
            "exported_at": self.job.started_at,
            "files": files,
            "left_out": match self.job.scope {
                ExportScope::Workspace => LEFT_OUT.iter().map(|(table, why)| serde_json::json!({"table": table, "why": why})).collect(),
                ExportScope::Member(_) => Vec::new(),
            },
        });
        let start = self.zip.start("manifest.json");
        self.send(start).await?;
        let text = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
        let bytes = self.zip.write(&text);
        self.send(bytes).await?;
        let end = std::mem::replace(&mut self.zip, ZipStream::new(self.job.started_at)).finish();
        self.send(end).await
    }

    /// Writes one table as `file.json` (and `file.2.json`… past [`MAX_ENTRY`]); returns its rows
    /// and parts.
    async fn table(&mut self, tx: &mut TenantTx, table: &Table) -> Result<(i64, u32), Failure> {
        let mut parts = 1u32;
        self.open_part(table, parts).await?;
        let mut query = sqlx::query_scalar::<_, String>(table.sql);
        if let ExportScope::Member(user) = self.job.scope {
            query = query.bind(user.0);
        }
        let mut rows = query.fetch(&mut **tx);
        let mut count = 0i64;
        let mut first = true;
        while let Some(text) = rows.try_next().await? {
            // Parsed again only to redact: a JSON column (a channel's config) may hold a secret.
            let row = serde_json::from_str(&text)
                .map(crate::audit::db::redact_secrets)
                .unwrap_or(serde_json::Value::Null);
            if !first {
                self.buffer.extend_from_slice(b",\n");
            }
            first = false;
            let _ = serde_json::to_writer(&mut self.buffer, &row);
            count += 1;
            self.progress.rows_done += 1;
            if self.buffer.len() >= CHUNK {
                self.flush().await?;
                if self.zip.entry_len() >= MAX_ENTRY {
                    self.buffer.extend_from_slice(b"\n]\n");
                    parts += 1;
                    self.open_part(table, parts).await?;
                    first = true;
                }
                if self.reported.elapsed() >= REPORT_EVERY {
                    self.report_now().await?;
                }
            }
        }
        self.buffer.extend_from_slice(b"\n]\n");
        self.flush().await?;
        Ok((count, parts))
    }

    async fn open_part(&mut self, table: &Table, part: u32) -> Result<(), Failure> {
        self.flush().await?;
        let name = if part == 1 {
            format!("{}.json", table.file)
        } else {
            format!("{}.{part}.json", table.file)
        };
        let header = self.zip.start(&name);
        self.send(header).await?;
        self.buffer.extend_from_slice(b"[\n");
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), Failure> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let compressed = self.zip.write(&self.buffer);
        self.buffer.clear();
        self.send(compressed).await
    }

    async fn send(&mut self, bytes: Vec<u8>) -> Result<(), Failure> {
        if bytes.is_empty() {
            return Ok(());
        }
        self.progress.bytes += i64::try_from(bytes.len()).unwrap_or(0);
        self.out.send(Ok(Bytes::from(bytes))).await.map_err(|_| Failure::Gone)
    }

    async fn report_now(&mut self) -> Result<(), Failure> {
        self.reported = Instant::now();
        report(self.db, &self.job, &self.progress, ExportStatus::Running, None).await?;
        Ok(())
    }
}
