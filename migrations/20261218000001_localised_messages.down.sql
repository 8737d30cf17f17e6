-- Back to English-only notifications and stored English reasons (the `reason` text columns
-- already hold every line in English, so nothing a reader sees is lost).
ALTER TABLE channels DROP COLUMN language;
ALTER TABLE alert_events DROP COLUMN reason_message;
ALTER TABLE alerts DROP COLUMN reason_message;
