-- Failed sign-ins, counted per e-mail address (whether or not it has an account, so a lock
-- reveals nothing) and per network address.
CREATE TABLE sign_in_failures (
    key           TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL,
    window_start  INTEGER NOT NULL,
    locked_until  INTEGER
);
