-- Invitations to a workspace (issue 13): an administrator names an email address and a role, the
-- person gets a link by email, and following it once (before it expires, unless it was revoked)
-- creates their account. Only a SHA-256 of the link's token is stored, as for API keys and
-- sessions, so the table never holds a working link; sending again issues a new token.
--
-- At most one open invitation per address and workspace (the partial unique index); an accepted
-- or revoked one stays as history. The auth scope reads invitations by token hash, so the accept
-- page works before anyone is signed in; everything else happens in the tenant's transaction.
CREATE TABLE invitations (
    tenant_id        uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    invitation_id    uuid NOT NULL DEFAULT gen_random_uuid(),
    email            text NOT NULL CHECK (email = lower(email) AND char_length(email) BETWEEN 3 AND 254),
    role             user_role NOT NULL,
    token_hash       bytea NOT NULL CHECK (octet_length(token_hash) = 32),
    -- Who invited (a member of the workspace, or NULL for a platform administrator).
    invited_by       uuid,
    created_at       timestamptz NOT NULL DEFAULT now(),
    -- The last time the email went out; NULL: it could not be sent (the list says so).
    sent_at          timestamptz,
    expires_at       timestamptz NOT NULL,
    accepted_at      timestamptz,
    accepted_user_id uuid,
    revoked_at       timestamptz,
    PRIMARY KEY (tenant_id, invitation_id),
    CONSTRAINT invitations_one_ending CHECK (accepted_at IS NULL OR revoked_at IS NULL),
    CONSTRAINT invitations_accepted_user CHECK ((accepted_at IS NULL) = (accepted_user_id IS NULL))
);
CREATE UNIQUE INDEX invitations_token_idx ON invitations (token_hash);
CREATE UNIQUE INDEX invitations_open_email_idx ON invitations (tenant_id, email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;
-- The users page lists a workspace's open invitations, newest first.
CREATE INDEX invitations_open_idx ON invitations (tenant_id, created_at DESC, invitation_id)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;

ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON invitations FOR ALL TO atrium_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY auth_lookup ON invitations FOR SELECT TO atrium_scope_auth, CURRENT_USER
    USING ((SELECT app_scope()) = 'auth');
CREATE POLICY platform_scope ON invitations FOR ALL TO atrium_scope_platform, CURRENT_USER
    USING ((SELECT app_scope()) = 'platform')
    WITH CHECK ((SELECT app_scope()) = 'platform');
GRANT SELECT, INSERT, UPDATE, DELETE ON invitations TO atrium_app;
GRANT SELECT ON invitations TO atrium_scope_auth;
GRANT SELECT, INSERT, UPDATE, DELETE ON invitations TO atrium_scope_platform;
