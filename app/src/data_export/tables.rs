//! What an export contains: one JSON file per table, each row as PostgreSQL's `row_to_json` of
//! the columns listed here, in primary-key order. Secrets (password and key hashes, signing
//! secrets, session and lease tokens, invitation tokens, audit salts) are never selected, and
//! every row also passes `audit::db::redact_secrets` in case a JSON column holds one.
//! Row-level security limits every statement to the export's workspace.

/// One file of the archive. `sql` yields one JSON text per row; member tables take the member's
/// id as `$1`.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub file: &'static str,
    pub sql: &'static str,
}

macro_rules! table {
    ($file:literal, $columns:literal, $from:literal, $order:literal) => {
        Table {
            file: $file,
            sql: concat!(
                "SELECT row_to_json(r)::text FROM (SELECT ",
                $columns,
                " FROM ",
                $from,
                " ORDER BY ",
                $order,
                ") r"
            ),
        }
    };
}

/// Everything a workspace holds, in dependency order (a reader can load them top to bottom).
pub const WORKSPACE: &[Table] = &[
    table!(
        "workspace",
        "tenant_id, slug, name, plan, status, brand_name, brand_color, brand_logo_url, logo_url, features, \
         audit_retention_days, require_signed_ingest, require_two_factor, created_at, updated_at",
        "tenants",
        "tenant_id"
    ),
    table!(
        "users",
        "user_id, email, name, role, status, last_login_at, locked_until, totp_confirmed_at, theme, language, created_at, updated_at",
        "users",
        "tenant_id, user_id"
    ),
    // The provider's settings, never its (sealed) client secret.
    table!(
        "sso_provider",
        "display_name, issuer_url, client_id, allowed_domains, default_role, enabled, created_at, updated_at",
        "sso_providers",
        "tenant_id"
    ),
    table!(
        "permission_sets",
        "*",
        "permission_sets",
        "tenant_id, permission_set_id"
    ),
    table!(
        "user_permission_sets",
        "*",
        "user_permission_sets",
        "tenant_id, user_id, permission_set_id"
    ),
    table!("user_grants", "*", "user_grants", "tenant_id, user_id, permission"),
    table!("delegations", "*", "delegations", "tenant_id, delegation_id"),
    table!(
        "invitations",
        "invitation_id, email, role, invited_by, created_at, sent_at, expires_at, accepted_at, accepted_user_id, \
         revoked_at",
        "invitations",
        "tenant_id, invitation_id"
    ),
    table!(
        "api_keys",
        "api_key_id, name, prefix, scopes, created_by, created_at, expires_at, last_used_at, revoked_at, \
         previous_expires_at",
        "api_keys",
        "tenant_id, api_key_id"
    ),
    table!(
        "channels",
        "channel_id, name, kind, config, enabled, disabled_reason, disabled_at, failing_since, language, created_at, \
         updated_at",
        "channels",
        "tenant_id, channel_id"
    ),
    table!(
        "deliveries",
        "delivery_id, channel_id, event_type, notification, source_ids, status, attempts, max_attempts, \
         next_attempt_at, last_attempt_at, last_status_code, last_latency_ms, last_error, replays, created_at, \
         finished_at",
        "deliveries",
        "tenant_id, delivery_id"
    ),
    table!(
        "delivery_attempts",
        "*",
        "delivery_attempts",
        "tenant_id, delivery_id, attempt_id"
    ),
    table!("metrics", "*", "metrics", "tenant_id, metric_id"),
    table!("series", "*", "series", "tenant_id, series_id"),
    table!("points", "*", "point_chunks", "tenant_id, series_id, first_ts"),
    table!("alert_rules", "*", "alert_rules", "tenant_id, rule_id"),
    table!(
        "alerts",
        "alert_id, rule_id, fingerprint, labels, state, severity, value, reason, reason_message, started_at, \
         fired_at, acknowledged_at, resolved_at, notified_at, escalation_step, updated_at",
        "alerts",
        "tenant_id, alert_id"
    ),
    table!("alert_events", "*", "alert_events", "tenant_id, alert_id, event_no"),
    table!("silences", "*", "silences", "tenant_id, silence_id"),
    table!("usage_daily", "*", "usage_daily", "tenant_id, day"),
    table!(
        "usage_notices",
        "*",
        "usage_notices",
        "tenant_id, limit_name, level, day"
    ),
    table!(
        "limit_overrides",
        "*",
        "tenant_limit_overrides",
        "tenant_id, limit_name"
    ),
    table!(
        "feature_overrides",
        "*",
        "tenant_feature_overrides",
        "tenant_id, feature"
    ),
    table!(
        "audit_events",
        "audit_id, chain_seq, occurred_at, actor_kind, actor_id, actor_email, action, entity_type, entity_id, \
         before, after, ip, user_agent, request_id, format, personal_digest, erased_at, prev_hash, row_hash",
        "audit_events",
        "tenant_id, chain_seq NULLS FIRST, audit_id"
    ),
    table!("audit_checkpoints", "*", "audit_checkpoints", "tenant_id, chain_seq"),
    table!("audit_chain_head", "*", "audit_chain_heads", "tenant_id"),
    table!("data_exports", "*", "data_exports", "tenant_id, started_at, export_id"),
];

/// Tables of a workspace an export leaves out, and why; with [`WORKSPACE`] they must name every
/// table that has a `tenant_id` (a test checks), so a new table cannot be forgotten silently.
pub const LEFT_OUT: &[(&str, &str)] = &[
    ("sessions", "sign-in tokens, valid for hours"),
    ("sign_in_challenges", "second-factor sign-in steps, valid for minutes"),
    (
        "sso_requests",
        "single sign-ons under way at the provider, valid for minutes",
    ),
    ("signature_nonces", "replay guards, valid for minutes"),
    ("tenant_user_counts", "a counter derived from users"),
    ("rollups", "derived from the points"),
];

/// Everything about one member (`$1`): their account, what they were given and lent, what they
/// created, and the audit rows they acted in or that are about them.
pub const MEMBER: &[Table] = &[
    table!(
        "user",
        "user_id, email, name, role, status, last_login_at, locked_until, created_at, updated_at",
        "users WHERE user_id = $1",
        "user_id"
    ),
    table!(
        "user_permission_sets",
        "*",
        "user_permission_sets WHERE user_id = $1",
        "permission_set_id"
    ),
    table!("user_grants", "*", "user_grants WHERE user_id = $1", "permission"),
    table!(
        "delegations",
        "*",
        "delegations WHERE delegator_id = $1 OR delegate_id = $1",
        "delegation_id"
    ),
    table!(
        "invitations",
        "invitation_id, email, role, invited_by, created_at, sent_at, expires_at, accepted_at, accepted_user_id, \
         revoked_at",
        "invitations WHERE accepted_user_id = $1 OR invited_by = $1 \
         OR lower(email) = (SELECT lower(u.email) FROM users u WHERE u.user_id = $1)",
        "invitation_id"
    ),
    table!(
        "api_keys",
        "api_key_id, name, prefix, scopes, created_by, created_at, expires_at, last_used_at, revoked_at",
        "api_keys WHERE created_by = $1",
        "api_key_id"
    ),
    table!(
        "alert_events",
        "*",
        "alert_events WHERE actor_user_id = $1",
        "alert_id, event_no"
    ),
    table!("silences", "*", "silences WHERE created_by = $1", "silence_id"),
    table!(
        "audit_events",
        "audit_id, chain_seq, occurred_at, actor_kind, actor_id, actor_email, action, entity_type, entity_id, \
         before, after, ip, user_agent, request_id",
        "audit_events WHERE actor_id = $1 OR (entity_type = 'user' AND entity_id = $1::text)",
        "audit_id"
    ),
];
