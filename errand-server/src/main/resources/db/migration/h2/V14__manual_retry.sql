-- See db/migration/postgresql/V14__manual_retry.sql.
ALTER TABLE runs ADD COLUMN attempts_before_retry INTEGER DEFAULT 0 NOT NULL;
