-- Platform administrators (Super Admin) belong to no tenant, so they live apart from `users`
-- and tenant policies never have to special-case them.
CREATE TABLE platform_users (
    platform_user_id     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email                text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
    name                 text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
    password_hash        text NOT NULL,
    status               user_status NOT NULL DEFAULT 'active',
    failed_logins        integer NOT NULL DEFAULT 0,
    failed_window_start  timestamptz,
    locked_until         timestamptz,
    last_login_at        timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT platform_users_email_key UNIQUE (email)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON platform_users TO atrium_app;
