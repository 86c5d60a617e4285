-- API keys get a name, a type, their last four characters, an expiry, a last use and who made
-- them. Keys made before this migration keep full rights over their environment (type admin) and
-- get a name from their id; their last four characters were never stored. A name is unique among
-- an environment's live (not revoked) keys: live_name is the name until the key is revoked.
ALTER TABLE api_keys ADD COLUMN name text;
ALTER TABLE api_keys ADD COLUMN key_type varchar(16) NOT NULL DEFAULT 'admin';
ALTER TABLE api_keys ADD COLUMN last_four varchar(4);
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz;
ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz;
ALTER TABLE api_keys ADD COLUMN created_by text;

UPDATE api_keys SET name = 'key-' || left(id::text, 8);
ALTER TABLE api_keys ALTER COLUMN name SET NOT NULL;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_type_check
    CHECK (key_type IN ('admin', 'worker', 'trigger-only', 'read-only'));
ALTER TABLE api_keys ADD COLUMN live_name text
    GENERATED ALWAYS AS (CASE WHEN revoked_at IS NULL THEN name END) STORED;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_live_name_key UNIQUE (environment_id, live_name);
