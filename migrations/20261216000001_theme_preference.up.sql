-- Each person's colour theme (issue 15): light, dark, or the device's ('system', the default).
-- Kept with the account so it follows them to another browser; the page renders from a cookie
-- the session mirrors it into.
ALTER TABLE users ADD COLUMN theme text NOT NULL DEFAULT 'system'
    CONSTRAINT users_theme_check CHECK (theme IN ('system', 'light', 'dark'));
ALTER TABLE platform_users ADD COLUMN theme text NOT NULL DEFAULT 'system'
    CONSTRAINT platform_users_theme_check CHECK (theme IN ('system', 'light', 'dark'));
