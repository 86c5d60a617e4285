-- See db/migration/postgresql/V22__run_metadata.sql.
ALTER TABLE runs ADD COLUMN metadata CHARACTER LARGE OBJECT;
