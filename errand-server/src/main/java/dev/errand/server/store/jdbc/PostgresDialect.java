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

  @Override
  public String upsertQueue() {
    return "INSERT INTO queues (environment_id, name, concurrency_limit, updated_at)"
        + " VALUES (?, ?, ?, now()) ON CONFLICT (environment_id, name) DO UPDATE SET"
        + " concurrency_limit = EXCLUDED.concurrency_limit, updated_at = EXCLUDED.updated_at";
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
