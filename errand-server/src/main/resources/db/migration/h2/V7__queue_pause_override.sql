-- See db/migration/postgresql/V7__queue_pause_override.sql.
ALTER TABLE queues ADD COLUMN paused BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE queues ADD COLUMN concurrency_limit_override INTEGER;
ALTER TABLE queues ADD CONSTRAINT queues_concurrency_limit_override_check
    CHECK (concurrency_limit_override >= 1);
