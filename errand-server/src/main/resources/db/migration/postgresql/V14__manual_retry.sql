-- Manual retry.
--
-- A manual retry puts a run that ended without success back in the queue, same id, with a fresh
-- attempt budget: max_attempts becomes attempt_count + the budget, and attempts_before_retry keeps
-- the attempt count the latest retry started from, so the budget (max_attempts -
-- attempts_before_retry) survives any number of retries.
ALTER TABLE runs ADD COLUMN attempts_before_retry integer NOT NULL DEFAULT 0;
