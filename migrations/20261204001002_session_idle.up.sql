-- When a session was last used, for the idle timeout (ATRIUM_SESSION_IDLE_MINUTES, default 60): a
-- session unused for longer is refused like an expired one, and the session_cleanup job deletes
-- it. Refreshed at most once a minute per session, so a busy session costs one UPDATE a minute.
-- Existing sessions count as seen now. No index: the cleanup job's scan of this small table runs
-- once in a while, and an index would make every refresh a non-HOT update.
ALTER TABLE sessions ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();
