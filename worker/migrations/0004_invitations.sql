-- R21: invitation links, stored only as hashes; one live link per invited person.
CREATE TABLE invitations (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    agency_id   TEXT NOT NULL REFERENCES agencies (id),
    expires_at  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX invitations_by_user ON invitations (user_id);

-- Mail to send, written in the same batch as the change that causes it; a sender delivers it.
CREATE TABLE outbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id   TEXT NOT NULL REFERENCES agencies (id),
    to_email    TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER
);
CREATE INDEX outbox_unsent ON outbox (sent_at, seq);
