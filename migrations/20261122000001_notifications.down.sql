-- Drops the outbox and the channels (deliveries first: they reference channels).
DROP TABLE IF EXISTS deliveries;
DROP TABLE IF EXISTS channels;
