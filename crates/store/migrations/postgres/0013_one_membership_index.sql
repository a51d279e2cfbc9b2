-- 会员名册 import speed (docs/benchmarks.md). Keep in step with the other engine's 0013.
--
-- memberships had two indexes on member_id: memberships_member (a person's history) and the
-- partial unique memberships_open (at most one open period per person). One index does both:
-- open periods all carry 0 in the second column, so a second open period for a person
-- collides, while closed periods carry their own id and never do; a person's history is the
-- index's member_id prefix.
DROP INDEX memberships_open;
DROP INDEX memberships_member;
CREATE UNIQUE INDEX memberships_member
    ON memberships (member_id, (CASE WHEN valid_to IS NULL THEN 0 ELSE id END));
