-- Scope policies the planner estimates as "every row". A policy expression without a column,
-- such as `(SELECT app_scope()) = 'platform'`, is estimated like any equality with an unknown
-- value: 0.5% of the rows. Row-level security keeps it as a per-relation filter (it is not
-- lifted into a one-time gate the way the same expression in a WHERE clause would be), so every
-- platform query was planned for 1 row in 200: the tenants list at 10,000 tenants was estimated
-- at 50 rows and read by a sequential scan and a sort instead of its index in order.
--
-- `(SELECT app_scope() = 'platform')` means the same (the setting is still read once per query,
-- as an InitPlan), but is a boolean parameter, which the planner estimates at one half: close
-- enough that a list is planned as an ordered index scan again. Only the expression changes;
-- who each policy applies to, and that a scope needs both its role and its setting, stay.
DO $$
DECLARE
    p record;
    rewrite text := '\(\( SELECT app_scope\(\) AS app_scope\) = (''[a-z_]+''::text)\)';
    into_form text := '( SELECT (app_scope() = \1))';
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
