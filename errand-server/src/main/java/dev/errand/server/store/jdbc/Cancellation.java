package dev.errand.server.store.jdbc;

import dev.errand.sdk.RunStatus;
import dev.errand.server.store.RunRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/** Cancels a run that is not final, and its executing attempt, in one transaction. */
final class Cancellation {

  private static final String CANCEL_RUN =
      "UPDATE runs SET status = "
          + StatusSql.literal(RunStatus.CANCELED)
          + ", finished_at = CURRENT_TIMESTAMP, lease_worker_id = NULL, lease_expires_at = NULL,"
          + " version = version + 1, updated_at = CURRENT_TIMESTAMP"
          + " WHERE id = ? AND environment_id = ? AND "
          + StatusSql.mayMoveTo(RunStatus.CANCELED);
  private static final String UNFINISHED_CHILDREN =
      "SELECT id FROM runs WHERE parent_run_id = ? AND "
          + StatusSql.mayMoveTo(RunStatus.CANCELED)
          + " ORDER BY id";
  private final Database database;

  Cancellation(Database database) {
    this.database = database;
  }

  RunRecord cancel(UUID environmentId, UUID runId) {
    return database.transaction(
        "cancel run " + runId,
        connection -> {
          boolean canceled = cancel(connection, environmentId, runId);
          if (canceled) {
            PendingAudit.write(connection);
          }
          return RunRows.afterGuardedUpdate(
              connection, environmentId, runId, canceled, RunStatus.CANCELED);
        });
  }

  /**
   * Cancels a run that is not final, its executing attempt and its unfinished descendants, in the
   * caller's transaction; false (and nothing changed) when the run is final or unknown.
   */
  static boolean cancel(Connection connection, UUID environmentId, UUID runId) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(CANCEL_RUN)) {
      ps.setObject(1, runId);
      ps.setObject(2, environmentId);
      if (ps.executeUpdate() == 0) {
        return false;
      }
    }
    try (PreparedStatement ps = connection.prepareStatement(Attempts.CANCEL_EXECUTING)) {
      ps.setObject(1, runId);
      ps.executeUpdate();
    }
    cancelDescendants(connection, environmentId, runId);
    return true;
  }

  /** Cancels the unfinished children of a run, their children, and so on. */
  private static void cancelDescendants(Connection connection, UUID environmentId, UUID parentId)
      throws SQLException {
    java.util.ArrayDeque<UUID> parents = new java.util.ArrayDeque<>();
    parents.add(parentId);
    while (!parents.isEmpty()) {
      UUID parent = parents.poll();
      java.util.List<UUID> children = new java.util.ArrayList<>();
      try (PreparedStatement ps = connection.prepareStatement(UNFINISHED_CHILDREN)) {
        ps.setObject(1, parent);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            children.add(RunRows.uuid(rs, "id"));
          }
        }
      }
      for (UUID child : children) {
        try (PreparedStatement ps = connection.prepareStatement(CANCEL_RUN)) {
          ps.setObject(1, child);
          ps.setObject(2, environmentId);
          ps.executeUpdate();
        }
        try (PreparedStatement ps = connection.prepareStatement(Attempts.CANCEL_EXECUTING)) {
          ps.setObject(1, child);
          ps.executeUpdate();
        }
        parents.add(child);
      }
    }
  }
}
