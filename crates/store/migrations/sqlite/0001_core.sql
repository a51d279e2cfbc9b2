-- The org graph, units and members (SQLite). Keep in step with ../postgres/0001_core.sql.
-- Dates are ISO-8601 TEXT so that string order is date order; booleans are 0/1.

CREATE TABLE orgs (
    id                INTEGER PRIMARY KEY,
    kind              TEXT NOT NULL,
    sub_kind          TEXT,
    name              TEXT NOT NULL,
    short_name        TEXT,
    name_pinyin       TEXT NOT NULL,
    name_initials     TEXT NOT NULL,
    region_code       TEXT,
    industry_code     TEXT,
    founded_on        TEXT,
    uscc              TEXT UNIQUE,
    legal_person_cert TEXT,
    independent_account INTEGER NOT NULL DEFAULT 0,
    address           TEXT,
    contact_person    TEXT,
    contact_phone     TEXT,
    parent_id         INTEGER REFERENCES orgs(id),
    -- Materialized path of ids, '/1/7/42/': a subtree is one index range scan.
    path              TEXT NOT NULL,
    depth             INTEGER NOT NULL,
    status            TEXT NOT NULL DEFAULT 'active',
    closed_on         TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX orgs_parent ON orgs(parent_id, name);
CREATE INDEX orgs_path ON orgs(path);
CREATE INDEX orgs_initials ON orgs(name_initials);

-- 隶属关系 with history: exactly one open row (valid_to NULL) per org except the root.
CREATE TABLE org_affiliations (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    parent_id  INTEGER NOT NULL REFERENCES orgs(id),
    valid_from TEXT NOT NULL,
    valid_to   TEXT,
    reason     TEXT
);
CREATE INDEX org_affiliations_org ON org_affiliations(org_id, valid_from);
CREATE UNIQUE INDEX org_affiliations_open ON org_affiliations(org_id) WHERE valid_to IS NULL;

-- 业务指导: an upper industry union guides an org; never part of the tree totals.
CREATE TABLE org_guidance (
    id         INTEGER PRIMARY KEY,
    guide_id   INTEGER NOT NULL REFERENCES orgs(id),
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    valid_from TEXT NOT NULL,
    valid_to   TEXT
);
CREATE INDEX org_guidance_org ON org_guidance(org_id);
CREATE INDEX org_guidance_guide ON org_guidance(guide_id);

-- 行业工会联合会的成员工会: the member keeps its affiliation.
CREATE TABLE sector_memberships (
    id         INTEGER PRIMARY KEY,
    sector_id  INTEGER NOT NULL REFERENCES orgs(id),
    member_id  INTEGER NOT NULL REFERENCES orgs(id),
    valid_from TEXT NOT NULL,
    valid_to   TEXT
);
CREATE INDEX sector_memberships_sector ON sector_memberships(sector_id);
CREATE INDEX sector_memberships_member ON sector_memberships(member_id);

CREATE TABLE committees (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES orgs(id),
    kind           TEXT NOT NULL,
    established_on TEXT,
    note           TEXT,
    UNIQUE (org_id, kind)
);

CREATE TABLE officers (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    committee  TEXT NOT NULL,
    role       TEXT NOT NULL,
    name       TEXT NOT NULL,
    full_time  INTEGER NOT NULL DEFAULT 0,
    term_start TEXT,
    term_end   TEXT,
    phone      TEXT,
    left_on    TEXT
);
CREATE INDEX officers_org ON officers(org_id);

CREATE TABLE units (
    id              INTEGER PRIMARY KEY,
    uscc            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    name_pinyin     TEXT NOT NULL,
    name_initials   TEXT NOT NULL,
    region_code     TEXT NOT NULL,
    industry_code   TEXT,
    ownership       TEXT NOT NULL,
    employees       INTEGER NOT NULL,
    women_employees INTEGER NOT NULL DEFAULT 0,
    above_scale     INTEGER NOT NULL DEFAULT 0,
    dispatch_agency INTEGER NOT NULL DEFAULT 0,
    park            TEXT,
    status          TEXT NOT NULL DEFAULT 'active',
    -- The grassroots union covering this unit now (at most one).
    covering_org_id INTEGER REFERENCES orgs(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX units_covering ON units(covering_org_id);
CREATE INDEX units_region ON units(region_code);
CREATE INDEX units_initials ON units(name_initials);

CREATE TABLE unit_coverages (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    valid_from TEXT NOT NULL,
    valid_to   TEXT
);
CREATE INDEX unit_coverages_unit ON unit_coverages(unit_id);
CREATE INDEX unit_coverages_org ON unit_coverages(org_id);
CREATE UNIQUE INDEX unit_coverages_open ON unit_coverages(unit_id) WHERE valid_to IS NULL;

-- One row per person (ID number unique), so one active membership per person is structural.
CREATE TABLE members (
    id                   INTEGER PRIMARY KEY,
    id_number            TEXT NOT NULL UNIQUE,
    name                 TEXT NOT NULL,
    name_pinyin          TEXT NOT NULL,
    name_initials        TEXT NOT NULL,
    sex                  TEXT NOT NULL,
    birth_date           TEXT NOT NULL,
    phone                TEXT,
    ethnicity            TEXT,
    education            TEXT,
    migrant_worker       INTEGER NOT NULL DEFAULT 0,
    dispatched_worker    INTEGER NOT NULL DEFAULT 0,
    new_employment_group TEXT,
    join_date            TEXT NOT NULL,
    join_method          TEXT NOT NULL,
    status               TEXT NOT NULL,
    -- The union holding the membership now; NULL once the person has left.
    org_id               INTEGER REFERENCES orgs(id),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX members_org ON members(org_id, name);
CREATE INDEX members_name ON members(name);

CREATE TABLE memberships (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members(id),
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    valid_from TEXT NOT NULL,
    valid_to   TEXT,
    end_reason TEXT
);
CREATE INDEX memberships_member ON memberships(member_id);
CREATE INDEX memberships_org ON memberships(org_id);
CREATE UNIQUE INDEX memberships_open ON memberships(member_id) WHERE valid_to IS NULL;

-- Who changed what; the accounts issue adds hash chaining on top of these rows.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    ip          TEXT,
    action      TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id   INTEGER,
    before      TEXT,
    after       TEXT,
    success     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX audit_log_at ON audit_log(at);
