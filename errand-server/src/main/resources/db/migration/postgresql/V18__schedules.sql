-- Schedules: cron expressions in an IANA time zone that start runs of a task. A schedule is either
-- declared in code (declarative: one per task, synced when a worker registers the task) or made
-- through the API (imperative: many per task, optionally upserted by deduplication_key).
-- last_tick_at is the nominal time of the last tick handled (fired or skipped): the next tick is
-- computed from it, never from "now". next_fire_at is that next tick plus the schedule's window
-- offset: when a firer acts. Each tick is a row of schedule_ticks with a unique
-- (schedule_id, scheduled_at), so firers on any number of nodes create one run per tick.
CREATE TABLE schedules (
    id                uuid        PRIMARY KEY,
    environment_id    uuid        NOT NULL,
    task_id           text        NOT NULL,
    cron              text        NOT NULL,
    timezone          text        NOT NULL,
    external_id       text,
    deduplication_key text,
    declarative       boolean     NOT NULL,
    active            boolean     NOT NULL,
    missed_ticks      varchar(8)  NOT NULL,
    missed_cap        integer     NOT NULL,
    overlap           varchar(8)  NOT NULL,
    window_ms         bigint      NOT NULL,
    last_tick_at      timestamptz,
    next_tick_at      timestamptz,
    next_fire_at      timestamptz,
    last_run_id       uuid,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    CONSTRAINT schedules_missed_ticks_check CHECK (missed_ticks IN ('skip', 'none', 'all')),
    CONSTRAINT schedules_overlap_check CHECK (overlap IN ('allow', 'skip')),
    CONSTRAINT schedules_window_check CHECK (window_ms >= 0),
    CONSTRAINT schedules_missed_cap_check CHECK (missed_cap >= 1)
);
CREATE UNIQUE INDEX schedules_dedup_uidx ON schedules (environment_id, deduplication_key)
    WHERE deduplication_key IS NOT NULL;
CREATE UNIQUE INDEX schedules_declarative_uidx ON schedules (environment_id, task_id)
    WHERE declarative;
CREATE INDEX schedules_due_idx ON schedules (next_fire_at) WHERE active;
CREATE INDEX schedules_environment_idx ON schedules (environment_id, id DESC);

CREATE TABLE schedule_ticks (
    schedule_id  uuid        NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    scheduled_at timestamptz NOT NULL,
    run_id       uuid,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (schedule_id, scheduled_at)
);

ALTER TABLE runs ADD COLUMN schedule_id uuid;
CREATE INDEX runs_schedule_idx ON runs (environment_id, schedule_id, id DESC)
    WHERE schedule_id IS NOT NULL;
