package dev.errand.server.store.jdbc;

/** PostgreSQL 13+. */
final class PostgresDialect implements Dialect {

  private final Claim claim = new PostgresClaim(this);

  @Override
  public String name() {
    return "PostgreSQL";
  }

  @Override
  public String migrationLocation() {
    return "classpath:db/migration/postgresql";
  }

  @Override
  public String plusMillisOf(String timestampSql, String millisSql) {
    return "(" + timestampSql + " + (" + millisSql + ") * INTERVAL '1 millisecond')";
  }

  @Override
  public String plusMillis(String timestampSql) {
    return "(" + timestampSql + " + CAST(? AS bigint) * INTERVAL '1 millisecond')";
  }

  @Override
  public String tagsContain() {
    // Containment, not "= ANY(tags)", so that the GIN index on tags can serve it.
    return "tags @> ARRAY[CAST(? AS text)]";
  }

  @Override
  public String skipTakenIdempotencyKey() {
    return " ON CONFLICT (environment_id, task_id, idempotency_key)"
        + " WHERE idempotency_key IS NOT NULL DO NOTHING";
  }

  @Override
  public String upsertTask() {
    return """
    INSERT INTO tasks (environment_id, task_id, queue, max_attempts, retry_policy,
                       payload_schema, max_duration_ms, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)
    ON CONFLICT (environment_id, task_id) DO UPDATE SET
      queue = EXCLUDED.queue,
      max_attempts = EXCLUDED.max_attempts,
      retry_policy = EXCLUDED.retry_policy,
      payload_schema = EXCLUDED.payload_schema,
      max_duration_ms = EXCLUDED.max_duration_ms,
      updated_at = EXCLUDED.updated_at
    """;
  }

  /**
   * The channel of due-runs announcements; the payload is {@code <environment id>/<node id>}, so a
   * node can skip its own (it woke its claims in process already).
   */
  static final String DUE_CHANNEL = "errand_due";

  /**
   * A step's write in one round trip: the guarded UPDATE locks the run and proves the lease, the
   * INSERT reads the run id from it (so it writes nothing for a stale lease), and the final SELECT
   * reports whether the lease matched, whether or not a COMPLETED step made the upsert a no-op.
   */
  @Override
  public String recordStep() {
    return """
    WITH lease AS (
      UPDATE runs SET step_count = GREATEST(step_count, ?), updated_at = CURRENT_TIMESTAMP
      WHERE id = ? AND environment_id = ? AND lease_token = ? AND attempt_count = ?
        AND status = 'EXECUTING'
      RETURNING id
    ), written AS (
      INSERT INTO run_steps (run_id, position, name, occurrence, kind, status, output, error,
                             attempt, tries, started_at, finished_at, resume_at, token_id,
                             child_count)
      SELECT id, CAST(? AS integer), CAST(? AS text), CAST(? AS integer), CAST(? AS varchar),
             CAST(? AS varchar), CAST(? AS text), CAST(? AS text), CAST(? AS integer),
             CAST(? AS integer), CAST(? AS timestamptz), CAST(? AS timestamptz),
             CAST(? AS timestamptz), CAST(? AS uuid), CAST(? AS integer)
      FROM lease
      ON CONFLICT (run_id, position) DO UPDATE SET
        name = EXCLUDED.name, occurrence = EXCLUDED.occurrence, kind = EXCLUDED.kind,
        status = EXCLUDED.status, output = EXCLUDED.output, error = EXCLUDED.error,
        attempt = EXCLUDED.attempt, tries = EXCLUDED.tries, started_at = EXCLUDED.started_at,
        finished_at = EXCLUDED.finished_at, resume_at = EXCLUDED.resume_at,
        token_id = EXCLUDED.token_id, child_count = EXCLUDED.child_count
      WHERE run_steps.status <> 'COMPLETED'
      RETURNING 1
    )
    SELECT COUNT(*) FROM lease
    """;
  }

  @Override
  public boolean hasPartialUniqueIndexes() {
    return true;
  }

  @Override
  public String upsertQueue() {
    return "INSERT INTO queues (environment_id, name, concurrency_limit, rate_limit,"
        + " rate_window_ms, total_concurrency_limit, rate_limit_per_key, updated_at)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, now())"
        + " ON CONFLICT (environment_id, name) DO UPDATE SET"
        + " concurrency_limit = EXCLUDED.concurrency_limit, rate_limit = EXCLUDED.rate_limit,"
        + " rate_window_ms = EXCLUDED.rate_window_ms,"
        + " total_concurrency_limit = EXCLUDED.total_concurrency_limit,"
        + " rate_limit_per_key = EXCLUDED.rate_limit_per_key, updated_at = EXCLUDED.updated_at";
  }

  @Override
  public String jsonParameter() {
    return "CAST(? AS jsonb)";
  }

  @Override
  public String clockNow() {
    return "clock_timestamp()";
  }

  @Override
  public String announceDue() {
    return "SELECT pg_notify('" + DUE_CHANNEL + "', CAST(? AS text))";
  }

  @Override
  public boolean completesInBulk() {
    return true;
  }

  @Override
  public Claim claim() {
    return claim;
  }
}
