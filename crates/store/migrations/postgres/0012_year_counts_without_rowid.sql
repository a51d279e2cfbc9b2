-- Keep in step with the other engine's 0012, which rebuilds org_year_counts as a WITHOUT ROWID
-- table (rows stored in primary-key order) for the member import's speed. PostgreSQL keeps
-- rows in a heap beside the primary key's index whatever the table's definition, so nothing
-- changes here.
SELECT 1;
