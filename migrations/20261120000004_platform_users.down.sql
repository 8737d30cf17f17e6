-- Drops platform administrators.
DROP TABLE platform_users;
