-- Server-side sessions. The cookie carries a random token; only its SHA-256 is stored, so a
-- leaked table cannot be replayed. A session belongs to exactly one kind of principal.
CREATE TABLE sessions (
    token_hash        bytea PRIMARY KEY,
    platform_user_id  uuid REFERENCES platform_users (platform_user_id) ON DELETE CASCADE,
    tenant_id         uuid,
    user_id           uuid,
    created_at        timestamptz NOT NULL DEFAULT now(),
    expires_at        timestamptz NOT NULL,
    ip                text,
    user_agent        text,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE,
    CONSTRAINT sessions_one_principal CHECK (
        (platform_user_id IS NOT NULL AND tenant_id IS NULL AND user_id IS NULL)
        OR (platform_user_id IS NULL AND tenant_id IS NOT NULL AND user_id IS NOT NULL))
);
CREATE INDEX sessions_user_idx ON sessions (tenant_id, user_id);
CREATE INDEX sessions_platform_user_idx ON sessions (platform_user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
GRANT SELECT, INSERT, UPDATE, DELETE ON sessions TO atrium_app;
