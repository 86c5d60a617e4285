-- See db/migration/postgresql/V21__audit_log.sql. The embedded store is one process that owns its
-- file: append-only is enforced by the store, which has no code path that updates or deletes
-- audit rows. (An H2 trigger would need a Java class on the compile classpath for a guard that the
-- process owning the file could drop anyway; see docs/security.md.)
CREATE TABLE audit_log (
    id             BIGINT                   GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    environment_id UUID                     NOT NULL,
    occurred_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    actor_type     VARCHAR(16)              NOT NULL,
    actor_id       VARCHAR,
    actor_name     VARCHAR,
    address        VARCHAR,
    action         VARCHAR(64)              NOT NULL,
    target_type    VARCHAR(32),
    target_id      VARCHAR,
    details        CHARACTER LARGE OBJECT   NOT NULL,
    request_id     VARCHAR
);
CREATE INDEX audit_log_environment_idx ON audit_log (environment_id, id DESC);
CREATE INDEX audit_log_action_idx ON audit_log (environment_id, action, id DESC);
CREATE INDEX audit_log_target_idx ON audit_log (environment_id, target_type, target_id, id DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (environment_id, actor_id, id DESC);
CREATE INDEX audit_log_occurred_idx ON audit_log (environment_id, occurred_at);
