-- Bulk actions: a cancel or replay of the runs a filter matched when the action was created. Those
-- runs' ids are copied into bulk_action_runs; a processor on any node takes one batch at a time
-- under the action's row lock and deletes the batch's rows in the transaction that acts on them,
-- so what remains is what is still to do. failures counts failed batches in a row (the action is
-- FAILED after 5); the filter columns only record what the action was started with.
CREATE TABLE bulk_actions (
    id              uuid        PRIMARY KEY,
    environment_id  uuid        NOT NULL,
    kind            varchar(16) NOT NULL,
    status          varchar(16) NOT NULL,
    filter_statuses text[],
    filter_task_id  text,
    filter_tag      text,
    filter_from     timestamptz,
    filter_to       timestamptz,
    total           integer     NOT NULL,
    processed       integer     NOT NULL DEFAULT 0,
    succeeded       integer     NOT NULL DEFAULT 0,
    failed          integer     NOT NULL DEFAULT 0,
    skipped         integer     NOT NULL DEFAULT 0,
    failures        integer     NOT NULL DEFAULT 0,
    error           text,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    finished_at     timestamptz,
    CONSTRAINT bulk_actions_kind_check CHECK (kind IN ('CANCEL', 'REPLAY')),
    CONSTRAINT bulk_actions_status_check CHECK (status IN ('RUNNING', 'COMPLETED', 'FAILED'))
);
CREATE INDEX bulk_actions_environment_id_idx ON bulk_actions (environment_id, id DESC);
CREATE INDEX bulk_actions_running_idx ON bulk_actions (id) WHERE status = 'RUNNING';

CREATE TABLE bulk_action_runs (
    action_id uuid NOT NULL REFERENCES bulk_actions (id) ON DELETE CASCADE,
    run_id    uuid NOT NULL,
    PRIMARY KEY (action_id, run_id)
);
