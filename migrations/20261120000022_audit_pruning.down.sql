-- Drops pruning; checkpoints go with it, so chains that were pruned no longer verify from the start.
DROP FUNCTION audit_prune_chain(uuid);
DROP TABLE audit_checkpoints;
