-- Single sign-on with OpenID Connect (issue 14): a workspace names one OpenID provider its
-- members may sign in with.
--
-- `sso_providers` holds the workspace's relying-party registration. The client secret is sealed
-- (XChaCha20-Poly1305 under ATRIUM_ENCRYPTION_KEY, bound to the tenant id) before it reaches the
-- database, so a dump, a replica or a backup alone does not hold it:
--   client_secret    version byte, 24-byte nonce, ciphertext and 16-byte tag (`secrets.rs`).
--   allowed_domains  the email domains whose people may sign in (exact, lowercase); at least one,
--                    so a provider shared with the world (a consumer IdP) never lets everyone in.
--   default_role     the role of people created on their first sign-in.
-- Read by the portal's sign-in page and the sign-in itself before anyone is signed in (the auth
-- scope, which already reads accounts to sign them in); written only in the workspace's
-- transaction from its Security page.
CREATE TABLE sso_providers (
    tenant_id        uuid PRIMARY KEY REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    display_name     text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 60),
    issuer_url       text NOT NULL CHECK (char_length(issuer_url) BETWEEN 8 AND 2048),
    client_id        text NOT NULL CHECK (char_length(client_id) BETWEEN 1 AND 255),
    client_secret    bytea NOT NULL CHECK (octet_length(client_secret) BETWEEN 42 AND 2048),
    allowed_domains  text[] NOT NULL CHECK (cardinality(allowed_domains) BETWEEN 1 AND 50),
    default_role     user_role NOT NULL DEFAULT 'viewer',
    enabled          boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE sso_providers ENABLE ROW LEVEL SECURITY;
ALTER TABLE sso_providers FORCE ROW LEVEL SECURITY;
CREATE POLICY auth_read ON sso_providers FOR SELECT TO atrium_scope_auth, CURRENT_USER
    USING ((SELECT app_scope()) = 'auth');
CREATE POLICY tenant_isolation ON sso_providers FOR ALL TO atrium_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
GRANT SELECT, INSERT, UPDATE, DELETE ON sso_providers TO atrium_app;
GRANT SELECT ON sso_providers TO atrium_scope_auth;

-- One sign-in on its way through the provider: between the redirect to it and the browser's
-- return. The browser holds `state` in a cookie and in the provider's redirect; only its SHA-256
-- is stored. The row keeps what the return must check and send: the nonce the ID token must
-- carry, the PKCE verifier, the redirect URI sent (the token request repeats it) and where to go
-- after. It is used once (deleted when the browser returns) and lives ten minutes.
CREATE TABLE sso_requests (
    state_hash     bytea PRIMARY KEY CHECK (octet_length(state_hash) = 32),
    tenant_id      uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    nonce          text NOT NULL CHECK (char_length(nonce) BETWEEN 16 AND 128),
    pkce_verifier  text NOT NULL CHECK (char_length(pkce_verifier) BETWEEN 43 AND 128),
    redirect_uri   text NOT NULL CHECK (char_length(redirect_uri) BETWEEN 8 AND 2048),
    next           text NOT NULL CHECK (char_length(next) BETWEEN 1 AND 2048),
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL
);
CREATE INDEX sso_requests_expires_idx ON sso_requests (expires_at);
CREATE INDEX sso_requests_tenant_idx ON sso_requests (tenant_id);

ALTER TABLE sso_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE sso_requests FORCE ROW LEVEL SECURITY;
-- Written and consumed before anyone is signed in, like sign-in challenges.
CREATE POLICY auth_scope ON sso_requests FOR ALL TO atrium_scope_auth, CURRENT_USER
    USING ((SELECT app_scope()) = 'auth')
    WITH CHECK ((SELECT app_scope()) = 'auth');
GRANT SELECT, INSERT, DELETE ON sso_requests TO atrium_scope_auth;
