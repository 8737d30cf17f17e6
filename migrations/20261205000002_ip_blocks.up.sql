-- Blocked client addresses (issue 10). Repeated rate-limit refusals from one IP block it for a
-- while (`origin = 'automatic'`), and platform administrators block an address or a CIDR range
-- by hand (`'manual'`) and lift either kind. The table is the one place every replica reads, so a
-- block made by one replica is enforced by all of them within their cache refresh
-- (`ATRIUM_IP_BLOCK_REFRESH_SECS`).
--
-- Platform data, not tenant data: no tenant_id, row-level security enabled and forced, and only
-- the platform scope (the edge's automatic blocks and its cache through
-- PlatformGuard::for_system_task, administrators through PlatformTx) may read or write it.
CREATE TABLE ip_blocks (
    ip_block_id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- A single address is a /32 (/128); `cidr` refuses host bits set right of the prefix.
    network                     cidr NOT NULL,
    origin                      text NOT NULL CHECK (origin IN ('automatic', 'manual')),
    reason                      text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
    -- The administrator who blocked it by hand; NULL for automatic blocks (and if the
    -- administrator was deleted since: the audit row keeps who it was).
    created_by                  uuid REFERENCES platform_users (platform_user_id) ON DELETE SET NULL,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    -- NULL: until lifted (manual blocks only).
    blocked_until               timestamptz,
    lifted_at                   timestamptz,
    lifted_by                   uuid REFERENCES platform_users (platform_user_id) ON DELETE SET NULL,
    CONSTRAINT ip_blocks_until_after_created CHECK (blocked_until IS NULL OR blocked_until > created_at),
    -- Only an administrator's block may last until lifted. (Who made a manual block is not a
    -- constraint: deleting that administrator sets created_by to NULL and keeps the block.)
    CONSTRAINT ip_blocks_automatic_expire CHECK (origin = 'manual' OR blocked_until IS NOT NULL)
);

-- The edge's refresh and the list page read the blocks not lifted yet (expired ones are filtered
-- by time in the query; they stay as history).
CREATE INDEX ip_blocks_not_lifted ON ip_blocks (created_at DESC) WHERE lifted_at IS NULL;

ALTER TABLE ip_blocks ENABLE ROW LEVEL SECURITY;
ALTER TABLE ip_blocks FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_scope ON ip_blocks
    USING ((SELECT current_setting('app.scope', true)) = 'platform')
    WITH CHECK ((SELECT current_setting('app.scope', true)) = 'platform');

-- No DELETE: a lifted block stays as history (lifted_at, lifted_by).
GRANT SELECT, INSERT, UPDATE ON ip_blocks TO atrium_app;
