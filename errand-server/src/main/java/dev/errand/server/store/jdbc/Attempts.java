package dev.errand.server.store.jdbc;

import dev.errand.server.store.ClaimedRun;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** The attempt rows' statuses and the statements that write them. */
final class Attempts {
  private Attempts() {}

  static final String EXECUTING = "EXECUTING";
  static final String COMPLETED = "COMPLETED";
  static final String FAILED = "FAILED";
  static final String CRASHED = "CRASHED";
  static final String CANCELED = "CANCELED";

  /** Ends the executing attempt {@code number} of a run. Parameters: status, error, run, number. */
  static final String FINISH =
      "UPDATE attempts SET status = ?, finished_at = CURRENT_TIMESTAMP, error = ?"
          + " WHERE run_id = ? AND number = ? AND status = '"
          + EXECUTING
          + "'";

  /** Cancels whatever attempt of a run is executing. Parameter: run. */
  static final String CANCEL_EXECUTING =
      "UPDATE attempts SET status = '"
          + CANCELED
          + "', finished_at = CURRENT_TIMESTAMP WHERE run_id = ? AND status = '"
          + EXECUTING
          + "'";

  private static final String INSERT_EXECUTING =
      "INSERT INTO attempts (run_id, number, status, worker_id, started_at)"
          + " VALUES (?, ?, '"
          + EXECUTING
          + "', ?, CURRENT_TIMESTAMP)";

  /** Inserts the executing attempts of freshly claimed runs, in one batch. */
  static void insertExecuting(Connection connection, List<ClaimedRun> runs, String workerId)
      throws SQLException {
    if (runs.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = connection.prepareStatement(INSERT_EXECUTING)) {
      for (ClaimedRun run : runs) {
        ps.setObject(1, run.runId());
        ps.setInt(2, run.attempt());
        ps.setString(3, workerId);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
