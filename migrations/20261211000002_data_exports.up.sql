-- Data exports (issue 13, data rights): one row per archive a workspace downloaded, of the whole
-- workspace or of one member. The streaming task updates it as it goes (tables and rows done,
-- bytes sent), which is what the Data page shows as progress, and it stays as the history.
-- `subject_user_id` has no foreign key: the row outlives a member's erasure, and an id alone
-- names no one.
CREATE TABLE data_exports (
    tenant_id        uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    export_id        uuid NOT NULL DEFAULT gen_random_uuid(),
    scope            text NOT NULL CHECK (scope IN ('workspace', 'member')),
    subject_user_id  uuid,
    requested_by     uuid,
    status           text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
    tables_done      integer NOT NULL DEFAULT 0,
    tables_total     integer NOT NULL CHECK (tables_total > 0),
    rows_done        bigint NOT NULL DEFAULT 0,
    bytes            bigint NOT NULL DEFAULT 0,
    started_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    error            text,
    PRIMARY KEY (tenant_id, export_id),
    CHECK ((scope = 'member') = (subject_user_id IS NOT NULL))
);
-- The Data page lists a workspace's newest exports first.
CREATE INDEX data_exports_recent_idx ON data_exports (tenant_id, started_at DESC, export_id);

ALTER TABLE data_exports ENABLE ROW LEVEL SECURITY;
ALTER TABLE data_exports FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON data_exports FOR ALL TO atrium_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
GRANT SELECT, INSERT, UPDATE ON data_exports TO atrium_app;
