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
  private final Named keyState;
  private final Named firstRound;
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
    this.keyState = Named.parse(keyState(claimable));
    // the claim's own parameters: the worker and the lease (twice)
    this.firstRound = Named.parse(firstRound(dialect, claimable), "worker", "lease", "lease");
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
    return sql(
        dialect,
        "",
        picked,
        more,
        "SELECT "
            + RunRows.CLAIMED_COLUMNS
            + ", concurrency_key\nFROM claimed\n"
            + "ORDER BY available_at, id\n");
  }

  /**
   * The claim statement: {@code before} (CTEs, each ending with a comma, their parameters first),
   * the {@code picked} CTE, the claim's own CTEs, {@code more} CTEs (each starting with a comma),
   * then {@code select}, which reads {@code claimed}.
   */
  static String sql(Dialect dialect, String before, String picked, String more, String select) {
    String claimable = StatusSql.mayMoveTo(RunStatus.EXECUTING);
    return """
    WITH %8$spicked AS (
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
    %5$s"""
        .formatted(
            claimable,
            StatusSql.literal(RunStatus.EXECUTING),
            dialect.plusMillis("CURRENT_TIMESTAMP"),
            Steps.deadline(dialect, "r."),
            select,
            picked,
            more,
            before);
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
          // the lock and the first round in one round trip: two statements, so the round's
          // snapshot is taken after the lock is held
          FirstRound first = firstRound(connection, capped, queue, limits, lock);
          List<ClaimedRun> claimed = first.claimed();
          if (claimed.size() < first.free() && first.maybeMore()) {
            // a key ran short: the round robin goes on from the cursor the first round stored
            claimed = new ArrayList<>(claimed);
            claimed.addAll(
                turn.take(
                    connection,
                    capped.withMax(first.free() - claimed.size()),
                    queue,
                    limits,
                    this));
          }
          return completion.apply(connection, claimed);
        });
  }

  /**
   * What a limited claim's first round did.
   *
   * @param claimed the runs it claimed, oldest first
   * @param free the slots the request and the total limit left
   * @param maybeMore whether a later round could find more: the scan stopped at its limit, or a key
   *     gave all the runs it was asked for and has room for more
   */
  record FirstRound(List<ClaimedRun> claimed, int free, boolean maybeMore) {}

  /**
   * A limited queue's claim in one statement, for the common case: the executing runs per key, the
   * cursor, the keys in cyclic order from it (free slots plus full keys of them), an equal share of
   * the free slots for each key that has room (its oldest due runs, up to its limit), taken round
   * robin (every key's first run in key order, then every key's second...) up to the free slots;
   * the claim, and the new cursor (the key of the last slot). A key with fewer due runs than its
   * share leaves slots free, which {@link QueueTurn#take} then shares out.
   */
  private static String firstRound(Dialect dialect, String claimable) {
    String before =
        keyScan(claimable)
            + """
        , scanned AS (
          SELECT part, key FROM cyclic LIMIT (SELECT n FROM scan_limit)
        ), open AS (
          SELECT s.part, s.key,
                 LEAST((SELECT f FROM free),
                       COALESCE(CAST(:key_limit AS int) - COALESCE(e.n, 0), 2147483647)) AS cap
          FROM scanned s LEFT JOIN ex e ON e.key = s.key
          WHERE CAST(:key_limit AS int) IS NULL OR COALESCE(e.n, 0) < CAST(:key_limit AS int)
        ), share AS (
          SELECT CASE WHEN COUNT(*) = 0 THEN 0
                      ELSE CAST(((SELECT f FROM free) + COUNT(*) - 1) / COUNT(*) AS int) END AS n
          FROM open
        ), cand AS (
          SELECT o.part, o.key, o.cap, LEAST(o.cap, (SELECT n FROM share)) AS lim, p.id,
                 p.available_at,
                 row_number() OVER (PARTITION BY o.key ORDER BY p.available_at, p.id) AS rn
          FROM open o
          CROSS JOIN LATERAL (
            SELECT id, available_at FROM runs
            WHERE environment_id = :env AND queue = :queue AND concurrency_key = o.key
              AND %1$s AND task_id = ANY(CAST(:tasks AS text[])) AND %2$s
            ORDER BY available_at, id
            LIMIT LEAST(o.cap, (SELECT n FROM share))
            FOR UPDATE SKIP LOCKED
          ) p
        ), round AS (
          SELECT id, available_at, key, rn, part FROM cand
          ORDER BY rn, part, key
          LIMIT (SELECT f FROM free)
        ), """
                .formatted(claimable, DUE);
    // the outer limit (a parameter) gives the planner a row estimate for the update's join
    String picked = "SELECT id, available_at FROM round LIMIT CAST(:max AS int)";
    String more =
        """
        , cursor AS (
          UPDATE queues SET key_cursor = last.key
          FROM (SELECT key FROM round ORDER BY rn DESC, part DESC, key DESC LIMIT 1) last
          WHERE environment_id = :env AND name = :queue
            AND key_cursor IS DISTINCT FROM last.key
        )""";
    StringBuilder columns = new StringBuilder();
    for (String column : RunRows.CLAIMED_COLUMNS.split(",\\s*")) {
      columns.append("c.").append(column).append(", ");
    }
    String select =
        """
        SELECT %s c.concurrency_key, s.f AS free, s.more
        FROM (SELECT (SELECT f FROM free) AS f,
                     ((SELECT COUNT(*) FROM scanned) >= (SELECT n FROM scan_limit)
                      OR EXISTS (SELECT 1 FROM cand GROUP BY key
                                 HAVING COUNT(*) >= MAX(lim) AND MAX(lim) < MAX(cap))) AS more
             ) s
        LEFT JOIN claimed c ON true
        ORDER BY c.available_at, c.id
        """
            .formatted(columns);
    return sql(dialect, before, picked, more, select);
  }

  /** The first round's statement (for plan tests). */
  Named firstRoundStatement() {
    return firstRound;
  }

  /** Takes the queue's lock and runs the first round, in one round trip. */
  FirstRound firstRound(
      Connection connection, Request request, String queue, QueueLimits limits, String lock)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(LOCK + ";\n" + firstRound.sql())) {
      ps.setString(1, lock);
      bind(firstRound, ps, 1, connection, request, queue, limits);
      ps.execute();
      ps.getMoreResults(); // past the lock's row
      List<ClaimedRun> claimed = new ArrayList<>();
      int free = 0;
      boolean more = false;
      try (ResultSet rs = ps.getResultSet()) {
        while (rs.next()) {
          free = rs.getInt("free");
          more = rs.getBoolean("more");
          if (rs.getObject("id") != null) {
            claimed.add(RunRows.claimed(rs));
          }
        }
      }
      return new FirstRound(claimed, free, more);
    }
  }

  /** Binds {@code statement}'s parameters after the first {@code offset} ones. */
  static void bind(
      Named statement,
      PreparedStatement ps,
      int offset,
      Connection connection,
      Request request,
      String queue,
      QueueLimits limits)
      throws SQLException {
    java.sql.Array tasks = RunRows.textArray(connection, request.taskIds());
    List<String> names = statement.names();
    for (int i = 0; i < names.size(); i++) {
      int at = offset + i + 1;
      switch (names.get(i)) {
        case "env" -> ps.setObject(at, request.environmentId());
        case "queue" -> ps.setString(at, queue);
        case "max" -> ps.setInt(at, request.max());
        case "total" -> setNullableInt(ps, at, limits.totalConcurrency());
        case "key_limit" -> setNullableInt(ps, at, limits.keyConcurrency());
        case "tasks" -> ps.setArray(at, tasks);
        case "worker" -> ps.setString(at, request.workerId());
        case "lease" -> ps.setLong(at, request.leaseMillis());
        default -> throw new IllegalStateException("unbound parameter :" + names.get(i));
      }
    }
  }

  private static void setNullableInt(PreparedStatement ps, int at, Integer value)
      throws SQLException {
    if (value == null) {
      ps.setNull(at, java.sql.Types.INTEGER);
    } else {
      ps.setInt(at, value);
    }
  }

  /**
   * A statement with named parameters ({@code :name}) turned into positional ones.
   *
   * @param sql the statement with {@code ?} in their places
   * @param names the parameters' names in order
   */
  record Named(String sql, List<String> names) {
    private static final java.util.regex.Pattern PARAMETER =
        java.util.regex.Pattern.compile("(?<![:\\w]):([a-z_]+)|\\?");

    /**
     * Parses {@code sql}, whose plain {@code ?} parameters take the names {@code positional} in
     * order.
     */
    static Named parse(String sql, String... positional) {
      List<String> names = new ArrayList<>();
      java.util.regex.Matcher m = PARAMETER.matcher(sql);
      StringBuilder out = new StringBuilder();
      int plain = 0;
      while (m.find()) {
        if (m.group(1) == null) {
          if (plain == positional.length) {
            throw new IllegalArgumentException("more ? than names: " + sql);
          }
          names.add(positional[plain++]);
        } else {
          names.add(m.group(1));
        }
        m.appendReplacement(out, "?");
      }
      m.appendTail(out);
      if (plain != positional.length) {
        throw new IllegalArgumentException("fewer ? than names: " + sql);
      }
      return new Named(out.toString(), List.copyOf(names));
    }
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
   * The CTEs (after {@code WITH}) that both a limited claim's first round and its key state read:
   * {@code cur}, the queue's key cursor; {@code ex}, the executing runs per key; {@code free}, the
   * slots the request ({@code :max}) and the total limit ({@code :total}) leave, and the keys that
   * are full ({@code :key_limit}); {@code cyclic}, the keys with claimable runs in cyclic key order
   * from the cursor ({@code part} 0: after it, 1: from the start up to it), from two loose index
   * scans evaluated only as far as they are read; {@code scan_limit}, how many of them a claim
   * reads: the free slots plus the full keys.
   */
  private static String keyScan(String claimable) {
    String next =
        """
        (SELECT r.concurrency_key FROM runs r
         WHERE r.environment_id = :env AND r.queue = :queue AND r.%1$s AND r.concurrency_key > %%s
         ORDER BY r.concurrency_key LIMIT 1)"""
            .formatted(claimable);
    return """
        RECURSIVE cur AS (
          SELECT key_cursor AS c FROM queues WHERE environment_id = :env AND name = :queue
        ), ex AS (
          SELECT concurrency_key AS key, CAST(COUNT(*) AS int) AS n FROM runs
          WHERE environment_id = :env AND queue = :queue AND status = 'EXECUTING'
          GROUP BY concurrency_key
        ), free AS (
          SELECT CAST(GREATEST(0, LEAST(CAST(:max AS bigint),
                   COALESCE(CAST(:total AS bigint) - (SELECT COALESCE(SUM(n), 0) FROM ex),
                            CAST(:max AS bigint)))) AS int) AS f,
                 (SELECT COUNT(*) FROM ex WHERE n >= CAST(:key_limit AS int)) AS full_keys
        ), after_cursor(key) AS (
          SELECT %2$s
          UNION ALL
          SELECT %3$s FROM after_cursor a WHERE a.key IS NOT NULL
        ), from_start(key) AS (
          SELECT (SELECT r.concurrency_key FROM runs r
                  WHERE r.environment_id = :env AND r.queue = :queue AND r.%1$s
                    AND r.concurrency_key >= ''
                  ORDER BY r.concurrency_key LIMIT 1)
          UNION ALL
          SELECT %4$s FROM from_start s
          WHERE s.key IS NOT NULL
            AND ((SELECT c FROM cur) IS NULL OR s.key < (SELECT c FROM cur))
        ), cyclic AS (
          SELECT 0 AS part, key FROM after_cursor WHERE key IS NOT NULL
          UNION ALL
          SELECT 1, key FROM from_start
          WHERE key IS NOT NULL AND ((SELECT c FROM cur) IS NULL OR key <= (SELECT c FROM cur))
        ), scan_limit AS (
          SELECT LEAST(%5$d, f + full_keys) AS n FROM free
        )"""
        .formatted(
            claimable,
            next.formatted("(SELECT c FROM cur)"),
            next.formatted("a.key"),
            next.formatted("s.key"),
            QueueTurn.MAX_KEYS_PER_CLAIM);
  }

  /**
   * {@link QueueTurn.KeyedPick#keyState} in one statement: the executing runs per key (kind 0), the
   * cursor (kind 1), and the keys with due runs of the claim's tasks (kind 2) in cyclic order from
   * the cursor, as many as {@code scan_limit}.
   */
  private static String keyState(String claimable) {
    return "WITH "
        + keyScan(claimable)
        + """

        SELECT 0 AS kind, key, n FROM ex
        UNION ALL
        SELECT 1, c, NULL FROM cur
        UNION ALL
        (SELECT 2, d.key, NULL FROM cyclic d
         WHERE EXISTS (
           SELECT 1 FROM runs
           WHERE environment_id = :env AND queue = :queue AND concurrency_key = d.key AND %1$s
             AND task_id = ANY(CAST(:tasks AS text[])) AND %2$s)
         LIMIT (SELECT n FROM scan_limit))
        """
            .formatted(claimable, DUE);
  }

  /** The statement that reads a limited claim's key state (for plan tests). */
  Named keyStateStatement() {
    return keyState;
  }

  @Override
  public QueueTurn.KeyState keyState(
      Connection connection, Request request, String queue, QueueLimits limits, int max)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(keyState.sql())) {
      bind(keyState, ps, 0, connection, request.withMax(max), queue, limits);
      Map<String, Integer> executing = new java.util.HashMap<>();
      String cursor = null;
      List<String> due = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
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
