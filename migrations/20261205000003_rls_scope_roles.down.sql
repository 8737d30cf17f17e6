-- Back to PUBLIC policies reading the settings directly. The scope roles, their membership in
-- `atrium_app` and its NOINHERIT are cluster-wide and may serve other databases, so they stay;
-- only this database's privileges for them are withdrawn.

DROP POLICY platform_read ON alert_events;
CREATE POLICY platform_read ON alert_events FOR SELECT TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'platform'::text));
DROP POLICY tenant_isolation ON alert_events;
CREATE POLICY tenant_isolation ON alert_events FOR ALL TO PUBLIC
    USING ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
    WITH CHECK ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid));
DROP POLICY platform_read ON alert_rules;
CREATE POLICY platform_read ON alert_rules FOR SELECT TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'platform'::text));
DROP POLICY tenant_isolation ON alert_rules;
CREATE POLICY tenant_isolation ON alert_rules FOR ALL TO PUBLIC
    USING ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
    WITH CHECK ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid));
DROP POLICY platform_read ON alerts;
CREATE POLICY platform_read ON alerts FOR SELECT TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'platform'::text));
DROP POLICY tenant_isolation ON alerts;
CREATE POLICY tenant_isolation ON alerts FOR ALL TO PUBLIC
    USING ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
    WITH CHECK ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid));
DROP POLICY api_key_lookup ON api_keys;
CREATE POLICY api_key_lookup ON api_keys FOR SELECT TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'api_key'::text));
DROP POLICY platform_read ON api_keys;
CREATE POLICY platform_read ON api_keys FOR SELECT TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'platform'::text));
DROP POLICY tenant_isolation ON api_keys;
CREATE POLICY tenant_isolation ON api_keys FOR ALL TO PUBLIC
    USING ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
    WITH CHECK ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid));
DROP POLICY auth_platform_chain ON audit_chain_heads;
CREATE POLICY auth_platform_chain ON audit_chain_heads FOR ALL TO PUBLIC
    USING (((current_setting('app.scope'::text, true) = 'auth'::text) AND (tenant_id IS NULL)))
    WITH CHECK (((current_setting('app.scope'::text, true) = 'auth'::text) AND (tenant_id IS NULL)));
DROP POLICY platform_scope ON audit_chain_heads;
CREATE POLICY platform_scope ON audit_chain_heads FOR ALL TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'platform'::text))
    WITH CHECK ((current_setting('app.scope'::text, true) = 'platform'::text));
DROP POLICY tenant_isolation ON audit_chain_heads;
CREATE POLICY tenant_isolation ON audit_chain_heads FOR ALL TO PUBLIC
    USING ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
    WITH CHECK ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid));
DROP POLICY platform_scope ON audit_checkpoints;
CREATE POLICY platform_scope ON audit_checkpoints FOR ALL TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'platform'::text))
    WITH CHECK ((current_setting('app.scope'::text, true) = 'platform'::text));
DROP POLICY tenant_isolation ON audit_checkpoints;
CREATE POLICY tenant_isolation ON audit_checkpoints FOR SELECT TO PUBLIC
    USING ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid));
DROP POLICY auth_insert ON audit_events;
CREATE POLICY auth_insert ON audit_events FOR INSERT TO PUBLIC
    WITH CHECK (((( SELECT current_setting('app.scope'::text, true) AS current_setting) = 'auth'::text) AND (tenant_id IS NULL)));
DROP POLICY platform_scope ON audit_events;
CREATE POLICY platform_scope ON audit_events FOR ALL TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'platform'::text))
    WITH CHECK ((current_setting('app.scope'::text, true) = 'platform'::text));
DROP POLICY tenant_isolation ON audit_events;
CREATE POLICY tenant_isolation ON audit_events FOR ALL TO PUBLIC
    USING ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
    WITH CHECK ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid));
DROP POLICY platform_read ON channels;
CREATE POLICY platform_read ON channels FOR SELECT TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'platform'::text));
DROP POLICY tenant_isolation ON channels;
CREATE POLICY tenant_isolation ON channels FOR ALL TO PUBLIC
    USING ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
    WITH CHECK ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid));
DROP POLICY platform_read ON delegations;
CREATE POLICY platform_read ON delegations FOR SELECT TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'platform'::text));
DROP POLICY tenant_isolation ON delegations;
CREATE POLICY tenant_isolation ON delegations FOR ALL TO PUBLIC
    USING ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
    WITH CHECK ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid));
DROP POLICY outbox_claim ON deliveries;
CREATE POLICY outbox_claim ON deliveries FOR SELECT TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'outbox'::text));
DROP POLICY outbox_lease ON deliveries;
CREATE POLICY outbox_lease ON deliveries FOR UPDATE TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'outbox'::text))
    WITH CHECK ((current_setting('app.scope'::text, true) = 'outbox'::text));
DROP POLICY platform_read ON deliveries;
CREATE POLICY platform_read ON deliveries FOR SELECT TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'platform'::text));
DROP POLICY tenant_isolation ON deliveries;
CREATE POLICY tenant_isolation ON deliveries FOR ALL TO PUBLIC
    USING ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
    WITH CHECK ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid));
DROP POLICY platform_read ON delivery_attempts;
CREATE POLICY platform_read ON delivery_attempts FOR SELECT TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'platform'::text));
DROP POLICY tenant_isolation ON delivery_attempts;
CREATE POLICY tenant_isolation ON delivery_attempts FOR ALL TO PUBLIC
    USING ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
    WITH CHECK ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid));
DROP POLICY platform_scope ON ip_blocks;
CREATE POLICY platform_scope ON ip_blocks FOR ALL TO PUBLIC
    USING ((( SELECT current_setting('app.scope'::text, true) AS current_setting) = 'platform'::text))
    WITH CHECK ((( SELECT current_setting('app.scope'::text, true) AS current_setting) = 'platform'::text));
DROP POLICY platform_scope ON job_leaders;
CREATE POLICY platform_scope ON job_leaders FOR ALL TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'platform'::text))
    WITH CHECK ((current_setting('app.scope'::text, true) = 'platform'::text));
DROP POLICY platform_read ON metrics;
CREATE POLICY platform_read ON metrics FOR SELECT TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'platform'::text));
DROP POLICY tenant_isolation ON metrics;
CREATE POLICY tenant_isolation ON metrics FOR ALL TO PUBLIC
    USING ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
    WITH CHECK ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid));
DROP POLICY platform_read ON permission_sets;
CREATE POLICY platform_read ON permission_sets FOR SELECT TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'platform'::text));
DROP POLICY tenant_isolation ON permission_sets;
CREATE POLICY tenant_isolation ON permission_sets FOR ALL TO PUBLIC
    USING ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
    WITH CHECK ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid));
DROP POLICY auth_lookup ON platform_users;
CREATE POLICY auth_lookup ON platform_users FOR SELECT TO PUBLIC
    USING ((( SELECT current_setting('app.scope'::text, true) AS current_setting) = 'auth'::text));
DROP POLICY auth_sign_in ON platform_users;
CREATE POLICY auth_sign_in ON platform_users FOR UPDATE TO PUBLIC
    USING ((( SELECT current_setting('app.scope'::text, true) AS current_setting) = 'auth'::text))
    WITH CHECK ((( SELECT current_setting('app.scope'::text, true) AS current_setting) = 'auth'::text));
DROP POLICY platform_scope ON platform_users;
CREATE POLICY platform_scope ON platform_users FOR ALL TO PUBLIC
    USING ((( SELECT current_setting('app.scope'::text, true) AS current_setting) = 'platform'::text))
    WITH CHECK ((( SELECT current_setting('app.scope'::text, true) AS current_setting) = 'platform'::text));
DROP POLICY platform_read ON points;
CREATE POLICY platform_read ON points FOR SELECT TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'platform'::text));
DROP POLICY tenant_isolation ON points;
CREATE POLICY tenant_isolation ON points FOR ALL TO PUBLIC
    USING ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
    WITH CHECK ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid));
DROP POLICY platform_read ON rollups;
CREATE POLICY platform_read ON rollups FOR SELECT TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'platform'::text));
DROP POLICY tenant_isolation ON rollups;
CREATE POLICY tenant_isolation ON rollups FOR ALL TO PUBLIC
    USING ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
    WITH CHECK ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid));
DROP POLICY platform_read ON series;
CREATE POLICY platform_read ON series FOR SELECT TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'platform'::text));
DROP POLICY tenant_isolation ON series;
CREATE POLICY tenant_isolation ON series FOR ALL TO PUBLIC
    USING ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
    WITH CHECK ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid));
DROP POLICY auth_scope ON sessions;
CREATE POLICY auth_scope ON sessions FOR ALL TO PUBLIC
    USING ((( SELECT current_setting('app.scope'::text, true) AS current_setting) = 'auth'::text))
    WITH CHECK ((( SELECT current_setting('app.scope'::text, true) AS current_setting) = 'auth'::text));
DROP POLICY platform_delete ON sessions;
CREATE POLICY platform_delete ON sessions FOR DELETE TO PUBLIC
    USING ((( SELECT current_setting('app.scope'::text, true) AS current_setting) = 'platform'::text));
DROP POLICY platform_read ON sessions;
CREATE POLICY platform_read ON sessions FOR SELECT TO PUBLIC
    USING ((( SELECT current_setting('app.scope'::text, true) AS current_setting) = 'platform'::text));
DROP POLICY tenant_isolation ON sessions;
CREATE POLICY tenant_isolation ON sessions FOR ALL TO PUBLIC
    USING ((tenant_id = ( SELECT (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid AS "nullif")))
    WITH CHECK ((tenant_id = ( SELECT (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid AS "nullif")));
DROP POLICY platform_delete ON signature_nonces;
CREATE POLICY platform_delete ON signature_nonces FOR DELETE TO PUBLIC
    USING ((( SELECT current_setting('app.scope'::text, true) AS current_setting) = 'platform'::text));
DROP POLICY platform_read ON signature_nonces;
CREATE POLICY platform_read ON signature_nonces FOR SELECT TO PUBLIC
    USING ((( SELECT current_setting('app.scope'::text, true) AS current_setting) = 'platform'::text));
DROP POLICY tenant_isolation ON signature_nonces;
CREATE POLICY tenant_isolation ON signature_nonces FOR ALL TO PUBLIC
    USING ((tenant_id = ( SELECT (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid AS "nullif")))
    WITH CHECK ((tenant_id = ( SELECT (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid AS "nullif")));
DROP POLICY platform_read ON silences;
CREATE POLICY platform_read ON silences FOR SELECT TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'platform'::text));
DROP POLICY tenant_isolation ON silences;
CREATE POLICY tenant_isolation ON silences FOR ALL TO PUBLIC
    USING ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
    WITH CHECK ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid));
DROP POLICY api_key_lookup ON tenants;
CREATE POLICY api_key_lookup ON tenants FOR SELECT TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'api_key'::text));
DROP POLICY auth_lookup ON tenants;
CREATE POLICY auth_lookup ON tenants FOR SELECT TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'auth'::text));
DROP POLICY platform_scope ON tenants;
CREATE POLICY platform_scope ON tenants FOR ALL TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'platform'::text))
    WITH CHECK ((current_setting('app.scope'::text, true) = 'platform'::text));
DROP POLICY tenant_read ON tenants;
CREATE POLICY tenant_read ON tenants FOR SELECT TO PUBLIC
    USING ((tenant_id = ( SELECT (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid AS "nullif")));
DROP POLICY tenant_settings ON tenants;
CREATE POLICY tenant_settings ON tenants FOR UPDATE TO PUBLIC
    USING ((tenant_id = ( SELECT (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid AS "nullif")))
    WITH CHECK ((tenant_id = ( SELECT (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid AS "nullif")));
DROP POLICY platform_read ON usage_daily;
CREATE POLICY platform_read ON usage_daily FOR SELECT TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'platform'::text));
DROP POLICY tenant_isolation ON usage_daily;
CREATE POLICY tenant_isolation ON usage_daily FOR ALL TO PUBLIC
    USING ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
    WITH CHECK ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid));
DROP POLICY platform_read ON user_grants;
CREATE POLICY platform_read ON user_grants FOR SELECT TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'platform'::text));
DROP POLICY tenant_isolation ON user_grants;
CREATE POLICY tenant_isolation ON user_grants FOR ALL TO PUBLIC
    USING ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
    WITH CHECK ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid));
DROP POLICY platform_read ON user_permission_sets;
CREATE POLICY platform_read ON user_permission_sets FOR SELECT TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'platform'::text));
DROP POLICY tenant_isolation ON user_permission_sets;
CREATE POLICY tenant_isolation ON user_permission_sets FOR ALL TO PUBLIC
    USING ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
    WITH CHECK ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid));
DROP POLICY auth_lookup ON users;
CREATE POLICY auth_lookup ON users FOR SELECT TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'auth'::text));
DROP POLICY platform_read ON users;
CREATE POLICY platform_read ON users FOR SELECT TO PUBLIC
    USING ((current_setting('app.scope'::text, true) = 'platform'::text));
DROP POLICY tenant_isolation ON users;
CREATE POLICY tenant_isolation ON users FOR ALL TO PUBLIC
    USING ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
    WITH CHECK ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid));

DROP FUNCTION app_tenant_id();
DROP FUNCTION app_scope();

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM atrium_scope_platform, atrium_scope_auth, atrium_scope_api_key, atrium_scope_outbox;
REVOKE EXECUTE ON FUNCTION audit_prune_chain(uuid) FROM atrium_scope_platform;
REVOKE USAGE ON SCHEMA public FROM atrium_scope_platform, atrium_scope_auth, atrium_scope_api_key, atrium_scope_outbox;
