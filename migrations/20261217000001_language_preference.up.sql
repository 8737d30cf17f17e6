-- Each person's language (issue 15): a catalogue tag ('en', 'ar'), or NULL to follow the
-- browser's Accept-Language. Kept with the account so it follows them to another browser; the
-- page renders from a cookie the session mirrors it into, so the first byte already has the
-- right lang and dir.
ALTER TABLE users ADD COLUMN language text
    CONSTRAINT users_language_check CHECK (language IN ('en', 'ar'));
ALTER TABLE platform_users ADD COLUMN language text
    CONSTRAINT platform_users_language_check CHECK (language IN ('en', 'ar'));
