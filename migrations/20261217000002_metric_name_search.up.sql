-- The command palette finds metrics by any part of their name (issue 15). Without this a search
-- reads every metric of the tenant (20,000 on the largest plan: 6-7 ms a keystroke); with it a
-- selective term is a trigram lookup (about 1 ms) and a common one walks the name index to its
-- first five. Usable under row-level security because ILIKE is leakproof (20261208000001).
CREATE INDEX metrics_name_trgm_idx ON metrics USING gin (name gin_trgm_ops);
