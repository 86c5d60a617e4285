package dev.errand.server.store.jdbc;

import dev.errand.server.store.ClaimedRun;
import dev.errand.server.store.Store.QueueLimits;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One claim's turn at a limited queue, run inside the claim's transaction while it holds the
 * queue's lock: reads what the limits leave free (the total limit minus the queue's executing runs,
 * each key's limit minus its executing runs, the rate limit minus the starts in its sliding
 * window), shares the free slots among the keys with due runs ({@link KeyRoundRobin}), claims them
 * through the dialect's {@link KeyedPick}, and records the starts (rate window) and the keys'
 * turns. Runs without a concurrency key have the key {@code ""}: one more key.
 */
final class QueueTurn {

  /** The dialect's part: the queue's state under its lock, and claiming due runs per key. */
  interface KeyedPick {
    /**
     * Claims up to {@code slots.get(key)} due runs of each key, oldest first within a key, and,
     * when {@code cursor} is not null, stores it as the queue's key cursor in the same transaction.
     */
    List<KeyedRun> claim(
        Connection connection,
        Claim.Request request,
        String queue,
        Map<String, Integer> slots,
        String cursor)
        throws SQLException;

    /**
     * The queue's executing runs per key, its key cursor, and the keys with due runs in cyclic
     * order from the cursor: as many as {@code max} free slots need (less what the total limit
     * leaves), plus one for each key that is full (at the key limit), so the round robin's next
     * keys are all there.
     *
     * @param max the most slots the claim can fill (the request and the rate limit allow)
     */
    KeyState keyState(
        Connection connection, Claim.Request request, String queue, QueueLimits limits, int max)
        throws SQLException;
  }

  /** A dialect's scan for keys with due runs, for {@link #keyStateByStatements}. */
  @FunctionalInterface
  interface DueKeys {
    /** Up to {@code limit} keys with due runs, in key order, after {@code after} (null: all). */
    List<String> find(
        Connection connection, Claim.Request request, String queue, String after, int limit)
        throws SQLException;
  }

  /**
   * What a limited claim reads under the queue's lock.
   *
   * @param executing the queue's executing runs per key (keys without any are absent)
   * @param cursor the key the queue served last, or null
   * @param dueKeys keys with due runs, in cyclic key order after the cursor
   */
  record KeyState(Map<String, Integer> executing, String cursor, List<String> dueKeys) {}

  /** A claimed run and its concurrency key. */
  record KeyedRun(String key, ClaimedRun run) {}

  /** Most keys one claim looks at: {@value}. */
  static final int MAX_KEYS_PER_CLAIM = 1_000;

  /** Rounds of sharing: a key that had fewer due runs than slots gives the rest to the others. */
  private static final int MAX_ROUNDS = 3;

  private static final String EXECUTING_BY_KEY =
      "SELECT concurrency_key, COUNT(*) FROM runs WHERE environment_id = ? AND queue = ?"
          + " AND status = 'EXECUTING' GROUP BY concurrency_key";
  private static final String EXECUTING_IN_ENVIRONMENT =
      "SELECT COUNT(*) FROM runs WHERE environment_id = ? AND status = 'EXECUTING'";
  private static final String QUEUE_CURSOR =
      "SELECT key_cursor FROM queues WHERE environment_id = ? AND name = ?";
  private static final String SET_QUEUE_CURSOR =
      "UPDATE queues SET key_cursor = ? WHERE environment_id = ? AND name = ?";

  private final String recordStart;
  private final String startsInWindow;
  private final String startsInWindowByKey;
  private final String pruneStarts;

  QueueTurn(Dialect dialect) {
    String windowStart = dialect.plusMillis(dialect.clockNow());
    this.recordStart =
        "INSERT INTO queue_starts (environment_id, queue, concurrency_key, started_at)"
            + " VALUES (?, ?, ?, "
            + dialect.clockNow()
            + ")";
    this.startsInWindow =
        "SELECT COUNT(*) FROM queue_starts WHERE environment_id = ? AND queue = ?"
            + " AND started_at > "
            + windowStart;
    this.startsInWindowByKey =
        "SELECT concurrency_key, COUNT(*) FROM queue_starts WHERE environment_id = ?"
            + " AND queue = ? AND started_at > "
            + windowStart
            + " GROUP BY concurrency_key";
    this.pruneStarts =
        "DELETE FROM queue_starts WHERE environment_id = ? AND queue = ? AND started_at <= "
            + windowStart;
  }

  /**
   * How many more runs the environment's cap allows to start: its limit minus its executing runs,
   * or {@link Integer#MAX_VALUE} without a cap. The caller holds the environment's turn.
   */
  static int environmentFree(Connection connection, Claim.Request request) throws SQLException {
    if (request.environmentLimit() == null) {
      return Integer.MAX_VALUE;
    }
    try (PreparedStatement ps = connection.prepareStatement(EXECUTING_IN_ENVIRONMENT)) {
      ps.setObject(1, request.environmentId());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return (int) Math.max(0, request.environmentLimit() - rs.getLong(1));
      }
    }
  }

  /** Claims what the queue's limits allow, at most {@code request.max()}. */
  List<ClaimedRun> take(
      Connection connection,
      Claim.Request request,
      String queue,
      QueueLimits limits,
      KeyedPick pick)
      throws SQLException {
    long free = request.max();
    Map<String, Integer> startsByKey = Map.of();
    if (limits.rateLimit() != null) {
      prune(connection, request, queue, limits);
      if (limits.rateLimitPerKey()) {
        startsByKey =
            countByKey(connection, startsInWindowByKey, request, queue, -limits.rateWindowMillis());
      } else {
        free =
            Math.min(free, limits.rateLimit() - startsInWindow(connection, request, queue, limits));
      }
    }
    if (free <= 0) {
      return List.of();
    }
    KeyState state = pick.keyState(connection, request, queue, limits, (int) free);
    Map<String, Integer> executing = state.executing();
    free = Math.min(free, totalFree(limits, executing));
    if (free <= 0) {
      return List.of();
    }
    String cursor = state.cursor();
    List<String> keys = state.dueKeys();
    if (keys.isEmpty()) {
      return List.of();
    }
    Map<String, KeyRoundRobin.Candidate> candidates = new HashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      int startsLeft =
          limits.rateLimitPerKey()
              ? limits.rateLimit() - startsByKey.getOrDefault(key, 0)
              : Integer.MAX_VALUE;
      candidates.put(
          key, new KeyRoundRobin.Candidate(key, i, executing.getOrDefault(key, 0), startsLeft));
    }
    long turn = keys.size();
    String stored = cursor;
    String lastServed = null;
    long lastServedTurn = Long.MIN_VALUE;
    List<KeyedRun> claimed = new ArrayList<>();
    for (int round = 0; round < MAX_ROUNDS && claimed.size() < free; round++) {
      List<KeyRoundRobin.Slot> slots =
          KeyRoundRobin.assign(
              List.copyOf(candidates.values()),
              (int) Math.min(free - claimed.size(), Integer.MAX_VALUE),
              limits.keyConcurrency(),
              turn);
      if (slots.isEmpty()) {
        break;
      }
      turn = slots.getLast().turn();
      Map<String, Integer> wanted = KeyRoundRobin.countByKey(slots);
      Map<String, List<Long>> turns = turnsByKey(slots);
      // the key of the round's last slot is the cursor after it unless a key runs short: the
      // claim stores it in the same round trip, and the rare shortfall is corrected below
      String expected = slots.getLast().key();
      String storing = expected.equals(stored) ? null : expected;
      List<KeyedRun> got = pick.claim(connection, request, queue, wanted, storing);
      if (storing != null) {
        stored = storing;
      }
      claimed.addAll(got);
      Map<String, Integer> gotByKey = new HashMap<>();
      got.forEach(run -> gotByKey.merge(run.key(), 1, Integer::sum));
      boolean shortfall = false;
      for (var entry : wanted.entrySet()) {
        String key = entry.getKey();
        int n = gotByKey.getOrDefault(key, 0);
        KeyRoundRobin.Candidate c = candidates.get(key);
        if (n < entry.getValue()) {
          shortfall = true;
          candidates.remove(key); // no more due runs of this key for this claim
        } else {
          candidates.put(key, afterStarts(c, n, turns.get(key).get(n - 1)));
        }
        if (n > 0 && turns.get(key).get(n - 1) > lastServedTurn) {
          lastServed = key;
          lastServedTurn = turns.get(key).get(n - 1);
        }
      }
      if (!shortfall) {
        break;
      }
    }
    if (lastServed != null && !lastServed.equals(stored)) {
      setCursor(connection, request, queue, lastServed);
    }
    if (limits.rateLimit() != null) {
      recordStarts(connection, request, queue, claimed);
    }
    return claimed.stream().map(KeyedRun::run).toList();
  }

  /** What the total limit leaves free, or {@link Long#MAX_VALUE} without one. */
  private static long totalFree(QueueLimits limits, Map<String, Integer> executing) {
    if (limits.totalConcurrency() == null) {
      return Long.MAX_VALUE;
    }
    long running = executing.values().stream().mapToLong(Integer::longValue).sum();
    return limits.totalConcurrency() - running;
  }

  /** {@link KeyedPick#keyState} with one statement for each part. */
  static KeyState keyStateByStatements(
      Connection connection,
      Claim.Request request,
      String queue,
      QueueLimits limits,
      int max,
      DueKeys dueKeys)
      throws SQLException {
    Map<String, Integer> executing = countByKey(connection, EXECUTING_BY_KEY, request, queue, null);
    String cursor = cursor(connection, request, queue);
    long free = Math.min(max, totalFree(limits, executing));
    if (free <= 0) {
      return new KeyState(executing, cursor, List.of());
    }
    // Keys in cyclic key order from the queue's cursor (the key served last), enough of them for
    // the free slots plus the keys that are full and get none: the round robin's next keys.
    int full = 0;
    if (limits.keyConcurrency() != null) {
      for (int n : executing.values()) {
        full += n >= limits.keyConcurrency() ? 1 : 0;
      }
    }
    int looked = (int) Math.min(free + full, MAX_KEYS_PER_CLAIM);
    List<String> keys = new ArrayList<>(dueKeys.find(connection, request, queue, cursor, looked));
    if (keys.size() < looked && cursor != null) {
      for (String key : dueKeys.find(connection, request, queue, null, looked - keys.size())) {
        if (key.compareTo(cursor) <= 0 && !keys.contains(key)) {
          keys.add(key); // wrapped around: keys up to the cursor come after the ones past it
        }
      }
    }
    return new KeyState(executing, cursor, keys);
  }

  private static KeyRoundRobin.Candidate afterStarts(
      KeyRoundRobin.Candidate c, int started, long lastTurn) {
    return new KeyRoundRobin.Candidate(
        c.key(),
        lastTurn,
        c.executing() + started,
        c.startsLeft() == Integer.MAX_VALUE ? c.startsLeft() : c.startsLeft() - started);
  }

  /** Each key's slots' turns, in order: the n-th run a key got took the n-th of them. */
  private static Map<String, List<Long>> turnsByKey(List<KeyRoundRobin.Slot> slots) {
    Map<String, List<Long>> turns = new HashMap<>();
    for (KeyRoundRobin.Slot slot : slots) {
      turns.computeIfAbsent(slot.key(), k -> new ArrayList<>()).add(slot.turn());
    }
    return turns;
  }

  private void prune(Connection connection, Claim.Request request, String queue, QueueLimits limits)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(pruneStarts)) {
      ps.setObject(1, request.environmentId());
      ps.setString(2, queue);
      ps.setLong(3, -limits.rateWindowMillis());
      ps.executeUpdate();
    }
  }

  private long startsInWindow(
      Connection connection, Claim.Request request, String queue, QueueLimits limits)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(startsInWindow)) {
      ps.setObject(1, request.environmentId());
      ps.setString(2, queue);
      ps.setLong(3, -limits.rateWindowMillis());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static Map<String, Integer> countByKey(
      Connection connection, String sql, Claim.Request request, String queue, Long window)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setObject(1, request.environmentId());
      ps.setString(2, queue);
      if (window != null) {
        ps.setLong(3, window);
      }
      Map<String, Integer> counts = new HashMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.put(rs.getString(1), (int) rs.getLong(2));
        }
      }
      return counts;
    }
  }

  private static String cursor(Connection connection, Claim.Request request, String queue)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(QUEUE_CURSOR)) {
      ps.setObject(1, request.environmentId());
      ps.setString(2, queue);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  static void setCursor(Connection connection, Claim.Request request, String queue, String key)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(SET_QUEUE_CURSOR)) {
      ps.setString(1, key);
      ps.setObject(2, request.environmentId());
      ps.setString(3, queue);
      ps.executeUpdate();
    }
  }

  private void recordStarts(
      Connection connection, Claim.Request request, String queue, List<KeyedRun> claimed)
      throws SQLException {
    if (claimed.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = connection.prepareStatement(recordStart)) {
      for (KeyedRun run : claimed) {
        ps.setObject(1, request.environmentId());
        ps.setString(2, queue);
        ps.setString(3, run.key());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
