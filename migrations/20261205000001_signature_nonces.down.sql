-- Drops the store of seen request nonces (and with it replay refusal for signature scheme v2).
DROP TABLE IF EXISTS signature_nonces;
