-- 统计、驾驶舱、逐一摸底 (SQLite). Keep in step with ../postgres/0009_statistics.sql.
--
-- Live statistics without a rebuild step (DESIGN decision 4): every write that changes a count
-- updates these tables in its own transaction (crates/store/src/stats/counts.rs), so the
-- headline numbers of any org are one row, whatever the size of its subtree.

-- Per org: its OWN counts (what it holds itself: a grassroots union's units and members) and
-- the SUB_ sums over its whole subtree along affiliation (itself included). Counted once.
CREATE TABLE org_counts (
    org_id                     INTEGER PRIMARY KEY REFERENCES orgs(id),
    orgs                       INTEGER NOT NULL DEFAULT 0,
    grassroots                 INTEGER NOT NULL DEFAULT 0,
    g_enterprise               INTEGER NOT NULL DEFAULT 0,
    g_public_institution       INTEGER NOT NULL DEFAULT 0,
    g_social_organization      INTEGER NOT NULL DEFAULT 0,
    g_joint                    INTEGER NOT NULL DEFAULT 0,
    g_cooperative              INTEGER NOT NULL DEFAULT 0,
    g_non_public               INTEGER NOT NULL DEFAULT 0,
    covered_units              INTEGER NOT NULL DEFAULT 0,
    employees                  INTEGER NOT NULL DEFAULT 0,
    women_employees            INTEGER NOT NULL DEFAULT 0,
    members                    INTEGER NOT NULL DEFAULT 0,
    women_members              INTEGER NOT NULL DEFAULT 0,
    migrant_members            INTEGER NOT NULL DEFAULT 0,
    dispatched_members         INTEGER NOT NULL DEFAULT 0,
    new_employment_members     INTEGER NOT NULL DEFAULT 0,
    sub_orgs                   INTEGER NOT NULL DEFAULT 0,
    sub_grassroots             INTEGER NOT NULL DEFAULT 0,
    sub_g_enterprise           INTEGER NOT NULL DEFAULT 0,
    sub_g_public_institution   INTEGER NOT NULL DEFAULT 0,
    sub_g_social_organization  INTEGER NOT NULL DEFAULT 0,
    sub_g_joint                INTEGER NOT NULL DEFAULT 0,
    sub_g_cooperative          INTEGER NOT NULL DEFAULT 0,
    sub_g_non_public           INTEGER NOT NULL DEFAULT 0,
    sub_covered_units          INTEGER NOT NULL DEFAULT 0,
    sub_employees              INTEGER NOT NULL DEFAULT 0,
    sub_women_employees        INTEGER NOT NULL DEFAULT 0,
    sub_members                INTEGER NOT NULL DEFAULT 0,
    sub_women_members          INTEGER NOT NULL DEFAULT 0,
    sub_migrant_members        INTEGER NOT NULL DEFAULT 0,
    sub_dispatched_members     INTEGER NOT NULL DEFAULT 0,
    sub_new_employment_members INTEGER NOT NULL DEFAULT 0
);

-- Per org and calendar year: members (current) by the year they joined, and grassroots unions
-- (active) by the year they were founded; own and subtree, as above. 本年新入会、新建工会 and
-- the "members over time" chart read these.
CREATE TABLE org_year_counts (
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    year        INTEGER NOT NULL,
    joined      INTEGER NOT NULL DEFAULT 0,
    founded     INTEGER NOT NULL DEFAULT 0,
    sub_joined  INTEGER NOT NULL DEFAULT 0,
    sub_founded INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, year)
);

-- Units in the directory without a union, per exact region code: an area's 未建会单位 is the
-- sum over the codes under its prefix.
CREATE TABLE region_unit_counts (
    region_code         TEXT PRIMARY KEY,
    uncovered_units     INTEGER NOT NULL DEFAULT 0,
    uncovered_employees INTEGER NOT NULL DEFAULT 0
);

-- 五个清 surveys of units without a union (逐一摸底), every survey kept as history.
CREATE TABLE unit_surveys (
    id                 INTEGER PRIMARY KEY,
    unit_id            INTEGER NOT NULL REFERENCES units(id),
    surveyed_on        TEXT NOT NULL,
    surveyed_by        TEXT NOT NULL,
    staff_distribution TEXT NOT NULL,
    operations         TEXT NOT NULL,
    workforce          TEXT NOT NULL,
    investor           TEXT NOT NULL,
    reason             TEXT NOT NULL,
    reason_text        TEXT,
    recorded_by        TEXT NOT NULL,
    created_at         TEXT NOT NULL
);
CREATE INDEX unit_surveys_unit ON unit_surveys(unit_id, surveyed_on);

-- As-of statistics walk the tree of a past date down from an org: children by parent.
CREATE INDEX org_affiliations_parent ON org_affiliations(parent_id, valid_from);

-- Databases upgraded with data already in them get their counts computed once, by the program,
-- right after this migration (Store::migrate → stats::rebuild_if_pending).
INSERT INTO settings (key, value) VALUES ('stats.rebuild', 'pending');
