-- Listing runs filtered by status or by task, newest first, reads only the page it returns
-- instead of walking the environment's whole history.
CREATE INDEX runs_environment_status_id_idx ON runs (environment_id, status, id DESC);
CREATE INDEX runs_environment_task_id_idx ON runs (environment_id, task_id, id DESC);
