-- See db/migration/postgresql/V20__secrets.sql.
CREATE TABLE secret_data_keys (
    environment_id         UUID                     NOT NULL REFERENCES environments (id),
    key_id                 UUID                     NOT NULL,
    wrapped_key            VARCHAR                  NOT NULL,
    master_key_fingerprint VARCHAR                  NOT NULL,
    vars_version           BIGINT                   DEFAULT 0 NOT NULL,
    created_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    rewrapped_at           TIMESTAMP WITH TIME ZONE,
    CONSTRAINT secret_data_keys_pkey PRIMARY KEY (environment_id)
);

CREATE TABLE environment_variables (
    environment_id UUID                     NOT NULL REFERENCES environments (id),
    name           VARCHAR                  NOT NULL,
    sealed_value   CHARACTER LARGE OBJECT   NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT environment_variables_pkey PRIMARY KEY (environment_id, name)
);
