-- Substring search that the trigram indexes can answer under row-level security (issue 12).
--
-- A list's search is `name ILIKE '%…%'`. Row-level security lets a condition run before (or
-- inside the index scan ahead of) the policy's own condition only when every function in it is
-- LEAKPROOF, and `texticlike`, the function behind ILIKE on text, is not marked so. The
-- `pg_trgm` indexes on users and tenants (migration `list_indexes`) were therefore never used by
-- the app role: a search in a tenant of 100,000 users read all of them.
--
-- Why marking it is sound here: LEAKPROOF promises that the function reveals nothing about its
-- arguments except through its result. ILIKE's only errors come from the pattern (a trailing
-- escape character) and from the column's collation, never from a row's value, and Atrium's
-- queries always bind the pattern and put the column on the left. (Were a row's value ever used
-- as a pattern, an error could tell that some hidden row ends in a backslash; no query does.)
--
-- Only a superuser may change a built-in function. The migration does it when it runs as one
-- (the private cluster of `cargo xtask run`, the test clusters) and otherwise leaves a notice:
-- search then still works, only slower, and the server warns at start (`database::check_search`).
-- It is a property of this database's catalogue, so a dump and restore loses it; the server's
-- warning says how to set it again.
DO $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        ALTER FUNCTION pg_catalog.texticlike(text, text) LEAKPROOF;
    ELSE
        RAISE NOTICE 'texticlike is not LEAKPROOF: a superuser should run ALTER FUNCTION pg_catalog.texticlike(text, text) LEAKPROOF so that searches can use the trigram indexes';
    END IF;
END
$$;
