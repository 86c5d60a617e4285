package dev.errand.server.store.jdbc;

/** H2 2.x in its native mode, for the embedded store. */
final class H2Dialect implements Dialect {

  private final Claim claim = new H2Claim(this);

  @Override
  public String name() {
    return "H2";
  }

  @Override
  public String migrationLocation() {
    return "classpath:db/migration/h2";
  }

  @Override
  public String plusMillisOf(String timestampSql, String millisSql) {
    return "DATEADD(MILLISECOND, " + millisSql + ", " + timestampSql + ")";
  }

  @Override
  public String plusMillis(String timestampSql) {
    return "DATEADD(MILLISECOND, CAST(? AS BIGINT), " + timestampSql + ")";
  }

  @Override
  public String tagsContain() {
    return "ARRAY_CONTAINS(tags, CAST(? AS VARCHAR))";
  }

  @Override
  public String skipTakenIdempotencyKey() {
    // H2 has no ON CONFLICT outside its PostgreSQL mode; taken keys are looked up first.
    return "";
  }

  @Override
  public String upsertTask() {
    // MERGE ... KEY updates only the listed columns, so created_at keeps its first value.
    return """
    MERGE INTO tasks (environment_id, task_id, queue, max_attempts, retry_policy,
                      payload_schema, max_duration_ms, updated_at)
    KEY (environment_id, task_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)
    """;
  }

  @Override
  public String recordStep() {
    return null;
  }

  @Override
  public boolean hasPartialUniqueIndexes() {
    return false;
  }

  @Override
  public String upsertQueue() {
    return "MERGE INTO queues (environment_id, name, concurrency_limit, rate_limit, rate_window_ms,"
        + " total_concurrency_limit, rate_limit_per_key, updated_at) KEY (environment_id, name)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)";
  }

  @Override
  public String announceDue() {
    return null;
  }

  @Override
  public boolean completesInBulk() {
    return false;
  }

  @Override
  public Claim claim() {
    return claim;
  }
}
