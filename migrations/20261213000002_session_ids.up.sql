-- "Your sessions" (issue 14): a session is named by an id of its own in lists and in "end this
-- session", never by its token's hash (which, unlike a random id, identifies the cookie).
ALTER TABLE sessions ADD COLUMN session_id uuid NOT NULL DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX sessions_session_id_key ON sessions (session_id);
