-- Drops custom permission sets, grants and delegations (users fall back to their roles).
DROP TABLE delegations;
DROP TABLE user_grants;
DROP TABLE user_permission_sets;
DROP TABLE permission_sets;
