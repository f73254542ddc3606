-- Hotline staff (12345): accounts, bearer tokens, failed sign-ins, the audit log and
-- the handoff queue.  The queue is fed by the engine's own events through the triggers
-- at the end, inside the transaction that saves the turn: whatever door the person
-- used (web, Telegram, terminal), a 'handoff_requested' event opens a handoff and a
-- 'handoff_cancelled' (the person withdrew) or 'handoff_closed' (staff) event closes it.
CREATE TABLE staff (
    username      TEXT PRIMARY KEY,          -- lower case: a-z 0-9 . _ -
    role          TEXT NOT NULL CHECK (role IN ('agent', 'supervisor')),
    password_hash TEXT NOT NULL,             -- argon2id (argon2-cffi), never the password
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

CREATE TABLE staff_tokens (
    token_hash  TEXT PRIMARY KEY,            -- sha256 of the bearer token, never the token
    username    TEXT NOT NULL REFERENCES staff (username) ON DELETE CASCADE,
    expires_at  REAL NOT NULL,               -- unix time
    created_at  TEXT NOT NULL
);
CREATE INDEX staff_tokens_user ON staff_tokens (username);

CREATE TABLE staff_login_failures (
    id            INTEGER PRIMARY KEY,
    username_hash TEXT NOT NULL,             -- sha256 of the name typed (it may be a password in the wrong box)
    address       TEXT NOT NULL,             -- the client address
    at            REAL NOT NULL              -- unix time
);
CREATE INDEX staff_login_failures_user ON staff_login_failures (username_hash, at);
CREATE INDEX staff_login_failures_address ON staff_login_failures (address, at);

CREATE TABLE staff_audit (
    id          INTEGER PRIMARY KEY,
    who         TEXT,                        -- a staff username, 'cli', or NULL (an unknown name)
    action      TEXT NOT NULL,
    session_id  TEXT,                        -- no foreign key: the log outlives expired sessions
    at          TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}'   -- JSON without personal data (no texts, no numbers)
);
CREATE INDEX staff_audit_session ON staff_audit (session_id, id);

CREATE TABLE handoffs (
    id          INTEGER PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    since       TEXT NOT NULL,               -- when the person asked for a human
    taken_by    TEXT,                        -- the staff member holding it, NULL while it waits
    taken_at    TEXT,
    closed_at   TEXT                         -- NULL while open
);
CREATE UNIQUE INDEX handoffs_open ON handoffs (session_id) WHERE closed_at IS NULL;
CREATE INDEX handoffs_queue ON handoffs (closed_at, taken_by, since);

CREATE TRIGGER handoffs_requested AFTER INSERT ON events
WHEN NEW.kind = 'handoff_requested' AND NEW.session_id IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO handoffs (session_id, since) VALUES (NEW.session_id, NEW.at);
END;

CREATE TRIGGER handoffs_ended AFTER INSERT ON events
WHEN NEW.kind IN ('handoff_cancelled', 'handoff_closed') AND NEW.session_id IS NOT NULL
BEGIN
    UPDATE handoffs SET closed_at = NEW.at WHERE session_id = NEW.session_id AND closed_at IS NULL;
END;

-- Conversations already waiting when this migration runs join the queue.
INSERT INTO handoffs (session_id, since)
SELECT id, updated_at FROM sessions WHERE json_extract(state, '$.handoff') = 1;
