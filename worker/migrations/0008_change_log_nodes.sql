-- The change log also says where someone lost a grant: a pull then names as removed only the
-- people who lost a grant inside the caller's reach, never the ids of people the caller could
-- not see. `lost_at` is '' for a change that took no grant away, a node id for one that did,
-- and '*' (place unknown, so named to anyone it might concern) for rows written before this.
CREATE TABLE changes_new (
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    version   INTEGER NOT NULL,
    user_id   TEXT NOT NULL,
    lost_at   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (agency_id, version, user_id, lost_at)
) WITHOUT ROWID;

INSERT INTO changes_new (agency_id, version, user_id, lost_at)
SELECT agency_id, version, user_id, '*' FROM changes;

DROP TABLE changes;

ALTER TABLE changes_new RENAME TO changes;
