-- The contract (2026-12-01): free text is cut, never a reason to reject, and the priced record says
-- so. One column, false for every row stored before (nothing was cut then: such events were rejected).
-- A constant default on a partitioned table is a catalog change, not a rewrite of the partitions.
ALTER TABLE ${usage_table} ADD COLUMN truncated boolean NOT NULL DEFAULT false;
