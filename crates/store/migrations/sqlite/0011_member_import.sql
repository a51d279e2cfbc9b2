-- 会员名册 import speed (docs/benchmarks.md). Keep in step with the other engine's 0011.
--
-- Every index on members is written for every person imported, so the table keeps only the
-- indexes a query uses:
-- * members_name served none: people are searched by lower(name) LIKE 'prefix%' or their
--   pinyin keys (search.rs), which a plain index on name cannot answer on either engine; it
--   was also the costliest to keep up (names arrive in random order).
-- * members_org (org_id, name) is used for its org_id only (a union's members, counts by
--   union; lists sort by the pinyin key), so it keeps org_id only.
DROP INDEX members_name;
DROP INDEX members_org;
CREATE INDEX members_org ON members(org_id);
