-- The audit log: one append-only row per audited action (who, what, when, from where), each in one
-- environment. occurred_at is the database clock. details is JSON and never holds secret values or
-- run payloads. id is ever increasing: the list pages by it, newest first.
--
-- Append-only is enforced here, not only in the application: statement-level triggers raise on
-- UPDATE, DELETE and TRUNCATE for every role, superusers included (REVOKE alone does not bind the
-- table's owner or a superuser). Limits: a superuser or the owner can still DROP or ALTER the table,
-- disable the triggers, or skip them with session_replication_role = replica; see
-- docs/security.md.
CREATE TABLE audit_log (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    environment_id uuid        NOT NULL,
    occurred_at    timestamptz NOT NULL,
    actor_type     varchar(16) NOT NULL,
    actor_id       text,
    actor_name     text,
    address        text,
    action         varchar(64) NOT NULL,
    target_type    varchar(32),
    target_id      text,
    details        jsonb       NOT NULL,
    request_id     text
);
CREATE INDEX audit_log_environment_idx ON audit_log (environment_id, id DESC);
CREATE INDEX audit_log_action_idx ON audit_log (environment_id, action, id DESC);
CREATE INDEX audit_log_target_idx ON audit_log (environment_id, target_type, target_id, id DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (environment_id, actor_id, id DESC);
CREATE INDEX audit_log_occurred_idx ON audit_log (environment_id, occurred_at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
