-- Stamps that say whether a copy of someone's row and kept access, or of an agency's tree, is
-- still the one D1 holds. The platform's `check` keeps such copies in the Worker between
-- requests and reads these stamps on every batch, and a person's row only when the agency's
-- people have changed since the copy read them: a copy is used only when its stamps equal the
-- ones read in the same statement, so a change is seen by the next question (R23), whichever
-- isolate answers it.
--
-- A person's stamp moves whenever their kept access (`access_json`, migration 0012) is written,
-- which its triggers do on every change to their grants, to the nodes above them and to the
-- custom roles they hold. The agency's tree stamp moves on every change to its nodes, and its
-- people stamp on every person added or removed and every change to what a decision reads of
-- a person: their address, name, state, switches, invitation, support flag and access stamp
-- (not their sign-ins or settings). A stamp is random, not counted, so a row written again
-- from scratch never repeats an old one.
ALTER TABLE users ADD COLUMN access_stamp INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agencies ADD COLUMN tree_stamp INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agencies ADD COLUMN people_stamp INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER access_stamp_moves AFTER UPDATE OF access_json ON users
BEGIN
    UPDATE users SET access_stamp = random() WHERE id = NEW.id;
END;

CREATE TRIGGER stamps_agency_added AFTER INSERT ON agencies
BEGIN
    UPDATE agencies SET tree_stamp = random(), people_stamp = random() WHERE id = NEW.id;
END;

CREATE TRIGGER tree_stamp_node_added AFTER INSERT ON nodes
BEGIN
    UPDATE agencies SET tree_stamp = random() WHERE id = NEW.agency_id;
END;

CREATE TRIGGER tree_stamp_node_changed AFTER UPDATE ON nodes
BEGIN
    UPDATE agencies SET tree_stamp = random() WHERE id IN (OLD.agency_id, NEW.agency_id);
END;

CREATE TRIGGER tree_stamp_node_removed AFTER DELETE ON nodes
BEGIN
    UPDATE agencies SET tree_stamp = random() WHERE id = OLD.agency_id;
END;

CREATE TRIGGER people_stamp_person_added AFTER INSERT ON users
BEGIN
    UPDATE agencies SET people_stamp = random() WHERE id = NEW.agency_id;
END;

CREATE TRIGGER people_stamp_person_changed AFTER UPDATE OF agency_id, email, name, state,
    calling_enabled, contact_edit, invitation_expires_at, support, access_stamp ON users
BEGIN
    UPDATE agencies SET people_stamp = random() WHERE id IN (OLD.agency_id, NEW.agency_id);
END;

CREATE TRIGGER people_stamp_person_removed AFTER DELETE ON users
BEGIN
    UPDATE agencies SET people_stamp = random() WHERE id = OLD.agency_id;
END;

UPDATE users SET access_stamp = random();
UPDATE agencies SET tree_stamp = random(), people_stamp = random();
