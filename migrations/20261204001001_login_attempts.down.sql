-- Drops the count of sign-in attempts in flight.
ALTER TABLE platform_users DROP COLUMN pending_logins;
ALTER TABLE users DROP COLUMN pending_logins;
