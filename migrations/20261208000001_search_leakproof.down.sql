-- Back to PostgreSQL's default: ILIKE is not leakproof, and searches read every row their
-- policy allows before matching.
DO $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        ALTER FUNCTION pg_catalog.texticlike(text, text) NOT LEAKPROOF;
    END IF;
END
$$;
