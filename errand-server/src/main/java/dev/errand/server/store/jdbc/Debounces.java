package dev.errand.server.store.jdbc;

import dev.errand.server.store.NewRun;
import dev.errand.server.store.Store.InsertResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Debounced triggers. On PostgreSQL one statement: an insert that, on the partial unique index of
 * waiting debounced runs, updates the waiting run instead. On H2 (no partial indexes) the store's
 * JVM serializes them, and an update guarded by {@code status = 'DELAYED'} decides: a run a claim
 * took meanwhile is left alone and a new one is inserted.
 */
final class Debounces {
  private static final String DUE = "LEAST(%1$s, COALESCE(runs.debounce_until, %1$s))";

  private final Database database;
  private final Dialect dialect;
  private final ReentrantLock embeddedTurn = new ReentrantLock();

  Debounces(Database database, Dialect dialect) {
    this.database = database;
    this.dialect = dialect;
  }

  InsertResult debounce(NewRun run, String key, long delayMillis, Long maxDelayMillis) {
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(key, "key");
    if (dialect.hasPartialUniqueIndexes()) {
      return database.transaction(
          "debounce a trigger",
          c -> audited(c, postgres(c, run, key, delayMillis, maxDelayMillis)));
    }
    embeddedTurn.lock();
    try {
      return database.transaction(
          "debounce a trigger",
          c -> audited(c, embedded(c, run, key, delayMillis, maxDelayMillis)));
    } finally {
      embeddedTurn.unlock();
    }
  }

  private InsertResult postgres(
      Connection connection, NewRun run, String key, long delayMillis, Long maxDelayMillis)
      throws SQLException {
    String due = dialect.plusMillis("CURRENT_TIMESTAMP");
    String sql =
        "INSERT INTO runs (id, environment_id, task_id, queue, status, payload, max_attempts, tags,"
            + " max_duration_ms, debounce_key, concurrency_key, metadata, debounce_until,"
            + " created_at, available_at, updated_at)"
            + " VALUES (?, ?, ?, ?, 'DELAYED', ?, ?, ?, ?, ?, ?, ?, "
            + due
            + ", CURRENT_TIMESTAMP, "
            + due
            + ", CURRENT_TIMESTAMP)"
            + " ON CONFLICT (environment_id, task_id, debounce_key)"
            + " WHERE status = 'DELAYED' AND debounce_key IS NOT NULL DO UPDATE SET"
            + " payload = EXCLUDED.payload, tags = EXCLUDED.tags, metadata = EXCLUDED.metadata,"
            + " available_at = "
            + DUE.formatted("EXCLUDED.available_at")
            + ", version = runs.version + 1, updated_at = CURRENT_TIMESTAMP"
            + " RETURNING id, (xmax = 0) AS inserted";
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      int i = bindRun(ps, connection, run, key);
      ps.setObject(i++, maxDelayMillis, java.sql.Types.BIGINT);
      ps.setLong(i, Math.max(0, delayMillis));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        UUID id = RunRows.uuid(rs, "id");
        return new InsertResult(id, rs.getBoolean("inserted"));
      }
    }
  }

  private InsertResult embedded(
      Connection connection, NewRun run, String key, long delayMillis, Long maxDelayMillis)
      throws SQLException {
    String find =
        "SELECT id FROM runs WHERE environment_id = ? AND task_id = ? AND debounce_key = ?"
            + " AND status = 'DELAYED'";
    UUID existing = null;
    try (PreparedStatement ps = connection.prepareStatement(find)) {
      ps.setObject(1, run.environmentId());
      ps.setString(2, run.taskId());
      ps.setString(3, key);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          existing = RunRows.uuid(rs, "id");
        }
      }
    }
    if (existing != null) {
      String update =
          "UPDATE runs SET payload = ?, tags = ?, metadata = ?, available_at = "
              + DUE.formatted(dialect.plusMillis("CURRENT_TIMESTAMP"))
                  .replace("runs.debounce_until", "debounce_until")
              + ", version = version + 1, updated_at = CURRENT_TIMESTAMP"
              + " WHERE id = ? AND status = 'DELAYED'";
      try (PreparedStatement ps = connection.prepareStatement(update)) {
        ps.setString(1, run.payloadJson());
        ps.setArray(2, RunRows.textArray(connection, run.tags() == null ? List.of() : run.tags()));
        ps.setString(3, run.metadataJson());
        ps.setLong(4, Math.max(0, delayMillis));
        ps.setLong(5, Math.max(0, delayMillis));
        ps.setObject(6, existing);
        if (ps.executeUpdate() > 0) {
          return new InsertResult(existing, false);
        }
      }
    }
    String due = dialect.plusMillis("CURRENT_TIMESTAMP");
    String insert =
        "INSERT INTO runs (id, environment_id, task_id, queue, status, payload, max_attempts, tags,"
            + " max_duration_ms, debounce_key, concurrency_key, metadata, debounce_until,"
            + " created_at, available_at, updated_at)"
            + " VALUES (?, ?, ?, ?, 'DELAYED', ?, ?, ?, ?, ?, ?, ?, "
            + due
            + ", CURRENT_TIMESTAMP, "
            + due
            + ", CURRENT_TIMESTAMP)";
    try (PreparedStatement ps = connection.prepareStatement(insert)) {
      int i = bindRun(ps, connection, run, key);
      ps.setObject(i++, maxDelayMillis, java.sql.Types.BIGINT);
      ps.setLong(i, Math.max(0, delayMillis));
      ps.executeUpdate();
    }
    return new InsertResult(run.id(), true);
  }

  private static int bindRun(PreparedStatement ps, Connection connection, NewRun run, String key)
      throws SQLException {
    int i = 1;
    ps.setObject(i++, run.id());
    ps.setObject(i++, run.environmentId());
    ps.setString(i++, run.taskId());
    ps.setString(i++, run.queue());
    ps.setString(i++, run.payloadJson());
    ps.setInt(i++, run.maxAttempts());
    ps.setArray(i++, RunRows.textArray(connection, run.tags() == null ? List.of() : run.tags()));
    ps.setObject(i++, run.maxDurationMillis(), java.sql.Types.BIGINT);
    ps.setString(i++, key);
    ps.setString(i++, run.concurrencyKey());
    ps.setString(i++, run.metadataJson());
    return i;
  }

  /** Appends the action's audit entry, naming the run that now holds the debounced trigger. */
  private static InsertResult audited(Connection connection, InsertResult result)
      throws SQLException {
    PendingAudit.write(connection, List.of(result.runId()));
    return result;
  }
}
