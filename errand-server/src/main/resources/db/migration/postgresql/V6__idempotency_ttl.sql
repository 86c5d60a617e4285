-- Idempotency keys expire (idempotencyKeyTTL, 30 days by default) and are released by a run that
-- failed, or through the API. A released key moves to released_idempotency_key, out of the unique
-- index, so the run still shows the key it was triggered with.
ALTER TABLE runs ADD COLUMN idempotency_key_expires_at timestamptz;
ALTER TABLE runs ADD COLUMN released_idempotency_key text;
