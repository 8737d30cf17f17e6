-- Back to format 1 only. Rows written in format 2 stay in the table but `atrium audit verify`
-- of the older release cannot check them; downgrading is for a database with no such rows.
DROP INDEX IF EXISTS audit_events_format_1_idx;
DROP FUNCTION IF EXISTS audit_erase_person(uuid, text, text, text);
DROP FUNCTION IF EXISTS audit_scrub_personal(jsonb, text[], text, text, boolean, boolean);
ALTER TABLE audit_events
    DROP CONSTRAINT IF EXISTS audit_events_sealed,
    DROP COLUMN IF EXISTS erased_at,
    DROP COLUMN IF EXISTS personal_digest,
    DROP COLUMN IF EXISTS personal_salt,
    DROP COLUMN IF EXISTS format;
