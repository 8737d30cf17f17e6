-- Drops the attempt log, the outbox and the channels (each references the one after it).
DROP TABLE IF EXISTS delivery_attempts;
DROP TABLE IF EXISTS deliveries;
DROP TABLE IF EXISTS channels;
