-- A run's time to live: not started by expires_at, it ends EXPIRED. Cleared when first claimed.
ALTER TABLE runs ADD COLUMN expires_at timestamptz;
CREATE INDEX runs_expiry_idx ON runs (expires_at)
    WHERE status IN ('QUEUED', 'DELAYED') AND expires_at IS NOT NULL;
