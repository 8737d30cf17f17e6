-- Forgets everyone's language: pages follow the browser's Accept-Language again.
ALTER TABLE platform_users DROP COLUMN language;
ALTER TABLE users DROP COLUMN language;
