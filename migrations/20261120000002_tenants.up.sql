-- Tenants: the unit of isolation. A tenant sees only its own row; the platform scope (set by
-- PlatformTx after a platform permission check) manages all of them; the auth scope (login and
-- session lookup, before anyone is known) may only read.
CREATE TYPE tenant_plan AS ENUM ('free', 'starter', 'professional', 'enterprise');
CREATE TYPE tenant_status AS ENUM ('active', 'suspended');

CREATE TABLE tenants (
    tenant_id   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Lowercase letters, digits and inner hyphens: safe in URLs and subdomains.
    slug        text NOT NULL CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
    plan        tenant_plan NOT NULL DEFAULT 'free',
    status      tenant_status NOT NULL DEFAULT 'active',
    -- Branding for the tenant portal; validated by the app, constrained here too.
    brand_color text CHECK (brand_color ~ '^#[0-9a-f]{6}$'),
    logo_url    text CHECK (char_length(logo_url) <= 2048),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tenants_slug_key UNIQUE (slug)
);
CREATE INDEX tenants_name_idx ON tenants (lower(name));
CREATE INDEX tenants_created_idx ON tenants (created_at);

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;

-- nullif: outside any tenant transaction the setting reads as '' (or NULL), which must match
-- nothing rather than fail the uuid cast.
CREATE POLICY tenant_isolation ON tenants
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY platform_scope ON tenants
    USING (current_setting('app.scope', true) = 'platform')
    WITH CHECK (current_setting('app.scope', true) = 'platform');
CREATE POLICY auth_lookup ON tenants FOR SELECT
    USING (current_setting('app.scope', true) = 'auth');

GRANT SELECT, INSERT, UPDATE, DELETE ON tenants TO atrium_app;
