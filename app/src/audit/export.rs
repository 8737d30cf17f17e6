//! Exporting the filtered audit trail as CSV or JSON, streamed: rows are read in keyset-paginated
//! chunks, each in its own short transaction, and written out as they come, so an export of any
//! size neither holds a transaction open nor buffers the whole file.

use super::api::server::open_reader;
use super::db::{AuditReader, select_audit_chunk};
use super::types::{AuditEntry, AuditQuery};
use crate::auth::context::RequestContext;
use crate::error::AppError;
use crate::permissions::types::Permission;
use axum::body::Bytes;
use futures::Stream;

/// Rows per chunk: large enough to amortise a round trip, small enough to stream promptly.
pub const CHUNK_ROWS: i64 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
}

impl ExportFormat {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "csv" => Some(Self::Csv),
            "json" => Some(Self::Json),
            _ => None,
        }
    }
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
        }
    }
}

/// Column names of the CSV export, in order.
pub const CSV_COLUMNS: [&str; 17] = [
    "audit_id",
    "occurred_at",
    "tenant_id",
    "tenant_name",
    "actor_kind",
    "actor_id",
    "actor_email",
    "action",
    "entity_type",
    "entity_id",
    "ip",
    "user_agent",
    "request_id",
    "chain_seq",
    "before",
    "after",
    "impersonator_id",
];

/// One CSV cell (RFC 4180). Text a spreadsheet would run as a formula (starting with `=`, `+`,
/// `-`, `@`, tab or carriage return) gets a leading `'` so it stays text (OWASP's CSV injection
/// advice); cells holding a comma, quote or line break are quoted, with quotes doubled.
pub fn csv_cell(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

fn csv_line(cells: impl IntoIterator<Item = String>) -> String {
    let mut line = cells.into_iter().map(|c| csv_cell(&c)).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

pub fn csv_header() -> String {
    csv_line(CSV_COLUMNS.iter().map(|c| (*c).to_owned()))
}

pub fn csv_row(entry: &AuditEntry) -> String {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let json = |value: &Option<serde_json::Value>| value.as_ref().map(|v| v.to_string()).unwrap_or_default();
    csv_line([
        entry.audit_id.to_string(),
        entry.occurred_at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        entry.tenant_id.map(|id| id.to_string()).unwrap_or_default(),
        text(&entry.tenant_name),
        entry.actor_kind.clone(),
        entry.actor_id.map(|id| id.to_string()).unwrap_or_default(),
        text(&entry.actor_email),
        entry.action.clone(),
        entry.entity_type.clone(),
        text(&entry.entity_id),
        text(&entry.ip),
        text(&entry.user_agent),
        text(&entry.request_id),
        entry.chain_seq.map(|s| s.to_string()).unwrap_or_default(),
        json(&entry.before),
        json(&entry.after),
        entry.impersonator_id.map(|id| id.to_string()).unwrap_or_default(),
    ])
}

/// Where the stream is.
enum State {
    Start,
    Rows { before_id: Option<i64>, first: bool },
    Done,
}

/// The export body. The caller has already checked `AuditExport` on `context`; an error after
/// the first byte ends the stream with an error, so the client sees a failed download rather
/// than a silently short file.
pub fn export_stream(
    context: RequestContext,
    query: AuditQuery,
    format: ExportFormat,
) -> impl Stream<Item = Result<Bytes, AppError>> + Send + 'static {
    futures::stream::unfold(
        (State::Start, context, query),
        move |(state, context, query)| async move {
            match state {
                State::Done => None,
                State::Start => {
                    let head = match format {
                        ExportFormat::Csv => csv_header(),
                        ExportFormat::Json => "[".to_owned(),
                    };
                    let next = State::Rows {
                        before_id: None,
                        first: true,
                    };
                    Some((Ok(Bytes::from(head)), (next, context, query)))
                }
                State::Rows { before_id, first } => match next_chunk(&context, &query, before_id).await {
                    Err(error) => Some((Err(error), (State::Done, context, query))),
                    Ok(rows) if rows.is_empty() => {
                        let tail = match format {
                            ExportFormat::Csv => String::new(),
                            ExportFormat::Json => "\n]\n".to_owned(),
                        };
                        Some((Ok(Bytes::from(tail)), (State::Done, context, query)))
                    }
                    Ok(rows) => {
                        let last_id = rows.last().map(|row| row.audit_id);
                        let mut out = String::with_capacity(rows.len() * 256);
                        for (i, row) in rows.iter().enumerate() {
                            match format {
                                ExportFormat::Csv => out.push_str(&csv_row(row)),
                                ExportFormat::Json => {
                                    out.push_str(if first && i == 0 { "\n" } else { ",\n" });
                                    match serde_json::to_string(row) {
                                        Ok(json) => out.push_str(&json),
                                        Err(error) => {
                                            tracing::error!(%error, "audit export row did not serialise");
                                            return Some((Err(AppError::Internal), (State::Done, context, query)));
                                        }
                                    }
                                }
                            }
                        }
                        let next = State::Rows {
                            before_id: last_id,
                            first: false,
                        };
                        Some((Ok(Bytes::from(out)), (next, context, query)))
                    }
                },
            }
        },
    )
}

/// One chunk in its own short transaction.
async fn next_chunk(
    context: &RequestContext,
    query: &AuditQuery,
    before_id: Option<i64>,
) -> Result<Vec<AuditEntry>, AppError> {
    let mut reader: AuditReader = open_reader(context, Permission::AuditExport, false).await?;
    let rows = select_audit_chunk(&mut reader, query, before_id, CHUNK_ROWS).await?;
    reader.commit().await?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_only_when_needed() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(csv_cell("=1+2"), "'=1+2");
        assert_eq!(csv_cell("+cmd"), "'+cmd");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(
            csv_cell("=HYPERLINK(\"x\",\"y\")"),
            "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""
        );
        assert_eq!(csv_cell("a=b"), "a=b");
    }

    #[test]
    fn the_header_names_every_column() {
        assert_eq!(csv_header().trim_end().split(',').count(), CSV_COLUMNS.len());
    }
}
