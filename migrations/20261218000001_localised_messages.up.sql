-- What the alert evaluator says, kept so each reader gets it in their own language (issue 15).
-- `reason` stays the English text (what exports and a plain SQL reader see); `reason_message`
-- holds the same line as a catalogue key with typed arguments, which pages word in the language
-- they render in. NULL for a person's own words and for lines written before this migration.
ALTER TABLE alerts ADD COLUMN reason_message jsonb;
ALTER TABLE alert_events ADD COLUMN reason_message jsonb;

-- The language a channel's notifications are written in: its receivers are addresses and chat
-- rooms, not accounts, so the channel says which language they read. Existing channels keep
-- the English they have been sending.
ALTER TABLE channels ADD COLUMN language text NOT NULL DEFAULT 'en'
    CONSTRAINT channels_language_check CHECK (language IN ('en', 'ar'));
