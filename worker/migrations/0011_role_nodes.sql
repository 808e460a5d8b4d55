-- Beside each person's kept roles (`users.roles_json`, migration 0009), the node of each, in
-- the same order: `role_nodes[i]` is the `node_id` of `roles_json[i]`. A page for someone who
-- sees part of the agency keeps only the roles at nodes inside their reach; it tests these
-- plain ids and takes only the roles that pass by their position, instead of reading every
-- role's JSON object to find its node.
ALTER TABLE users ADD COLUMN role_nodes TEXT NOT NULL DEFAULT '[]';

-- Worked out from the kept roles whenever they are written again (the one place they are, the
-- trigger `roles_json_refresh`), so the two never disagree.
CREATE TRIGGER role_nodes_follow AFTER UPDATE OF roles_json ON users
WHEN NEW.roles_json != ''
BEGIN
    UPDATE users SET role_nodes = (
        SELECT json_group_array(r.value ->> 'node_id' ORDER BY r.key)
        FROM json_each(NEW.roles_json) r)
    WHERE id = NEW.id;
END;

-- Naming the column in an UPDATE fires the trigger, even when its value stays the same.
UPDATE users SET roles_json = roles_json;
