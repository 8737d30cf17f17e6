-- Audit chain format 2 and the erasure of a person (issue 13, data rights).
--
-- Format 1 hashed every field of a row, so removing a person's email from the trail broke the
-- chain. A format-2 row's hash covers the row with its personal values masked (emails, names of
-- people, the actor's address and agent; `app/src/audit/personal.rs` names the keys) plus
-- `personal_digest`, a SHA-256 of those values under the row's own random `personal_salt`.
-- Verification recomputes both. Erasure rewrites only personal values, drops the salt and sets
-- `erased_at`: every hash still matches, and without the salt the digest cannot confirm a
-- guessed email. Rows written before this migration stay format 1 until the server re-seals
-- their chain at start-up (`app/src/audit/reseal.rs`); erasure refuses to touch format-1 rows.

ALTER TABLE audit_events
    ADD COLUMN format smallint NOT NULL DEFAULT 1 CHECK (format IN (1, 2)),
    ADD COLUMN personal_salt bytea CHECK (personal_salt IS NULL OR octet_length(personal_salt) = 16),
    ADD COLUMN personal_digest bytea CHECK (personal_digest IS NULL OR octet_length(personal_digest) = 32),
    ADD COLUMN erased_at timestamptz,
    ADD CONSTRAINT audit_events_sealed CHECK (format = 1 OR personal_digest IS NOT NULL);

-- What start-up asks on every boot ("which chains still hold format-1 rows?") answered without
-- reading the trail: the index holds format-1 rows only, so it empties once they are re-sealed.
CREATE INDEX audit_events_format_1_idx ON audit_events (tenant_id) WHERE format = 1 AND chain_seq IS NOT NULL;

-- Replaces personal values in one before/after document: keys `email` and `*_email` whose value
-- is one of `p_emails` (any value when `p_whole`), `*_by_name` and `actor_name` whose value is
-- `p_name` (any when `p_whole`), and, at the top level of a person's own rows (`p_whole`), `name`.
-- Only string values change, so a masked null stays null and the row's hash stays the same.
CREATE FUNCTION audit_scrub_personal(doc jsonb, p_emails text[], p_name text, p_pseudonym text,
                                     p_whole boolean, p_top boolean) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, public
AS $$
DECLARE
    k   text;
    v   jsonb;
    out jsonb;
BEGIN
    IF doc IS NULL THEN
        RETURN NULL;
    END IF;
    CASE jsonb_typeof(doc)
    WHEN 'object' THEN
        out := '{}'::jsonb;
        FOR k, v IN SELECT key, value FROM jsonb_each(doc) LOOP
            IF jsonb_typeof(v) = 'string' AND (
                   ((k = 'email' OR k LIKE '%\_email') AND (p_whole OR lower(v #>> '{}') = ANY (p_emails)))
                OR ((k LIKE '%\_by\_name' OR k = 'actor_name') AND (p_whole OR v #>> '{}' = p_name))
                OR (k = 'name' AND p_top AND p_whole)) THEN
                out := out || jsonb_build_object(k, p_pseudonym);
            ELSE
                out := out || jsonb_build_object(k, audit_scrub_personal(v, p_emails, p_name, p_pseudonym, p_whole, false));
            END IF;
        END LOOP;
        RETURN out;
    WHEN 'array' THEN
        SELECT coalesce(jsonb_agg(audit_scrub_personal(e, p_emails, p_name, p_pseudonym, p_whole, false) ORDER BY i),
                        '[]'::jsonb)
          INTO out
          FROM jsonb_array_elements(doc) WITH ORDINALITY AS a(e, i);
        RETURN out;
    ELSE
        RETURN doc;
    END CASE;
END
$$;

-- Erases one member of the calling transaction's tenant from its audit trail: every row the
-- member acted in, every row about them (entity `user` with their id) and every row naming one of
-- the emails they have had gets its personal values replaced by `p_pseudonym`, loses its salt and
-- is marked erased. The member's own address and agent are removed from rows they acted in.
-- Runs as the owner because the app may not update audit rows; it reaches only the caller's
-- tenant (`app_tenant_id()`), only personal values, and refuses format-1 rows, whose hash covers
-- them. Returns the number of rows erased.
CREATE FUNCTION audit_erase_person(p_user_id uuid, p_email text, p_name text, p_pseudonym text) RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public
SET app.scope = 'platform'
AS $$
DECLARE
    v_tenant uuid := app_tenant_id();
    v_emails text[];
    v_ids    bigint[];
    v_rows   bigint;
BEGIN
    IF v_tenant IS NULL THEN
        RAISE EXCEPTION 'audit_erase_person needs a tenant transaction';
    END IF;
    PERFORM 1 FROM audit_chain_heads WHERE tenant_id = v_tenant FOR UPDATE;

    SELECT array_agg(DISTINCT lower(x)) INTO v_emails
      FROM (SELECT lower(p_email)
            UNION ALL
            SELECT e.before ->> 'email' FROM audit_events e
             WHERE e.tenant_id = v_tenant AND e.entity_type = 'user' AND e.entity_id = p_user_id::text
            UNION ALL
            SELECT e.after ->> 'email' FROM audit_events e
             WHERE e.tenant_id = v_tenant AND e.entity_type = 'user' AND e.entity_id = p_user_id::text) AS m(x)
     WHERE x IS NOT NULL;

    v_ids := ARRAY(
    SELECT e.audit_id FROM audit_events e
     WHERE e.tenant_id = v_tenant
       AND (e.actor_id = p_user_id
            OR lower(e.actor_email) = ANY (v_emails)
            OR (e.entity_type = 'user' AND e.entity_id = p_user_id::text)
            OR EXISTS (SELECT 1 FROM unnest(v_emails) AS m(addr)
                        WHERE strpos(lower(coalesce(e.before::text, '')), m.addr) > 0
                           OR strpos(lower(coalesce(e.after::text, '')), m.addr) > 0)));

    IF EXISTS (SELECT 1 FROM audit_events e
                WHERE e.audit_id = ANY (v_ids) AND e.format = 1 AND e.chain_seq IS NOT NULL) THEN
        RAISE EXCEPTION 'audit_chain_not_resealed' USING HINT = 'restart the server to re-seal format-1 audit chains';
    END IF;

    UPDATE audit_events e
       SET actor_email = CASE WHEN e.actor_id = p_user_id OR lower(e.actor_email) = ANY (v_emails)
                              THEN p_pseudonym ELSE e.actor_email END,
           ip = CASE WHEN e.actor_id = p_user_id OR e.actor_id IS NULL THEN NULL ELSE e.ip END,
           user_agent = CASE WHEN e.actor_id = p_user_id OR e.actor_id IS NULL THEN NULL ELSE e.user_agent END,
           before = audit_scrub_personal(e.before, v_emails, p_name, p_pseudonym,
                                         e.entity_type = 'user' AND e.entity_id = p_user_id::text, true),
           after = audit_scrub_personal(e.after, v_emails, p_name, p_pseudonym,
                                        e.entity_type = 'user' AND e.entity_id = p_user_id::text, true),
           personal_salt = NULL,
           erased_at = coalesce(e.erased_at, now())
     WHERE e.audit_id = ANY (v_ids);
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN v_rows;
END
$$;

REVOKE ALL ON FUNCTION audit_erase_person(uuid, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_erase_person(uuid, text, text, text) TO atrium_app;
