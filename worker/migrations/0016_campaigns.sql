-- Dialer campaigns (§7): each lives at one node of its agency and dials with every member of
-- its agent groups. Ids are the agency's own, so one agency's choice never collides with
-- (nor reveals) another's.
CREATE TABLE campaigns (
    agency_id     TEXT NOT NULL REFERENCES agencies (id),
    id            TEXT NOT NULL,
    name          TEXT NOT NULL,
    node_id       TEXT NOT NULL REFERENCES nodes (id),
    -- JSON array of names from the agency's agent groups.
    agent_groups  TEXT NOT NULL DEFAULT '[]',
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (agency_id, id)
);
