-- The palette's metric search reads the tenant's metrics again.
DROP INDEX metrics_name_trgm_idx;
