-- Forgets everyone's theme: pages follow the device again.
ALTER TABLE platform_users DROP COLUMN theme;
ALTER TABLE users DROP COLUMN theme;
