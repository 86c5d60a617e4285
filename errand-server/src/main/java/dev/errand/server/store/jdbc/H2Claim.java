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
  private final String firstKey;
  private final String nextKey;
  private final String dueOfKey;

  /** The statuses a claim takes runs from, in a fixed order. */
  private static final List<RunStatus> CLAIMABLE =
      List.copyOf(RunStatus.sourcesOf(RunStatus.EXECUTING));

  /** A due run: its id and due time. */
  private record Due(UUID id, java.sql.Timestamp availableAt) {}

  /** Oldest first; a stable sort keeps the index's order among runs due at the same instant. */
  private static final Comparator<Due> OLDEST_FIRST = Comparator.comparing(Due::availableAt);

  /**
   * The oldest due run of each key that {@link #dueKeys} found, so that a key given one slot is
   * claimed without reading its runs again. Only used while holding {@link #turn}, within one
   * claim: {@link #claim(Connection, Request, String, Map, String)} empties it.
   */
  private final Map<String, Due> oldestDue = new HashMap<>();

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
    // Every statement below names one status: with status before concurrency_key in
    // runs_queue_key_claimable_idx, each is one ordered range of the index, read only as far as
    // its LIMIT. H2 walks an index for ORDER BY only when the ORDER BY names the index's leading
    // columns, so it names the columns bound by equality too.
    String due =
        " AND task_id = ANY(?) AND available_at <= CURRENT_TIMESTAMP"
            + " AND (expires_at IS NULL OR expires_at > CURRENT_TIMESTAMP)"
            + " AND (not_before IS NULL OR not_before <= CURRENT_TIMESTAMP)";
    String keys =
        "SELECT concurrency_key FROM runs WHERE environment_id = ? AND queue = ? AND status = ?"
            + " AND concurrency_key %s"
            + " ORDER BY environment_id, queue, status, concurrency_key LIMIT 1";
    this.firstKey = keys.formatted(">= ''");
    this.nextKey = keys.formatted("> ?");
    this.dueOfKey =
        "SELECT id, available_at FROM runs WHERE environment_id = ? AND queue = ? AND status = ?"
            + " AND concurrency_key = ?"
            + due
            + " ORDER BY environment_id, queue, status, concurrency_key, available_at, id LIMIT ?";
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
        (connection, capped) -> {
          oldestDue.clear();
          return completion.apply(
              connection, queueTurn.take(connection, capped, queue, limits, this));
        });
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

  /**
   * Up to {@code limit} keys with due runs of the request's tasks, in key order after {@code after}
   * (null: from the start): a loose index scan per claimable status (one probe per key), merged,
   * and for each key one probe per status it has runs in for its oldest due run, which {@link
   * #oldestDue} keeps for the claim.
   */
  private List<String> dueKeys(
      Connection connection, Request request, String queue, String after, int limit)
      throws SQLException {
    List<String> keys = new ArrayList<>();
    java.sql.Array tasks = RunRows.textArray(connection, request.taskIds());
    try (PreparedStatement first = connection.prepareStatement(firstKey);
        PreparedStatement next = connection.prepareStatement(nextKey);
        PreparedStatement due = connection.prepareStatement(dueOfKey)) {
      String[] heads = new String[CLAIMABLE.size()]; // each status's next key; null: no more
      for (int i = 0; i < heads.length; i++) {
        heads[i] = keyAfter(first, next, request, queue, CLAIMABLE.get(i), after);
      }
      while (keys.size() < limit) {
        String key = null;
        for (String head : heads) {
          if (head != null && (key == null || head.compareTo(key) < 0)) {
            key = head;
          }
        }
        if (key == null) {
          break;
        }
        List<Due> oldest = new ArrayList<>();
        for (int i = 0; i < heads.length; i++) {
          if (key.equals(heads[i])) {
            oldest.addAll(dueOf(due, request, queue, CLAIMABLE.get(i), key, tasks, 1));
            heads[i] = keyAfter(first, next, request, queue, CLAIMABLE.get(i), key);
          }
        }
        if (!oldest.isEmpty()) {
          oldest.sort(OLDEST_FIRST);
          keys.add(key);
          oldestDue.put(key, oldest.getFirst());
        }
      }
    }
    return keys;
  }

  /** Up to {@code n} due runs of {@code key} in {@code status}, oldest first. */
  private static List<Due> dueOf(
      PreparedStatement dueOfKey,
      Request request,
      String queue,
      RunStatus status,
      String key,
      java.sql.Array tasks,
      int n)
      throws SQLException {
    dueOfKey.setObject(1, request.environmentId());
    dueOfKey.setString(2, queue);
    dueOfKey.setString(3, status.name());
    dueOfKey.setString(4, key);
    dueOfKey.setArray(5, tasks);
    dueOfKey.setInt(6, n);
    List<Due> due = new ArrayList<>();
    try (ResultSet rs = dueOfKey.executeQuery()) {
      while (rs.next()) {
        due.add(new Due(RunRows.uuid(rs, "id"), rs.getTimestamp("available_at")));
      }
    }
    return due;
  }

  /** The first key after {@code after} (null: the first key) with a run in {@code status}. */
  private static String keyAfter(
      PreparedStatement first,
      PreparedStatement next,
      Request request,
      String queue,
      RunStatus status,
      String after)
      throws SQLException {
    PreparedStatement ps = after == null ? first : next;
    ps.setObject(1, request.environmentId());
    ps.setString(2, queue);
    ps.setString(3, status.name());
    if (after != null) {
      ps.setString(4, after);
    }
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /**
   * The first n due runs of each key (per status an index walk of the key's due runs, stopped at n;
   * a key given one slot takes the run {@link #dueKeys} found), oldest first, then one update.
   */
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
    List<Due> due = new ArrayList<>();
    java.sql.Array tasks = RunRows.textArray(connection, request.taskIds());
    try (PreparedStatement ps = connection.prepareStatement(dueOfKey)) {
      for (var slot : slots.entrySet()) {
        Due oldest = oldestDue.get(slot.getKey());
        if (slot.getValue() == 1 && oldest != null) {
          due.add(oldest);
          continue;
        }
        List<Due> ofKey = new ArrayList<>();
        for (RunStatus status : CLAIMABLE) {
          ofKey.addAll(dueOf(ps, request, queue, status, slot.getKey(), tasks, slot.getValue()));
        }
        ofKey.sort(OLDEST_FIRST);
        due.addAll(ofKey.subList(0, Math.min(ofKey.size(), slot.getValue())));
      }
    } finally {
      oldestDue.clear(); // a later round reads the keys again
    }
    due.sort(OLDEST_FIRST);
    return update(connection, request, due.stream().map(Due::id).toList());
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
