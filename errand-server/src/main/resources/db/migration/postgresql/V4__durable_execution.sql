-- Durable execution: recorded steps and waits, waitpoint tokens, child runs, maximum durations.
-- Keep in step with db/migration/h2/V4__durable_execution.sql.

ALTER TABLE tasks ADD COLUMN max_duration_ms bigint;

ALTER TABLE runs ADD COLUMN max_duration_ms bigint;
-- When the executing attempt is over its maximum duration (claim time + max duration + grace):
-- heartbeats never extend a lease past it, so the lease reaper ends such an attempt as timed out.
ALTER TABLE runs ADD COLUMN deadline_at timestamptz;
-- Positions recorded in run_steps, so a claim loads recorded steps only for runs that have some.
ALTER TABLE runs ADD COLUMN step_count integer NOT NULL DEFAULT 0;
-- A child run started by a parent's triggerAndWait: the parent, the parent's step position, and
-- the item's index in a batch.
ALTER TABLE runs ADD COLUMN parent_run_id uuid;
ALTER TABLE runs ADD COLUMN parent_position integer;
ALTER TABLE runs ADD COLUMN parent_item integer;
CREATE INDEX runs_parent_idx ON runs (parent_run_id, parent_position, parent_item)
    WHERE parent_run_id IS NOT NULL;

ALTER TABLE attempts DROP CONSTRAINT attempts_status_check;
ALTER TABLE attempts ADD CONSTRAINT attempts_status_check CHECK (status IN
    ('EXECUTING', 'SUSPENDED', 'COMPLETED', 'FAILED', 'CRASHED', 'CANCELED', 'TIMED_OUT'));

-- One row per step, wait, token wait or child-run wait a run reached, by its position in the
-- task code. A COMPLETED row is never rewritten: later attempts replay its output.
CREATE TABLE run_steps (
    run_id      uuid        NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    position    integer     NOT NULL,
    name        text        NOT NULL,
    occurrence  integer     NOT NULL,
    kind        varchar(16) NOT NULL,
    status      varchar(16) NOT NULL,
    output      text,
    error       text,
    attempt     integer     NOT NULL,
    tries       integer     NOT NULL DEFAULT 1,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    resume_at   timestamptz,
    token_id    uuid,
    child_count integer,
    PRIMARY KEY (run_id, position),
    CONSTRAINT run_steps_kind_check CHECK (kind IN ('STEP', 'WAIT', 'TOKEN', 'CHILDREN')),
    CONSTRAINT run_steps_status_check CHECK (status IN ('COMPLETED', 'FAILED', 'WAITING'))
);
CREATE INDEX run_steps_waiting_idx ON run_steps (resume_at) WHERE status = 'WAITING';
CREATE INDEX run_steps_waiting_kind_idx ON run_steps (kind) WHERE status = 'WAITING';
CREATE INDEX run_steps_token_idx ON run_steps (token_id) WHERE token_id IS NOT NULL;

-- Human-in-the-loop tokens: completed once, or timed out.
CREATE TABLE waitpoint_tokens (
    id              uuid        PRIMARY KEY,
    environment_id  uuid        NOT NULL,
    status          varchar(16) NOT NULL,
    idempotency_key text,
    tags            text[]      NOT NULL DEFAULT '{}',
    output          text,
    timeout_at      timestamptz,
    created_at      timestamptz NOT NULL,
    completed_at    timestamptz,
    CONSTRAINT waitpoint_tokens_status_check CHECK (status IN ('WAITING', 'COMPLETED', 'TIMED_OUT'))
);
CREATE UNIQUE INDEX waitpoint_tokens_idempotency_uidx
    ON waitpoint_tokens (environment_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX waitpoint_tokens_environment_id_idx ON waitpoint_tokens (environment_id, id DESC);
CREATE INDEX waitpoint_tokens_timeout_idx ON waitpoint_tokens (timeout_at) WHERE status = 'WAITING';

-- Server-wide settings shared by every node, such as the key that signs token callback URLs.
CREATE TABLE server_settings (
    name  text PRIMARY KEY,
    setting_value text NOT NULL
);
