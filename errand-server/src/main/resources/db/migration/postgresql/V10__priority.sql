-- Priority: a run with priority P seconds is ordered as if it had been queued P seconds earlier
-- (available_at moves back by P). A delayed run with a priority keeps its real due time in
-- not_before, which claims also require.
ALTER TABLE runs ADD COLUMN priority_ms bigint NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN not_before timestamptz;
