-- 会员名册 import speed at province scale (docs/benchmarks.md). Keep in step with the other
-- engine's 0012.
--
-- org_year_counts has a row per union and year: a province's import of a million members
-- upserts some 800,000 of them. As a rowid table every upsert wrote two B-trees (the rows and
-- the primary key's index); WITHOUT ROWID keeps the rows in the primary key's own B-tree, in
-- (org_id, year) order, which is also the order the counts are read and written in.
CREATE TABLE org_year_counts_by_key (
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    year        INTEGER NOT NULL,
    joined      INTEGER NOT NULL DEFAULT 0,
    founded     INTEGER NOT NULL DEFAULT 0,
    sub_joined  INTEGER NOT NULL DEFAULT 0,
    sub_founded INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, year)
) WITHOUT ROWID;
INSERT INTO org_year_counts_by_key (org_id, year, joined, founded, sub_joined, sub_founded)
    SELECT org_id, year, joined, founded, sub_joined, sub_founded FROM org_year_counts;
DROP TABLE org_year_counts;
ALTER TABLE org_year_counts_by_key RENAME TO org_year_counts;
