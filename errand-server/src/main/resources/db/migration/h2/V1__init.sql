-- Errand schema, H2 2.x (the embedded store). Keep in step with db/migration/postgresql/V1__init.sql
-- (same tables, columns and constraint names). Differences, all forced by H2:
--   * text is CHARACTER LARGE OBJECT (H2's VARCHAR stops at 1,000,000 characters);
--     short strings are VARCHAR;
--   * tags is VARCHAR ARRAY and has no GIN index;
--   * H2 has no partial indexes: the claimable and lease indexes lead with status instead;
--   * a unique index already ignores NULL keys, so the idempotency index needs no WHERE.

CREATE TABLE projects (
    id         UUID                     PRIMARY KEY,
    slug       VARCHAR                  NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT projects_slug_key UNIQUE (slug)
);

CREATE TABLE environments (
    id         UUID                     PRIMARY KEY,
    project_id UUID                     NOT NULL REFERENCES projects (id),
    slug       VARCHAR                  NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT environments_project_slug_key UNIQUE (project_id, slug)
);

CREATE TABLE api_keys (
    id             UUID                     PRIMARY KEY,
    environment_id UUID                     NOT NULL REFERENCES environments (id),
    key_hash       VARCHAR                  NOT NULL,
    key_prefix     VARCHAR                  NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    revoked_at     TIMESTAMP WITH TIME ZONE,
    CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash)
);

CREATE TABLE tasks (
    environment_id UUID                     NOT NULL,
    task_id        VARCHAR                  NOT NULL,
    queue          VARCHAR                  NOT NULL,
    max_attempts   INTEGER                  NOT NULL,
    retry_policy   CHARACTER LARGE OBJECT   NOT NULL,
    payload_schema CHARACTER LARGE OBJECT,
    created_at     TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT tasks_pkey PRIMARY KEY (environment_id, task_id)
);

CREATE TABLE runs (
    id               UUID                     PRIMARY KEY,
    environment_id   UUID                     NOT NULL,
    task_id          VARCHAR                  NOT NULL,
    queue            VARCHAR                  NOT NULL,
    status           VARCHAR(32)              NOT NULL,
    payload          CHARACTER LARGE OBJECT,
    output           CHARACTER LARGE OBJECT,
    error            CHARACTER LARGE OBJECT,
    attempt_count    INTEGER                  DEFAULT 0 NOT NULL,
    max_attempts     INTEGER                  NOT NULL,
    tags             VARCHAR ARRAY            DEFAULT ARRAY[] NOT NULL,
    idempotency_key  VARCHAR,
    replay_of        UUID,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    available_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at       TIMESTAMP WITH TIME ZONE,
    finished_at      TIMESTAMP WITH TIME ZONE,
    lease_worker_id  VARCHAR,
    lease_token      BIGINT                   DEFAULT 0 NOT NULL,
    lease_expires_at TIMESTAMP WITH TIME ZONE,
    version          BIGINT                   DEFAULT 0 NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT runs_status_check CHECK (status IN ('DELAYED', 'QUEUED', 'EXECUTING', 'WAITING',
        'COMPLETED', 'FAILED', 'CANCELED', 'CRASHED', 'EXPIRED', 'TIMED_OUT', 'SYSTEM_FAILURE')),
    CONSTRAINT runs_max_attempts_check CHECK (max_attempts >= 1)
);

CREATE UNIQUE INDEX runs_idempotency_uidx ON runs (environment_id, task_id, idempotency_key);

CREATE INDEX runs_claimable_idx ON runs (environment_id, task_id, status, available_at);

CREATE INDEX runs_environment_id_idx ON runs (environment_id, id DESC);

CREATE INDEX runs_lease_expiry_idx ON runs (status, lease_expires_at);

CREATE TABLE attempts (
    run_id      UUID                     NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    number      INTEGER                  NOT NULL,
    status      VARCHAR(32)              NOT NULL,
    worker_id   VARCHAR                  NOT NULL,
    started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at TIMESTAMP WITH TIME ZONE,
    error       CHARACTER LARGE OBJECT,
    PRIMARY KEY (run_id, number),
    CONSTRAINT attempts_status_check
        CHECK (status IN ('EXECUTING', 'COMPLETED', 'FAILED', 'CRASHED', 'CANCELED'))
);
