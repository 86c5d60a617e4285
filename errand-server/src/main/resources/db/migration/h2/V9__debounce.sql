-- See db/migration/postgresql/V9__debounce.sql. H2 has no partial unique index: the embedded
-- store serializes debounced triggers in its JVM instead.
ALTER TABLE runs ADD COLUMN debounce_key VARCHAR;
ALTER TABLE runs ADD COLUMN debounce_until TIMESTAMP WITH TIME ZONE;
CREATE INDEX runs_debounce_idx ON runs (environment_id, task_id, debounce_key, status);
