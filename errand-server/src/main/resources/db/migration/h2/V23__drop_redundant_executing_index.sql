-- H2 has no partial indexes, so runs_queue_executing_idx (environment_id, queue, status,
-- concurrency_key) indexed every run, and every status change moved its entry. Its columns are the
-- leading columns of runs_queue_key_claimable_idx, which serves the same counts (executing runs
-- per key of a queue) as well. PostgreSQL keeps its runs_queue_executing_idx: it is partial
-- (EXECUTING runs only) and small.
DROP INDEX runs_queue_executing_idx;
