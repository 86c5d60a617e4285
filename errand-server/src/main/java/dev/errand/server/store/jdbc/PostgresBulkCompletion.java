package dev.errand.server.store.jdbc;

import dev.errand.sdk.RunStatus;
import dev.errand.server.store.AttemptOutcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Completes many succeeded attempts in one set-based statement on PostgreSQL: the outcomes arrive
 * as arrays, one {@code UPDATE ... FROM unnest(...)} moves the runs to {@code COMPLETED} under the
 * same fencing as every worker write (run, lease token, attempt, environment, status), a second CTE
 * finishes their attempt rows, and {@code RETURNING} says which were accepted. It replaces two
 * row-by-row batches and a re-read, the hottest write of a busy worker.
 *
 * <p>The statement runs with {@code plan_cache_mode = force_custom_plan}: with a generic plan
 * PostgreSQL cannot see the arrays' sizes and chose plans that took up to 840 ms a batch.
 */
final class PostgresBulkCompletion {
  private static final String CUSTOM_PLAN = "SET LOCAL plan_cache_mode = force_custom_plan";

  private static final String COMPLETE =
      """
      WITH o AS (
        SELECT * FROM unnest(CAST(? AS uuid[]), CAST(? AS bigint[]), CAST(? AS int[]),
                             CAST(? AS text[])) AS o(id, token, attempt, output)
      ), done AS (
        UPDATE runs r SET status = %1$s, output = o.output, error = NULL,
          finished_at = CURRENT_TIMESTAMP, lease_worker_id = NULL, lease_expires_at = NULL,
          version = r.version + 1, updated_at = CURRENT_TIMESTAMP
        FROM o
        WHERE r.id = o.id AND r.lease_token = o.token AND r.attempt_count = o.attempt
          AND r.environment_id = ? AND r.%2$s
        RETURNING r.id, r.attempt_count
      ), finished AS (
        UPDATE attempts a SET status = '%3$s', finished_at = CURRENT_TIMESTAMP, error = NULL
        FROM done
        WHERE a.run_id = done.id AND a.number = done.attempt_count AND a.status = '%4$s'
      )
      SELECT id FROM done
      """
          .formatted(
              StatusSql.literal(RunStatus.COMPLETED),
              StatusSql.executingMayMoveTo(RunStatus.COMPLETED),
              Attempts.COMPLETED,
              Attempts.EXECUTING);

  private PostgresBulkCompletion() {}

  /** Completes the succeeded outcomes; returns the run ids whose outcome was accepted. */
  static Set<UUID> complete(
      Connection connection, UUID environmentId, List<AttemptOutcome> succeeded)
      throws SQLException {
    int n = succeeded.size();
    Object[] ids = new Object[n];
    Object[] tokens = new Object[n];
    Object[] attempts = new Object[n];
    Object[] outputs = new Object[n];
    for (int i = 0; i < n; i++) {
      AttemptOutcome o = succeeded.get(i);
      ids[i] = o.runId();
      tokens[i] = o.leaseToken();
      attempts[i] = o.attempt();
      outputs[i] = o.outputJson();
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute(CUSTOM_PLAN);
    }
    Set<UUID> accepted = new HashSet<>();
    try (PreparedStatement ps = connection.prepareStatement(COMPLETE)) {
      ps.setArray(1, connection.createArrayOf("uuid", ids));
      ps.setArray(2, connection.createArrayOf("bigint", tokens));
      ps.setArray(3, connection.createArrayOf("integer", attempts));
      ps.setArray(4, connection.createArrayOf("text", outputs));
      ps.setObject(5, environmentId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          accepted.add(RunRows.uuid(rs, "id"));
        }
      }
    }
    return accepted;
  }
}
