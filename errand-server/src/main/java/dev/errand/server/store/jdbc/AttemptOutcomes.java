package dev.errand.server.store.jdbc;

import static dev.errand.server.store.jdbc.StatusSql.literal;

import dev.errand.sdk.RunStatus;
import dev.errand.server.store.AttemptOutcome;
import dev.errand.server.store.Store.OutcomeResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Records how attempts ended and moves their runs on, in one transaction: one JDBC batch of run
 * updates per kind of outcome, one batch of attempt updates, one read of the resulting states.
 * Every run update presents the lease token and attempt number and requires {@code EXECUTING}, so a
 * stale worker (or a reaper that lost to a heartbeat) changes nothing.
 */
final class AttemptOutcomes {

  private static final String READ_STATES =
      "SELECT id, status, available_at FROM runs WHERE id = ANY(?)";
  private static final String RELEASE_LEASE =
      "lease_worker_id = NULL, lease_expires_at = NULL, deadline_at = NULL, version = version + 1,"
          + " updated_at = CURRENT_TIMESTAMP";
  private static final String MATCH_LEASE =
      " WHERE id = ? AND lease_token = ? AND attempt_count = ? AND environment_id = ?";

  private final Database database;
  private final Dialect dialect;

  AttemptOutcomes(Database database, Dialect dialect) {
    this.database = database;
    this.dialect = dialect;
  }

  List<OutcomeResult> finish(UUID environmentId, List<AttemptOutcome> outcomes) {
    Objects.requireNonNull(environmentId, "environmentId");
    if (outcomes.isEmpty()) {
      return List.of();
    }
    outcomes.forEach(AttemptOutcomes::validate);
    return database.transaction(
        "finish " + outcomes.size() + " attempt(s)",
        connection -> finish(connection, environmentId, outcomes));
  }

  private static void validate(AttemptOutcome outcome) {
    Objects.requireNonNull(outcome, "outcomes must not contain null");
    Objects.requireNonNull(outcome.kind(), "kind");
    if (outcome.kind() == AttemptOutcome.Kind.FAILED) {
      RunStatus exhausted = outcome.exhaustedStatus();
      if (exhausted == null
          || !exhausted.isFinal()
          || !RunStatus.EXECUTING.canMoveTo(exhausted)
          || exhausted == RunStatus.COMPLETED
          || exhausted == RunStatus.CANCELED) {
        throw new IllegalArgumentException(
            "exhaustedStatus of a FAILED outcome must be a final failure status an executing run"
                + " may move to (FAILED or TIMED_OUT) but was "
                + exhausted
                + " for run "
                + outcome.runId());
      }
    }
  }

  private List<OutcomeResult> finish(
      Connection connection, UUID environmentId, List<AttemptOutcome> outcomes)
      throws SQLException {
    boolean[] accepted = new boolean[outcomes.size()];
    boolean[] settled = new boolean[outcomes.size()];
    if (dialect.completesInBulk()) {
      completeInBulk(connection, environmentId, outcomes, accepted, settled);
    }
    // Group by statement; inside a group, one lock order (by run id) so batches cannot deadlock.
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < outcomes.size(); i++) {
      if (!settled[i]) {
        groups.computeIfAbsent(updateRun(outcomes.get(i)), sql -> new ArrayList<>()).add(i);
      }
    }
    for (Map.Entry<String, List<Integer>> group : groups.entrySet()) {
      List<Integer> members = new ArrayList<>(group.getValue());
      members.sort(Comparator.comparing(i -> outcomes.get(i).runId()));
      try (PreparedStatement ps = connection.prepareStatement(group.getKey())) {
        for (int i : members) {
          bindUpdateRun(ps, outcomes.get(i), environmentId);
          ps.addBatch();
        }
        int[] counts = ps.executeBatch();
        for (int j = 0; j < counts.length; j++) {
          accepted[members.get(j)] = counts[j] > 0;
        }
      }
    }
    finishAttemptRows(connection, outcomes, accepted, settled);
    return results(connection, outcomes, accepted, settled);
  }

  /** Succeeded outcomes, all at once: their runs and attempts are then settled. */
  private static void completeInBulk(
      Connection connection,
      UUID environmentId,
      List<AttemptOutcome> outcomes,
      boolean[] accepted,
      boolean[] settled)
      throws SQLException {
    List<Integer> succeeded = new ArrayList<>();
    for (int i = 0; i < outcomes.size(); i++) {
      if (outcomes.get(i).kind() == AttemptOutcome.Kind.SUCCEEDED) {
        succeeded.add(i);
      }
    }
    if (succeeded.isEmpty()) {
      return;
    }
    Set<UUID> done =
        PostgresBulkCompletion.complete(
            connection, environmentId, succeeded.stream().map(outcomes::get).toList());
    for (int i : succeeded) {
      settled[i] = true;
      accepted[i] = done.contains(outcomes.get(i).runId());
    }
  }

  private String updateRun(AttemptOutcome outcome) {
    return switch (outcome.kind()) {
      case SUCCEEDED ->
          "UPDATE runs SET status = "
              + literal(RunStatus.COMPLETED)
              + ", output = ?, error = NULL, finished_at = CURRENT_TIMESTAMP, "
              + RELEASE_LEASE
              + MATCH_LEASE
              + " AND "
              + StatusSql.executingMayMoveTo(RunStatus.COMPLETED);
      case FAILED -> {
        String retry = "(CAST(? AS BOOLEAN) AND attempt_count < max_attempts)";
        yield requeueOr(outcome.exhaustedStatus(), retry, dialect.plusMillis("CURRENT_TIMESTAMP"))
            + " AND "
            + StatusSql.executingMayMoveTo(RunStatus.QUEUED, outcome.exhaustedStatus());
      }
      case LEASE_EXPIRED ->
          requeueOr(expiredEnd(outcome), "attempt_count < max_attempts", "CURRENT_TIMESTAMP")
              + " AND "
              + StatusSql.executingMayMoveTo(RunStatus.QUEUED, expiredEnd(outcome))
              + " AND lease_expires_at < CURRENT_TIMESTAMP";
    };
  }

  /** How a run whose lease expired ends when no attempts remain: CRASHED, or TIMED_OUT. */
  private static RunStatus expiredEnd(AttemptOutcome outcome) {
    return outcome.exhaustedStatus() == RunStatus.TIMED_OUT
        ? RunStatus.TIMED_OUT
        : RunStatus.CRASHED;
  }

  /** Back to QUEUED, due at {@code dueAt}, when {@code retry} holds; else final as {@code end}. */
  private static String requeueOr(RunStatus end, String retry, String dueAt) {
    return """
    UPDATE runs SET
      status = CASE WHEN %1$s THEN %2$s ELSE %3$s END,
      available_at = CASE WHEN %1$s THEN %4$s ELSE available_at END,
      finished_at = CASE WHEN %1$s THEN NULL ELSE CURRENT_TIMESTAMP END,
      error = ?, %5$s\
    """
            .formatted(retry, literal(RunStatus.QUEUED), literal(end), dueAt, RELEASE_LEASE)
        + MATCH_LEASE;
  }

  private static void bindUpdateRun(
      PreparedStatement ps, AttemptOutcome outcome, UUID environmentId) throws SQLException {
    int i = 1;
    switch (outcome.kind()) {
      case SUCCEEDED -> ps.setString(i++, outcome.outputJson());
      case FAILED -> {
        ps.setBoolean(i++, outcome.retryable());
        ps.setBoolean(i++, outcome.retryable());
        ps.setLong(i++, Math.max(0, outcome.retryDelayMillis()));
        ps.setBoolean(i++, outcome.retryable());
        ps.setString(i++, outcome.errorJson());
      }
      case LEASE_EXPIRED -> ps.setString(i++, outcome.errorJson());
    }
    ps.setObject(i++, outcome.runId());
    ps.setLong(i++, outcome.leaseToken());
    ps.setInt(i++, outcome.attempt());
    ps.setObject(i, environmentId);
  }

  private static void finishAttemptRows(
      Connection connection, List<AttemptOutcome> outcomes, boolean[] accepted, boolean[] settled)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(Attempts.FINISH)) {
      int batched = 0;
      for (int i = 0; i < outcomes.size(); i++) {
        if (!accepted[i] || settled[i]) {
          continue;
        }
        AttemptOutcome outcome = outcomes.get(i);
        ps.setString(
            1,
            outcome.exhaustedStatus() == RunStatus.TIMED_OUT
                ? Attempts.TIMED_OUT
                : switch (outcome.kind()) {
                  case SUCCEEDED -> Attempts.COMPLETED;
                  case FAILED -> Attempts.FAILED;
                  case LEASE_EXPIRED -> Attempts.CRASHED;
                });
        ps.setString(
            2, outcome.kind() == AttemptOutcome.Kind.SUCCEEDED ? null : outcome.errorJson());
        ps.setObject(3, outcome.runId());
        ps.setInt(4, outcome.attempt());
        ps.addBatch();
        batched++;
      }
      if (batched > 0) {
        ps.executeBatch();
      }
    }
  }

  private record State(RunStatus status, Instant availableAt) {}

  /**
   * Per outcome: accepted, and the run's status after it. Runs completed in bulk are known to be
   * {@code COMPLETED}; the others are read back in one query.
   */
  private static List<OutcomeResult> results(
      Connection connection, List<AttemptOutcome> outcomes, boolean[] accepted, boolean[] settled)
      throws SQLException {
    List<UUID> unknown = new ArrayList<>();
    for (int i = 0; i < outcomes.size(); i++) {
      if (!(settled[i] && accepted[i])) {
        unknown.add(outcomes.get(i).runId());
      }
    }
    Map<UUID, State> states = new HashMap<>();
    if (!unknown.isEmpty()) {
      try (PreparedStatement ps = connection.prepareStatement(READ_STATES)) {
        ps.setArray(1, RunRows.uuidArray(connection, unknown));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            states.put(
                RunRows.uuid(rs, "id"),
                new State(
                    RunStatus.valueOf(rs.getString("status")),
                    RunRows.instant(rs, "available_at")));
          }
        }
      }
    }
    List<OutcomeResult> results = new ArrayList<>(outcomes.size());
    for (int i = 0; i < outcomes.size(); i++) {
      UUID runId = outcomes.get(i).runId();
      State state =
          settled[i] && accepted[i]
              ? new State(RunStatus.COMPLETED, null)
              : states.getOrDefault(runId, new State(null, null));
      results.add(new OutcomeResult(runId, accepted[i], state.status(), state.availableAt()));
    }
    return results;
  }
}
