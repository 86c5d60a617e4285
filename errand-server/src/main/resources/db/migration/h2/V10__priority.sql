-- See db/migration/postgresql/V10__priority.sql.
ALTER TABLE runs ADD COLUMN priority_ms BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE runs ADD COLUMN not_before TIMESTAMP WITH TIME ZONE;
