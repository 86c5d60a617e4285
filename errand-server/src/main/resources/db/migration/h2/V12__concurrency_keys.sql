-- See db/migration/postgresql/V12__concurrency_keys.sql (H2 has no partial indexes: status is a key).
ALTER TABLE runs ADD COLUMN concurrency_key VARCHAR DEFAULT '' NOT NULL;
CREATE INDEX runs_queue_key_claimable_idx ON runs (environment_id, queue, status, concurrency_key, available_at, id);
DROP INDEX runs_queue_executing_idx;
CREATE INDEX runs_queue_executing_idx ON runs (environment_id, queue, status, concurrency_key);

ALTER TABLE queues ADD COLUMN total_concurrency_limit INTEGER;
ALTER TABLE queues ADD CONSTRAINT queues_total_concurrency_limit_check CHECK (total_concurrency_limit >= 1);
ALTER TABLE queues ADD COLUMN rate_limit_per_key BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE queues ADD COLUMN key_turn BIGINT DEFAULT 0 NOT NULL;

CREATE TABLE queue_keys (
    environment_id  UUID    NOT NULL,
    queue           VARCHAR NOT NULL,
    concurrency_key VARCHAR NOT NULL,
    last_turn       BIGINT  NOT NULL,
    CONSTRAINT queue_keys_pkey PRIMARY KEY (environment_id, queue, concurrency_key)
);

ALTER TABLE queue_starts ADD COLUMN concurrency_key VARCHAR DEFAULT '' NOT NULL;
DROP INDEX queue_starts_window_idx;
CREATE INDEX queue_starts_window_idx ON queue_starts (environment_id, queue, concurrency_key, started_at);
CREATE INDEX queue_starts_queue_window_idx ON queue_starts (environment_id, queue, started_at);
