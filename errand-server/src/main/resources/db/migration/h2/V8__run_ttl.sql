-- See db/migration/postgresql/V8__run_ttl.sql.
ALTER TABLE runs ADD COLUMN expires_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX runs_expiry_idx ON runs (status, expires_at);
