-- Custom permission sets: a tenant's own named bundles of permissions, assignable to users. A set
-- may build on a built-in role or on one other set of the same tenant (never both); the app
-- rejects inheritance cycles. Permission names are validated by the app against its enum.
CREATE TABLE permission_sets (
    tenant_id          uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    permission_set_id  uuid NOT NULL DEFAULT gen_random_uuid(),
    name               text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 80),
    description        text NOT NULL DEFAULT '' CHECK (char_length(description) <= 500),
    permissions        text[] NOT NULL DEFAULT '{}',
    base_role          user_role,
    parent_set_id      uuid,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, permission_set_id),
    CONSTRAINT permission_sets_name_key UNIQUE (tenant_id, name),
    CONSTRAINT permission_sets_one_parent CHECK (base_role IS NULL OR parent_set_id IS NULL),
    CONSTRAINT permission_sets_not_own_parent CHECK (parent_set_id IS DISTINCT FROM permission_set_id),
    -- Deleting a parent is refused while children build on it (the app says which).
    FOREIGN KEY (tenant_id, parent_set_id) REFERENCES permission_sets (tenant_id, permission_set_id)
);

-- Which users hold which sets.
CREATE TABLE user_permission_sets (
    tenant_id          uuid NOT NULL,
    user_id            uuid NOT NULL,
    permission_set_id  uuid NOT NULL,
    assigned_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id, permission_set_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, permission_set_id) REFERENCES permission_sets (tenant_id, permission_set_id) ON DELETE CASCADE
);
CREATE INDEX user_permission_sets_set_idx ON user_permission_sets (tenant_id, permission_set_id);

-- Per-user extra grants, one row per permission.
CREATE TABLE user_grants (
    tenant_id   uuid NOT NULL,
    user_id     uuid NOT NULL,
    permission  text NOT NULL CHECK (permission ~ '^[a-z_]+:[a-z_]+$'),
    granted_at  timestamptz NOT NULL DEFAULT now(),
    granted_by  text NOT NULL,
    PRIMARY KEY (tenant_id, user_id, permission),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);

-- Time-limited delegations: a user lends some of their own permissions to a colleague in the
-- same tenant. Expiry is required and at most 90 days; an expired or revoked delegation simply
-- stops matching the effective-permission query, so no job has to clean up.
CREATE TABLE delegations (
    tenant_id      uuid NOT NULL,
    delegation_id  uuid NOT NULL DEFAULT gen_random_uuid(),
    delegator_id   uuid NOT NULL,
    delegate_id    uuid NOT NULL,
    permissions    text[] NOT NULL CHECK (cardinality(permissions) > 0),
    reason         text NOT NULL DEFAULT '' CHECK (char_length(reason) <= 500),
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    revoked_at     timestamptz,
    revoked_by     text,
    PRIMARY KEY (tenant_id, delegation_id),
    CONSTRAINT delegations_not_self CHECK (delegator_id <> delegate_id),
    CONSTRAINT delegations_expiry CHECK (expires_at > created_at AND expires_at <= created_at + interval '90 days'),
    FOREIGN KEY (tenant_id, delegator_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, delegate_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);
CREATE INDEX delegations_delegate_idx ON delegations (tenant_id, delegate_id) WHERE revoked_at IS NULL;
CREATE INDEX delegations_delegator_idx ON delegations (tenant_id, delegator_id);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['permission_sets', 'user_permission_sets', 'user_grants', 'delegations'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
            USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
            WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)$p$, t);
        -- Platform administrators read across tenants (e.g. listings); changes happen in the
        -- tenant's own transaction.
        EXECUTE format($p$CREATE POLICY platform_read ON %I FOR SELECT
            USING (current_setting('app.scope', true) = 'platform')$p$, t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO atrium_app', t);
    END LOOP;
END
$$;
