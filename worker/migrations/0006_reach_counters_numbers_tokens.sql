-- What lets a request read only the rows its decision needs, whatever the agency's size.

-- Each node's path from the root, `/root/.../self/`: "inside node X" is a prefix test on one
-- row instead of a walk of the tree. Kept by the Worker when nodes are created or moved.
ALTER TABLE nodes ADD COLUMN path TEXT NOT NULL DEFAULT '';
WITH RECURSIVE walk(id, path) AS (
    SELECT id, '/' || id || '/' FROM nodes WHERE parent_id IS NULL
    UNION ALL
    SELECT n.id, walk.path || n.id || '/' FROM nodes n JOIN walk ON n.parent_id = walk.id
)
UPDATE nodes SET path = (SELECT walk.path FROM walk WHERE walk.id = nodes.id);
CREATE INDEX nodes_by_path ON nodes (agency_id, path);

-- Seat and administrator counts (R14, R30, R31), kept by adding each change's difference.
-- They hold until `counts_valid_until`, the next moment a grant starts or ends or an
-- invitation expires; the first request after that counts again. 0 means "count now".
ALTER TABLE agencies ADD COLUMN logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agencies ADD COLUMN dialers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agencies ADD COLUMN top_administrators INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agencies ADD COLUMN counts_valid_until INTEGER NOT NULL DEFAULT 0;

-- Whether everyone in the agency must sign in with a second factor.
ALTER TABLE agencies ADD COLUMN require_two_factor INTEGER NOT NULL DEFAULT 0;

-- Tracking numbers and their one destination person (§7), mirrored from agent settings so
-- that a number is found by an index, not by reading everyone's settings.
CREATE TABLE numbers (
    agency_id  TEXT NOT NULL REFERENCES agencies (id),
    number     TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (agency_id, number)
);
CREATE INDEX numbers_by_user ON numbers (agency_id, user_id);
INSERT OR IGNORE INTO numbers (agency_id, number, user_id)
    SELECT u.agency_id, n.value, u.id
    FROM users u, json_each(COALESCE(json_extract(u.settings, '$.tracking_numbers'), '[]')) n
    WHERE u.state != 'deleted';

-- API tokens for scripts: stored by digest, scoped to capabilities and nodes, never wider than
-- their creator (checked at creation and again at every use).
CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY,
    token_hash    TEXT NOT NULL UNIQUE,
    agency_id     TEXT NOT NULL REFERENCES agencies (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    name          TEXT NOT NULL,
    -- JSON arrays of capability names and node ids.
    capabilities  TEXT NOT NULL,
    nodes         TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER,
    last_used_at  INTEGER
);
CREATE INDEX api_tokens_by_user ON api_tokens (agency_id, user_id);

-- The orders and filters of the user list.
DROP INDEX users_by_agency_name;
CREATE INDEX users_by_agency_name ON users (agency_id, name COLLATE NOCASE, id);
CREATE INDEX users_by_agency_email ON users (agency_id, email, id);
CREATE INDEX users_by_agency_created ON users (agency_id, created_at, id);
CREATE INDEX grants_by_agency_node ON grants (agency_id, node_id);
CREATE INDEX nodes_by_agency_parent ON nodes (agency_id, parent_id);
