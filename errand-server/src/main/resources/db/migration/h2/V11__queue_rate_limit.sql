-- See db/migration/postgresql/V11__queue_rate_limit.sql.
ALTER TABLE queues ADD COLUMN rate_limit INTEGER;
ALTER TABLE queues ADD COLUMN rate_window_ms BIGINT;
CREATE TABLE queue_starts (
    environment_id UUID                     NOT NULL,
    queue          VARCHAR                  NOT NULL,
    started_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX queue_starts_window_idx ON queue_starts (environment_id, queue, started_at);
