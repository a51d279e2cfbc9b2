-- Where an officer comes from and what else they are, so the rules of seeds 000/002 can be
-- checked: committee members of a sector federation represent member unions (代表制) and are
-- substituted when that union's chair changes (替补制); 行业协会 leaders and enterprises'
-- administrative heads may not serve; practising lawyers serve as part-time county
-- vice-chairs. Also a small key/value table of deployment settings (e.g. the employee
-- threshold of 工会主席协议管理). Keep in step with ../postgres/0003_officer_sources.sql.

-- member_chair | elected_rep | lawyer | other
ALTER TABLE officers ADD COLUMN source TEXT NOT NULL DEFAULT 'other';
-- The member union an officer of a sector federation represents.
ALTER TABLE officers ADD COLUMN represents_org_id INTEGER REFERENCES orgs(id);
ALTER TABLE officers ADD COLUMN is_association_leader INTEGER NOT NULL DEFAULT 0;
ALTER TABLE officers ADD COLUMN is_enterprise_head INTEGER NOT NULL DEFAULT 0;
CREATE INDEX officers_represents ON officers(represents_org_id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
