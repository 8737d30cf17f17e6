-- Sign-in attempts in flight. An attempt claims its place among the five failures a window allows
-- before its password is checked (pending_logins + 1), and settles afterwards: a wrong password
-- turns the claim into a failure (failed_logins + 1, the fifth locks the account), a right one
-- hands it back. Claiming is one UPDATE whose WHERE refuses a locked account and a window whose
-- failures and pending attempts already make five, so concurrent guesses cannot all pass a check
-- made before hashing (thirty parallel wrong passwords were all checked against the real hash).
ALTER TABLE users
    ADD COLUMN pending_logins integer NOT NULL DEFAULT 0
        CONSTRAINT users_pending_logins_check CHECK (pending_logins >= 0);
ALTER TABLE platform_users
    ADD COLUMN pending_logins integer NOT NULL DEFAULT 0
        CONSTRAINT platform_users_pending_logins_check CHECK (pending_logins >= 0);
