-- 任期与换届选举: each org's terms of office and the tracked election procedure of seed 001
-- (提出请示 → 上级批复 → 选举会员代表 → 召开会员（代表）大会 → 选举结果报批 → 批复 →
-- 备案/法人登记变更). Keep in step with ../postgres/0005_terms_elections.sql.

-- One row per term (届). Exactly one 'current' row per org once a term is recorded; an
-- election's last step ends it ('ended', ended_on = the congress date) and opens the next.
CREATE TABLE org_terms (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    -- 届次
    number      INTEGER NOT NULL,
    start_on    TEXT NOT NULL,
    -- 3 or 5, by the org's kind and its congress's decision
    years       INTEGER NOT NULL,
    -- start_on + years (29 Feb → 28 Feb): stored so reminders are one range condition
    end_on      TEXT NOT NULL,
    -- current | ended
    status      TEXT NOT NULL,
    ended_on    TEXT,
    -- The election whose last step opened this term (NULL when recorded by hand).
    election_id INTEGER,
    note        TEXT,
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX org_terms_number ON org_terms(org_id, number);
CREATE UNIQUE INDEX org_terms_current ON org_terms(org_id) WHERE status = 'current';
CREATE INDEX org_terms_end ON org_terms(status, end_on);

-- One 换届选举 of one org; at most one in progress per org.
CREATE TABLE elections (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES orgs(id),
    -- The term this election ends.
    term_id       INTEGER NOT NULL REFERENCES org_terms(id),
    -- regular | early | late
    kind          TEXT NOT NULL,
    -- in_progress | completed | cancelled
    status        TEXT NOT NULL,
    started_on    TEXT NOT NULL,
    -- Why early or late, as the parent approved it (上级批复).
    reason        TEXT,
    -- Length of the next term, decided at the congress.
    new_years     INTEGER,
    completed_on  TEXT,
    new_term_id   INTEGER REFERENCES org_terms(id),
    cancelled_on  TEXT,
    cancel_reason TEXT,
    note          TEXT,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX elections_org ON elections(org_id, started_on);
CREATE UNIQUE INDEX elections_open ON elections(org_id) WHERE status = 'in_progress';

-- The steps done so far, in order (seq 0..6).
CREATE TABLE election_steps (
    id              INTEGER PRIMARY KEY,
    election_id     INTEGER NOT NULL REFERENCES elections(id),
    step            TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    done_on         TEXT NOT NULL,
    -- 负责人/经办人
    person          TEXT NOT NULL,
    -- 文号、标题 (file uploads come with another issue)
    documents       TEXT,
    note            TEXT,
    -- For 上级批复 and 批复: the affiliation parent that approved.
    approver_org_id INTEGER REFERENCES orgs(id),
    recorded_by     TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    UNIQUE (election_id, step),
    UNIQUE (election_id, seq)
);
