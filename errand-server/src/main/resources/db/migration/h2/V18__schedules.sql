-- See db/migration/postgresql/V18__schedules.sql. H2 has no partial indexes: the uniqueness of a
-- deduplication key and of a task's declarative schedule is checked by the store (one node).
CREATE TABLE schedules (
    id                UUID                     PRIMARY KEY,
    environment_id    UUID                     NOT NULL,
    task_id           VARCHAR                  NOT NULL,
    cron              VARCHAR                  NOT NULL,
    timezone          VARCHAR                  NOT NULL,
    external_id       VARCHAR,
    deduplication_key VARCHAR,
    declarative       BOOLEAN                  NOT NULL,
    active            BOOLEAN                  NOT NULL,
    missed_ticks      VARCHAR(8)               NOT NULL,
    missed_cap        INTEGER                  NOT NULL,
    overlap           VARCHAR(8)               NOT NULL,
    window_ms         BIGINT                   NOT NULL,
    last_tick_at      TIMESTAMP WITH TIME ZONE,
    next_tick_at      TIMESTAMP WITH TIME ZONE,
    next_fire_at      TIMESTAMP WITH TIME ZONE,
    last_run_id       UUID,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT schedules_missed_ticks_check CHECK (missed_ticks IN ('skip', 'none', 'all')),
    CONSTRAINT schedules_overlap_check CHECK (overlap IN ('allow', 'skip')),
    CONSTRAINT schedules_window_check CHECK (window_ms >= 0),
    CONSTRAINT schedules_missed_cap_check CHECK (missed_cap >= 1)
);
CREATE INDEX schedules_dedup_idx ON schedules (environment_id, deduplication_key);
CREATE INDEX schedules_declarative_idx ON schedules (environment_id, task_id, declarative);
CREATE INDEX schedules_due_idx ON schedules (active, next_fire_at);
CREATE INDEX schedules_environment_idx ON schedules (environment_id, id DESC);

CREATE TABLE schedule_ticks (
    schedule_id  UUID                     NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    scheduled_at TIMESTAMP WITH TIME ZONE NOT NULL,
    run_id       UUID,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (schedule_id, scheduled_at)
);

ALTER TABLE runs ADD COLUMN schedule_id UUID;
CREATE INDEX runs_schedule_idx ON runs (environment_id, schedule_id, id DESC);
