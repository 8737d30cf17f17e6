//! Data exports: an archive of everything a workspace holds, or everything about one member, and
//! the progress the Data page shows while it streams.

use crate::i18n::t;
use crate::ids::{DataExportId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What an export covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportScope {
    /// Every table of the workspace.
    Workspace,
    /// Every row about one member.
    Member(UserId),
}

impl ExportScope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Workspace => "workspace",
            Self::Member(_) => "member",
        }
    }
    /// The entity an export of `workspace` is about, as its audit row names it: the workspace
    /// itself, or the member.
    pub fn audit_entity(self, workspace: crate::ids::TenantId) -> (&'static str, String) {
        match self {
            Self::Workspace => ("tenant", workspace.to_string()),
            Self::Member(user) => ("user", user.to_string()),
        }
    }
    /// From the stored `scope` and `subject_user_id`.
    pub fn from_stored(scope: &str, subject: Option<UserId>) -> Option<Self> {
        match (scope, subject) {
            ("workspace", None) => Some(Self::Workspace),
            ("member", Some(user)) => Some(Self::Member(user)),
            _ => None,
        }
    }
}

/// Where an export stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportStatus {
    Running,
    Done,
    /// Cut short: the download was abandoned or the database failed.
    Failed,
}

impl ExportStatus {
    pub fn parse(value: &str) -> Self {
        match value {
            "running" => Self::Running,
            "done" => Self::Done,
            _ => Self::Failed,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }
    pub fn label(self) -> String {
        t(&format!("export-status-{}", self.as_str()))
    }
}

/// One export as the Data page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataExport {
    pub export_id: DataExportId,
    pub scope: ExportScope,
    pub status: ExportStatus,
    pub tables_done: i32,
    pub tables_total: i32,
    pub rows_done: i64,
    pub bytes: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
}

impl DataExport {
    /// Percent of tables written, for the progress bar.
    pub fn percent(&self) -> u32 {
        if self.status == ExportStatus::Done {
            return 100;
        }
        let total = i64::from(self.tables_total.max(1));
        u32::try_from(i64::from(self.tables_done.max(0)) * 100 / total)
            .unwrap_or(100)
            .min(100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_is_audited_against_the_workspace_or_the_member() {
        let workspace = crate::ids::TenantId(uuid::Uuid::from_u128(7));
        let user = UserId(uuid::Uuid::from_u128(3));
        assert_eq!(
            ExportScope::Workspace.audit_entity(workspace),
            ("tenant", workspace.to_string())
        );
        assert_eq!(
            ExportScope::Member(user).audit_entity(workspace),
            ("user", user.to_string())
        );
    }

    #[test]
    fn scopes_round_trip_and_reject_mismatches() {
        let user = UserId(uuid::Uuid::from_u128(3));
        assert_eq!(
            ExportScope::from_stored("workspace", None),
            Some(ExportScope::Workspace)
        );
        assert_eq!(
            ExportScope::from_stored("member", Some(user)),
            Some(ExportScope::Member(user))
        );
        assert_eq!(ExportScope::from_stored("member", None), None);
        assert_eq!(ExportScope::from_stored("workspace", Some(user)), None);
    }
}
