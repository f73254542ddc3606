-- The platform mock (signing/): accounts, logins, SMS, the property registry, agents,
-- contracts with their signatures, uploads, cancellations and status-change events.
-- Every table is prefixed platform_ (the assistant's own `events` table is another thing).
CREATE TABLE platform_accounts (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('individual', 'legal_person')),
    name            TEXT NOT NULL,
    doc_type        TEXT NOT NULL,
    id_number       TEXT NOT NULL,            -- normalised by rules.validate_id
    mobile          TEXT NOT NULL,
    level           INTEGER NOT NULL,
    realname        TEXT NOT NULL CHECK (realname IN ('online', 'onsite', 'none')),
    origin          TEXT NOT NULL,
    capacity        TEXT NOT NULL,
    can_use_isz     INTEGER NOT NULL,
    blacklisted     INTEGER NOT NULL,
    secret_hash     TEXT NOT NULL,            -- sha256 of the login_secret (high entropy)
    password_hash   TEXT,                     -- scrypt$salt$hash, or NULL: no password login
    created_at      TEXT NOT NULL
);

CREATE TABLE platform_tokens (
    token_hash      TEXT PRIMARY KEY,         -- sha256 of the bearer token
    account_id      TEXT NOT NULL REFERENCES platform_accounts (id) ON DELETE CASCADE,
    acting_for      TEXT REFERENCES platform_accounts (id) ON DELETE CASCADE,
    login_method    TEXT NOT NULL,
    sms_verified    INTEGER NOT NULL,
    expires_at      REAL NOT NULL,            -- unix time
    created_at      TEXT NOT NULL
);
CREATE INDEX platform_tokens_expires ON platform_tokens (expires_at);

CREATE TABLE platform_sms (
    id              INTEGER PRIMARY KEY,
    account_id      TEXT NOT NULL REFERENCES platform_accounts (id) ON DELETE CASCADE,
    text            TEXT NOT NULL,
    code            TEXT,
    purpose         TEXT NOT NULL,            -- login, isz_sign:<contract>, notice
    used            INTEGER NOT NULL DEFAULT 0,
    expires_at      REAL,
    at              TEXT NOT NULL
);
CREATE INDEX platform_sms_account ON platform_sms (account_id, id);

CREATE TABLE platform_bindings (
    id              TEXT PRIMARY KEY,
    legal_person_id TEXT NOT NULL REFERENCES platform_accounts (id),
    agent_id        TEXT NOT NULL REFERENCES platform_accounts (id),
    status          TEXT NOT NULL CHECK (status IN ('pending', 'active', 'unbound')),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX platform_bindings_pair ON platform_bindings (legal_person_id, agent_id);

CREATE TABLE platform_properties (
    id                      TEXT PRIMARY KEY,
    cert_type               TEXT NOT NULL,
    cert_number             TEXT NOT NULL,    -- normalised by rules.validate_cert_number
    region                  TEXT NOT NULL,
    usage                   TEXT NOT NULL,
    industrial              INTEGER NOT NULL,
    status                  TEXT NOT NULL,
    multi_unit_mixed_usage  INTEGER NOT NULL,
    usage_standardized      INTEGER NOT NULL,
    created_at              TEXT NOT NULL,
    UNIQUE (cert_type, cert_number, region)
);

CREATE TABLE platform_owners (
    property_id     TEXT NOT NULL REFERENCES platform_properties (id) ON DELETE CASCADE,
    idx             INTEGER NOT NULL,
    account_id      TEXT REFERENCES platform_accounts (id),
    type            TEXT NOT NULL,
    origin          TEXT NOT NULL,
    capacity        TEXT NOT NULL,
    name            TEXT NOT NULL,
    doc_type        TEXT NOT NULL,
    id_number       TEXT NOT NULL,
    share           TEXT NOT NULL,
    PRIMARY KEY (property_id, idx)
);

CREATE TABLE platform_links (
    id                  TEXT PRIMARY KEY,
    owner_account_id    TEXT NOT NULL REFERENCES platform_accounts (id),
    agent_account_id    TEXT NOT NULL REFERENCES platform_accounts (id),
    property_id         TEXT NOT NULL REFERENCES platform_properties (id),
    created_at          TEXT NOT NULL
);
CREATE INDEX platform_links_agent ON platform_links (agent_account_id, property_id);

CREATE TABLE platform_title_checks (
    id              INTEGER PRIMARY KEY,
    account_id      TEXT NOT NULL REFERENCES platform_accounts (id),
    acting_for      TEXT,
    property_id     TEXT NOT NULL REFERENCES platform_properties (id),
    login_identity  TEXT NOT NULL,
    result          TEXT NOT NULL,
    at              TEXT NOT NULL
);
CREATE INDEX platform_title_checks_who ON platform_title_checks (account_id, property_id);

CREATE TABLE platform_contracts (
    id                          TEXT PRIMARY KEY,
    property_id                 TEXT NOT NULL REFERENCES platform_properties (id),
    creator_account_id          TEXT NOT NULL,
    creator_acting_for          TEXT,
    signing                     TEXT NOT NULL,
    usage                       TEXT NOT NULL,
    filing_required             INTEGER NOT NULL,
    overseas_party              INTEGER NOT NULL,
    status                      TEXT NOT NULL,
    steps                       TEXT NOT NULL,    -- JSON list of step codes
    parties                     TEXT NOT NULL,    -- JSON list of parties
    terms                       TEXT NOT NULL,    -- JSON object
    downloaded                  INTEGER NOT NULL DEFAULT 0,
    notarized                   INTEGER NOT NULL DEFAULT 0,
    qualification_code_applied  INTEGER NOT NULL DEFAULT 0,
    transfer_accepted           INTEGER NOT NULL DEFAULT 0,
    signed_at                   TEXT,
    filing_stamp                TEXT,
    created_at                  TEXT NOT NULL,
    updated_at                  TEXT NOT NULL
);

CREATE TABLE platform_signatures (
    contract_id     TEXT NOT NULL REFERENCES platform_contracts (id) ON DELETE CASCADE,
    account_id      TEXT NOT NULL,
    step            TEXT,                     -- the last i深圳 step done
    status          TEXT NOT NULL CHECK (status IN ('pending', 'signed')),
    method          TEXT,
    signed_at       TEXT,
    PRIMARY KEY (contract_id, account_id)
);

CREATE TABLE platform_uploads (
    sha256          TEXT PRIMARY KEY,         -- stored once per content
    size            INTEGER NOT NULL,
    content         BLOB NOT NULL,
    created_at      TEXT NOT NULL
);

CREATE TABLE platform_attachments (
    id              INTEGER PRIMARY KEY,
    contract_id     TEXT NOT NULL REFERENCES platform_contracts (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,            -- commitment, contract, notarization, filing_material, cancel_material
    name            TEXT NOT NULL,            -- the multipart part name, or the kind
    sha256          TEXT NOT NULL REFERENCES platform_uploads (sha256),
    account_id      TEXT,                     -- who uploaded it (NULL: counter staff)
    cancellation_id INTEGER,
    at              TEXT NOT NULL
);
CREATE INDEX platform_attachments_contract ON platform_attachments (contract_id, id);

CREATE TABLE platform_cancellations (
    id                  INTEGER PRIMARY KEY,
    contract_id         TEXT NOT NULL REFERENCES platform_contracts (id) ON DELETE CASCADE,
    kind                TEXT NOT NULL,
    change              TEXT NOT NULL,
    case_type           TEXT NOT NULL CHECK (case_type IN ('unfiled', 'filed')),
    applicant_role      TEXT NOT NULL,
    applicant_account   TEXT,
    status              TEXT NOT NULL,        -- awaiting_confirmation, awaiting_materials, under_review, or ended: done, approved, rejected
    uploaded_by         TEXT NOT NULL DEFAULT '[]',   -- JSON list of party keys whose materials are in
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX platform_cancellations_contract ON platform_cancellations (contract_id, id);

CREATE TABLE platform_events (
    id              INTEGER PRIMARY KEY,
    contract_id     TEXT NOT NULL REFERENCES platform_contracts (id) ON DELETE CASCADE,
    event           TEXT NOT NULL,            -- a rules.lifecycle event, or 'create'
    from_status     TEXT,                     -- NULL for the creation
    to_status       TEXT NOT NULL,
    actor           TEXT NOT NULL,            -- account id, 'back_office', 'isz' or 'counter_staff'
    role            TEXT NOT NULL,
    at              TEXT NOT NULL
);
CREATE INDEX platform_events_contract ON platform_events (contract_id, id);
