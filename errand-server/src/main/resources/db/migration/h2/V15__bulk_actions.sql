-- See db/migration/postgresql/V15__bulk_actions.sql. H2 has no partial index: the running
-- actions' index leads with status instead.
CREATE TABLE bulk_actions (
    id              UUID                     PRIMARY KEY,
    environment_id  UUID                     NOT NULL,
    kind            VARCHAR(16)              NOT NULL,
    status          VARCHAR(16)              NOT NULL,
    filter_statuses VARCHAR ARRAY,
    filter_task_id  VARCHAR,
    filter_tag      VARCHAR,
    filter_from     TIMESTAMP WITH TIME ZONE,
    filter_to       TIMESTAMP WITH TIME ZONE,
    total           INTEGER                  NOT NULL,
    processed       INTEGER                  DEFAULT 0 NOT NULL,
    succeeded       INTEGER                  DEFAULT 0 NOT NULL,
    failed          INTEGER                  DEFAULT 0 NOT NULL,
    skipped         INTEGER                  DEFAULT 0 NOT NULL,
    failures        INTEGER                  DEFAULT 0 NOT NULL,
    error           CHARACTER LARGE OBJECT,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at     TIMESTAMP WITH TIME ZONE,
    CONSTRAINT bulk_actions_kind_check CHECK (kind IN ('CANCEL', 'REPLAY')),
    CONSTRAINT bulk_actions_status_check CHECK (status IN ('RUNNING', 'COMPLETED', 'FAILED'))
);
CREATE INDEX bulk_actions_environment_id_idx ON bulk_actions (environment_id, id DESC);
CREATE INDEX bulk_actions_running_idx ON bulk_actions (status, id);

CREATE TABLE bulk_action_runs (
    action_id UUID NOT NULL REFERENCES bulk_actions (id) ON DELETE CASCADE,
    run_id    UUID NOT NULL,
    PRIMARY KEY (action_id, run_id)
);
