package dev.errand.server.store.jdbc;

import dev.errand.sdk.RunStatus;
import dev.errand.server.store.AttemptRecord;
import dev.errand.server.store.RunRecord;
import dev.errand.server.store.Store.ExpiredLease;
import dev.errand.server.store.Store.RunFilter;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Reads of runs and attempts; none of them writes. */
final class RunQueries {

  private static final String FIND_RUN =
      "SELECT " + RunRows.RUN_COLUMNS + " FROM runs WHERE environment_id = ? AND id = ?";
  private static final String FIND_ATTEMPTS =
      "SELECT " + RunRows.ATTEMPT_COLUMNS + " FROM attempts WHERE run_id = ? ORDER BY number";
  private static final String NEXT_DUE =
      "SELECT MIN(available_at) AS next_due FROM runs"
          + " WHERE environment_id = ? AND task_id = ANY(?) AND "
          + StatusSql.mayMoveTo(RunStatus.EXECUTING);
  private static final String EXPIRED_LEASES =
      "SELECT id, environment_id, lease_token, attempt_count, lease_worker_id,"
          + " CASE WHEN deadline_at <= CURRENT_TIMESTAMP THEN 1 ELSE 0 END AS timed_out"
          + " FROM runs WHERE "
          + StatusSql.is(RunStatus.EXECUTING)
          + " AND lease_expires_at < CURRENT_TIMESTAMP ORDER BY lease_expires_at LIMIT ?";

  private final Database database;
  private final Dialect dialect;

  RunQueries(Database database, Dialect dialect) {
    this.database = database;
    this.dialect = dialect;
  }

  Optional<RunRecord> findRun(UUID environmentId, UUID runId) {
    return database.read(
        "find run " + runId,
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(FIND_RUN)) {
            ps.setObject(1, environmentId);
            ps.setObject(2, runId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(RunRows.run(rs)) : Optional.empty();
            }
          }
        });
  }

  List<AttemptRecord> findAttempts(UUID runId) {
    return database.read(
        "find attempts of run " + runId,
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(FIND_ATTEMPTS)) {
            ps.setObject(1, runId);
            List<AttemptRecord> attempts = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                attempts.add(RunRows.attempt(rs));
              }
            }
            return attempts;
          }
        });
  }

  List<RunRecord> listRuns(UUID environmentId, RunFilter filter, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0 but was " + limit);
    }
    RunFilter f = filter == null ? new RunFilter(null, null, null, null, null, null) : filter;
    StringBuilder sql =
        new StringBuilder("SELECT " + RunRows.RUN_COLUMNS + " FROM runs WHERE environment_id = ?");
    List<Object> params = new ArrayList<>();
    params.add(environmentId);
    where(sql, params, "status = ?", f.status() == null ? null : f.status().name());
    where(sql, params, "task_id = ?", f.taskId());
    where(sql, params, dialect.tagsContain(), f.tag());
    where(sql, params, "created_at >= ?", f.createdFrom());
    where(sql, params, "created_at < ?", f.createdTo());
    where(sql, params, "id < ?", f.beforeId());
    where(sql, params, "schedule_id = ?", f.scheduleId());
    sql.append(" ORDER BY id DESC LIMIT ?");
    params.add(limit);
    return database.read(
        "list runs",
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
              if (params.get(i) instanceof Instant instant) {
                RunRows.setInstant(ps, i + 1, instant);
              } else {
                ps.setObject(i + 1, params.get(i));
              }
            }
            List<RunRecord> runs = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                runs.add(RunRows.run(rs));
              }
            }
            return runs;
          }
        });
  }

  /** Appends {@code AND predicate} and its parameter, unless {@code value} is null. */
  static void where(StringBuilder sql, List<Object> params, String predicate, Object value) {
    if (value != null) {
      sql.append(" AND ").append(predicate);
      params.add(value);
    }
  }

  Optional<Instant> nextDueAt(UUID environmentId, Collection<String> taskIds) {
    if (taskIds.isEmpty()) {
      return Optional.empty();
    }
    return database.read(
        "find next due run",
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(NEXT_DUE)) {
            ps.setObject(1, environmentId);
            ps.setArray(2, RunRows.textArray(connection, taskIds));
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return Optional.ofNullable(RunRows.instant(rs, "next_due"));
            }
          }
        });
  }

  List<ExpiredLease> findExpiredLeases(int limit) {
    if (limit <= 0) {
      return List.of();
    }
    return database.read(
        "find expired leases",
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(EXPIRED_LEASES)) {
            ps.setInt(1, limit);
            List<ExpiredLease> leases = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                leases.add(
                    new ExpiredLease(
                        RunRows.uuid(rs, "id"),
                        RunRows.uuid(rs, "environment_id"),
                        rs.getLong("lease_token"),
                        rs.getInt("attempt_count"),
                        rs.getString("lease_worker_id"),
                        rs.getInt("timed_out") == 1));
              }
            }
            return leases;
          }
        });
  }

  Instant now() {
    return database.read(
        "read the database clock",
        connection -> {
          try (PreparedStatement ps =
                  connection.prepareStatement("SELECT CURRENT_TIMESTAMP AS now");
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            return RunRows.instant(rs, "now");
          }
        });
  }
}
