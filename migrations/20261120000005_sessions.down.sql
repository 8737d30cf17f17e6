-- Drops sessions (everyone is signed out).
DROP TABLE sessions;
