-- Forgets every workspace's OpenID provider and the sign-ins under way through one; members
-- created by single sign-on stay (with the unusable password they were created with).
DROP TABLE sso_requests;
DROP TABLE sso_providers;
