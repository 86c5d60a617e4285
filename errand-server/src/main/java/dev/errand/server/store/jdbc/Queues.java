package dev.errand.server.store.jdbc;

import dev.errand.server.store.QueueRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Queue settings (declared limit, run-time override, paused) and their run counts. */
final class Queues {
  private static final String COLUMNS =
      "name, concurrency_limit, concurrency_limit_override, paused, rate_limit, rate_window_ms,"
          + " total_concurrency_limit, rate_limit_per_key";
  private static final String FIND =
      "SELECT " + COLUMNS + " FROM queues WHERE environment_id = ? AND name = ?";
  private static final String KEY_COUNTS =
      "SELECT concurrency_key, status, COUNT(*) AS n FROM runs WHERE environment_id = ?"
          + " AND queue = ? AND status IN ('QUEUED', 'DELAYED', 'EXECUTING', 'WAITING')"
          + " GROUP BY concurrency_key, status";
  private static final String LIST =
      "SELECT " + COLUMNS + " FROM queues WHERE environment_id = ? ORDER BY name";
  private static final String SETTINGS =
      "SELECT " + COLUMNS + " FROM queues WHERE environment_id = ? AND name = ANY(?)";
  private static final String COUNTS =
      "SELECT queue, status, COUNT(*) AS n FROM runs WHERE environment_id = ?"
          + " AND status IN ('QUEUED', 'DELAYED', 'EXECUTING', 'WAITING') GROUP BY queue, status";

  private final Database database;
  private final String oldestStartInWindow;

  Queues(Database database, Dialect dialect) {
    this.database = database;
    this.oldestStartInWindow =
        "SELECT MIN(started_at) AS oldest FROM queue_starts WHERE environment_id = ? AND queue = ?"
            + " AND started_at > "
            + dialect.plusMillis(dialect.clockNow());
  }

  /**
   * When the oldest start in a rate-limited queue's window leaves it (by the database clock), or
   * empty when the window holds no start.
   */
  java.util.Optional<java.time.Instant> rateWindowOpensAt(
      UUID environmentId, String queue, long windowMillis) {
    return database.read(
        "read rate window of queue " + queue,
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(oldestStartInWindow)) {
            ps.setObject(1, environmentId);
            ps.setString(2, queue);
            ps.setLong(3, -windowMillis);
            try (ResultSet rs = ps.executeQuery()) {
              java.time.Instant oldest = rs.next() ? RunRows.instant(rs, "oldest") : null;
              return java.util.Optional.ofNullable(oldest).map(t -> t.plusMillis(windowMillis));
            }
          }
        });
  }

  List<QueueRecord> list(UUID environmentId) {
    return database.read(
        "list queues",
        connection -> {
          Map<String, long[]> counts = new HashMap<>();
          try (PreparedStatement ps = connection.prepareStatement(COUNTS)) {
            ps.setObject(1, environmentId);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                long[] c = counts.computeIfAbsent(rs.getString("queue"), q -> new long[3]);
                c[slot(rs.getString("status"))] += rs.getLong("n");
              }
            }
          }
          List<QueueRecord> queues = new ArrayList<>();
          try (PreparedStatement ps = connection.prepareStatement(LIST)) {
            ps.setObject(1, environmentId);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                long[] c = counts.getOrDefault(rs.getString("name"), new long[3]);
                queues.add(queue(rs, c[0], c[1], c[2]));
              }
            }
          }
          return queues;
        });
  }

  /** One queue with its run counts and its per-key breakdown (the busiest keys first). */
  java.util.Optional<QueueRecord> find(UUID environmentId, String name) {
    return database.read(
        "find queue " + name,
        connection -> {
          Map<String, long[]> byKey = new HashMap<>();
          try (PreparedStatement ps = connection.prepareStatement(KEY_COUNTS)) {
            ps.setObject(1, environmentId);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                long[] c = byKey.computeIfAbsent(rs.getString("concurrency_key"), k -> new long[3]);
                c[slot(rs.getString("status"))] += rs.getLong("n");
              }
            }
          }
          long[] total = new long[3];
          List<QueueRecord.KeyCounts> keys = new ArrayList<>();
          byKey.forEach(
              (key, c) -> {
                for (int i = 0; i < 3; i++) {
                  total[i] += c[i];
                }
                keys.add(new QueueRecord.KeyCounts(key, c[0], c[1], c[2]));
              });
          keys.sort(
              java.util.Comparator.comparingLong(
                      (QueueRecord.KeyCounts k) -> k.running() + k.queued() + k.waiting())
                  .reversed()
                  .thenComparing(QueueRecord.KeyCounts::key));
          try (PreparedStatement ps = connection.prepareStatement(FIND)) {
            ps.setObject(1, environmentId);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return java.util.Optional.<QueueRecord>empty();
              }
              return java.util.Optional.of(
                  queue(rs, total[0], total[1], total[2])
                      .withKeys(
                          keys.subList(0, Math.min(keys.size(), QueueRecord.MAX_KEYS)),
                          keys.size()));
            }
          }
        });
  }

  private static int slot(String status) {
    return switch (status) {
      case "EXECUTING" -> 1;
      case "WAITING" -> 2;
      default -> 0;
    };
  }

  Map<String, QueueRecord> settings(UUID environmentId, Collection<String> names) {
    if (names.isEmpty()) {
      return Map.of();
    }
    return database.read(
        "read queue settings",
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(SETTINGS)) {
            ps.setObject(1, environmentId);
            ps.setArray(2, RunRows.textArray(connection, names));
            Map<String, QueueRecord> found = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                QueueRecord q = queue(rs, 0, 0, 0);
                found.put(q.name(), q);
              }
            }
            return found;
          }
        });
  }

  boolean setPaused(UUID environmentId, String name, boolean paused) {
    return update(
        "UPDATE queues SET paused = ?, updated_at = CURRENT_TIMESTAMP"
            + " WHERE environment_id = ? AND name = ?",
        environmentId,
        name,
        paused);
  }

  boolean setLimitOverride(UUID environmentId, String name, Integer limit) {
    return update(
        "UPDATE queues SET concurrency_limit_override = ?, updated_at = CURRENT_TIMESTAMP"
            + " WHERE environment_id = ? AND name = ?",
        environmentId,
        name,
        limit);
  }

  private boolean update(String sql, UUID environmentId, String name, Object value) {
    return database.transaction(
        "update queue " + name,
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(sql)) {
            if (value instanceof Boolean b) {
              ps.setBoolean(1, b);
            } else {
              ps.setObject(1, value, java.sql.Types.INTEGER);
            }
            ps.setObject(2, environmentId);
            ps.setString(3, name);
            if (ps.executeUpdate() == 0) {
              return false;
            }
          }
          PendingAudit.write(connection);
          return true;
        });
  }

  private static QueueRecord queue(ResultSet rs, long queued, long running, long waiting)
      throws SQLException {
    return new QueueRecord(
        rs.getString("name"),
        nullableInt(rs, "concurrency_limit"),
        nullableInt(rs, "concurrency_limit_override"),
        rs.getBoolean("paused"),
        queued,
        running,
        waiting,
        nullableInt(rs, "rate_limit"),
        RunRows.nullableLong(rs, "rate_window_ms"),
        nullableInt(rs, "total_concurrency_limit"),
        rs.getBoolean("rate_limit_per_key"),
        List.of(),
        0);
  }

  private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
    int value = rs.getInt(column);
    return rs.wasNull() ? null : value;
  }
}
