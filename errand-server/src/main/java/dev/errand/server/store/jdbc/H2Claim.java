package dev.errand.server.store.jdbc;

import dev.errand.sdk.RunStatus;
import dev.errand.server.store.ClaimedRun;
import dev.errand.server.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded store's claim: a short transaction that selects due ids, moves them to {@code
 * EXECUTING} with a guarded {@code UPDATE} (returned through {@code FINAL TABLE}) and batch-inserts
 * their attempts.
 *
 * <p>Not {@code FOR UPDATE SKIP LOCKED}: H2 2.4 accepts the syntax, but it locks every row the
 * query scans, not only the rows it returns, so a concurrent claimer finds nothing at all. Instead
 * claims in this JVM take turns on a lock (an embedded database belongs to one JVM), and the {@code
 * UPDATE} re-checks the status: a run another transaction moved meanwhile (a cancel) is simply not
 * claimed. Correctness rests on that guard, not on the lock; the lock only keeps concurrent
 * claimers from picking the same candidates and coming back short.
 */
final class H2Claim implements Claim, QueueTurn.KeyedPick {

  private final ReentrantLock turn = new ReentrantLock();
  private final Map<Integer, String> selectDueByTaskCount = new ConcurrentHashMap<>();
  private final String update;

  private final QueueTurn queueTurn;
  private final String dueKeys;
  private final String dueByKey;

  H2Claim(Dialect dialect) {
    this.queueTurn = new QueueTurn(dialect);
    String claimable = StatusSql.mayMoveTo(RunStatus.EXECUTING);
    this.update =
        """
        SELECT %4$s, concurrency_key FROM FINAL TABLE (
          UPDATE runs SET
            status = %2$s,
            attempt_count = attempt_count + 1,
            lease_token = lease_token + 1,
            lease_worker_id = ?,
            deadline_at = %5$s,
            lease_expires_at = LEAST(%3$s, COALESCE(%5$s, %3$s)),
            started_at = COALESCE(started_at, CURRENT_TIMESTAMP),
            expires_at = NULL,
            not_before = NULL,
            version = version + 1,
            updated_at = CURRENT_TIMESTAMP
          WHERE id = ANY(?) AND %1$s AND available_at <= CURRENT_TIMESTAMP
            AND (expires_at IS NULL OR expires_at > CURRENT_TIMESTAMP)
            AND (not_before IS NULL OR not_before <= CURRENT_TIMESTAMP))
        """
            .formatted(
                claimable,
                StatusSql.literal(RunStatus.EXECUTING),
                dialect.plusMillis("CURRENT_TIMESTAMP"),
                RunRows.CLAIMED_COLUMNS,
                Steps.deadline(dialect, ""));
    String due =
        claimable
            + " AND task_id = ANY(?) AND available_at <= CURRENT_TIMESTAMP"
            + " AND (expires_at IS NULL OR expires_at > CURRENT_TIMESTAMP)"
            + " AND (not_before IS NULL OR not_before <= CURRENT_TIMESTAMP)";
    this.dueKeys =
        "SELECT DISTINCT concurrency_key FROM runs WHERE environment_id = ? AND queue = ? AND "
            + due
            + " AND (CAST(? AS VARCHAR) IS NULL OR concurrency_key > CAST(? AS VARCHAR))"
            + " ORDER BY concurrency_key LIMIT ?";
    this.dueByKey =
        "SELECT id, concurrency_key FROM (SELECT id, available_at, concurrency_key, ROW_NUMBER()"
            + " OVER (PARTITION BY concurrency_key ORDER BY available_at, id) AS n FROM runs"
            + " WHERE environment_id = ? AND queue = ? AND concurrency_key = ANY(?) AND "
            + due
            + ") d WHERE n <= ? ORDER BY available_at, id";
  }

  /**
   * The embedded store belongs to one JVM: the claims' turn lock also serializes the counts (the
   * queue's and the environment's).
   */
  @Override
  public List<ClaimedRun> claimLimited(
      Database database,
      Request request,
      String queue,
      dev.errand.server.store.Store.QueueLimits limits,
      Completion completion) {
    return inTurn(
        database,
        "claim runs of queue " + queue,
        request,
        (connection, capped) ->
            completion.apply(connection, queueTurn.take(connection, capped, queue, limits, this)));
  }

  /** A claim's work, given the request capped by the environment's cap. */
  @FunctionalInterface
  private interface CappedClaim {
    List<ClaimedRun> apply(Connection connection, Request capped) throws SQLException;
  }

  /**
   * Runs a claim in a transaction while holding the claims' turn, with the request capped by what
   * the environment's cap leaves (nothing to do when that is none).
   */
  private List<ClaimedRun> inTurn(
      Database database, String what, Request request, CappedClaim claim) {
    takeTurn();
    try {
      return database.transaction(
          what,
          connection -> {
            Request capped =
                request.withMax(
                    Math.min(request.max(), QueueTurn.environmentFree(connection, request)));
            return capped.max() <= 0 ? List.<ClaimedRun>of() : claim.apply(connection, capped);
          });
    } finally {
      turn.unlock();
    }
  }

  @Override
  public QueueTurn.KeyState keyState(
      Connection connection,
      Request request,
      String queue,
      dev.errand.server.store.Store.QueueLimits limits,
      int max)
      throws SQLException {
    return QueueTurn.keyStateByStatements(connection, request, queue, limits, max, this::dueKeys);
  }

  private List<String> dueKeys(
      Connection connection, Request request, String queue, String after, int limit)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(dueKeys)) {
      ps.setObject(1, request.environmentId());
      ps.setString(2, queue);
      ps.setArray(3, RunRows.textArray(connection, request.taskIds()));
      ps.setString(4, after);
      ps.setString(5, after);
      ps.setInt(6, limit);
      return QueueTurn.firstColumn(ps);
    }
  }

  /** The first n due runs of each key (a window over the key's due runs), then one update. */
  @Override
  public List<QueueTurn.KeyedRun> claim(
      Connection connection,
      Request request,
      String queue,
      Map<String, Integer> slots,
      String cursor)
      throws SQLException {
    if (cursor != null) {
      QueueTurn.setCursor(connection, request, queue, cursor);
    }
    int most = slots.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    List<UUID> due = new ArrayList<>();
    Map<String, Integer> taken = new HashMap<>();
    try (PreparedStatement ps = connection.prepareStatement(dueByKey)) {
      ps.setObject(1, request.environmentId());
      ps.setString(2, queue);
      ps.setArray(3, RunRows.textArray(connection, slots.keySet()));
      ps.setArray(4, RunRows.textArray(connection, request.taskIds()));
      ps.setInt(5, most);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String key = rs.getString("concurrency_key");
          if (taken.merge(key, 1, Integer::sum) <= slots.get(key)) {
            due.add(RunRows.uuid(rs, "id"));
          }
        }
      }
    }
    return update(connection, request, due);
  }

  private void takeTurn() {
    try {
      turn.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("claim runs interrupted while waiting for its turn", e);
    }
  }

  @Override
  public List<ClaimedRun> claim(Database database, Request request, Completion completion) {
    return inTurn(
        database,
        "claim runs",
        request,
        (connection, capped) -> completion.apply(connection, claim(connection, capped)));
  }

  private List<ClaimedRun> claim(Connection connection, Request request) throws SQLException {
    return update(connection, request, selectDue(connection, request)).stream()
        .map(QueueTurn.KeyedRun::run)
        .toList();
  }

  /** Moves the due runs (still claimable) to EXECUTING, in their order, with their attempts. */
  private List<QueueTurn.KeyedRun> update(Connection connection, Request request, List<UUID> due)
      throws SQLException {
    if (due.isEmpty()) {
      return List.of();
    }
    List<QueueTurn.KeyedRun> claimed = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(update)) {
      ps.setString(1, request.workerId());
      ps.setLong(2, request.leaseMillis());
      ps.setLong(3, request.leaseMillis());
      ps.setArray(4, RunRows.uuidArray(connection, due));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          claimed.add(new QueueTurn.KeyedRun(rs.getString("concurrency_key"), RunRows.claimed(rs)));
        }
      }
    }
    Map<UUID, Integer> position = new HashMap<>();
    for (int i = 0; i < due.size(); i++) {
      position.put(due.get(i), i);
    }
    claimed.sort(Comparator.comparing(c -> position.get(c.run().runId())));
    Attempts.insertExecuting(
        connection, claimed.stream().map(QueueTurn.KeyedRun::run).toList(), request.workerId());
    return claimed;
  }

  /**
   * The due runs, oldest first: one index-ordered, limited walk per task and claimable status
   * ({@code (environment_id, task_id, status, available_at, id)}), merged and cut to {@code max},
   * so the backlog is never read or sorted as a whole.
   */
  private static String selectDue(int taskCount) {
    List<String> walks = new ArrayList<>();
    for (int t = 0; t < taskCount; t++) {
      for (RunStatus status : RunStatus.sourcesOf(RunStatus.EXECUTING)) {
        walks.add(
            "(SELECT id, available_at FROM runs WHERE environment_id = ? AND task_id = ? AND status = "
                + StatusSql.literal(status)
                + " AND available_at <= CURRENT_TIMESTAMP"
                + " AND (expires_at IS NULL OR expires_at > CURRENT_TIMESTAMP)"
                + " AND (not_before IS NULL OR not_before <= CURRENT_TIMESTAMP)"
                + " ORDER BY available_at, id LIMIT ?)");
      }
    }
    return "SELECT id FROM ("
        + String.join(" UNION ALL ", walks)
        + ") due ORDER BY available_at, id LIMIT ?";
  }

  private List<UUID> selectDue(Connection connection, Request request) throws SQLException {
    List<String> tasks = List.copyOf(new java.util.LinkedHashSet<>(request.taskIds()));
    String sql = selectDueByTaskCount.computeIfAbsent(tasks.size(), H2Claim::selectDue);
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      int i = 1;
      for (String task : tasks) {
        for (int s = 0; s < RunStatus.sourcesOf(RunStatus.EXECUTING).size(); s++) {
          ps.setObject(i++, request.environmentId());
          ps.setString(i++, task);
          ps.setInt(i++, request.max());
        }
      }
      ps.setInt(i, request.max());
      List<UUID> ids = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(RunRows.uuid(rs, "id"));
        }
      }
      return ids;
    }
  }
}
