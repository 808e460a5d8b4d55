-- When each member last signed in to their agency, for the people list. Written in the batch
-- that opens the session, with the agency's version and change log, so devices hear of it.
ALTER TABLE users ADD COLUMN last_sign_in_at INTEGER;
UPDATE users SET last_sign_in_at = (
    SELECT max(s.created_at) FROM sessions s WHERE s.user_id = users.id
);
