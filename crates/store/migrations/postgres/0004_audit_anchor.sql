-- See ../sqlite/0004_audit_anchor.sql.
ALTER TABLE audit_head ADD COLUMN anchor_seq BIGINT NOT NULL DEFAULT 1;
