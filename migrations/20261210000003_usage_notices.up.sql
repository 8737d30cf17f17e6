-- Usage notices (issue 13): when a create or an ingestion batch takes a workspace's use of a
-- limit to 80 % or to 100 %, its notification channels are told. A row per tenant, limit, level
-- and day records that it was: the insert that wins the primary key sends the message, in the
-- same transaction as the change that crossed, so each level is announced at most once a day
-- however often usage moves around it.
CREATE TABLE usage_notices (
    tenant_id   uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    limit_name  plan_limit NOT NULL,
    level       text NOT NULL CHECK (level IN ('warning', 'full')),
    day         date NOT NULL,
    used        bigint NOT NULL,
    allowed     bigint NOT NULL,
    noticed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, limit_name, level, day)
);

ALTER TABLE usage_notices ENABLE ROW LEVEL SECURITY;
ALTER TABLE usage_notices FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON usage_notices FOR ALL TO atrium_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_scope ON usage_notices FOR ALL TO atrium_scope_platform, CURRENT_USER
    USING ((SELECT app_scope()) = 'platform')
    WITH CHECK ((SELECT app_scope()) = 'platform');
GRANT SELECT, INSERT, DELETE ON usage_notices TO atrium_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON usage_notices TO atrium_scope_platform;
