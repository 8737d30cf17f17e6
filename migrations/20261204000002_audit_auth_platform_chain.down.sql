-- The auth scope's insert policy without the platform-chain condition, as before.
DROP POLICY auth_insert ON audit_events;
CREATE POLICY auth_insert ON audit_events FOR INSERT
    WITH CHECK (current_setting('app.scope', true) = 'auth');
