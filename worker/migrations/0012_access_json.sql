-- Each person's access, kept beside them: their grants, every node above those grants (up to,
-- not including, the agency's top node) and the custom roles they hold, as the caller's load
-- reads them. A request made with a session then reads its caller in one row instead of
-- working the ancestry out again: SQLite prepares a much smaller statement, and D1 bills three
-- rows read instead of dozens. Triggers keep it exact on every write, whichever code makes it,
-- inside the write's own transaction, so no request ever reads it stale (R23).
--
-- The agency's top node is read by every load on its own (it is in everyone's ancestry), so
-- renaming it touches nobody's access.
ALTER TABLE users ADD COLUMN access_json TEXT NOT NULL DEFAULT '';

-- Writing '' marks a person's access stale; this trigger, the one place it is worked out,
-- writes it again at once, in the same statement. The shapes are those of the load's own
-- columns (`store::part`): grants, nodes and custom roles. It reads the person's grants once
-- (MATERIALIZED: else SQLite reads them through an index of the whole agency's grants), then
-- walks up from their nodes.
CREATE TRIGGER access_json_refresh AFTER UPDATE OF access_json ON users
WHEN NEW.access_json = ''
BEGIN
    UPDATE users SET access_json = (
        WITH RECURSIVE held AS MATERIALIZED (
            SELECT id, user_id, role_kind, role, node_id, starts_at, ends_at FROM grants
            WHERE agency_id = NEW.agency_id AND user_id = NEW.id
        ),
        up(id) AS (
            SELECT node_id FROM held
            UNION SELECT n.parent_id FROM nodes n JOIN up ON n.id = up.id
                WHERE n.parent_id IS NOT NULL
        )
        SELECT json_object(
            'grants', json((SELECT json_group_array(json_object('id', id, 'user_id', user_id,
                    'role_kind', role_kind, 'role', role, 'node_id', node_id,
                    'starts_at', starts_at, 'ends_at', ends_at)) FROM held)),
            'nodes', json((SELECT json_group_array(json_object('id', n.id,
                    'parent_id', n.parent_id, 'kind', n.kind, 'name', n.name))
                FROM up CROSS JOIN nodes n ON n.id = up.id
                WHERE n.agency_id = NEW.agency_id AND n.parent_id IS NOT NULL)),
            'roles', json((SELECT json_group_array(json_object('id', r.id, 'name', r.name,
                    'capabilities', r.capabilities))
                FROM custom_roles r
                WHERE r.agency_id = NEW.agency_id
                  AND r.id IN (SELECT role FROM held WHERE role_kind = 'custom')))))
    WHERE id = NEW.id;
END;

-- A batch may write a person's grants before the person.
CREATE TRIGGER access_json_user_added AFTER INSERT ON users
BEGIN
    UPDATE users SET access_json = '' WHERE id = NEW.id;
END;

CREATE TRIGGER access_json_grant_added AFTER INSERT ON grants
BEGIN
    UPDATE users SET access_json = '' WHERE id = NEW.user_id;
END;

CREATE TRIGGER access_json_grant_changed AFTER UPDATE ON grants
BEGIN
    UPDATE users SET access_json = '' WHERE id IN (OLD.user_id, NEW.user_id);
END;

CREATE TRIGGER access_json_grant_removed AFTER DELETE ON grants
BEGIN
    UPDATE users SET access_json = '' WHERE id = OLD.user_id;
END;

-- Each grant with the path of its node: the grants at or under a node are those whose path is
-- in one range of `nodes_by_path` (a path ends in '/', and '0' is the character after it).
CREATE VIEW grants_under (agency_id, path, user_id) AS
SELECT n.agency_id, n.path, g.user_id FROM nodes n
JOIN grants g ON g.agency_id = n.agency_id AND g.node_id = n.id;

-- A node's name, kind and parent are in the access of everyone with a grant at or under it.
-- A move writes the parent before the paths, so the node's path still names its old place,
-- and its whole subtree, when this runs. The top node is in no one's.
CREATE TRIGGER access_json_node_changed AFTER UPDATE OF name, kind, parent_id ON nodes
WHEN OLD.parent_id IS NOT NULL OR NEW.parent_id IS NOT NULL
BEGIN
    UPDATE users SET access_json = '' WHERE id IN (
        SELECT user_id FROM grants_under WHERE agency_id = NEW.agency_id
          AND path >= NEW.path AND path < substr(NEW.path, 1, length(NEW.path) - 1) || '0');
END;

-- A batch may write grants, or nodes under a node, before the node itself.
CREATE TRIGGER access_json_node_added AFTER INSERT ON nodes
WHEN NEW.parent_id IS NOT NULL
BEGIN
    UPDATE users SET access_json = '' WHERE id IN (
        SELECT user_id FROM grants_under WHERE agency_id = NEW.agency_id
          AND path >= NEW.path AND path < substr(NEW.path, 1, length(NEW.path) - 1) || '0');
END;

CREATE TRIGGER access_json_node_removed AFTER DELETE ON nodes
WHEN OLD.parent_id IS NOT NULL
BEGIN
    UPDATE users SET access_json = '' WHERE id IN (
        SELECT user_id FROM grants_under WHERE agency_id = OLD.agency_id
          AND path >= OLD.path AND path < substr(OLD.path, 1, length(OLD.path) - 1) || '0');
END;

-- A custom role's name and capabilities are in the access of everyone holding it; a grant may
-- name a role written later in the same batch.
CREATE TRIGGER access_json_role_added AFTER INSERT ON custom_roles
BEGIN
    UPDATE users SET access_json = '' WHERE id IN (
        SELECT user_id FROM grants
        WHERE agency_id = NEW.agency_id AND role_kind = 'custom' AND role = NEW.id);
END;

CREATE TRIGGER access_json_role_changed AFTER UPDATE ON custom_roles
BEGIN
    UPDATE users SET access_json = '' WHERE id IN (
        SELECT user_id FROM grants
        WHERE agency_id = NEW.agency_id AND role_kind = 'custom' AND role IN (OLD.id, NEW.id));
END;

CREATE TRIGGER access_json_role_removed AFTER DELETE ON custom_roles
BEGIN
    UPDATE users SET access_json = '' WHERE id IN (
        SELECT user_id FROM grants
        WHERE agency_id = OLD.agency_id AND role_kind = 'custom' AND role = OLD.id);
END;

-- Everyone's, worked out once now.
UPDATE users SET access_json = '';
