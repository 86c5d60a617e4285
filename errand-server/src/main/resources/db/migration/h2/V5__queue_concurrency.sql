-- Queues with a concurrency limit; see db/migration/postgresql/V5__queue_concurrency.sql.
CREATE TABLE queues (
    environment_id    UUID                     NOT NULL,
    name              VARCHAR                  NOT NULL,
    concurrency_limit INTEGER,
    updated_at        TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT queues_pkey PRIMARY KEY (environment_id, name),
    CONSTRAINT queues_concurrency_limit_check CHECK (concurrency_limit >= 1)
);

CREATE INDEX runs_queue_executing_idx ON runs (environment_id, queue, status);
