-- See ../sqlite/0006_sector_federations.sql for why. Keep the two in step.

CREATE TABLE sector_federations (
    org_id              BIGINT PRIMARY KEY REFERENCES orgs(id),
    sector              TEXT NOT NULL,
    formed_on           DATE NOT NULL,
    term_years          BIGINT NOT NULL,
    charter_title       TEXT NOT NULL,
    charter_adopted_on  DATE,
    legal_registered_on DATE,
    created_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX sector_federations_sector ON sector_federations(sector);
