-- Sessions, the transcript of every message, and events.
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    state       TEXT NOT NULL,            -- the engine's state as JSON
    version     INTEGER NOT NULL,         -- bumped by every saved turn (optimistic locking)
    last_seq    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    expires_at  REAL NOT NULL             -- unix time
);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE transcript (
    session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    sender      TEXT NOT NULL CHECK (sender IN ('user', 'assistant', 'staff', 'platform')),
    text        TEXT NOT NULL,            -- personal numbers masked before they get here
    buttons     TEXT NOT NULL DEFAULT '[]',
    at          TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    session_id  TEXT REFERENCES sessions (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    data        TEXT NOT NULL DEFAULT '{}',
    at          TEXT NOT NULL
);
CREATE INDEX events_session ON events (session_id, id);
