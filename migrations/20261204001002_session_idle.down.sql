-- Drops the idle-timeout bookkeeping of sessions.
ALTER TABLE sessions DROP COLUMN last_seen_at;
