-- Debounced triggers: while a run with a debounce key is still DELAYED, a trigger with the same
-- key updates it (last payload wins, due time pushed back, bounded by debounce_until) instead of
-- creating a run. The partial unique index makes that one statement (INSERT ... ON CONFLICT).
ALTER TABLE runs ADD COLUMN debounce_key text;
ALTER TABLE runs ADD COLUMN debounce_until timestamptz;
CREATE UNIQUE INDEX runs_debounce_uidx ON runs (environment_id, task_id, debounce_key)
    WHERE status = 'DELAYED' AND debounce_key IS NOT NULL;
