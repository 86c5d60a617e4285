-- See db/migration/postgresql/V17__webhooks.sql.
CREATE TABLE webhook_endpoints (
    id                 VARCHAR                  PRIMARY KEY,
    environment_id     UUID                     NOT NULL,
    name               VARCHAR                  NOT NULL,
    verifier           CHARACTER LARGE OBJECT   NOT NULL,
    routes             CHARACTER LARGE OBJECT   NOT NULL,
    delivery_id_source CHARACTER LARGE OBJECT,
    dedup_window_ms    BIGINT                   NOT NULL,
    max_body_bytes     INTEGER                  NOT NULL,
    rate_limit         INTEGER,
    rate_window_ms     BIGINT,
    enabled            BOOLEAN                  DEFAULT TRUE NOT NULL,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT webhook_endpoints_name_uidx UNIQUE (environment_id, name),
    CONSTRAINT webhook_endpoints_dedup_window_check CHECK (dedup_window_ms > 0),
    CONSTRAINT webhook_endpoints_max_body_check CHECK (max_body_bytes > 0),
    CONSTRAINT webhook_endpoints_rate_check CHECK (
        (rate_limit IS NULL AND rate_window_ms IS NULL) OR (rate_limit >= 1 AND rate_window_ms >= 1))
);

CREATE TABLE webhook_secrets (
    endpoint_id VARCHAR                  NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    version     INTEGER                  NOT NULL,
    secret      VARCHAR,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (endpoint_id, version)
);

CREATE TABLE webhook_deliveries (
    id             UUID                     PRIMARY KEY,
    environment_id UUID                     NOT NULL,
    endpoint_id    VARCHAR                  NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    status         VARCHAR(16)              NOT NULL,
    received_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    delivery_key   VARCHAR,
    duplicate_of   UUID,
    replay_of      UUID,
    verified       BOOLEAN                  NOT NULL,
    reason         VARCHAR,
    headers        CHARACTER LARGE OBJECT   NOT NULL,
    content_type   VARCHAR,
    body           BINARY LARGE OBJECT      NOT NULL,
    CONSTRAINT webhook_deliveries_status_check
        CHECK (status IN ('accepted', 'rejected', 'duplicate', 'unrouted'))
);
CREATE INDEX webhook_deliveries_environment_idx ON webhook_deliveries (environment_id, id DESC);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id DESC);

CREATE TABLE webhook_delivery_runs (
    delivery_id UUID    NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    route       INTEGER NOT NULL,
    run_id      UUID    NOT NULL,
    task_id     VARCHAR NOT NULL,
    PRIMARY KEY (delivery_id, route)
);

CREATE TABLE webhook_dedup (
    endpoint_id  VARCHAR                  NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    delivery_key VARCHAR                  NOT NULL,
    delivery_id  UUID                     NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (endpoint_id, delivery_key)
);
CREATE INDEX webhook_dedup_expiry_idx ON webhook_dedup (expires_at);
