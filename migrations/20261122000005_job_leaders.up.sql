-- Who leads each periodic job (audit pruning, analytics maintenance, alert evaluation) and how its
-- last pass went, for operators (`GET /api/v1/system/jobs`). Leadership itself is a PostgreSQL
-- advisory lock held by one replica (server/src/jobs/leader.rs); this table only records it, one
-- row per job, written by the leader when it takes over and around each pass.
--
-- Platform data, not tenant data: no tenant_id. RLS keeps it out of tenant transactions anyway:
-- only the platform scope (the jobs themselves, through PlatformGuard::for_system_task, and
-- platform administrators with system:monitor) may read or write it.
CREATE TABLE job_leaders (
    job                    text PRIMARY KEY CHECK (job ~ '^[a-z][a-z0-9_]{0,62}$'),
    leader_replica         text NOT NULL CHECK (char_length(leader_replica) BETWEEN 1 AND 128),
    leader_since           timestamptz NOT NULL,
    -- Counts the leaderships so far. A leader writes only rows carrying its own term, so one that
    -- lost its lock without noticing yet cannot overwrite its successor's record.
    term                   bigint NOT NULL CHECK (term >= 1),
    -- Passes finished (ok or error) under every leader so far.
    pass_count             bigint NOT NULL DEFAULT 0,
    last_pass_started_at   timestamptz,
    last_pass_finished_at  timestamptz,
    last_outcome           text CHECK (last_outcome IN ('ok', 'error')),
    -- The last pass's one-line summary when it succeeded, its error when it failed.
    last_summary           text,
    last_error             text
);

ALTER TABLE job_leaders ENABLE ROW LEVEL SECURITY;
ALTER TABLE job_leaders FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_scope ON job_leaders
    USING (current_setting('app.scope', true) = 'platform')
    WITH CHECK (current_setting('app.scope', true) = 'platform');

-- No DELETE: a job's row lives as long as the job; a renamed job leaves its old row behind.
GRANT SELECT, INSERT, UPDATE ON job_leaders TO atrium_app;
