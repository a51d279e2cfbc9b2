-- See ../sqlite/0003_officer_sources.sql for why. Keep the two in step.

ALTER TABLE officers ADD COLUMN source TEXT NOT NULL DEFAULT 'other';
ALTER TABLE officers ADD COLUMN represents_org_id BIGINT REFERENCES orgs(id);
ALTER TABLE officers ADD COLUMN is_association_leader BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE officers ADD COLUMN is_enterprise_head BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX officers_represents ON officers(represents_org_id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
