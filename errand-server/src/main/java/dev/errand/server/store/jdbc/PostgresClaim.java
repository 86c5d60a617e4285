package dev.errand.server.store.jdbc;

import dev.errand.sdk.RunStatus;
import dev.errand.server.store.ClaimedRun;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * One statement: pick due runs with {@code FOR UPDATE SKIP LOCKED}, one task at a time (a LATERAL
 * per task id, each an ordered, limited walk of the partial index {@code runs_claimable_idx}, so a
 * large backlog is never read or sorted), then the oldest {@code max} of those, move them to {@code
 * EXECUTING}, insert their attempts, return them. The pick is a CTE so that it runs exactly once;
 * concurrent claimers skip each other's rows instead of waiting for them.
 */
final class PostgresClaim implements Claim {

  private final String sql;

  private final QueueAllowance allowance;

  PostgresClaim(Dialect dialect) {
    this.sql = sql(dialect);
    this.allowance = new QueueAllowance(dialect);
  }

  static String sql(Dialect dialect) {
    String claimable = StatusSql.mayMoveTo(RunStatus.EXECUTING);
    return """
    WITH picked AS (
      SELECT p.id, p.available_at
      FROM unnest(CAST(? AS text[])) AS t(task_id)
      CROSS JOIN LATERAL (
        SELECT id, available_at FROM runs
        WHERE environment_id = ? AND task_id = t.task_id AND %1$s
          AND available_at <= CURRENT_TIMESTAMP
          AND (expires_at IS NULL OR expires_at > CURRENT_TIMESTAMP)
          AND (not_before IS NULL OR not_before <= CURRENT_TIMESTAMP)
        ORDER BY available_at, id
        LIMIT ?
        FOR UPDATE SKIP LOCKED
      ) p
      ORDER BY p.available_at, p.id
      LIMIT ?
    ), claimed AS (
      UPDATE runs r SET
        status = %2$s,
        attempt_count = r.attempt_count + 1,
        lease_token = r.lease_token + 1,
        lease_worker_id = ?,
        deadline_at = %4$s,
        lease_expires_at = LEAST(%3$s, COALESCE(%4$s, %3$s)),
        started_at = COALESCE(r.started_at, CURRENT_TIMESTAMP),
        expires_at = NULL,
        not_before = NULL,
        version = r.version + 1,
        updated_at = CURRENT_TIMESTAMP
      FROM picked
      WHERE r.id = picked.id AND r.%1$s
      RETURNING r.id, r.task_id, r.payload, r.attempt_count, r.lease_token, r.tags,
                r.available_at, r.lease_worker_id, r.max_duration_ms, r.step_count
    ), attempt AS (
      INSERT INTO attempts (run_id, number, status, worker_id, started_at)
      SELECT id, attempt_count, %2$s, lease_worker_id, CURRENT_TIMESTAMP FROM claimed
      ON CONFLICT (run_id, number) DO UPDATE SET
        status = EXCLUDED.status, worker_id = EXCLUDED.worker_id, finished_at = NULL, error = NULL
    )
    SELECT %5$s
    FROM claimed
    ORDER BY available_at, id
    """
        .formatted(
            claimable,
            StatusSql.literal(RunStatus.EXECUTING),
            dialect.plusMillis("CURRENT_TIMESTAMP"),
            Steps.deadline(dialect, "r."),
            RunRows.CLAIMED_COLUMNS);
  }

  @Override
  public List<ClaimedRun> claim(Database database, Request request, Completion completion) {
    return database.transaction(
        "claim runs", connection -> completion.apply(connection, claim(connection, request)));
  }

  /**
   * The queue's claims take turns on a transaction-scoped advisory lock keyed by environment and
   * queue: the count of executing runs read after taking it includes every earlier claim (they
   * committed before releasing it), and runs only enter EXECUTING through a claim.
   */
  @Override
  public List<ClaimedRun> claimLimited(
      Database database,
      Request request,
      String queue,
      dev.errand.server.store.Store.QueueLimits limits,
      Completion completion) {
    return database.transaction(
        "claim runs of queue " + queue,
        connection -> {
          try (PreparedStatement ps =
              connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
            ps.setString(1, "errand-queue/" + request.environmentId() + "/" + queue);
            ps.executeQuery().close();
          }
          int free = allowance.free(connection, request, queue, limits);
          if (free <= 0) {
            return List.of();
          }
          List<ClaimedRun> claimed =
              claim(connection, request.withMax(Math.min(free, request.max())));
          allowance.recordStarts(connection, request, queue, limits, claimed.size());
          return completion.apply(connection, claimed);
        });
  }

  private List<ClaimedRun> claim(java.sql.Connection connection, Request request)
      throws java.sql.SQLException {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setArray(1, RunRows.textArray(connection, request.taskIds()));
      ps.setObject(2, request.environmentId());
      ps.setInt(3, request.max());
      ps.setInt(4, request.max());
      ps.setString(5, request.workerId());
      ps.setLong(6, request.leaseMillis());
      ps.setLong(7, request.leaseMillis());
      List<ClaimedRun> claimed = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          claimed.add(RunRows.claimed(rs));
        }
      }
      return claimed;
    }
  }
}
