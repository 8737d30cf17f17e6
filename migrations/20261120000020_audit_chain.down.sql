-- Drops the chain bookkeeping; the audit rows themselves stay, unchained.
DROP TABLE audit_chain_heads;
DROP INDEX audit_events_action_idx;
DROP INDEX audit_events_tenant_id_idx;
DROP INDEX audit_events_chain_key;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_chained;
ALTER TABLE audit_events
    DROP COLUMN row_hash,
    DROP COLUMN prev_hash,
    DROP COLUMN chain_seq,
    DROP COLUMN request_id;
