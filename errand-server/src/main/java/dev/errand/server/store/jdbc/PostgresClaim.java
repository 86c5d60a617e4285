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
  private final String keyState;
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
                .formatted(claimable, DUE),
            """
            , cursor AS (
              UPDATE queues SET key_cursor = CAST(? AS text)
              WHERE environment_id = ? AND name = ? AND CAST(? AS text) IS NOT NULL
            )""");
    this.keyState = keyState(claimable);
    this.turn = new QueueTurn(dialect);
  }

  /** The claim statement around a {@code picked} CTE (ids and available_at of the runs to take). */
  static String sql(Dialect dialect, String picked) {
    return sql(dialect, picked, "");
  }

  /**
   * The claim statement around a {@code picked} CTE, with {@code more} CTEs (each starting with a
   * comma) after the claim's own, their parameters after the claim's.
   */
  static String sql(Dialect dialect, String picked, String more) {
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
    )%7$s
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
            picked,
            more);
  }

  /** The plain claim's statement (for plan tests). */
  String byTaskSql() {
    return byTask;
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
          String lock = "errand-queue/" + request.environmentId() + "/" + queue;
          if (limits.rateLimit() != null) {
            // the rate window is read before the key state: the lock comes first
            lock(connection, lock);
            return completion.apply(connection, turn.take(connection, capped, queue, limits, this));
          }
          // the lock and the key state in one round trip: two statements, so the state's
          // snapshot is taken after the lock is held
          return completion.apply(
              connection, turn.take(connection, capped, queue, limits, new Locking(this, lock)));
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

  private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))";

  private static void lock(Connection connection, String name) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(LOCK)) {
      ps.setString(1, name);
      ps.executeQuery().close();
    }
  }

  /**
   * {@link QueueTurn.KeyedPick#keyState} in one round trip: the executing runs per key (kind 0),
   * the cursor (kind 1), and the due keys (kind 2) from two loose index scans in key order, the
   * keys after the cursor and then, wrapping around, the keys up to it (all keys when there is no
   * cursor yet). The scans are evaluated only as far as the limit reads them: free slots (the
   * request, less what the total limit leaves) plus the keys that are full.
   */
  private static String keyState(String claimable) {
    String next =
        """
        (SELECT r.concurrency_key FROM runs r
         WHERE r.environment_id = ? AND r.queue = ? AND r.%1$s AND r.concurrency_key > %%s
         ORDER BY r.concurrency_key LIMIT 1)"""
            .formatted(claimable);
    return """
        WITH RECURSIVE cur AS (
          SELECT key_cursor AS c FROM queues WHERE environment_id = ? AND name = ?
        ), ex AS (
          SELECT concurrency_key AS key, CAST(COUNT(*) AS int) AS n FROM runs
          WHERE environment_id = ? AND queue = ? AND status = 'EXECUTING'
          GROUP BY concurrency_key
        ), after_cursor(key) AS (
          SELECT %3$s
          UNION ALL
          SELECT %4$s FROM after_cursor a WHERE a.key IS NOT NULL
        ), from_start(key) AS (
          SELECT (SELECT r.concurrency_key FROM runs r
                  WHERE r.environment_id = ? AND r.queue = ? AND r.%1$s AND r.concurrency_key >= ''
                  ORDER BY r.concurrency_key LIMIT 1)
          UNION ALL
          SELECT %5$s FROM from_start s
          WHERE s.key IS NOT NULL
            AND ((SELECT c FROM cur) IS NULL OR s.key < (SELECT c FROM cur))
        )
        SELECT 0 AS kind, key, n FROM ex
        UNION ALL
        SELECT 1, c, NULL FROM cur
        UNION ALL
        (SELECT 2, d.key, NULL FROM (
           SELECT key FROM after_cursor WHERE key IS NOT NULL
           UNION ALL
           SELECT key FROM from_start
           WHERE key IS NOT NULL AND ((SELECT c FROM cur) IS NULL OR key <= (SELECT c FROM cur))
         ) d
         WHERE EXISTS (
           SELECT 1 FROM runs
           WHERE environment_id = ? AND queue = ? AND concurrency_key = d.key AND %1$s
             AND task_id = ANY(CAST(? AS text[])) AND %2$s)
         LIMIT (SELECT LEAST(%6$d, GREATEST(0, LEAST(CAST(? AS bigint),
                  COALESCE(CAST(? AS bigint) - (SELECT COALESCE(SUM(n), 0) FROM ex),
                           CAST(? AS bigint))))
                + (SELECT COUNT(*) FROM ex WHERE n >= CAST(? AS int)))))
        """
        .formatted(
            claimable,
            DUE,
            next.formatted("(SELECT c FROM cur)"),
            next.formatted("a.key"),
            next.formatted("s.key"),
            QueueTurn.MAX_KEYS_PER_CLAIM);
  }

  /** The statement that reads a limited claim's key state (for plan tests). */
  String keyStateSql() {
    return keyState;
  }

  /** This pick, but taking the queue's lock in the key state's round trip first. */
  private record Locking(PostgresClaim claim, String lock) implements QueueTurn.KeyedPick {
    @Override
    public List<QueueTurn.KeyedRun> claim(
        Connection connection,
        Request request,
        String queue,
        Map<String, Integer> slots,
        String cursor)
        throws SQLException {
      return claim.claim(connection, request, queue, slots, cursor);
    }

    @Override
    public QueueTurn.KeyState keyState(
        Connection connection, Request request, String queue, QueueLimits limits, int max)
        throws SQLException {
      return claim.keyState(connection, request, queue, limits, max, lock);
    }
  }

  @Override
  public QueueTurn.KeyState keyState(
      Connection connection, Request request, String queue, QueueLimits limits, int max)
      throws SQLException {
    return keyState(connection, request, queue, limits, max, null);
  }

  /**
   * Reads the key state; with a {@code lock} name, takes that advisory lock first in the same round
   * trip (pgjdbc sends both statements before one sync, and PostgreSQL gives each its own snapshot,
   * so the state includes every claim that committed before the lock was granted).
   */
  QueueTurn.KeyState keyState(
      Connection connection,
      Request request,
      String queue,
      QueueLimits limits,
      int max,
      String lock)
      throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(lock == null ? keyState : LOCK + ";\n" + keyState)) {
      int i = 0;
      if (lock != null) {
        ps.setString(++i, lock);
      }
      for (int scan = 0; scan < 6; scan++) { // cur, ex, both steps of both scans
        ps.setObject(++i, request.environmentId());
        ps.setString(++i, queue);
      }
      ps.setObject(++i, request.environmentId());
      ps.setString(++i, queue);
      ps.setArray(++i, RunRows.textArray(connection, request.taskIds()));
      ps.setLong(++i, max);
      if (limits.totalConcurrency() == null) {
        ps.setNull(++i, java.sql.Types.BIGINT);
      } else {
        ps.setLong(++i, limits.totalConcurrency());
      }
      ps.setLong(++i, max);
      if (limits.keyConcurrency() == null) {
        ps.setNull(++i, java.sql.Types.INTEGER);
      } else {
        ps.setInt(++i, limits.keyConcurrency());
      }
      Map<String, Integer> executing = new java.util.HashMap<>();
      String cursor = null;
      List<String> due = new ArrayList<>();
      ps.execute();
      if (lock != null) {
        ps.getMoreResults(); // past the lock's row
      }
      try (ResultSet rs = ps.getResultSet()) {
        while (rs.next()) {
          switch (rs.getInt(1)) {
            case 0 -> executing.put(rs.getString(2), rs.getInt(3));
            case 1 -> cursor = rs.getString(2);
            default -> due.add(rs.getString(2));
          }
        }
      }
      return new QueueTurn.KeyState(executing, cursor, due);
    }
  }

  @Override
  public List<QueueTurn.KeyedRun> claim(
      Connection connection,
      Request request,
      String queue,
      Map<String, Integer> slots,
      String cursor)
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
      ps.setString(10, cursor);
      ps.setObject(11, request.environmentId());
      ps.setString(12, queue);
      ps.setString(13, cursor);
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
