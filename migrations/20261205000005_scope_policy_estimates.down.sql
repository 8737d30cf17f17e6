-- Back to comparing the scope setting outside the subquery (estimated at 0.5% of the rows).
DO $$
DECLARE
    p record;
    rewrite text := '\( SELECT \(app_scope\(\) = (''[a-z_]+''::text)\)\)';
    into_form text := '(( SELECT app_scope() AS app_scope) = \1)';
BEGIN
    FOR p IN SELECT schemaname, tablename, policyname, qual, with_check FROM pg_policies
             WHERE schemaname = 'public' AND (qual ~ rewrite OR with_check ~ rewrite)
    LOOP
        IF p.qual IS NOT NULL THEN
            EXECUTE format('ALTER POLICY %I ON %I.%I USING (%s)', p.policyname, p.schemaname, p.tablename,
                           regexp_replace(p.qual, rewrite, into_form, 'g'));
        END IF;
        IF p.with_check IS NOT NULL THEN
            EXECUTE format('ALTER POLICY %I ON %I.%I WITH CHECK (%s)', p.policyname, p.schemaname, p.tablename,
                           regexp_replace(p.with_check, rewrite, into_form, 'g'));
        END IF;
    END LOOP;
END $$;
