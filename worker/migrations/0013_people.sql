-- One person, several agencies (PRODUCT §5). A person is an address with a password, a second
-- factor and sessions; each membership of an agency is a `users` row (roles, state, settings,
-- seat) naming its person. Addresses are unique per person, and per agency among members that
-- are not deleted: the one unique index over every agency told one agency which addresses had
-- an account in another (R2) and kept a person out of a second agency.
--
-- Nothing is lost: every user becomes the person of its own address, with its password and
-- second factor. `users.password_hash`, `totp_secret` and `totp_last_step` stay in place, no
-- longer read, for the release that still runs against them; `users.totp_enabled` is kept in
-- step with the person's by a trigger, so the caller's row reads it without another join.

CREATE TABLE people (
    id              TEXT PRIMARY KEY,
    email           TEXT NOT NULL,
    password_hash   TEXT,
    totp_secret     TEXT,
    totp_enabled    INTEGER NOT NULL DEFAULT 0,
    totp_last_step  INTEGER,
    -- The agency of the person's last sign-in or switch: offered first next time.
    last_agency_id  TEXT,
    created_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX people_by_email ON people (email);

INSERT INTO people (id, email, password_hash, totp_secret, totp_enabled, totp_last_step,
                    last_agency_id, created_at)
SELECT 'p_' || id, email, password_hash, totp_secret, totp_enabled, totp_last_step,
       agency_id, created_at
FROM users;

ALTER TABLE users ADD COLUMN person_id TEXT REFERENCES people (id);
UPDATE users SET person_id = 'p_' || id;
CREATE INDEX users_by_person ON users (person_id);

DROP INDEX users_by_email;
CREATE UNIQUE INDEX users_by_agency_member_email ON users (agency_id, email)
    WHERE state <> 'deleted';

-- A person's address, second factor: the same in each of their memberships.
CREATE TRIGGER people_email_follows AFTER UPDATE OF email ON people
BEGIN
    UPDATE users SET email = NEW.email WHERE person_id = NEW.id AND state <> 'deleted';
END;
CREATE TRIGGER people_totp_follows AFTER UPDATE OF totp_enabled ON people
BEGIN
    UPDATE users SET totp_enabled = NEW.totp_enabled WHERE person_id = NEW.id;
END;

-- Sessions get an id to name them by (the digest stays secret), and what the person sees in
-- their list of sessions: the device and the network address, as the request told them.
ALTER TABLE sessions ADD COLUMN id TEXT;
UPDATE sessions SET id = lower(hex(randomblob(12)));
CREATE UNIQUE INDEX sessions_by_id ON sessions (id);
ALTER TABLE sessions ADD COLUMN device TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';

-- Forgotten passwords: a single-use link valid one hour, stored only as a hash.
CREATE TABLE password_resets (
    token_hash  TEXT PRIMARY KEY,
    person_id   TEXT NOT NULL REFERENCES people (id),
    expires_at  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX password_resets_by_person ON password_resets (person_id);

-- A change of one's own address waits for the link mailed to the new address.
CREATE TABLE email_changes (
    token_hash  TEXT PRIMARY KEY,
    person_id   TEXT NOT NULL REFERENCES people (id),
    new_email   TEXT NOT NULL,
    expires_at  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX email_changes_by_person ON email_changes (person_id);

-- History keeps names (R24): each entry carries its actor's and target's names as they were
-- when it was written. Entries written before this learn the names the tables hold now (the
-- best there is); the permanence trigger steps aside for that one backfill.
ALTER TABLE audit_log ADD COLUMN actor_name TEXT;
ALTER TABLE audit_log ADD COLUMN target_name TEXT;
DROP TRIGGER audit_log_is_permanent_update;
UPDATE audit_log SET
    actor_name = (SELECT name FROM users WHERE id = audit_log.actor_id),
    target_name = COALESCE(
        (SELECT name FROM users WHERE id = audit_log.target),
        (SELECT u.name FROM grants g JOIN users u ON u.id = g.user_id WHERE g.id = audit_log.target),
        (SELECT name FROM nodes WHERE id = audit_log.target),
        (SELECT name FROM custom_roles WHERE id = audit_log.target));
CREATE TRIGGER audit_log_is_permanent_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit entries cannot be changed');
END;
