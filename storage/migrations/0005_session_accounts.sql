-- Which platform accounts a conversation is linked to: the platform's notices (status changes,
-- SMS) for an account reach every session linked to it as `platform` messages (bot/notices.py).
-- No foreign key to platform_accounts: the platform could be a real one elsewhere.
CREATE TABLE session_accounts (
    session_id      TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    account_id      TEXT NOT NULL,
    linked_at       TEXT NOT NULL,
    PRIMARY KEY (session_id, account_id)
);
CREATE INDEX session_accounts_account ON session_accounts (account_id);
