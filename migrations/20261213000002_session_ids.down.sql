DROP INDEX sessions_session_id_key;
ALTER TABLE sessions DROP COLUMN session_id;
