-- Accounts, sessions, assessor assignments and the hash chain of the audit trail (SQLite).
-- Keep in step with ../postgres/0002_accounts.sql.

CREATE TABLE accounts (
    id                   INTEGER PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    role                 TEXT NOT NULL,
    -- The org whose subtree the account acts in.
    scope_org_id         INTEGER NOT NULL REFERENCES orgs(id),
    must_change_password INTEGER NOT NULL DEFAULT 1,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         TEXT,
    -- Locked by an administrator (停用) until unlocked.
    disabled             INTEGER NOT NULL DEFAULT 0,
    totp_secret          TEXT,
    totp_enabled         INTEGER NOT NULL DEFAULT 0,
    password_changed_at  TEXT NOT NULL,
    last_login_at        TEXT,
    created_at           TEXT NOT NULL
);
CREATE INDEX accounts_scope ON accounts(scope_org_id);

-- Orgs a third-party assessor may see; nothing else is visible to them.
CREATE TABLE assessor_assignments (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id),
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    assigned_at TEXT NOT NULL,
    UNIQUE (account_id, org_id)
);

-- Only a hash of the session token is stored, so a copy of the database cannot log anyone in.
CREATE TABLE sessions (
    id                    INTEGER PRIMARY KEY,
    token_hash            TEXT NOT NULL UNIQUE,
    account_id            INTEGER NOT NULL REFERENCES accounts(id),
    csrf_token            TEXT NOT NULL,
    second_factor_pending INTEGER NOT NULL DEFAULT 0,
    created_at            TEXT NOT NULL,
    last_seen_at          TEXT NOT NULL,
    ip                    TEXT
);
CREATE INDEX sessions_account ON sessions(account_id);

-- The chain: each entry's hash covers its fields and the previous entry's hash; `seq` has no
-- gaps, and audit_head holds the last seq and hash (also the lock writers serialize on).
ALTER TABLE audit_log ADD COLUMN seq INTEGER;
ALTER TABLE audit_log ADD COLUMN account_id INTEGER;
ALTER TABLE audit_log ADD COLUMN org_id INTEGER;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_seq ON audit_log(seq);
CREATE INDEX audit_log_org ON audit_log(org_id);
CREATE INDEX audit_log_actor ON audit_log(actor, at);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY,
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
