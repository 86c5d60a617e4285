-- An environment-wide cap on executing runs across all its queues (null: none). Claims in an
-- environment with a cap take turns on the environment's advisory lock.
ALTER TABLE environments ADD COLUMN concurrency_limit integer;
ALTER TABLE environments ADD CONSTRAINT environments_concurrency_limit_check CHECK (concurrency_limit >= 1);
CREATE INDEX runs_environment_executing_idx ON runs (environment_id) WHERE status = 'EXECUTING';
