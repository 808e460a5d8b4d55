-- Offline sync: a change log per agency with a version that only grows, and the outcome of
-- every mutation a client pushed, so that a mutation sent twice is applied once.

-- The agency's version: raised by one in the batch of every change.
ALTER TABLE agencies ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

-- Whose rows each version touched: a user id, or '*' for anyone's (a node renamed, moved or
-- deleted, a role edited or deleted). Written in the same batch as the change itself.
CREATE TABLE changes (
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    version   INTEGER NOT NULL,
    user_id   TEXT NOT NULL,
    PRIMARY KEY (agency_id, version, user_id)
) WITHOUT ROWID;

-- The outcome of each pushed mutation, under the id its client gave it. An applied mutation's
-- row is written in the batch of its change, so the change and the memory of it are one.
CREATE TABLE mutations (
    agency_id   TEXT NOT NULL REFERENCES agencies (id),
    user_id     TEXT NOT NULL,
    client_id   TEXT NOT NULL,
    mutation_id TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    at          INTEGER NOT NULL,
    PRIMARY KEY (agency_id, user_id, client_id, mutation_id)
) WITHOUT ROWID;
