-- Telegram: the assistant session each chat talks to, and how far its messages
-- from outside a turn (staff, platform) have been pushed to the chat.
CREATE TABLE telegram_chats (
    chat_id     INTEGER PRIMARY KEY,      -- Telegram's chat id
    session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    last_pushed INTEGER NOT NULL DEFAULT 0,  -- transcript seq up to which the chat is served
    updated_at  TEXT NOT NULL
);
CREATE INDEX telegram_chats_session ON telegram_chats (session_id);
