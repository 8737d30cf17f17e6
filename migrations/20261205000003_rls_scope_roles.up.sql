-- Row-level security the planner can use (issue 12). Every policy was PUBLIC, so a tenant
-- transaction's query on `users` carried `tenant_id = <setting> OR <scope> = 'platform' OR
-- <scope> = 'auth'`, with `current_setting()` called for every row: no index could answer it and
-- each list page scanned and sorted the whole table. Now:
--
-- * Each scope other than the tenant one is a role: `atrium_scope_platform`, `_auth`, `_api_key`
--   and `_outbox`. The scoped transactions (`app/src/db/tx.rs`) switch to it (`SET LOCAL ROLE`)
--   besides setting `app.scope`. `atrium_app` is a member of each, so it may switch, but does not
--   inherit them (NOINHERIT): a policy applies only to roles whose privileges the current role
--   has, so in a tenant transaction (`atrium_app`) only the tenant policies apply, and in a
--   platform transaction only the platform ones.
-- * The tenant policies are `TO atrium_app`, the scope policies `TO atrium_scope_<scope>` and to
--   the owner (CURRENT_USER: the SECURITY DEFINER functions run as the owner, who is a member of
--   `atrium_app` and so keeps seeing what it saw before). A scope policy still requires its
--   `app.scope` as well: the role and the setting must agree.
-- * Settings are read through STABLE functions inside a sub-select, which the planner evaluates
--   once per query (an InitPlan) and can use as an index condition.
-- * Each scope role gets only the privileges its policies can use.
--
-- Roles are cluster-wide and test databases migrate in parallel, so creating and altering them
-- tolerates another migration doing the same at the same moment.

DO $$
DECLARE
    scope text;
BEGIN
    FOREACH scope IN ARRAY ARRAY['platform', 'auth', 'api_key', 'outbox'] LOOP
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'atrium_scope_' || scope) THEN
                EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE',
                               'atrium_scope_' || scope);
            END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- created by a parallel migration
        END;
        BEGIN
            IF NOT pg_has_role('atrium_app', 'atrium_scope_' || scope, 'MEMBER') THEN
                EXECUTE format('GRANT %I TO atrium_app', 'atrium_scope_' || scope);
            END IF;
        EXCEPTION WHEN unique_violation OR internal_error THEN
            IF NOT pg_has_role('atrium_app', 'atrium_scope_' || scope, 'MEMBER') THEN
                RAISE;
            END IF;
        END;
    END LOOP;
    BEGIN
        IF (SELECT rolinherit FROM pg_roles WHERE rolname = 'atrium_app') THEN
            ALTER ROLE atrium_app NOINHERIT;
        END IF;
    EXCEPTION WHEN internal_error THEN -- "tuple concurrently updated": a parallel migration
        IF (SELECT rolinherit FROM pg_roles WHERE rolname = 'atrium_app') THEN
            RAISE;
        END IF;
    END;
END
$$;

GRANT USAGE ON SCHEMA public TO atrium_scope_platform, atrium_scope_auth, atrium_scope_api_key, atrium_scope_outbox;

-- The transaction's tenant and scope, for policies (`(SELECT app_tenant_id())`).
CREATE FUNCTION app_tenant_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;
CREATE FUNCTION app_scope() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT current_setting('app.scope', true) $$;

-- What each scope's policies allow, and no more.
GRANT SELECT ON api_keys TO atrium_scope_api_key;
GRANT SELECT ON tenants TO atrium_scope_api_key;
GRANT INSERT, SELECT, UPDATE ON audit_chain_heads TO atrium_scope_auth;
GRANT INSERT ON audit_events TO atrium_scope_auth;
GRANT SELECT, UPDATE ON platform_users TO atrium_scope_auth;
GRANT DELETE, INSERT, SELECT, UPDATE ON sessions TO atrium_scope_auth;
GRANT SELECT ON tenants TO atrium_scope_auth;
GRANT SELECT ON users TO atrium_scope_auth;
GRANT SELECT, UPDATE ON deliveries TO atrium_scope_outbox;
GRANT SELECT ON alert_events TO atrium_scope_platform;
GRANT SELECT ON alert_rules TO atrium_scope_platform;
GRANT SELECT ON alerts TO atrium_scope_platform;
GRANT SELECT ON api_keys TO atrium_scope_platform;
GRANT INSERT, SELECT, UPDATE ON audit_chain_heads TO atrium_scope_platform;
GRANT SELECT ON audit_checkpoints TO atrium_scope_platform;
GRANT INSERT, SELECT ON audit_events TO atrium_scope_platform;
GRANT SELECT ON channels TO atrium_scope_platform;
GRANT SELECT ON delegations TO atrium_scope_platform;
GRANT SELECT ON deliveries TO atrium_scope_platform;
GRANT SELECT ON delivery_attempts TO atrium_scope_platform;
GRANT INSERT, SELECT, UPDATE ON ip_blocks TO atrium_scope_platform;
GRANT INSERT, SELECT, UPDATE ON job_leaders TO atrium_scope_platform;
GRANT SELECT ON metrics TO atrium_scope_platform;
GRANT SELECT ON permission_sets TO atrium_scope_platform;
GRANT DELETE, INSERT, SELECT, UPDATE ON platform_users TO atrium_scope_platform;
GRANT SELECT ON points TO atrium_scope_platform;
GRANT SELECT ON rollups TO atrium_scope_platform;
GRANT SELECT ON series TO atrium_scope_platform;
GRANT DELETE, SELECT ON sessions TO atrium_scope_platform;
GRANT DELETE, SELECT ON signature_nonces TO atrium_scope_platform;
GRANT SELECT ON silences TO atrium_scope_platform;
GRANT DELETE, INSERT, SELECT, UPDATE ON tenants TO atrium_scope_platform;
GRANT SELECT ON usage_daily TO atrium_scope_platform;
GRANT SELECT ON user_grants TO atrium_scope_platform;
GRANT SELECT ON user_permission_sets TO atrium_scope_platform;
GRANT SELECT ON users TO atrium_scope_platform;
GRANT EXECUTE ON FUNCTION audit_prune_chain(uuid) TO atrium_scope_platform;

-- Every policy, rewritten (generated from `pg_policies`; the old text is in the down migration).
DROP POLICY platform_read ON alert_events;
CREATE POLICY platform_read ON alert_events FOR SELECT TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_isolation ON alert_events;
CREATE POLICY tenant_isolation ON alert_events FOR ALL TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())))
    WITH CHECK ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY platform_read ON alert_rules;
CREATE POLICY platform_read ON alert_rules FOR SELECT TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_isolation ON alert_rules;
CREATE POLICY tenant_isolation ON alert_rules FOR ALL TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())))
    WITH CHECK ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY platform_read ON alerts;
CREATE POLICY platform_read ON alerts FOR SELECT TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_isolation ON alerts;
CREATE POLICY tenant_isolation ON alerts FOR ALL TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())))
    WITH CHECK ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY api_key_lookup ON api_keys;
CREATE POLICY api_key_lookup ON api_keys FOR SELECT TO atrium_scope_api_key, CURRENT_USER
    USING ((( SELECT app_scope()) = 'api_key'::text));
DROP POLICY platform_read ON api_keys;
CREATE POLICY platform_read ON api_keys FOR SELECT TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_isolation ON api_keys;
CREATE POLICY tenant_isolation ON api_keys FOR ALL TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())))
    WITH CHECK ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY auth_platform_chain ON audit_chain_heads;
CREATE POLICY auth_platform_chain ON audit_chain_heads FOR ALL TO atrium_scope_auth, CURRENT_USER
    USING (((( SELECT app_scope()) = 'auth'::text) AND (tenant_id IS NULL)))
    WITH CHECK (((( SELECT app_scope()) = 'auth'::text) AND (tenant_id IS NULL)));
DROP POLICY platform_scope ON audit_chain_heads;
CREATE POLICY platform_scope ON audit_chain_heads FOR ALL TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text))
    WITH CHECK ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_isolation ON audit_chain_heads;
CREATE POLICY tenant_isolation ON audit_chain_heads FOR ALL TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())))
    WITH CHECK ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY platform_scope ON audit_checkpoints;
CREATE POLICY platform_scope ON audit_checkpoints FOR ALL TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text))
    WITH CHECK ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_isolation ON audit_checkpoints;
CREATE POLICY tenant_isolation ON audit_checkpoints FOR SELECT TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY auth_insert ON audit_events;
CREATE POLICY auth_insert ON audit_events FOR INSERT TO atrium_scope_auth, CURRENT_USER
    WITH CHECK (((( SELECT app_scope()) = 'auth'::text) AND (tenant_id IS NULL)));
DROP POLICY platform_scope ON audit_events;
CREATE POLICY platform_scope ON audit_events FOR ALL TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text))
    WITH CHECK ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_isolation ON audit_events;
CREATE POLICY tenant_isolation ON audit_events FOR ALL TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())))
    WITH CHECK ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY platform_read ON channels;
CREATE POLICY platform_read ON channels FOR SELECT TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_isolation ON channels;
CREATE POLICY tenant_isolation ON channels FOR ALL TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())))
    WITH CHECK ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY platform_read ON delegations;
CREATE POLICY platform_read ON delegations FOR SELECT TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_isolation ON delegations;
CREATE POLICY tenant_isolation ON delegations FOR ALL TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())))
    WITH CHECK ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY outbox_claim ON deliveries;
CREATE POLICY outbox_claim ON deliveries FOR SELECT TO atrium_scope_outbox, CURRENT_USER
    USING ((( SELECT app_scope()) = 'outbox'::text));
DROP POLICY outbox_lease ON deliveries;
CREATE POLICY outbox_lease ON deliveries FOR UPDATE TO atrium_scope_outbox, CURRENT_USER
    USING ((( SELECT app_scope()) = 'outbox'::text))
    WITH CHECK ((( SELECT app_scope()) = 'outbox'::text));
DROP POLICY platform_read ON deliveries;
CREATE POLICY platform_read ON deliveries FOR SELECT TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_isolation ON deliveries;
CREATE POLICY tenant_isolation ON deliveries FOR ALL TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())))
    WITH CHECK ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY platform_read ON delivery_attempts;
CREATE POLICY platform_read ON delivery_attempts FOR SELECT TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_isolation ON delivery_attempts;
CREATE POLICY tenant_isolation ON delivery_attempts FOR ALL TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())))
    WITH CHECK ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY platform_scope ON ip_blocks;
CREATE POLICY platform_scope ON ip_blocks FOR ALL TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text))
    WITH CHECK ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY platform_scope ON job_leaders;
CREATE POLICY platform_scope ON job_leaders FOR ALL TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text))
    WITH CHECK ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY platform_read ON metrics;
CREATE POLICY platform_read ON metrics FOR SELECT TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_isolation ON metrics;
CREATE POLICY tenant_isolation ON metrics FOR ALL TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())))
    WITH CHECK ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY platform_read ON permission_sets;
CREATE POLICY platform_read ON permission_sets FOR SELECT TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_isolation ON permission_sets;
CREATE POLICY tenant_isolation ON permission_sets FOR ALL TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())))
    WITH CHECK ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY auth_lookup ON platform_users;
CREATE POLICY auth_lookup ON platform_users FOR SELECT TO atrium_scope_auth, CURRENT_USER
    USING ((( SELECT app_scope()) = 'auth'::text));
DROP POLICY auth_sign_in ON platform_users;
CREATE POLICY auth_sign_in ON platform_users FOR UPDATE TO atrium_scope_auth, CURRENT_USER
    USING ((( SELECT app_scope()) = 'auth'::text))
    WITH CHECK ((( SELECT app_scope()) = 'auth'::text));
DROP POLICY platform_scope ON platform_users;
CREATE POLICY platform_scope ON platform_users FOR ALL TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text))
    WITH CHECK ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY platform_read ON points;
CREATE POLICY platform_read ON points FOR SELECT TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_isolation ON points;
CREATE POLICY tenant_isolation ON points FOR ALL TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())))
    WITH CHECK ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY platform_read ON rollups;
CREATE POLICY platform_read ON rollups FOR SELECT TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_isolation ON rollups;
CREATE POLICY tenant_isolation ON rollups FOR ALL TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())))
    WITH CHECK ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY platform_read ON series;
CREATE POLICY platform_read ON series FOR SELECT TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_isolation ON series;
CREATE POLICY tenant_isolation ON series FOR ALL TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())))
    WITH CHECK ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY auth_scope ON sessions;
CREATE POLICY auth_scope ON sessions FOR ALL TO atrium_scope_auth, CURRENT_USER
    USING ((( SELECT app_scope()) = 'auth'::text))
    WITH CHECK ((( SELECT app_scope()) = 'auth'::text));
DROP POLICY platform_delete ON sessions;
CREATE POLICY platform_delete ON sessions FOR DELETE TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY platform_read ON sessions;
CREATE POLICY platform_read ON sessions FOR SELECT TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_isolation ON sessions;
CREATE POLICY tenant_isolation ON sessions FOR ALL TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())))
    WITH CHECK ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY platform_delete ON signature_nonces;
CREATE POLICY platform_delete ON signature_nonces FOR DELETE TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY platform_read ON signature_nonces;
CREATE POLICY platform_read ON signature_nonces FOR SELECT TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_isolation ON signature_nonces;
CREATE POLICY tenant_isolation ON signature_nonces FOR ALL TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())))
    WITH CHECK ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY platform_read ON silences;
CREATE POLICY platform_read ON silences FOR SELECT TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_isolation ON silences;
CREATE POLICY tenant_isolation ON silences FOR ALL TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())))
    WITH CHECK ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY api_key_lookup ON tenants;
CREATE POLICY api_key_lookup ON tenants FOR SELECT TO atrium_scope_api_key, CURRENT_USER
    USING ((( SELECT app_scope()) = 'api_key'::text));
DROP POLICY auth_lookup ON tenants;
CREATE POLICY auth_lookup ON tenants FOR SELECT TO atrium_scope_auth, CURRENT_USER
    USING ((( SELECT app_scope()) = 'auth'::text));
DROP POLICY platform_scope ON tenants;
CREATE POLICY platform_scope ON tenants FOR ALL TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text))
    WITH CHECK ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_read ON tenants;
CREATE POLICY tenant_read ON tenants FOR SELECT TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY tenant_settings ON tenants;
CREATE POLICY tenant_settings ON tenants FOR UPDATE TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())))
    WITH CHECK ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY platform_read ON usage_daily;
CREATE POLICY platform_read ON usage_daily FOR SELECT TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_isolation ON usage_daily;
CREATE POLICY tenant_isolation ON usage_daily FOR ALL TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())))
    WITH CHECK ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY platform_read ON user_grants;
CREATE POLICY platform_read ON user_grants FOR SELECT TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_isolation ON user_grants;
CREATE POLICY tenant_isolation ON user_grants FOR ALL TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())))
    WITH CHECK ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY platform_read ON user_permission_sets;
CREATE POLICY platform_read ON user_permission_sets FOR SELECT TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_isolation ON user_permission_sets;
CREATE POLICY tenant_isolation ON user_permission_sets FOR ALL TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())))
    WITH CHECK ((tenant_id = ( SELECT app_tenant_id())));
DROP POLICY auth_lookup ON users;
CREATE POLICY auth_lookup ON users FOR SELECT TO atrium_scope_auth, CURRENT_USER
    USING ((( SELECT app_scope()) = 'auth'::text));
DROP POLICY platform_read ON users;
CREATE POLICY platform_read ON users FOR SELECT TO atrium_scope_platform, CURRENT_USER
    USING ((( SELECT app_scope()) = 'platform'::text));
DROP POLICY tenant_isolation ON users;
CREATE POLICY tenant_isolation ON users FOR ALL TO atrium_app
    USING ((tenant_id = ( SELECT app_tenant_id())))
    WITH CHECK ((tenant_id = ( SELECT app_tenant_id())));
