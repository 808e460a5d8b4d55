-- The call-tracking platform that Switchboard serves: it asks who may see a call, lead or
-- message with a service token, and hears about every change through signed webhooks.

-- Service tokens belong to the agency, not to the person who made them: they ask about anyone
-- in it and change nothing. Stored by digest; revoking deletes the row.
CREATE TABLE service_tokens (
    id            TEXT PRIMARY KEY,
    token_hash    TEXT NOT NULL UNIQUE,
    agency_id     TEXT NOT NULL REFERENCES agencies (id),
    name          TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER
);
CREATE INDEX service_tokens_by_agency ON service_tokens (agency_id, created_at);

-- Where an agency's changes are delivered. The signing secret is kept as it was issued: every
-- message is signed with it (Standard Webhooks), so it cannot be kept as a digest.
CREATE TABLE webhook_endpoints (
    id          TEXT PRIMARY KEY,
    agency_id   TEXT NOT NULL REFERENCES agencies (id),
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX webhook_endpoints_by_agency ON webhook_endpoints (agency_id);

-- The outbox: one message per change and endpoint, written in the same batch as the change.
-- `next_attempt_at` is when it is due (NULL once delivered or given up); a sender claims a
-- message by moving it a minute on, so two senders never send it at once.
CREATE TABLE webhook_messages (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               TEXT NOT NULL UNIQUE,
    agency_id        TEXT NOT NULL REFERENCES agencies (id),
    endpoint_id      TEXT NOT NULL,
    type             TEXT NOT NULL,
    payload          TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER,
    delivered_at     INTEGER,
    last_status      INTEGER,
    last_error       TEXT
);
CREATE INDEX webhook_messages_due ON webhook_messages (next_attempt_at)
    WHERE next_attempt_at IS NOT NULL;
CREATE INDEX webhook_messages_by_endpoint ON webhook_messages (agency_id, endpoint_id, seq);
