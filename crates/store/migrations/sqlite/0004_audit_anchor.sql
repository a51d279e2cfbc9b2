-- Where the audit chain starts: 1 until old entries are pruned. Without it, deleting the
-- oldest entries would leave a chain that still verifies. Keep in step with ../postgres.
ALTER TABLE audit_head ADD COLUMN anchor_seq INTEGER NOT NULL DEFAULT 1;
