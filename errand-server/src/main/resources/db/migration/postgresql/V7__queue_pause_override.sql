-- Queues can be paused (claims start none of their runs) and their concurrency limit overridden at
-- run time (until reset); the limit workers declare stays in concurrency_limit.
ALTER TABLE queues ADD COLUMN paused boolean NOT NULL DEFAULT false;
ALTER TABLE queues ADD COLUMN concurrency_limit_override integer;
ALTER TABLE queues ADD CONSTRAINT queues_concurrency_limit_override_check
    CHECK (concurrency_limit_override >= 1);
