package dev.errand.server.store.jdbc;

import dev.errand.server.store.TaskRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Task definitions as workers register them. */
final class TaskDefinitions {

  private static final String FIND =
      "SELECT t.task_id, t.queue, t.max_attempts, t.retry_policy, t.payload_schema,"
          + " t.updated_at, t.max_duration_ms,"
          + " COALESCE(q.concurrency_limit_override, q.concurrency_limit) AS concurrency_limit,"
          + " q.total_concurrency_limit"
          + " FROM tasks t LEFT JOIN queues q"
          + " ON q.environment_id = t.environment_id AND q.name = t.queue"
          + " WHERE t.environment_id = ? AND t.task_id = ?";

  private final Database database;
  private final Dialect dialect;

  TaskDefinitions(Database database, Dialect dialect) {
    this.database = database;
    this.dialect = dialect;
  }

  void upsert(UUID environmentId, List<TaskRecord> tasks) {
    if (tasks.isEmpty()) {
      return;
    }
    database.transaction(
        "upsert " + tasks.size() + " task(s)",
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(dialect.upsertTask())) {
            for (TaskRecord task : tasks) {
              ps.setObject(1, environmentId);
              ps.setString(2, task.taskId());
              ps.setString(3, task.queue());
              ps.setInt(4, task.maxAttempts());
              ps.setString(5, task.retryPolicyJson());
              ps.setString(6, task.payloadSchemaJson());
              ps.setObject(7, task.maxDurationMillis(), java.sql.Types.BIGINT);
              ps.addBatch();
            }
            ps.executeBatch();
          }
          java.util.Map<String, TaskRecord> queues = new java.util.TreeMap<>();
          for (TaskRecord task : tasks) {
            queues.put(task.queue(), task);
          }
          try (PreparedStatement ps = connection.prepareStatement(dialect.upsertQueue())) {
            for (var queue : queues.entrySet()) {
              ps.setObject(1, environmentId);
              ps.setString(2, queue.getKey());
              ps.setObject(3, queue.getValue().concurrencyLimit(), java.sql.Types.INTEGER);
              ps.setObject(4, queue.getValue().rateLimit(), java.sql.Types.INTEGER);
              ps.setObject(5, queue.getValue().rateWindowMillis(), java.sql.Types.BIGINT);
              ps.setObject(6, queue.getValue().totalConcurrencyLimit(), java.sql.Types.INTEGER);
              ps.setBoolean(7, queue.getValue().rateLimitPerKey());
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return null;
        });
  }

  Optional<TaskRecord> find(UUID environmentId, String taskId) {
    return database.read(
        "find task " + taskId,
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(FIND)) {
            ps.setObject(1, environmentId);
            ps.setString(2, taskId);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              return Optional.of(
                  new TaskRecord(
                      rs.getString("task_id"),
                      rs.getString("queue"),
                      rs.getInt("max_attempts"),
                      rs.getString("retry_policy"),
                      rs.getString("payload_schema"),
                      RunRows.instant(rs, "updated_at"),
                      RunRows.nullableLong(rs, "max_duration_ms"),
                      nullableInt(rs, "concurrency_limit"),
                      null,
                      null,
                      nullableInt(rs, "total_concurrency_limit"),
                      false));
            }
          }
        });
  }

  private static Integer nullableInt(java.sql.ResultSet rs, String column)
      throws java.sql.SQLException {
    int value = rs.getInt(column);
    return rs.wasNull() ? null : value;
  }
}
