-- Reverts 20261205000002_ip_blocks: every block (and its history) goes; the audit rows of
-- blocks made and lifted stay in the platform chain.
DROP TABLE IF EXISTS ip_blocks;
