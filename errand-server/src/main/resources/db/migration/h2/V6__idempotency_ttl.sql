-- See db/migration/postgresql/V6__idempotency_ttl.sql.
ALTER TABLE runs ADD COLUMN idempotency_key_expires_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE runs ADD COLUMN released_idempotency_key VARCHAR;
