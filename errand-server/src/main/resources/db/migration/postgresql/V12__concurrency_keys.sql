-- Concurrency keys: each key of a limited queue gets its own slice with the queue's limit, an
-- optional total_concurrency_limit caps the sum across keys, and claims serve keys round robin.
-- Runs without a key have the key '' (a slice of its own), so the column needs no NULL handling.
ALTER TABLE runs ADD COLUMN concurrency_key text NOT NULL DEFAULT '';

-- Claims of a limited queue find the keys with due runs (a loose index scan over this index) and
-- walk each key's due runs oldest first.
CREATE INDEX runs_queue_key_claimable_idx ON runs (environment_id, queue, concurrency_key, available_at, id)
    WHERE status IN ('DELAYED', 'QUEUED');

-- Counting executing runs per key (index-only), replacing the per-queue count's index.
DROP INDEX runs_queue_executing_idx;
CREATE INDEX runs_queue_executing_idx ON runs (environment_id, queue, concurrency_key)
    WHERE status = 'EXECUTING';

ALTER TABLE queues ADD COLUMN total_concurrency_limit integer;
ALTER TABLE queues ADD CONSTRAINT queues_total_concurrency_limit_check CHECK (total_concurrency_limit >= 1);
-- true: rate_limit applies to each concurrency key on its own instead of the whole queue.
ALTER TABLE queues ADD COLUMN rate_limit_per_key boolean NOT NULL DEFAULT false;
-- The queue's round-robin clock: every start of a key takes the next turn.
ALTER TABLE queues ADD COLUMN key_turn bigint NOT NULL DEFAULT 0;

-- When each key of a queue last started a run (its turn); keys never served have no row and go
-- first. Only read and written under the queue's advisory lock.
CREATE TABLE queue_keys (
    environment_id  uuid   NOT NULL,
    queue           text   NOT NULL,
    concurrency_key text   NOT NULL,
    last_turn       bigint NOT NULL,
    CONSTRAINT queue_keys_pkey PRIMARY KEY (environment_id, queue, concurrency_key)
);

ALTER TABLE queue_starts ADD COLUMN concurrency_key text NOT NULL DEFAULT '';
DROP INDEX queue_starts_window_idx;
CREATE INDEX queue_starts_window_idx ON queue_starts (environment_id, queue, concurrency_key, started_at);
CREATE INDEX queue_starts_queue_window_idx ON queue_starts (environment_id, queue, started_at);
