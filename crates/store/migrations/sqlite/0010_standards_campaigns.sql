-- Standards as data, campaigns and their acceptance workflow, evidence files, honors and
-- eligibility rules (issue 5; seeds 000, 001, 003, 004). Keep in step with
-- ../postgres/0010_standards_campaigns.sql. Dates are ISO-8601 TEXT, booleans 0/1, money in 分.

-- A checklist (七有、六有、四个到位…). The rows below it are versioned: editing a standard
-- that a campaign uses creates a new version, so finished assessments keep the items they
-- were scored against.
CREATE TABLE standards (
    id           INTEGER PRIMARY KEY,
    -- stable key: the built-in code (qiyou, liuyou, sector_seven, four_in_place, liuhao_township,
    -- dual_display) or custom-<id> for those staff create
    code         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    -- the org whose staff own it (may edit it); NULL for the built-in ones (system-wide)
    owner_org_id INTEGER REFERENCES orgs(id),
    -- the built-in standard this one was copied from, if any
    copied_from  INTEGER REFERENCES standards(id),
    builtin      INTEGER NOT NULL DEFAULT 0,
    archived     INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL
);

CREATE TABLE standard_versions (
    id          INTEGER PRIMARY KEY,
    standard_id INTEGER NOT NULL REFERENCES standards(id),
    version     INTEGER NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- bands (一类/二类/三类/三类以下) | pass_fail (达标/不达标)
    grading     TEXT NOT NULL,
    -- thresholds in percent of the points that apply to the org (items can apply to some kinds
    -- only): bands use first/second/third, pass_fail uses pass_percent
    first_percent  INTEGER,
    second_percent INTEGER,
    third_percent  INTEGER,
    pass_percent   INTEGER,
    -- org kind codes (and grassroots kind codes) the standard is for, comma separated
    applies_to  TEXT NOT NULL,
    -- why this version was made (shown in the version history)
    note        TEXT NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES accounts(id),
    created_at  TEXT NOT NULL,
    UNIQUE (standard_id, version)
);

CREATE TABLE standard_items (
    id             INTEGER PRIMARY KEY,
    version_id     INTEGER NOT NULL REFERENCES standard_versions(id),
    position       INTEGER NOT NULL,
    section        TEXT NOT NULL DEFAULT '',
    title          TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    points         INTEGER NOT NULL,
    -- none | photo | document; evidence_count files at least
    evidence       TEXT NOT NULL,
    evidence_count INTEGER NOT NULL DEFAULT 0,
    veto           INTEGER NOT NULL DEFAULT 0,
    -- kind codes this item applies to, comma separated; empty = every kind of the standard
    applies_to     TEXT NOT NULL DEFAULT '',
    UNIQUE (version_id, position)
);

-- 达标创建活动、选树示范工会.
CREATE TABLE campaigns (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT NOT NULL,
    -- the org whose subtree is in scope; its staff run the campaign (公示, 授予称号, 奖励)
    org_id               INTEGER NOT NULL REFERENCES orgs(id),
    version_id           INTEGER NOT NULL REFERENCES standard_versions(id),
    -- org kind codes in scope, comma separated (empty = the standard's applies_to)
    kinds                TEXT NOT NULL DEFAULT '',
    start_on             TEXT NOT NULL,
    end_on               TEXT NOT NULL,
    self_review_due      TEXT NOT NULL,
    -- 选树 N 家 (NULL = no quota)
    quota                INTEGER,
    reward_fen           INTEGER NOT NULL DEFAULT 0,
    -- the title granted to accepted unions, e.g. 示范工会 (NULL = grading only)
    honor_title          TEXT,
    -- national | provincial | city | county
    honor_level          TEXT,
    -- parent (the affiliation parent's staff and above) | assessors (assigned third parties)
    reviewer             TEXT NOT NULL,
    document_no          TEXT,
    created_by           INTEGER REFERENCES accounts(id),
    created_at           TEXT NOT NULL,
    closed_at            TEXT
);
CREATE INDEX campaigns_org ON campaigns(org_id);

-- Third-party assessors of a campaign, each for the orgs assigned to them (assessor_assignments).
CREATE TABLE campaign_assessors (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    account_id  INTEGER NOT NULL REFERENCES accounts(id),
    UNIQUE (campaign_id, account_id)
);

-- One org's acceptance in one campaign.
CREATE TABLE assessments (
    id            INTEGER PRIMARY KEY,
    campaign_id   INTEGER NOT NULL REFERENCES campaigns(id),
    org_id        INTEGER NOT NULL REFERENCES orgs(id),
    -- not_started | self_review | submitted | in_review | returned | passed | failed |
    -- published | titled | rewarded
    state         TEXT NOT NULL,
    self_total    INTEGER,
    total         INTEGER,
    max_points    INTEGER,
    -- first | second | third | below_third | pass | fail (computed from the item scores)
    grade         TEXT,
    veto_failed   INTEGER NOT NULL DEFAULT 0,
    submitted_at  TEXT,
    reviewed_by   INTEGER REFERENCES accounts(id),
    decided_at    TEXT,
    site_visit_on TEXT,
    site_visit_note TEXT,
    notice_id     INTEGER,
    honor_id      INTEGER,
    reward_fen    INTEGER,
    reward_on     TEXT,
    reward_document_no TEXT,
    updated_at    TEXT NOT NULL,
    UNIQUE (campaign_id, org_id)
);
CREATE INDEX assessments_org ON assessments(org_id);
CREATE INDEX assessments_state ON assessments(campaign_id, state);

-- Per item: the chair's self-assessment and the reviewer's score.
CREATE TABLE assessment_items (
    id             INTEGER PRIMARY KEY,
    assessment_id  INTEGER NOT NULL REFERENCES assessments(id),
    item_id        INTEGER NOT NULL REFERENCES standard_items(id),
    self_score     INTEGER,
    self_note      TEXT,
    score          INTEGER,
    comment        TEXT,
    UNIQUE (assessment_id, item_id)
);

-- Every transition, with who and why (退回 reasons stay here after the chair fixes things).
CREATE TABLE assessment_events (
    id            INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    from_state    TEXT NOT NULL,
    to_state      TEXT NOT NULL,
    account_id    INTEGER REFERENCES accounts(id),
    reason        TEXT,
    at            TEXT NOT NULL
);
CREATE INDEX assessment_events_assessment ON assessment_events(assessment_id, id);

-- Uploaded evidence (photos, PDF). Kept in the database so a backup carries them and a
-- rollback removes them with the rows that point at them.
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    -- the org whose records it belongs to; serving checks this org's scope
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    file_name    TEXT NOT NULL,
    -- sniffed from the content, never taken from the name or the browser
    media_type   TEXT NOT NULL,
    byte_size    INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    content      BLOB NOT NULL,
    -- JPEG, at most 320 px on the long side; NULL for PDF
    thumbnail    BLOB,
    width        INTEGER,
    height       INTEGER,
    created_by   INTEGER REFERENCES accounts(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX attachments_org ON attachments(org_id);

CREATE TABLE assessment_evidence (
    id            INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    item_id       INTEGER NOT NULL REFERENCES standard_items(id),
    attachment_id INTEGER NOT NULL REFERENCES attachments(id),
    removed_at    TEXT,
    created_at    TEXT NOT NULL
);
CREATE INDEX assessment_evidence_item ON assessment_evidence(assessment_id, item_id);

-- 公示: the list of accepted unions published for a period (personal data minimized).
CREATE TABLE notices (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    title       TEXT NOT NULL,
    start_on    TEXT NOT NULL,
    end_on      TEXT NOT NULL,
    -- where objections go (phone or office), printed on the notice
    contact     TEXT NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES accounts(id),
    created_at  TEXT NOT NULL
);

-- 荣誉: titles awarded to an org or a person.
CREATE TABLE honors (
    id             INTEGER PRIMARY KEY,
    title          TEXT NOT NULL,
    -- national | provincial | city | county
    level          TEXT NOT NULL,
    year           INTEGER NOT NULL,
    -- org | person
    recipient_kind TEXT NOT NULL,
    -- the org honored, or the person's union
    org_id         INTEGER NOT NULL REFERENCES orgs(id),
    person_name    TEXT,
    -- campaign | nomination
    source         TEXT NOT NULL,
    campaign_id    INTEGER REFERENCES campaigns(id),
    document_no    TEXT,
    -- the org whose staff recorded it
    granted_by_org INTEGER NOT NULL REFERENCES orgs(id),
    revoked_on     TEXT,
    revoke_reason  TEXT,
    created_by     INTEGER REFERENCES accounts(id),
    created_at     TEXT NOT NULL
);
CREATE INDEX honors_org ON honors(org_id, year);

-- Conditions attached to honors and subsidies, evaluated on nomination and on payment.
CREATE TABLE eligibility_rules (
    id          INTEGER PRIMARY KEY,
    -- stable key: dual_display_city, four_in_place_subsidy for the built-in ones; custom-<id>
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    -- honor | subsidy
    applies_to  TEXT NOT NULL,
    -- honors at this level and above (national > provincial > city > county); NULL = all
    min_level   TEXT,
    -- only honors with this title (NULL = every title)
    honor_title TEXT,
    -- dual_display | four_in_place | membership_rate | passed_standard
    condition   TEXT NOT NULL,
    -- membership_rate: percent; passed_standard: standard id
    parameter   INTEGER,
    -- the Chinese explanation shown when the rule refuses
    message     TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    builtin     INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);
