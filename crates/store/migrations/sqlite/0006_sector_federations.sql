-- 行业工会联合会: what a sector federation is beyond its org row — the trade (a code of the
-- domain's sector catalogue, e.g. 'auto_repair'), when it was formed and for how long a term,
-- its charter (章程) and when it took legal-person status (社团法人资格; the certificate number
-- and USCC stay on orgs, the legal representative is its current chair). Member unions are
-- sector_memberships and committee members are officers (source, represents_org_id) as before.
-- Keep in step with ../postgres/0006_sector_federations.sql.

CREATE TABLE sector_federations (
    org_id              INTEGER PRIMARY KEY REFERENCES orgs(id),
    sector              TEXT NOT NULL,
    formed_on           TEXT NOT NULL,
    term_years          INTEGER NOT NULL,
    charter_title       TEXT NOT NULL,
    charter_adopted_on  TEXT,
    legal_registered_on TEXT,
    created_at          TEXT NOT NULL
);
CREATE INDEX sector_federations_sector ON sector_federations(sector);
