-- Secrets: environment variables encrypted at rest (envelope encryption). Keep in step with
-- db/migration/h2/V20__secrets.sql.
--
-- Each environment has one random 256-bit data key, stored only wrapped (AES-256-GCM) under the
-- master key, which never enters the database; master_key_fingerprint names the master key that
-- wrapped it, so a server started with another key says so. vars_version counts changes to the
-- environment's variables: workers refresh their copy when it moves.
CREATE TABLE secret_data_keys (
    environment_id         uuid        NOT NULL REFERENCES environments (id),
    key_id                 uuid        NOT NULL,
    wrapped_key            text        NOT NULL,
    master_key_fingerprint text        NOT NULL,
    vars_version           bigint      NOT NULL DEFAULT 0,
    created_at             timestamptz NOT NULL,
    rewrapped_at           timestamptz,
    CONSTRAINT secret_data_keys_pkey PRIMARY KEY (environment_id)
);

-- sealed_value: the sealed text (enc:v1:<base64 of format byte, nonce, ciphertext and tag>), bound to the
-- project, environment and name; never a value in clear.
CREATE TABLE environment_variables (
    environment_id uuid        NOT NULL REFERENCES environments (id),
    name           text        NOT NULL,
    sealed_value   text        NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    CONSTRAINT environment_variables_pkey PRIMARY KEY (environment_id, name)
);

-- Webhook signing secrets (V17) are sealed by the server under the environment's data key from
-- now on; rows written before are sealed by the first server that starts with a master key
-- (sealing needs the key, which SQL does not have). The server reads both forms meanwhile.
COMMENT ON COLUMN webhook_secrets.secret IS 'sealed (enc:v1:...) under the environment data key';
