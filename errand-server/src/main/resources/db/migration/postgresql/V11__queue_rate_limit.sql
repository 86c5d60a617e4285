-- Queue rate limits: at most rate_limit runs start in any rate_window_ms. Claims from a queue with
-- one record each start in queue_starts (under the queue's advisory lock) and count the window.
ALTER TABLE queues ADD COLUMN rate_limit integer;
ALTER TABLE queues ADD COLUMN rate_window_ms bigint;
CREATE TABLE queue_starts (
    environment_id uuid        NOT NULL,
    queue          text        NOT NULL,
    started_at     timestamptz NOT NULL
);
CREATE INDEX queue_starts_window_idx ON queue_starts (environment_id, queue, started_at);
