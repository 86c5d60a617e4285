-- See db/migration/postgresql/V13__environment_concurrency_limit.sql.
ALTER TABLE environments ADD COLUMN concurrency_limit INTEGER;
ALTER TABLE environments ADD CONSTRAINT environments_concurrency_limit_check CHECK (concurrency_limit >= 1);
