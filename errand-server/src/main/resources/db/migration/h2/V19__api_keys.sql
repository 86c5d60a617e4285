-- See db/migration/postgresql/V19__api_keys.sql.
ALTER TABLE api_keys ADD COLUMN name VARCHAR;
ALTER TABLE api_keys ADD COLUMN key_type VARCHAR(16) DEFAULT 'admin' NOT NULL;
ALTER TABLE api_keys ADD COLUMN last_four VARCHAR(4);
ALTER TABLE api_keys ADD COLUMN expires_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE api_keys ADD COLUMN last_used_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE api_keys ADD COLUMN created_by VARCHAR;

UPDATE api_keys SET name = 'key-' || LEFT(CAST(id AS VARCHAR), 8);
ALTER TABLE api_keys ALTER COLUMN name SET NOT NULL;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_type_check
    CHECK (key_type IN ('admin', 'worker', 'trigger-only', 'read-only'));
ALTER TABLE api_keys ADD COLUMN live_name VARCHAR
    GENERATED ALWAYS AS (CASE WHEN revoked_at IS NULL THEN name END);
ALTER TABLE api_keys ADD CONSTRAINT api_keys_live_name_key UNIQUE (environment_id, live_name);
