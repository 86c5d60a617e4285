-- Webhook ingestion. An endpoint (unguessable text id, the ingest URL's last segment) verifies
-- deliveries with its verifier (JSON, without secrets) against its secrets, and routes a verified
-- delivery to tasks. Every delivery that reaches a known endpoint is logged in webhook_deliveries,
-- whatever became of it; an accepted one and its runs (webhook_delivery_runs) are stored in one
-- transaction. webhook_dedup holds each endpoint's delivery ids for the dedup window: inserting the
-- id is what decides, under concurrency, which delivery is the original.
CREATE TABLE webhook_endpoints (
    id                 text        PRIMARY KEY,
    environment_id     uuid        NOT NULL,
    name               text        NOT NULL,
    verifier           text        NOT NULL,
    routes             text        NOT NULL,
    delivery_id_source text,
    dedup_window_ms    bigint      NOT NULL,
    max_body_bytes     integer     NOT NULL,
    rate_limit         integer,
    rate_window_ms     bigint,
    enabled            boolean     NOT NULL DEFAULT true,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    CONSTRAINT webhook_endpoints_name_uidx UNIQUE (environment_id, name),
    CONSTRAINT webhook_endpoints_dedup_window_check CHECK (dedup_window_ms > 0),
    CONSTRAINT webhook_endpoints_max_body_check CHECK (max_body_bytes > 0),
    CONSTRAINT webhook_endpoints_rate_check CHECK (
        (rate_limit IS NULL AND rate_window_ms IS NULL) OR (rate_limit >= 1 AND rate_window_ms >= 1))
);

-- Secrets, newest version first in use; an old one keeps verifying until expires_at (a rotation's
-- grace period). NULL expires_at: current.
CREATE TABLE webhook_secrets (
    endpoint_id text        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    version     integer     NOT NULL,
    secret      text,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz,
    PRIMARY KEY (endpoint_id, version)
);

CREATE TABLE webhook_deliveries (
    id             uuid        PRIMARY KEY,
    environment_id uuid        NOT NULL,
    endpoint_id    text        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    status         varchar(16) NOT NULL,
    received_at    timestamptz NOT NULL,
    delivery_key   text,
    duplicate_of   uuid,
    replay_of      uuid,
    verified       boolean     NOT NULL,
    reason         text,
    headers        text        NOT NULL,
    content_type   text,
    body           bytea       NOT NULL,
    CONSTRAINT webhook_deliveries_status_check
        CHECK (status IN ('accepted', 'rejected', 'duplicate', 'unrouted'))
);
CREATE INDEX webhook_deliveries_environment_idx ON webhook_deliveries (environment_id, id DESC);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id DESC);

CREATE TABLE webhook_delivery_runs (
    delivery_id uuid    NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    route       integer NOT NULL,
    run_id      uuid    NOT NULL,
    task_id     text    NOT NULL,
    PRIMARY KEY (delivery_id, route)
);

CREATE TABLE webhook_dedup (
    endpoint_id  text        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    delivery_key text        NOT NULL,
    delivery_id  uuid        NOT NULL,
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (endpoint_id, delivery_key)
);
CREATE INDEX webhook_dedup_expiry_idx ON webhook_dedup (expires_at);
