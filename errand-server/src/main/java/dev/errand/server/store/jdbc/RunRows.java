package dev.errand.server.store.jdbc;

import dev.errand.sdk.RunStatus;
import dev.errand.server.store.AttemptRecord;
import dev.errand.server.store.ClaimedRun;
import dev.errand.server.store.RunNotFoundException;
import dev.errand.server.store.RunRecord;
import dev.errand.server.store.RunStateConflictException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** Reading rows into records and binding values, the same way for every dialect. */
final class RunRows {
  private RunRows() {}

  static final String RUN_COLUMNS =
      "id, environment_id, task_id, queue, status, payload, output, error, attempt_count,"
          + " max_attempts, tags, idempotency_key, replay_of, created_at, available_at,"
          + " started_at, finished_at, lease_worker_id, lease_token, lease_expires_at, version,"
          + " max_duration_ms, parent_run_id, step_count, released_idempotency_key, priority_ms,"
          + " concurrency_key, attempts_before_retry, schedule_id, metadata";

  static final String ATTEMPT_COLUMNS =
      "run_id, number, status, worker_id, started_at, finished_at, error";

  static RunRecord run(ResultSet rs) throws SQLException {
    return new RunRecord(
        uuid(rs, "id"),
        uuid(rs, "environment_id"),
        rs.getString("task_id"),
        rs.getString("queue"),
        RunStatus.valueOf(rs.getString("status")),
        rs.getString("payload"),
        rs.getString("output"),
        rs.getString("error"),
        rs.getInt("attempt_count"),
        rs.getInt("max_attempts"),
        tags(rs, "tags"),
        rs.getString("idempotency_key") != null
            ? rs.getString("idempotency_key")
            : rs.getString("released_idempotency_key"),
        uuid(rs, "replay_of"),
        instant(rs, "created_at"),
        instant(rs, "available_at"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        rs.getString("lease_worker_id"),
        rs.getLong("lease_token"),
        instant(rs, "lease_expires_at"),
        rs.getLong("version"),
        nullableLong(rs, "max_duration_ms"),
        uuid(rs, "parent_run_id"),
        rs.getInt("step_count"),
        rs.getLong("priority_ms"),
        rs.getString("concurrency_key"),
        rs.getInt("attempts_before_retry"),
        uuid(rs, "schedule_id"),
        rs.getString("metadata"));
  }

  /** The columns {@link #claimed} reads. */
  static final String CLAIMED_COLUMNS =
      "id, task_id, payload, attempt_count, lease_token, tags, max_duration_ms, step_count";

  /**
   * A claimed run from {@link #CLAIMED_COLUMNS}. A run with recorded steps gets a placeholder list
   * that {@link Steps#attach} replaces with the steps.
   */
  static ClaimedRun claimed(ResultSet rs) throws SQLException {
    Long maxDuration = nullableLong(rs, "max_duration_ms");
    return new ClaimedRun(
        uuid(rs, "id"),
        rs.getString("task_id"),
        rs.getString("payload"),
        rs.getInt("attempt_count"),
        rs.getLong("lease_token"),
        tags(rs, "tags"),
        maxDuration == null ? 0 : maxDuration,
        rs.getInt("step_count") > 0 ? null : List.of());
  }

  static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }

  static AttemptRecord attempt(ResultSet rs) throws SQLException {
    return new AttemptRecord(
        uuid(rs, "run_id"),
        rs.getInt("number"),
        rs.getString("status"),
        rs.getString("worker_id"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        rs.getString("error"));
  }

  static UUID uuid(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, UUID.class);
  }

  /** Timestamps are read as offset date-times: exact whatever the session's time zone is. */
  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  static List<String> tags(ResultSet rs, String column) throws SQLException {
    Array array = rs.getArray(column);
    if (array == null) {
      return List.of();
    }
    try {
      Object[] values = (Object[]) array.getArray();
      List<String> tags = new ArrayList<>(values.length);
      for (Object value : values) {
        tags.add((String) value);
      }
      return List.copyOf(tags);
    } finally {
      array.free();
    }
  }

  static void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
    ps.setObject(index, value == null ? null : value.atOffset(ZoneOffset.UTC));
  }

  /** A text array parameter; both drivers take the SQL type name {@code text}. */
  static Array textArray(Connection connection, Collection<String> values) throws SQLException {
    return connection.createArrayOf("text", values.toArray(new String[0]));
  }

  /** A UUID array parameter; both drivers take the SQL type name {@code uuid}. */
  static Array uuidArray(Connection connection, Collection<UUID> values) throws SQLException {
    return connection.createArrayOf("uuid", values.toArray(new UUID[0]));
  }

  private static final String FIND_RUN =
      "SELECT " + RUN_COLUMNS + " FROM runs WHERE environment_id = ? AND id = ?";

  /**
   * The run after a guarded update in the same transaction: {@link RunNotFoundException} when it
   * does not exist, {@link RunStateConflictException} (naming its status) when the update changed
   * nothing because its status did not allow {@code target}.
   */
  static RunRecord afterGuardedUpdate(
      Connection connection, UUID environmentId, UUID runId, boolean changed, RunStatus target)
      throws SQLException {
    RunRecord run;
    try (PreparedStatement ps = connection.prepareStatement(FIND_RUN)) {
      ps.setObject(1, environmentId);
      ps.setObject(2, runId);
      try (ResultSet rs = ps.executeQuery()) {
        run = rs.next() ? run(rs) : null;
      }
    }
    if (run == null) {
      throw new RunNotFoundException(runId);
    }
    if (!changed) {
      throw new RunStateConflictException(runId, run.status(), target);
    }
    return run;
  }
}
