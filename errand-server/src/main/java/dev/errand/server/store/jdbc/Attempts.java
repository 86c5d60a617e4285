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

  static final String SUSPENDED = "SUSPENDED";
  static final String TIMED_OUT = "TIMED_OUT";

  /**
   * A resumed run executes its attempt again (its number stays): the SUSPENDED row is reused. The
   * started_at of the attempt's first execution is kept.
   */
  private static final String INSERT_EXECUTING =
      "MERGE INTO attempts a USING (VALUES (CAST(? AS UUID), CAST(? AS INTEGER), CAST(? AS VARCHAR)))"
          + " AS v(run_id, number, worker_id) ON a.run_id = v.run_id AND a.number = v.number"
          + " WHEN MATCHED THEN UPDATE SET status = '"
          + EXECUTING
          + "', worker_id = v.worker_id, finished_at = NULL, error = NULL"
          + " WHEN NOT MATCHED THEN INSERT (run_id, number, status, worker_id, started_at)"
          + " VALUES (v.run_id, v.number, '"
          + EXECUTING
          + "', v.worker_id, CURRENT_TIMESTAMP)";

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
