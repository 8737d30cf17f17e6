-- The role is shared by every Atrium database in the cluster (tests create many), so only this
-- database's grant is withdrawn; the role itself stays.
REVOKE USAGE ON SCHEMA public FROM atrium_app;
