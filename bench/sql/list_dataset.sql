-- The lists benchmark's dataset, also used by the tests at a small size: a platform of many
-- tenants with a few users each, and one large tenant ("load-big"). Run it as the database owner
-- (row-level security is not in the way) after the migrations; sizes come from settings so the
-- one script serves both:
--   SET atrium.dataset_tenants = '10000';   -- tenants, the large one included
--   SET atrium.dataset_big_users = '100000'; -- users of the large tenant, "load-big"
--   SET atrium.dataset_mid_users = '10000';  -- users of "load-mid" (unset: as every other)
--   SET atrium.dataset_users = '10';         -- users of every other tenant
-- Names come from small word lists combined by the row number, so searches match realistic
-- fractions of rows (a surname hits about 1 in 40 users) and sort orders have ties. Every
-- password hash is unusable ('!'): nobody signs in as these users.
INSERT INTO tenants (slug, name, plan, status, created_at)
SELECT CASE g WHEN 1 THEN 'load-big' WHEN 2 THEN 'load-mid' ELSE 'load-' || g END,
       (ARRAY['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Tyrell',
              'Cyberdyne', 'Soylent', 'Wonka', 'Vandelay'])[1 + g % 12]
         || ' ' || (ARRAY['Labs', 'Corp', 'Group', 'Systems', 'Holdings', 'Partners', 'Works'])[1 + g % 7]
         || ' ' || g,
       (ARRAY['free', 'starter', 'professional', 'enterprise']::tenant_plan[])[1 + g % 4],
       CASE WHEN g % 23 = 0 THEN 'suspended'::tenant_status ELSE 'active' END,
       now() - g * interval '7 minutes'
FROM generate_series(1, current_setting('atrium.dataset_tenants')::int) g;

INSERT INTO users (tenant_id, email, name, password_hash, role, status, last_login_at, created_at)
SELECT t.tenant_id,
       'user' || g || '@' || t.slug || '.test',
       (ARRAY['Ana', 'Ben', 'Chloé', 'Dmitri', 'Emeka', 'Fatima', 'Gustav', 'Hana', 'Ivan',
              'Jun', 'Karim', 'Lea', 'Mateo', 'Nadia', 'Omar', 'Priya', 'Quinn', 'Rosa',
              'Sven', 'Tariq', 'Uma', 'Vera', 'Wei', 'Yara', 'Zoe'])[1 + g % 25]
         || ' ' || (ARRAY['Smith', 'García', 'Müller', 'Rossi', 'Dubois', 'Kowalski', 'Novak',
              'Haddad', 'Okafor', 'Tanaka', 'Kim', 'Silva', 'Jensen', 'Ivanova', 'Cohen',
              'Nguyen', 'Ahmed', 'Larsen', 'Moreau', 'Costa', 'Fischer', 'Sato', 'Park',
              'Mendes', 'Berg', 'Popescu', 'Walsh', 'Horvat', 'Ali', 'Lopez', 'Meyer', 'Russo',
              'Petit', 'Wood', 'Yilmaz', 'Khan', 'Bauer', 'Ricci', 'Lindqvist', 'Farouk'])[1 + (g / 25) % 40],
       '!',
       (ARRAY['viewer', 'viewer', 'analyst', 'analyst', 'manager', 'admin']::user_role[])[1 + g % 6],
       CASE WHEN g % 19 = 0 THEN 'disabled'::user_status ELSE 'active' END,
       CASE WHEN g % 5 = 0 THEN NULL ELSE now() - (g % 5000) * interval '13 minutes' END,
       now() - g * interval '1 minute'
FROM tenants t
CROSS JOIN LATERAL generate_series(1, CASE t.slug
    WHEN 'load-big' THEN current_setting('atrium.dataset_big_users')::int
    WHEN 'load-mid' THEN coalesce(nullif(current_setting('atrium.dataset_mid_users', true), ''),
                                  current_setting('atrium.dataset_users'))::int
    ELSE current_setting('atrium.dataset_users')::int END) g
WHERE t.slug LIKE 'load-%';
