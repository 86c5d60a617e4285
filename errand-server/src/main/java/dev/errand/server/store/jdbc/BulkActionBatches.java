package dev.errand.server.store.jdbc;

import dev.errand.server.store.BulkActionRecord;
import dev.errand.server.store.NewRun;
import dev.errand.server.store.RunRecord;
import dev.errand.server.store.Store;
import dev.errand.server.store.Store.BulkBatch;
import dev.errand.server.store.Store.InsertResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * Works through bulk actions one batch per transaction. The transaction locks the oldest running
 * action that no other transaction holds ({@code FOR UPDATE SKIP LOCKED}), so two nodes never work
 * on one action at once; it acts on the action's first pending runs, deletes them from its pending
 * runs and adds them to its counts. A node that dies mid-batch rolls the batch back, and whichever
 * node comes next starts from the same pending runs.
 */
final class BulkActionBatches {

  private static final String LOCK_NEXT =
      "SELECT "
          + BulkActions.COLUMNS
          + " FROM bulk_actions WHERE status = 'RUNNING' ORDER BY id LIMIT 1"
          + " FOR UPDATE SKIP LOCKED";

  private static final String PENDING =
      "SELECT run_id FROM bulk_action_runs WHERE action_id = ? ORDER BY run_id LIMIT ?";

  private static final String DONE =
      "DELETE FROM bulk_action_runs WHERE action_id = ? AND run_id = ANY(?)";

  private static final String COUNT =
      "UPDATE bulk_actions SET processed = processed + ?, succeeded = succeeded + ?,"
          + " failed = failed + ?, skipped = skipped + ?, failures = 0, error = NULL,"
          + " status = CASE WHEN ? THEN 'COMPLETED' ELSE status END,"
          + " finished_at = CASE WHEN ? THEN CURRENT_TIMESTAMP ELSE NULL END,"
          + " updated_at = CURRENT_TIMESTAMP WHERE id = ?";

  private static final String FIND_RUNS =
      "SELECT " + RunRows.RUN_COLUMNS + " FROM runs WHERE environment_id = ? AND id = ANY(?)";

  private static final String REGISTERED_TASKS =
      "SELECT task_id FROM tasks WHERE environment_id = ? AND task_id = ANY(?)";

  private static final String COUNT_FAILURE =
      "UPDATE bulk_actions SET failures = failures + 1, error = ?,"
          + " status = CASE WHEN failures + 1 >= ? THEN 'FAILED' ELSE status END,"
          + " finished_at = CASE WHEN failures + 1 >= ? THEN CURRENT_TIMESTAMP ELSE NULL END,"
          + " updated_at = CURRENT_TIMESTAMP WHERE id = ? AND status = 'RUNNING'";

  private static final String DROP_PENDING_OF_FAILED =
      "DELETE FROM bulk_action_runs WHERE action_id = ?"
          + " AND EXISTS (SELECT 1 FROM bulk_actions WHERE id = ? AND status = 'FAILED')";

  private static final int MAX_ERROR_LENGTH = 1_000;

  private final Database database;
  private final RunInsertion insertion;

  BulkActionBatches(Database database, RunInsertion insertion) {
    this.database = database;
    this.insertion = insertion;
  }

  /** What one batch did to its runs. */
  private record Counts(int succeeded, int failed, int skipped, Set<String> replayedTaskIds) {}

  Optional<BulkBatch> process(int limit, BiFunction<UUID, RunRecord, NewRun> replay) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
    }
    AtomicReference<UUID> locked = new AtomicReference<>();
    try {
      return database.transaction(
          "work on a bulk action", connection -> process(connection, limit, replay, locked));
    } catch (RuntimeException e) {
      if (locked.get() != null) {
        countFailure(locked.get(), e);
      }
      throw e;
    }
  }

  private Optional<BulkBatch> process(
      Connection connection,
      int limit,
      BiFunction<UUID, RunRecord, NewRun> replay,
      AtomicReference<UUID> locked)
      throws SQLException {
    BulkActionRecord action;
    try (PreparedStatement ps = connection.prepareStatement(LOCK_NEXT);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      action = BulkActions.action(rs);
    }
    locked.set(action.id());
    List<UUID> runIds = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(PENDING)) {
      ps.setObject(1, action.id());
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          runIds.add(RunRows.uuid(rs, "run_id"));
        }
      }
    }
    Counts counts =
        switch (action.kind()) {
          case CANCEL -> cancel(connection, action, runIds);
          case REPLAY -> replay(connection, action, runIds, replay);
        };
    try (PreparedStatement ps = connection.prepareStatement(DONE)) {
      ps.setObject(1, action.id());
      ps.setArray(2, RunRows.uuidArray(connection, runIds));
      ps.executeUpdate();
    }
    boolean finished = runIds.size() < limit;
    try (PreparedStatement ps = connection.prepareStatement(COUNT)) {
      ps.setInt(1, runIds.size());
      ps.setInt(2, counts.succeeded());
      ps.setInt(3, counts.failed());
      ps.setInt(4, counts.skipped());
      ps.setBoolean(5, finished);
      ps.setBoolean(6, finished);
      ps.setObject(7, action.id());
      ps.executeUpdate();
    }
    int canceled = action.kind() == BulkActionRecord.Kind.CANCEL ? counts.succeeded() : 0;
    return Optional.of(
        new BulkBatch(
            BulkActions.find(connection, action.environmentId(), action.id()),
            canceled,
            counts.replayedTaskIds()));
  }

  /** Cancels each run, in id order (one lock order); a run already final is skipped. */
  private static Counts cancel(Connection connection, BulkActionRecord action, List<UUID> runIds)
      throws SQLException {
    int canceled = 0;
    for (UUID runId : runIds) {
      if (Cancellation.cancel(connection, action.environmentId(), runId)) {
        canceled++;
      }
    }
    return new Counts(canceled, 0, runIds.size() - canceled, Set.of());
  }

  /**
   * Replays each run whose task is still registered, in one insert. A run deleted meanwhile is
   * skipped; a run whose task is gone fails.
   */
  private Counts replay(
      Connection connection,
      BulkActionRecord action,
      List<UUID> runIds,
      BiFunction<UUID, RunRecord, NewRun> replay)
      throws SQLException {
    Map<UUID, RunRecord> originals = new HashMap<>();
    try (PreparedStatement ps = connection.prepareStatement(FIND_RUNS)) {
      ps.setObject(1, action.environmentId());
      ps.setArray(2, RunRows.uuidArray(connection, runIds));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          RunRecord run = RunRows.run(rs);
          originals.put(run.id(), run);
        }
      }
    }
    Set<String> registered = registeredTasks(connection, action.environmentId(), originals);
    List<NewRun> replays = new ArrayList<>();
    int failed = 0;
    for (UUID runId : runIds) {
      RunRecord original = originals.get(runId);
      if (original != null && registered.contains(original.taskId())) {
        NewRun copy = replay.apply(action.id(), original);
        if (copy.idempotencyKey() == null) {
          throw new IllegalStateException(
              "the replay of run " + runId + " by bulk action " + action.id() + " has no key");
        }
        replays.add(copy);
      } else if (original != null) {
        failed++;
      }
    }
    List<InsertResult> results = insertion.insert(connection, replays);
    Set<String> replayedTaskIds = new LinkedHashSet<>();
    for (int i = 0; i < results.size(); i++) {
      if (results.get(i).created()) {
        replayedTaskIds.add(replays.get(i).taskId());
      }
    }
    int skipped = runIds.size() - replays.size() - failed;
    return new Counts(replays.size(), failed, skipped, replayedTaskIds);
  }

  private static Set<String> registeredTasks(
      Connection connection, UUID environmentId, Map<UUID, RunRecord> runs) throws SQLException {
    Set<String> taskIds = new HashSet<>();
    runs.values().forEach(r -> taskIds.add(r.taskId()));
    Set<String> registered = new HashSet<>();
    try (PreparedStatement ps = connection.prepareStatement(REGISTERED_TASKS)) {
      ps.setObject(1, environmentId);
      ps.setArray(2, RunRows.textArray(connection, taskIds));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          registered.add(rs.getString("task_id"));
        }
      }
    }
    return registered;
  }

  /**
   * Counts a failed batch against its action, in a transaction of its own (the batch's rolled
   * back); the action fails after {@link Store#MAX_BULK_ACTION_FAILURES} in a row. When even this
   * fails (the database is down), the failure is not counted: outages do not fail actions.
   */
  private void countFailure(UUID actionId, RuntimeException cause) {
    String error = cause.getClass().getSimpleName() + ": " + cause.getMessage();
    String shown = error.length() > MAX_ERROR_LENGTH ? error.substring(0, MAX_ERROR_LENGTH) : error;
    try {
      database.transaction(
          "count a failed batch of bulk action " + actionId,
          connection -> {
            try (PreparedStatement ps = connection.prepareStatement(COUNT_FAILURE)) {
              ps.setString(1, shown);
              ps.setInt(2, Store.MAX_BULK_ACTION_FAILURES);
              ps.setInt(3, Store.MAX_BULK_ACTION_FAILURES);
              ps.setObject(4, actionId);
              ps.executeUpdate();
            }
            try (PreparedStatement ps = connection.prepareStatement(DROP_PENDING_OF_FAILED)) {
              ps.setObject(1, actionId);
              ps.setObject(2, actionId);
              ps.executeUpdate();
            }
            return null;
          });
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }
}
