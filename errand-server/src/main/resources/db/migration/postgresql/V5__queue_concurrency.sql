-- Queues with a concurrency limit: never more EXECUTING runs of a queue than its limit.
CREATE TABLE queues (
    environment_id    uuid        NOT NULL,
    name              text        NOT NULL,
    concurrency_limit integer,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT queues_pkey PRIMARY KEY (environment_id, name),
    CONSTRAINT queues_concurrency_limit_check CHECK (concurrency_limit >= 1)
);

-- Counting a queue's executing runs when claiming from a limited queue.
CREATE INDEX runs_queue_executing_idx ON runs (environment_id, queue) WHERE status = 'EXECUTING';
