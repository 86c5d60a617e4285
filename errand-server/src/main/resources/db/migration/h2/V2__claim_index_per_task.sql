-- Same shape as PostgreSQL's V2: id as the last key of the claimable index (H2 keeps status in
-- the key because it has no partial indexes).
DROP INDEX runs_claimable_idx;
CREATE INDEX runs_claimable_idx ON runs (environment_id, task_id, status, available_at, id);
