-- Every entity of `domain`: the agency's plan and owner, people's switches and settings,
-- custom roles, grants of custom roles, and the audit log. Every row names its agency (R2).

ALTER TABLE agencies ADD COLUMN plan TEXT NOT NULL DEFAULT '{"plan":"team","seat_override":null}';
ALTER TABLE agencies ADD COLUMN owner_id TEXT REFERENCES users (id);
ALTER TABLE agencies ADD COLUMN seat_price_cents INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agencies ADD COLUMN agent_statuses TEXT NOT NULL
    DEFAULT '["Available","On a call","On a break","Offline"]';
ALTER TABLE agencies ADD COLUMN agent_groups TEXT NOT NULL DEFAULT '[]';

ALTER TABLE users ADD COLUMN calling_enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN contact_edit INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN invitation_expires_at INTEGER;
ALTER TABLE users ADD COLUMN support INTEGER NOT NULL DEFAULT 0;
-- Agent settings (§7) as the JSON of domain::AgentSettings; NULL means the defaults.
ALTER TABLE users ADD COLUMN settings TEXT;

CREATE TABLE custom_roles (
    id            TEXT PRIMARY KEY,
    agency_id     TEXT NOT NULL REFERENCES agencies (id),
    name          TEXT NOT NULL,
    -- A JSON array of capability names.
    capabilities  TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX custom_roles_by_name ON custom_roles (agency_id, name COLLATE NOCASE);

-- A grant names a built-in role by its name, or a custom role by its id.
ALTER TABLE grants ADD COLUMN role_kind TEXT NOT NULL DEFAULT 'builtin'
    CHECK (role_kind IN ('builtin', 'custom'));
CREATE INDEX grants_by_role ON grants (agency_id, role_kind, role);

-- R25: who, what, when, before and after. Entries are only ever appended.
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id  TEXT NOT NULL REFERENCES agencies (id),
    at         INTEGER NOT NULL,
    actor_id   TEXT NOT NULL,
    action     TEXT NOT NULL,
    target     TEXT NOT NULL,
    before     TEXT,
    after      TEXT
);
CREATE INDEX audit_by_time ON audit_log (agency_id, at);
CREATE INDEX audit_by_actor ON audit_log (agency_id, actor_id, at);
CREATE INDEX audit_by_target ON audit_log (agency_id, target, at);

CREATE TRIGGER audit_log_is_permanent_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit entries cannot be changed');
END;
CREATE TRIGGER audit_log_is_permanent_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit entries cannot be deleted');
END;
