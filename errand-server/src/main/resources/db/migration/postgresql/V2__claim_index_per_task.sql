-- Claims walk the ready set one task at a time (a LATERAL per task id, each ordered by
-- available_at, id and limited), so the index carries id as its last key: each per-task scan reads
-- only as many rows as it may claim, however large the backlog.
DROP INDEX runs_claimable_idx;
CREATE INDEX runs_claimable_idx ON runs (environment_id, task_id, available_at, id)
    WHERE status IN ('QUEUED', 'DELAYED');
