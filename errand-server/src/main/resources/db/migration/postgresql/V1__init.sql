-- Errand schema, PostgreSQL. Keep in step with db/migration/h2/V1__init.sql (same tables, columns
-- and constraint names); the dialects differ only in types and in what each index can express.
-- JSON is stored as text: the store never looks inside it.

CREATE TABLE projects (
    id         uuid        PRIMARY KEY,
    slug       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT projects_slug_key UNIQUE (slug)
);

CREATE TABLE environments (
    id         uuid        PRIMARY KEY,
    project_id uuid        NOT NULL REFERENCES projects (id),
    slug       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT environments_project_slug_key UNIQUE (project_id, slug)
);

CREATE TABLE api_keys (
    id             uuid        PRIMARY KEY,
    environment_id uuid        NOT NULL REFERENCES environments (id),
    key_hash       text        NOT NULL,
    key_prefix     text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    revoked_at     timestamptz,
    CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash)
);

CREATE TABLE tasks (
    environment_id uuid        NOT NULL,
    task_id        text        NOT NULL,
    queue          text        NOT NULL,
    max_attempts   integer     NOT NULL,
    retry_policy   text        NOT NULL,
    payload_schema text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tasks_pkey PRIMARY KEY (environment_id, task_id)
);

CREATE TABLE runs (
    id               uuid        PRIMARY KEY,
    environment_id   uuid        NOT NULL,
    task_id          text        NOT NULL,
    queue            text        NOT NULL,
    status           varchar(32) NOT NULL,
    payload          text,
    output           text,
    error            text,
    attempt_count    integer     NOT NULL DEFAULT 0,
    max_attempts     integer     NOT NULL,
    tags             text[]      NOT NULL DEFAULT '{}',
    idempotency_key  text,
    replay_of        uuid,
    created_at       timestamptz NOT NULL,
    available_at     timestamptz NOT NULL,
    started_at       timestamptz,
    finished_at      timestamptz,
    lease_worker_id  text,
    lease_token      bigint      NOT NULL DEFAULT 0,
    lease_expires_at timestamptz,
    version          bigint      NOT NULL DEFAULT 0,
    updated_at       timestamptz NOT NULL,
    CONSTRAINT runs_status_check CHECK (status IN ('DELAYED', 'QUEUED', 'EXECUTING', 'WAITING',
        'COMPLETED', 'FAILED', 'CANCELED', 'CRASHED', 'EXPIRED', 'TIMED_OUT', 'SYSTEM_FAILURE')),
    CONSTRAINT runs_max_attempts_check CHECK (max_attempts >= 1)
);

-- At most one run per idempotency key and task in an environment; runs without a key are free.
CREATE UNIQUE INDEX runs_idempotency_uidx ON runs (environment_id, task_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

-- The hot "ready" set the claim statement scans: small, because finished runs leave it.
CREATE INDEX runs_claimable_idx ON runs (environment_id, task_id, available_at)
    WHERE status IN ('QUEUED', 'DELAYED');

-- Listing newest first (UUIDv7 ids sort by creation time) and cursor paging by id.
CREATE INDEX runs_environment_id_idx ON runs (environment_id, id DESC);

-- The lease reaper: only executing runs hold leases.
CREATE INDEX runs_lease_expiry_idx ON runs (lease_expires_at) WHERE status = 'EXECUTING';

-- Tag filters (tags @> ARRAY[...]).
CREATE INDEX runs_tags_idx ON runs USING gin (tags);

CREATE TABLE attempts (
    run_id      uuid        NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    number      integer     NOT NULL,
    status      varchar(32) NOT NULL,
    worker_id   text        NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    error       text,
    PRIMARY KEY (run_id, number),
    CONSTRAINT attempts_status_check
        CHECK (status IN ('EXECUTING', 'COMPLETED', 'FAILED', 'CRASHED', 'CANCELED'))
);
