-- Drops tenant users and their types.
DROP TABLE users;
DROP TYPE user_status;
DROP TYPE user_role;
