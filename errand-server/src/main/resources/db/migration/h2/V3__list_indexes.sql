-- Same as PostgreSQL's V3: listing by status or by task reads only the page it returns.
CREATE INDEX runs_environment_status_id_idx ON runs (environment_id, status, id DESC);
CREATE INDEX runs_environment_task_id_idx ON runs (environment_id, task_id, id DESC);
