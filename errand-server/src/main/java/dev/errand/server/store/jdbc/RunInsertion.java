package dev.errand.server.store.jdbc;

import dev.errand.sdk.RunStatus;
import dev.errand.server.store.NewRun;
import dev.errand.server.store.Store.InsertResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Inserts runs in one transaction, all or none, with idempotency keys:
 *
 * <ol>
 *   <li>within the batch, the first run with a key stands for all runs with that key;
 *   <li>keys already taken in the database are looked up;
 *   <li>the remaining runs are inserted in one JDBC batch (PostgreSQL skips a key a concurrent
 *       transaction took meanwhile with {@code ON CONFLICT DO NOTHING}; on H2 the insert fails and
 *       the transaction runs again);
 *   <li>the keys just inserted are read back to learn which run owns each.
 * </ol>
 */
final class RunInsertion {

  private static final String FIND_TAKEN_KEYS =
      "SELECT idempotency_key, id FROM runs"
          + " WHERE environment_id = ? AND task_id = ? AND idempotency_key = ANY(?)";

  private static final String RELEASE =
      "UPDATE runs SET released_idempotency_key = idempotency_key, idempotency_key = NULL,"
          + " updated_at = CURRENT_TIMESTAMP WHERE environment_id = ? AND task_id = ? AND ";

  /** A key is spent when its time to live ran out or its run failed (in any failed final way). */
  private static final String RELEASE_SPENT_KEYS =
      RELEASE
          + "idempotency_key = ANY(?) AND (idempotency_key_expires_at <= CURRENT_TIMESTAMP"
          + " OR status IN ('FAILED', 'CRASHED', 'TIMED_OUT', 'SYSTEM_FAILURE'))";

  private static final String RELEASE_KEY = RELEASE + "idempotency_key = ?";

  private final Database database;
  private final String insert;
  private final String announceDue;
  private final String nodeId;

  RunInsertion(Database database, Dialect dialect, String nodeId) {
    this.database = database;
    this.nodeId = nodeId;
    this.announceDue = dialect.announceDue();
    this.insert =
        "INSERT INTO runs (id, environment_id, task_id, queue, status, payload, max_attempts,"
            + " tags, idempotency_key, replay_of, max_duration_ms, parent_run_id, parent_position,"
            + " parent_item, concurrency_key, idempotency_key_expires_at, expires_at, priority_ms,"
            + " not_before, created_at, available_at, updated_at, metadata)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            + dialect.plusMillis("CURRENT_TIMESTAMP")
            + ", "
            + dialect.plusMillis("CURRENT_TIMESTAMP")
            + ", ?, "
            + dialect.plusMillis("CURRENT_TIMESTAMP")
            + ", CURRENT_TIMESTAMP, "
            + dialect.plusMillis("CURRENT_TIMESTAMP")
            + ", CURRENT_TIMESTAMP, ?)"
            + dialect.skipTakenIdempotencyKey();
  }

  /** A task's idempotency key in an environment. */
  private record Key(UUID environmentId, String taskId, String idempotencyKey) {
    static Key of(NewRun run) {
      return run.idempotencyKey() == null
          ? null
          : new Key(run.environmentId(), run.taskId(), run.idempotencyKey());
    }
  }

  List<InsertResult> insert(List<NewRun> runs) {
    if (runs.isEmpty()) {
      return List.of();
    }
    runs.forEach(run -> Objects.requireNonNull(run, "runs must not contain null"));
    return database.transaction(
        "insert " + runs.size() + " run(s)",
        connection -> {
          List<InsertResult> results = insert(connection, runs);
          PendingAudit.write(
              connection,
              results.stream().filter(InsertResult::created).map(InsertResult::runId).toList());
          return results;
        });
  }

  /** Inserts runs inside the caller's transaction. */
  List<InsertResult> insert(Connection connection, List<NewRun> runs) throws SQLException {
    Map<Key, Integer> firstWithKey = new LinkedHashMap<>();
    for (int i = 0; i < runs.size(); i++) {
      Key key = Key.of(runs.get(i));
      if (key != null) {
        firstWithKey.putIfAbsent(key, i);
      }
    }
    releaseSpentKeys(connection, firstWithKey.keySet());
    Map<Key, UUID> owners = findOwners(connection, firstWithKey.keySet());
    List<NewRun> fresh = new ArrayList<>();
    List<Key> freshKeys = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      Key key = Key.of(runs.get(i));
      if (key == null) {
        fresh.add(runs.get(i));
      } else if (firstWithKey.get(key) == i && !owners.containsKey(key)) {
        fresh.add(runs.get(i));
        freshKeys.add(key);
      }
    }
    insertAll(connection, fresh);
    owners.putAll(findOwners(connection, freshKeys));
    announce(connection, fresh);

    List<InsertResult> results = new ArrayList<>(runs.size());
    for (NewRun run : runs) {
      Key key = Key.of(run);
      UUID owner = key == null ? run.id() : owners.get(key);
      results.add(new InsertResult(owner, owner.equals(run.id())));
    }
    return results;
  }

  private void insertAll(Connection connection, List<NewRun> runs) throws SQLException {
    if (runs.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = connection.prepareStatement(insert)) {
      for (NewRun run : runs) {
        long delay = Math.max(0, run.delayMillis());
        ps.setObject(1, run.id());
        ps.setObject(2, run.environmentId());
        ps.setString(3, run.taskId());
        ps.setString(4, run.queue());
        ps.setString(5, (delay > 0 ? RunStatus.DELAYED : RunStatus.QUEUED).name());
        ps.setString(6, run.payloadJson());
        ps.setInt(7, run.maxAttempts());
        ps.setArray(8, RunRows.textArray(connection, run.tags() == null ? List.of() : run.tags()));
        ps.setString(9, run.idempotencyKey());
        ps.setObject(10, run.replayOf());
        ps.setObject(11, run.maxDurationMillis(), java.sql.Types.BIGINT);
        ps.setObject(12, run.parentRunId());
        ps.setObject(13, run.parentPosition(), java.sql.Types.INTEGER);
        ps.setObject(14, run.parentItem(), java.sql.Types.INTEGER);
        ps.setString(15, run.concurrencyKey());
        ps.setObject(
            16,
            run.idempotencyKey() == null ? null : run.idempotencyKeyTtlMillis(),
            java.sql.Types.BIGINT);
        ps.setObject(17, run.ttlMillis(), java.sql.Types.BIGINT);
        long priority = Math.max(0, run.priorityMillis());
        ps.setLong(18, priority);
        // a delayed run with a priority: due when its delay says, ordered by delay - priority
        ps.setObject(19, delay > 0 && priority > 0 ? delay : null, java.sql.Types.BIGINT);
        ps.setLong(20, delay - priority);
        ps.setString(21, run.metadataJson());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Announces due runs in one environment on its own (for requeues outside an insert). */
  void announce(UUID environmentId) {
    if (announceDue == null) {
      return;
    }
    database.transaction(
        "announce due runs",
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(announceDue)) {
            ps.setString(1, environmentId + "/" + nodeId);
            ps.executeQuery().close();
          }
          return null;
        });
  }

  /** Announces due runs in one environment when the caller's transaction commits. */
  void announce(Connection connection, UUID environmentId) throws SQLException {
    if (announceDue == null) {
      return;
    }
    try (PreparedStatement ps = connection.prepareStatement(announceDue)) {
      ps.setString(1, environmentId + "/" + nodeId);
      ps.executeQuery().close();
    }
  }

  /** Announces, once per environment, the inserted runs that are due now (at commit). */
  private void announce(Connection connection, List<NewRun> inserted) throws SQLException {
    if (announceDue == null) {
      return;
    }
    java.util.Set<UUID> environments = new java.util.LinkedHashSet<>();
    for (NewRun run : inserted) {
      if (run.delayMillis() <= 0) {
        environments.add(run.environmentId());
      }
    }
    try (PreparedStatement ps = connection.prepareStatement(announceDue)) {
      for (UUID environment : environments) {
        ps.setString(1, environment + "/" + nodeId);
        ps.executeQuery().close();
      }
    }
  }

  /**
   * Releases keys whose time to live ran out or whose run failed, so that a trigger with them
   * creates a new run. Concurrent triggers release once (the update locks the row) and then race on
   * the unique index, which only one insert wins.
   */
  private static void releaseSpentKeys(Connection connection, Collection<Key> keys)
      throws SQLException {
    if (keys.isEmpty()) {
      return;
    }
    Map<Key, List<String>> byTask = new LinkedHashMap<>();
    for (Key key : keys) {
      byTask
          .computeIfAbsent(new Key(key.environmentId(), key.taskId(), null), k -> new ArrayList<>())
          .add(key.idempotencyKey());
    }
    try (PreparedStatement ps = connection.prepareStatement(RELEASE_SPENT_KEYS)) {
      for (Map.Entry<Key, List<String>> task : byTask.entrySet()) {
        ps.setObject(1, task.getKey().environmentId());
        ps.setString(2, task.getKey().taskId());
        ps.setArray(3, RunRows.textArray(connection, task.getValue()));
        ps.executeUpdate();
      }
    }
  }

  /** Releases one key of a task, whatever its run's state; returns whether a run held it. */
  boolean releaseKey(UUID environmentId, String taskId, String key) {
    return database.transaction(
        "release an idempotency key",
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(RELEASE_KEY)) {
            ps.setObject(1, environmentId);
            ps.setString(2, taskId);
            ps.setString(3, key);
            return ps.executeUpdate() > 0;
          }
        });
  }

  /** The runs that own these keys, for the keys that are taken. One query per environment/task. */
  private static Map<Key, UUID> findOwners(Connection connection, Collection<Key> keys)
      throws SQLException {
    Map<Key, List<String>> byTask = new LinkedHashMap<>();
    for (Key key : keys) {
      byTask
          .computeIfAbsent(new Key(key.environmentId(), key.taskId(), null), k -> new ArrayList<>())
          .add(key.idempotencyKey());
    }
    Map<Key, UUID> owners = new HashMap<>();
    try (PreparedStatement ps = connection.prepareStatement(FIND_TAKEN_KEYS)) {
      for (Map.Entry<Key, List<String>> task : byTask.entrySet()) {
        ps.setObject(1, task.getKey().environmentId());
        ps.setString(2, task.getKey().taskId());
        ps.setArray(3, RunRows.textArray(connection, task.getValue()));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Key key =
                new Key(
                    task.getKey().environmentId(),
                    task.getKey().taskId(),
                    rs.getString("idempotency_key"));
            owners.put(key, RunRows.uuid(rs, "id"));
          }
        }
      }
    }
    return owners;
  }
}
