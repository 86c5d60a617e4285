package dev.errand.server.store.jdbc;

import dev.errand.sdk.RunStatus;
import dev.errand.server.store.RunRecord;
import java.sql.PreparedStatement;
import java.util.UUID;

/**
 * Puts a run that ended without success back in the queue, same id, in one transaction. The run
 * keeps its attempts and completed steps; its budget of attempts starts again from its attempt
 * count. An unfinished wait (a run canceled while it waited) is deleted, so the run waits afresh
 * when its code gets there, and no resumer completes the old wait under the new attempt.
 */
final class ManualRetry {

  /**
   * Every right-hand side reads the row as it was, so {@code max_attempts} grows by the budget the
   * run had: {@code max_attempts - attempts_before_retry}.
   */
  private static final String REQUEUE =
      "UPDATE runs SET status = "
          + StatusSql.literal(RunStatus.QUEUED)
          + ", available_at = CURRENT_TIMESTAMP, finished_at = NULL, output = NULL,"
          + " max_attempts = attempt_count + max_attempts - attempts_before_retry,"
          + " attempts_before_retry = attempt_count, expires_at = NULL, not_before = NULL,"
          + " deadline_at = NULL, lease_worker_id = NULL, lease_expires_at = NULL,"
          + " version = version + 1, updated_at = CURRENT_TIMESTAMP"
          + " WHERE id = ? AND environment_id = ? AND "
          + StatusSql.finishedMayMoveTo(RunStatus.QUEUED);

  private static final String DROP_UNFINISHED_WAITS =
      "DELETE FROM run_steps WHERE run_id = ? AND status = 'WAITING'";

  private final Database database;

  ManualRetry(Database database) {
    this.database = database;
  }

  RunRecord retry(UUID environmentId, UUID runId) {
    return database.transaction(
        "retry run " + runId,
        connection -> {
          int updated;
          try (PreparedStatement ps = connection.prepareStatement(REQUEUE)) {
            ps.setObject(1, runId);
            ps.setObject(2, environmentId);
            updated = ps.executeUpdate();
          }
          if (updated > 0) {
            PendingAudit.write(connection);
            try (PreparedStatement ps = connection.prepareStatement(DROP_UNFINISHED_WAITS)) {
              ps.setObject(1, runId);
              ps.executeUpdate();
            }
          }
          return RunRows.afterGuardedUpdate(
              connection, environmentId, runId, updated > 0, RunStatus.QUEUED);
        });
  }
}
