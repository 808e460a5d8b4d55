-- Each person's roles as the user list shows them, kept beside the person: a page of a caller
-- who sees the whole agency then reads one row per person instead of every grant, its node and
-- its role (D1 bills rows read). Triggers keep it exact on every write, whichever code makes it.

-- One grant as the list shows it (`domain::api::RoleAtNode`), with what it is sorted and
-- reached by. The keys a `RoleAtNode` leaves out when empty are written only when set.
CREATE VIEW role_at_node (agency_id, user_id, node_path, node_name, role_name, grant_id, role) AS
SELECT g.agency_id, g.user_id, n.path, n.name, coalesce(cr.name, g.role), g.id,
    CASE WHEN cr.id IS NULL AND g.starts_at IS NULL AND g.ends_at IS NULL
    THEN json_object('role', g.role, 'node', n.name, 'grant', g.id, 'node_id', n.id)
    ELSE json_patch(
        json_object('role', coalesce(cr.name, g.role), 'node', n.name, 'grant', g.id,
                    'node_id', n.id),
        json_object('custom_role', cr.id, 'starts_at', g.starts_at, 'ends_at', g.ends_at))
    END
FROM grants g
JOIN nodes n ON n.id = g.node_id
LEFT JOIN custom_roles cr ON g.role_kind = 'custom' AND cr.id = g.role;

-- All of a person's roles, in `RoleAtNode::list_order` (node, role, grant, compared as bytes).
ALTER TABLE users ADD COLUMN roles_json TEXT NOT NULL DEFAULT '[]';

-- Writing '' marks a person's roles stale; this trigger, the one place they are worked out,
-- writes them again at once (in the same statement, so never seen stale).
CREATE TRIGGER roles_json_refresh AFTER UPDATE OF roles_json ON users
WHEN NEW.roles_json = ''
BEGIN
    UPDATE users SET roles_json = (
        SELECT json_group_array(json(r.role) ORDER BY r.node_name, r.role_name, r.grant_id)
        FROM role_at_node r WHERE r.agency_id = NEW.agency_id AND r.user_id = NEW.id)
    WHERE id = NEW.id;
END;

UPDATE users SET roles_json = '';

CREATE TRIGGER roles_json_grant_added AFTER INSERT ON grants
BEGIN
    UPDATE users SET roles_json = '' WHERE id = NEW.user_id;
END;

CREATE TRIGGER roles_json_grant_changed AFTER UPDATE ON grants
BEGIN
    UPDATE users SET roles_json = '' WHERE id IN (OLD.user_id, NEW.user_id);
END;

CREATE TRIGGER roles_json_grant_removed AFTER DELETE ON grants
BEGIN
    UPDATE users SET roles_json = '' WHERE id = OLD.user_id;
END;

-- A batch may write a person's grants before the person.
CREATE TRIGGER roles_json_user_added AFTER INSERT ON users
BEGIN
    UPDATE users SET roles_json = '' WHERE id = NEW.id;
END;

CREATE TRIGGER roles_json_node_renamed AFTER UPDATE OF name ON nodes
BEGIN
    UPDATE users SET roles_json = ''
    WHERE id IN (SELECT user_id FROM grants WHERE node_id = NEW.id);
END;

-- A grant may name a custom role written later in the same batch.
CREATE TRIGGER roles_json_role_added AFTER INSERT ON custom_roles
BEGIN
    UPDATE users SET roles_json = ''
    WHERE id IN (SELECT user_id FROM grants
                 WHERE agency_id = NEW.agency_id AND role_kind = 'custom' AND role = NEW.id);
END;

CREATE TRIGGER roles_json_role_renamed AFTER UPDATE OF name ON custom_roles
BEGIN
    UPDATE users SET roles_json = ''
    WHERE id IN (SELECT user_id FROM grants
                 WHERE agency_id = NEW.agency_id AND role_kind = 'custom' AND role = NEW.id);
END;

CREATE TRIGGER roles_json_role_removed AFTER DELETE ON custom_roles
BEGIN
    UPDATE users SET roles_json = ''
    WHERE id IN (SELECT user_id FROM grants
                 WHERE agency_id = OLD.agency_id AND role_kind = 'custom' AND role = OLD.id);
END;
