-- Switchboard's first schema: agencies, the account tree, users, grants and sessions.
-- Every row names its agency (R2); times are milliseconds since the Unix epoch.

CREATE TABLE agencies (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE nodes (
    id          TEXT PRIMARY KEY,
    agency_id   TEXT NOT NULL REFERENCES agencies (id),
    parent_id   TEXT REFERENCES nodes (id),
    kind        TEXT NOT NULL
                CHECK (kind IN ('agency', 'account', 'group', 'subgroup', 'location')),
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    -- Only the agency's own node has no parent.
    CHECK ((kind = 'agency') = (parent_id IS NULL))
);
CREATE INDEX nodes_by_parent ON nodes (parent_id);
CREATE INDEX nodes_by_agency ON nodes (agency_id);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    agency_id      TEXT NOT NULL REFERENCES agencies (id),
    email          TEXT NOT NULL,
    name           TEXT NOT NULL,
    state          TEXT NOT NULL
                   CHECK (state IN ('invited', 'active', 'suspended', 'deleted', 'notification_only')),
    password_hash  TEXT,
    created_at     INTEGER NOT NULL
);
-- Sign-in finds a person by address alone, so an address belongs to one person.
CREATE UNIQUE INDEX users_by_email ON users (email);
CREATE INDEX users_by_agency_name ON users (agency_id, name COLLATE NOCASE);

CREATE TABLE grants (
    id          TEXT PRIMARY KEY,
    agency_id   TEXT NOT NULL REFERENCES agencies (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    role        TEXT NOT NULL,
    node_id     TEXT NOT NULL REFERENCES nodes (id),
    starts_at   INTEGER,
    ends_at     INTEGER,
    created_at  INTEGER NOT NULL
);
CREATE INDEX grants_by_user ON grants (agency_id, user_id);
CREATE INDEX grants_by_node ON grants (node_id);

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id),
    agency_id     TEXT NOT NULL REFERENCES agencies (id),
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
