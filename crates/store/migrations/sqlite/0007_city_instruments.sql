-- The city's instruments (seed 000): 工会主席协议管理, 律师兼职副主席, 开发区/工业园区工会
-- 四个到位 with the subsidy it gates, and 双亮. Keep in step with
-- ../postgres/0007_city_instruments.sql. Dates are ISO-8601 TEXT, booleans 0/1, money in 分.

-- An agreement between the federation and the chair of a non-public enterprise's union.
-- Effective until end_on, or ended_on when it was ended early (主席离任、企业注销…).
CREATE TABLE chair_agreements (
    id                    INTEGER PRIMARY KEY,
    org_id                INTEGER NOT NULL REFERENCES orgs(id),
    chair_name            TEXT NOT NULL,
    -- dispatched | hired | elected | recommended (选配)
    selection             TEXT NOT NULL,
    start_on              TEXT NOT NULL,
    end_on                TEXT NOT NULL,
    monthly_allowance_fen INTEGER NOT NULL DEFAULT 0,
    note                  TEXT,
    ended_on              TEXT,
    end_reason            TEXT,
    created_at            TEXT NOT NULL
);
CREATE INDEX chair_agreements_org ON chair_agreements(org_id, start_on);

-- 年度考核: one result per agreement and year.
CREATE TABLE chair_assessments (
    id           INTEGER PRIMARY KEY,
    agreement_id INTEGER NOT NULL REFERENCES chair_agreements(id),
    year         INTEGER NOT NULL,
    result       TEXT NOT NULL,
    note         TEXT,
    created_at   TEXT NOT NULL,
    UNIQUE (agreement_id, year)
);

-- 执业律师兼职县级工会副主席: the appointment; the officer row on the county federation
-- (role vice_chair, source lawyer) is created with it and ended with it.
CREATE TABLE lawyer_appointments (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    officer_id   INTEGER NOT NULL REFERENCES officers(id),
    name         TEXT NOT NULL,
    law_firm     TEXT NOT NULL,
    cert_no      TEXT NOT NULL,
    document_no  TEXT NOT NULL,
    appointed_on TEXT NOT NULL,
    term_end     TEXT NOT NULL,
    phone        TEXT,
    ended_on     TEXT,
    end_reason   TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX lawyer_appointments_org ON lawyer_appointments(org_id);
CREATE INDEX lawyer_appointments_cert ON lawyer_appointments(cert_no);

-- 四个到位 of a park union: the current check of each item.
CREATE TABLE park_four_items (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    -- organization | office | cadres | funds
    item       TEXT NOT NULL,
    in_place   INTEGER NOT NULL,
    evidence   TEXT,
    checked_on TEXT NOT NULL,
    checked_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (org_id, item)
);

-- 补助经费 decided for a park union, one per year; only when all four items are in place.
CREATE TABLE park_subsidies (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    year        INTEGER NOT NULL,
    amount_fen  INTEGER NOT NULL,
    decided_on  TEXT NOT NULL,
    document_no TEXT,
    created_at  TEXT NOT NULL,
    UNIQUE (org_id, year)
);

-- 双亮 of a grassroots union as last checked (亮牌子、亮身份、亮作为).
CREATE TABLE dual_displays (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL UNIQUE REFERENCES orgs(id),
    sign       INTEGER NOT NULL,
    identity   INTEGER NOT NULL,
    deeds      INTEGER NOT NULL,
    checked_on TEXT NOT NULL,
    checked_by TEXT NOT NULL,
    note       TEXT,
    updated_at TEXT NOT NULL
);
