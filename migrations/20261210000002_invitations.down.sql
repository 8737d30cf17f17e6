-- Invitations go, open ones included (their links stop working).
DROP TABLE invitations;
