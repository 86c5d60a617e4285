-- Durable execution; see db/migration/postgresql/V4__durable_execution.sql.

ALTER TABLE tasks ADD COLUMN max_duration_ms BIGINT;

ALTER TABLE runs ADD COLUMN max_duration_ms BIGINT;
ALTER TABLE runs ADD COLUMN deadline_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE runs ADD COLUMN step_count INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE runs ADD COLUMN parent_run_id UUID;
ALTER TABLE runs ADD COLUMN parent_position INTEGER;
ALTER TABLE runs ADD COLUMN parent_item INTEGER;
CREATE INDEX runs_parent_idx ON runs (parent_run_id, parent_position, parent_item);

ALTER TABLE attempts DROP CONSTRAINT attempts_status_check;
ALTER TABLE attempts ADD CONSTRAINT attempts_status_check CHECK (status IN
    ('EXECUTING', 'SUSPENDED', 'COMPLETED', 'FAILED', 'CRASHED', 'CANCELED', 'TIMED_OUT'));

CREATE TABLE run_steps (
    run_id      UUID                     NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    position    INTEGER                  NOT NULL,
    name        VARCHAR                  NOT NULL,
    occurrence  INTEGER                  NOT NULL,
    kind        VARCHAR(16)              NOT NULL,
    status      VARCHAR(16)              NOT NULL,
    output      CHARACTER LARGE OBJECT,
    error       CHARACTER LARGE OBJECT,
    attempt     INTEGER                  NOT NULL,
    tries       INTEGER                  DEFAULT 1 NOT NULL,
    started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at TIMESTAMP WITH TIME ZONE,
    resume_at   TIMESTAMP WITH TIME ZONE,
    token_id    UUID,
    child_count INTEGER,
    PRIMARY KEY (run_id, position),
    CONSTRAINT run_steps_kind_check CHECK (kind IN ('STEP', 'WAIT', 'TOKEN', 'CHILDREN')),
    CONSTRAINT run_steps_status_check CHECK (status IN ('COMPLETED', 'FAILED', 'WAITING'))
);
CREATE INDEX run_steps_waiting_idx ON run_steps (status, resume_at);
CREATE INDEX run_steps_waiting_kind_idx ON run_steps (status, kind);
CREATE INDEX run_steps_token_idx ON run_steps (token_id);

CREATE TABLE waitpoint_tokens (
    id              UUID                     PRIMARY KEY,
    environment_id  UUID                     NOT NULL,
    status          VARCHAR(16)              NOT NULL,
    idempotency_key VARCHAR,
    tags            VARCHAR ARRAY            DEFAULT ARRAY[] NOT NULL,
    output          CHARACTER LARGE OBJECT,
    timeout_at      TIMESTAMP WITH TIME ZONE,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    completed_at    TIMESTAMP WITH TIME ZONE,
    CONSTRAINT waitpoint_tokens_status_check CHECK (status IN ('WAITING', 'COMPLETED', 'TIMED_OUT'))
);
CREATE UNIQUE INDEX waitpoint_tokens_idempotency_uidx
    ON waitpoint_tokens (environment_id, idempotency_key);
CREATE INDEX waitpoint_tokens_environment_id_idx ON waitpoint_tokens (environment_id, id DESC);
CREATE INDEX waitpoint_tokens_timeout_idx ON waitpoint_tokens (status, timeout_at);

CREATE TABLE server_settings (
    name  VARCHAR PRIMARY KEY,
    setting_value VARCHAR NOT NULL
);
