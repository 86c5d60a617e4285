package dev.errand.server.store.jdbc;

import dev.errand.sdk.RunStatus;
import dev.errand.server.store.BulkActionRecord;
import dev.errand.server.store.BulkActionRecord.Filter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Creating and reading bulk actions. Creating one fixes its runs: one {@code INSERT ... SELECT}
 * copies the ids of the runs that match the filter into {@code bulk_action_runs}, in the
 * transaction that stores the action, so the action covers exactly the runs that matched then.
 * {@link BulkActionBatches} works through them.
 */
final class BulkActions {

  static final String COLUMNS =
      "id, environment_id, kind, status, filter_statuses, filter_task_id, filter_tag,"
          + " filter_from, filter_to, total, processed, succeeded, failed, skipped, error,"
          + " created_at, updated_at, finished_at";

  private static final String INSERT =
      "INSERT INTO bulk_actions (id, environment_id, kind, status, filter_statuses,"
          + " filter_task_id, filter_tag, filter_from, filter_to, total, created_at, updated_at)"
          + " VALUES (?, ?, ?, 'RUNNING', ?, ?, ?, ?, ?, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)";

  /** The total, and an action without runs is done at once. */
  private static final String SET_TOTAL =
      "UPDATE bulk_actions SET total = ?,"
          + " status = CASE WHEN ? = 0 THEN 'COMPLETED' ELSE status END,"
          + " finished_at = CASE WHEN ? = 0 THEN CURRENT_TIMESTAMP ELSE NULL END WHERE id = ?";

  private static final String FIND =
      "SELECT " + COLUMNS + " FROM bulk_actions WHERE environment_id = ? AND id = ?";

  private final Database database;
  private final Dialect dialect;

  BulkActions(Database database, Dialect dialect) {
    this.database = database;
    this.dialect = dialect;
  }

  BulkActionRecord create(
      UUID environmentId, UUID actionId, BulkActionRecord.Kind kind, Filter filter) {
    return database.transaction(
        "create bulk action " + actionId,
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
            ps.setObject(1, actionId);
            ps.setObject(2, environmentId);
            ps.setString(3, kind.name());
            ps.setArray(
                4,
                filter.statuses().isEmpty()
                    ? null
                    : RunRows.textArray(
                        connection, filter.statuses().stream().map(RunStatus::name).toList()));
            ps.setString(5, filter.taskId());
            ps.setString(6, filter.tag());
            RunRows.setInstant(ps, 7, filter.from());
            RunRows.setInstant(ps, 8, filter.to());
            ps.executeUpdate();
          }
          int total = snapshot(connection, environmentId, actionId, filter);
          try (PreparedStatement ps = connection.prepareStatement(SET_TOTAL)) {
            ps.setInt(1, total);
            ps.setInt(2, total);
            ps.setInt(3, total);
            ps.setObject(4, actionId);
            ps.executeUpdate();
          }
          return find(connection, environmentId, actionId);
        });
  }

  /** Copies the ids of the matching runs into the action's pending runs; returns how many. */
  private int snapshot(Connection connection, UUID environmentId, UUID actionId, Filter filter)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder(
            "INSERT INTO bulk_action_runs (action_id, run_id)"
                + " SELECT CAST(? AS UUID), id FROM runs WHERE environment_id = ?");
    List<Object> params = new ArrayList<>();
    params.add(actionId);
    params.add(environmentId);
    RunQueries.where(
        sql,
        params,
        "status = ANY(?)",
        filter.statuses().isEmpty()
            ? null
            : filter.statuses().stream().map(RunStatus::name).toList());
    RunQueries.where(sql, params, "task_id = ?", filter.taskId());
    RunQueries.where(sql, params, dialect.tagsContain(), filter.tag());
    RunQueries.where(sql, params, "created_at >= ?", filter.from());
    RunQueries.where(sql, params, "created_at < ?", filter.to());
    try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
      for (int i = 0; i < params.size(); i++) {
        Object value = params.get(i);
        if (value instanceof Instant instant) {
          RunRows.setInstant(ps, i + 1, instant);
        } else if (value instanceof List<?> list) {
          ps.setArray(
              i + 1, RunRows.textArray(connection, list.stream().map(String::valueOf).toList()));
        } else {
          ps.setObject(i + 1, value);
        }
      }
      return ps.executeUpdate();
    }
  }

  Optional<BulkActionRecord> find(UUID environmentId, UUID actionId) {
    return database.read(
        "find bulk action " + actionId,
        connection -> Optional.ofNullable(find(connection, environmentId, actionId)));
  }

  static BulkActionRecord find(Connection connection, UUID environmentId, UUID actionId)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(FIND)) {
      ps.setObject(1, environmentId);
      ps.setObject(2, actionId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? action(rs) : null;
      }
    }
  }

  List<BulkActionRecord> list(UUID environmentId, UUID beforeId, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0 but was " + limit);
    }
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM bulk_actions WHERE environment_id = ?"
            + (beforeId == null ? "" : " AND id < ?")
            + " ORDER BY id DESC LIMIT ?";
    return database.read(
        "list bulk actions",
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(sql)) {
            int i = 1;
            ps.setObject(i++, environmentId);
            if (beforeId != null) {
              ps.setObject(i++, beforeId);
            }
            ps.setInt(i, limit);
            List<BulkActionRecord> actions = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                actions.add(action(rs));
              }
            }
            return actions;
          }
        });
  }

  /** A bulk action from {@link #COLUMNS}. */
  static BulkActionRecord action(ResultSet rs) throws SQLException {
    return new BulkActionRecord(
        RunRows.uuid(rs, "id"),
        RunRows.uuid(rs, "environment_id"),
        BulkActionRecord.Kind.valueOf(rs.getString("kind")),
        BulkActionRecord.Status.valueOf(rs.getString("status")),
        new Filter(
            RunRows.tags(rs, "filter_statuses").stream().map(RunStatus::valueOf).toList(),
            rs.getString("filter_task_id"),
            rs.getString("filter_tag"),
            RunRows.instant(rs, "filter_from"),
            RunRows.instant(rs, "filter_to")),
        rs.getInt("total"),
        rs.getInt("processed"),
        rs.getInt("succeeded"),
        rs.getInt("failed"),
        rs.getInt("skipped"),
        rs.getString("error"),
        RunRows.instant(rs, "created_at"),
        RunRows.instant(rs, "updated_at"),
        RunRows.instant(rs, "finished_at"));
  }
}
