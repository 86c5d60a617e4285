package dev.errand.server.store.jdbc;

import dev.errand.sdk.RunStatus;
import dev.errand.server.store.ClaimedRun;
import dev.errand.server.store.Store.QueueLimits;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One statement: pick due runs with {@code FOR UPDATE SKIP LOCKED}, one task at a time (a LATERAL
 * per task id, each an ordered, limited walk of the partial index {@code runs_claimable_idx}, so a
 * large backlog is never read or sorted), then the oldest {@code max} of those, move them to {@code
 * EXECUTING}, insert their attempts, return them. The pick is a CTE so that it runs exactly once;
 * concurrent claimers skip each other's rows instead of waiting for them.
 *
 * <p>A limited queue's claim picks per concurrency key instead (a LATERAL per key over {@code
 * runs_queue_key_claimable_idx}), with the slots {@link QueueTurn} gives each key.
 */
final class PostgresClaim implements Claim, QueueTurn.KeyedPick {

  private static final String DUE =
      """
      available_at <= CURRENT_TIMESTAMP
      AND (expires_at IS NULL OR expires_at > CURRENT_TIMESTAMP)
      AND (not_before IS NULL OR not_before <= CURRENT_TIMESTAMP)""";

  private final String byTask;
  private final String byKey;
  private final String dueKeysAfter;
  private final String dueKeysFromStart;
  private final QueueTurn turn;

  PostgresClaim(Dialect dialect) {
    String claimable = StatusSql.mayMoveTo(RunStatus.EXECUTING);
    this.byTask =
        sql(
            dialect,
            """
            SELECT p.id, p.available_at
            FROM unnest(CAST(? AS text[])) AS t(task_id)
            CROSS JOIN LATERAL (
              SELECT id, available_at FROM runs
              WHERE environment_id = ? AND task_id = t.task_id AND %1$s AND %2$s
              ORDER BY available_at, id
              LIMIT ?
              FOR UPDATE SKIP LOCKED
            ) p
            ORDER BY p.available_at, p.id
            LIMIT ?"""
                .formatted(claimable, DUE));
    this.byKey =
        sql(
            dialect,
            """
            SELECT p.id, p.available_at
            FROM unnest(CAST(? AS text[]), CAST(? AS int[])) AS k(concurrency_key, n)
            CROSS JOIN LATERAL (
              SELECT id, available_at FROM runs
              WHERE environment_id = ? AND queue = ? AND concurrency_key = k.concurrency_key
                AND %1$s AND task_id = ANY(CAST(? AS text[])) AND %2$s
              ORDER BY available_at, id
              LIMIT k.n
              FOR UPDATE SKIP LOCKED
            ) p
            LIMIT ?"""
                .formatted(claimable, DUE));
    // A loose index scan from a key on, in key order: one probe per distinct key with claimable
    // runs, then whether the key has a run due now for these tasks; it stops once it has found
    // enough keys (the recursive CTE is evaluated only as far as the outer LIMIT reads). Never
    // reads a key's backlog.
    this.dueKeysAfter = dueKeys(claimable, ">");
    this.dueKeysFromStart = dueKeys(claimable, ">=");
    this.turn = new QueueTurn(dialect);
  }

  private static String dueKeys(String claimable, String bound) {
    return """
        WITH RECURSIVE k(key) AS (
          (SELECT concurrency_key FROM runs
           WHERE environment_id = ? AND queue = ? AND %1$s AND concurrency_key %3$s ?
           ORDER BY concurrency_key LIMIT 1)
          UNION ALL
          SELECT (SELECT r.concurrency_key FROM runs r
                  WHERE r.environment_id = ? AND r.queue = ? AND r.%1$s AND r.concurrency_key > k.key
                  ORDER BY r.concurrency_key LIMIT 1)
          FROM k WHERE k.key IS NOT NULL
        )
        SELECT k.key FROM k
        WHERE k.key IS NOT NULL AND EXISTS (
          SELECT 1 FROM runs
          WHERE environment_id = ? AND queue = ? AND concurrency_key = k.key AND %1$s
            AND task_id = ANY(CAST(? AS text[])) AND %2$s)
        LIMIT ?
        """
        .formatted(claimable, DUE, bound);
  }

  /** The claim statement around a {@code picked} CTE (ids and available_at of the runs to take). */
  static String sql(Dialect dialect, String picked) {
    String claimable = StatusSql.mayMoveTo(RunStatus.EXECUTING);
    return """
    WITH picked AS (
    %6$s
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
                r.available_at, r.lease_worker_id, r.max_duration_ms, r.step_count,
                r.concurrency_key
    ), attempt AS (
      INSERT INTO attempts (run_id, number, status, worker_id, started_at)
      SELECT id, attempt_count, %2$s, lease_worker_id, CURRENT_TIMESTAMP FROM claimed
      ON CONFLICT (run_id, number) DO UPDATE SET
        status = EXCLUDED.status, worker_id = EXCLUDED.worker_id, finished_at = NULL, error = NULL
    )
    SELECT %5$s, concurrency_key
    FROM claimed
    ORDER BY available_at, id
    """
        .formatted(
            claimable,
            StatusSql.literal(RunStatus.EXECUTING),
            dialect.plusMillis("CURRENT_TIMESTAMP"),
            Steps.deadline(dialect, "r."),
            RunRows.CLAIMED_COLUMNS,
            picked);
  }

  /** The plain claim's statement (for plan tests). */
  String byTaskSql() {
    return byTask;
  }

  /** The statement that finds a queue's keys with due runs (for plan tests). */
  String dueKeysSql() {
    return dueKeysFromStart;
  }

  @Override
  public List<ClaimedRun> claim(Database database, Request request, Completion completion) {
    return database.transaction(
        "claim runs",
        connection -> {
          Request capped =
              request.withMax(Math.min(request.max(), environmentTurn(connection, request)));
          if (capped.max() <= 0) {
            return List.of();
          }
          return completion.apply(connection, claimByTask(connection, capped));
        });
  }

  /**
   * The queue's claims take turns on a transaction-scoped advisory lock keyed by environment and
   * queue: the counts read after taking it include every earlier claim (they committed before
   * releasing it), and runs only enter EXECUTING through a claim. With an environment cap, the
   * environment's lock is taken first (one lock order for every claim).
   */
  @Override
  public List<ClaimedRun> claimLimited(
      Database database, Request request, String queue, QueueLimits limits, Completion completion) {
    return database.transaction(
        "claim runs of queue " + queue,
        connection -> {
          Request capped =
              request.withMax(Math.min(request.max(), environmentTurn(connection, request)));
          if (capped.max() <= 0) {
            return List.of();
          }
          lock(connection, "errand-queue/" + request.environmentId() + "/" + queue);
          return completion.apply(connection, turn.take(connection, capped, queue, limits, this));
        });
  }

  /** With an environment cap: takes the environment's turn and returns what the cap leaves. */
  private static int environmentTurn(Connection connection, Request request) throws SQLException {
    if (request.environmentLimit() == null) {
      return Integer.MAX_VALUE;
    }
    lock(connection, "errand-environment/" + request.environmentId());
    return QueueTurn.environmentFree(connection, request);
  }

  private static void lock(Connection connection, String name) throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
      ps.setString(1, name);
      ps.executeQuery().close();
    }
  }

  @Override
  public List<String> dueKeys(
      Connection connection, Request request, String queue, String after, int limit)
      throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(after == null ? dueKeysFromStart : dueKeysAfter)) {
      ps.setObject(1, request.environmentId());
      ps.setString(2, queue);
      ps.setString(3, after == null ? "" : after);
      ps.setObject(4, request.environmentId());
      ps.setString(5, queue);
      ps.setObject(6, request.environmentId());
      ps.setString(7, queue);
      ps.setArray(8, RunRows.textArray(connection, request.taskIds()));
      ps.setInt(9, limit);
      return QueueTurn.firstColumn(ps);
    }
  }

  @Override
  public List<QueueTurn.KeyedRun> claim(
      Connection connection, Request request, String queue, Map<String, Integer> slots)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(byKey)) {
      ps.setArray(1, RunRows.textArray(connection, slots.keySet()));
      ps.setArray(2, connection.createArrayOf("int4", slots.values().toArray(new Integer[0])));
      ps.setObject(3, request.environmentId());
      ps.setString(4, queue);
      ps.setArray(5, RunRows.textArray(connection, request.taskIds()));
      // the outer limit gives the planner a row estimate: without it the update joins the picked
      // runs by scanning the whole table
      ps.setInt(6, slots.values().stream().mapToInt(Integer::intValue).sum());
      bindLease(ps, 7, request);
      List<QueueTurn.KeyedRun> claimed = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          claimed.add(new QueueTurn.KeyedRun(rs.getString("concurrency_key"), RunRows.claimed(rs)));
        }
      }
      return claimed;
    }
  }

  private List<ClaimedRun> claimByTask(Connection connection, Request request) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(byTask)) {
      ps.setArray(1, RunRows.textArray(connection, request.taskIds()));
      ps.setObject(2, request.environmentId());
      ps.setInt(3, request.max());
      ps.setInt(4, request.max());
      bindLease(ps, 5, request);
      List<ClaimedRun> claimed = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          claimed.add(RunRows.claimed(rs));
        }
      }
      return claimed;
    }
  }

  private static void bindLease(PreparedStatement ps, int first, Request request)
      throws SQLException {
    ps.setString(first, request.workerId());
    ps.setLong(first + 1, request.leaseMillis());
    ps.setLong(first + 2, request.leaseMillis());
  }
}
