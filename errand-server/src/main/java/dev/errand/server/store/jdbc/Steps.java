package dev.errand.server.store.jdbc;

import dev.errand.sdk.RunStatus;
import dev.errand.server.store.ClaimedRun;
import dev.errand.server.store.NewRun;
import dev.errand.server.store.RunRecord;
import dev.errand.server.store.StepRecord;
import dev.errand.server.store.Store.LeaseRef;
import dev.errand.server.store.Store.SuspendResult;
import dev.errand.server.store.Store.WaitingStep;
import dev.errand.server.store.TokenRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

/**
 * Recorded steps and waits: writing them under the lease of the attempt that reached them,
 * suspending runs that wait, and resuming them.
 *
 * <p>Every write by a worker first locks its run with a guarded {@code UPDATE} that presents the
 * lease token and attempt: a zombie worker (its lease expired and the run moved on) changes
 * nothing, and the lease reaper or a cancel cannot interleave with the write.
 */
final class Steps {

  /** How long past its maximum duration an attempt's lease may run before the reaper ends it. */
  static final long DEADLINE_GRACE_MILLIS = 5_000;

  private static final String COLUMNS =
      "run_id, position, name, occurrence, kind, status, output, error, attempt, tries,"
          + " started_at, finished_at, resume_at, token_id, child_count";

  private static final String LOCK_LEASE =
      "UPDATE runs SET step_count = GREATEST(step_count, ?), updated_at = CURRENT_TIMESTAMP"
          + " WHERE id = ? AND environment_id = ? AND lease_token = ? AND attempt_count = ? AND "
          + StatusSql.is(RunStatus.EXECUTING);

  private static final String UPDATE_STEP =
      "UPDATE run_steps SET name = ?, occurrence = ?, kind = ?, status = ?, output = ?, error = ?,"
          + " attempt = ?, tries = ?, started_at = ?, finished_at = ?, resume_at = ?,"
          + " token_id = ?, child_count = ? WHERE run_id = ? AND position = ? AND status <> 'COMPLETED'";

  private static final String INSERT_STEP =
      "INSERT INTO run_steps (name, occurrence, kind, status, output, error, attempt, tries,"
          + " started_at, finished_at, resume_at, token_id, child_count, run_id, position)"
          + " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS"
          + " (SELECT 1 FROM run_steps WHERE run_id = ? AND position = ?)";

  private static final String FIND_STEPS =
      "SELECT " + COLUMNS + " FROM run_steps WHERE run_id = ? ORDER BY position";

  private static final String FIND_STEPS_OF =
      "SELECT " + COLUMNS + " FROM run_steps WHERE run_id = ANY(?) ORDER BY run_id, position";

  private static final String LOCK_TOKEN =
      "SELECT "
          + Tokens.COLUMNS
          + " FROM waitpoint_tokens WHERE id = ? AND environment_id = ? FOR UPDATE";

  private static final String RELEASE =
      "lease_worker_id = NULL, lease_expires_at = NULL, deadline_at = NULL,"
          + " version = version + 1, updated_at = CURRENT_TIMESTAMP";

  private static final String TO_WAITING =
      "UPDATE runs SET status = "
          + StatusSql.literal(RunStatus.WAITING)
          + ", "
          + RELEASE
          + " WHERE id = ? AND "
          + StatusSql.is(RunStatus.EXECUTING);

  /** A resumed run runs its current attempt again: the claim adds the 1 back. */
  private static final String EXECUTING_TO_QUEUED =
      "UPDATE runs SET status = "
          + StatusSql.literal(RunStatus.QUEUED)
          + ", available_at = CURRENT_TIMESTAMP, attempt_count = attempt_count - 1, "
          + RELEASE
          + " WHERE id = ? AND "
          + StatusSql.is(RunStatus.EXECUTING);

  private static final String WAITING_TO_QUEUED =
      "UPDATE runs SET status = "
          + StatusSql.literal(RunStatus.QUEUED)
          + ", available_at = CURRENT_TIMESTAMP, attempt_count = attempt_count - 1,"
          + " version = version + 1, updated_at = CURRENT_TIMESTAMP WHERE id = ? AND "
          + StatusSql.is(RunStatus.WAITING);

  private static final String COMPLETE_WAIT =
      "UPDATE run_steps SET status = 'COMPLETED', output = ?, finished_at = CURRENT_TIMESTAMP"
          + " WHERE run_id = ? AND position = ? AND status = 'WAITING'";

  private static final String WAITING_SELECT =
      "SELECT r.environment_id, r.task_id, s.run_id, s.position, s.kind, s.token_id"
          + " FROM run_steps s JOIN runs r ON r.id = s.run_id WHERE s.status = 'WAITING' AND ";

  private static final String DUE_WAITS =
      WAITING_SELECT + "s.resume_at <= CURRENT_TIMESTAMP ORDER BY s.resume_at LIMIT ?";

  private static final String RESOLVED_TOKENS =
      WAITING_SELECT
          + "s.kind = 'TOKEN' AND EXISTS (SELECT 1 FROM waitpoint_tokens t"
          + " WHERE t.id = s.token_id AND t.status <> 'WAITING') LIMIT ?";

  private static final String FINISHED_CHILDREN =
      WAITING_SELECT
          + "s.kind = 'CHILDREN' AND NOT EXISTS (SELECT 1 FROM runs c"
          + " WHERE c.parent_run_id = s.run_id AND c.parent_position = s.position AND c.status IN ("
          + notFinal()
          + ")) LIMIT ?";

  private static final String FIND_CHILDREN =
      "SELECT "
          + RunRows.RUN_COLUMNS
          + " FROM runs WHERE parent_run_id = ? AND parent_position = ? ORDER BY parent_item";

  private final Database database;
  private final RunInsertion insertion;

  private final String recordInOneStatement;

  Steps(Database database, RunInsertion insertion, Dialect dialect) {
    this.database = database;
    this.insertion = insertion;
    this.recordInOneStatement = dialect.recordStep();
  }

  /**
   * The deadline an attempt gets when claimed: {@code CURRENT_TIMESTAMP + max_duration_ms + grace},
   * or NULL for a run without a maximum duration. {@code prefix} qualifies the column.
   */
  static String deadline(Dialect dialect, String prefix) {
    return "CASE WHEN "
        + prefix
        + "max_duration_ms IS NULL THEN NULL ELSE "
        + dialect.plusMillisOf(
            "CURRENT_TIMESTAMP", prefix + "max_duration_ms + " + DEADLINE_GRACE_MILLIS)
        + " END";
  }

  private static String notFinal() {
    List<String> statuses = new ArrayList<>();
    for (RunStatus s : RunStatus.values()) {
      if (!s.isFinal()) {
        statuses.add(StatusSql.literal(s));
      }
    }
    return String.join(", ", statuses);
  }

  boolean record(UUID environmentId, LeaseRef lease, int attempt, StepRecord step) {
    Objects.requireNonNull(step, "step");
    if (recordInOneStatement != null) {
      return database.statement(
          "record step " + step.position() + " of run " + lease.runId(),
          connection -> {
            try (PreparedStatement ps = connection.prepareStatement(recordInOneStatement)) {
              ps.setInt(1, step.position() + 1);
              ps.setObject(2, lease.runId());
              ps.setObject(3, environmentId);
              ps.setLong(4, lease.leaseToken());
              ps.setInt(5, attempt);
              ps.setInt(6, step.position());
              bindStep(ps, step, 7);
              try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
              }
            }
          });
    }
    return database.transaction(
        "record step " + step.position() + " of run " + lease.runId(),
        connection -> {
          if (!lockLease(connection, environmentId, lease, attempt, step.position() + 1)) {
            return false;
          }
          upsert(connection, lease.runId(), step);
          return true;
        });
  }

  private static boolean lockLease(
      Connection connection, UUID environmentId, LeaseRef lease, int attempt, int stepCount)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(LOCK_LEASE)) {
      ps.setInt(1, stepCount);
      ps.setObject(2, lease.runId());
      ps.setObject(3, environmentId);
      ps.setLong(4, lease.leaseToken());
      ps.setInt(5, attempt);
      return ps.executeUpdate() > 0;
    }
  }

  /**
   * Writes a step at its position unless a COMPLETED step is already there; returns whether it
   * wrote.
   */
  private static boolean upsert(Connection connection, UUID runId, StepRecord step)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(UPDATE_STEP)) {
      int i = bindStep(ps, step);
      ps.setObject(i++, runId);
      ps.setInt(i, step.position());
      if (ps.executeUpdate() > 0) {
        return true;
      }
    }
    try (PreparedStatement ps = connection.prepareStatement(INSERT_STEP)) {
      int i = bindStep(ps, step);
      ps.setObject(i++, runId);
      ps.setInt(i++, step.position());
      ps.setObject(i++, runId);
      ps.setInt(i, step.position());
      return ps.executeUpdate() > 0;
    }
  }

  private static int bindStep(PreparedStatement ps, StepRecord step) throws SQLException {
    return bindStep(ps, step, 1);
  }

  /**
   * Binds name, occurrence, kind, status, output, error, attempt, tries, started_at, finished_at,
   * resume_at, token_id and child_count from parameter {@code first} on; returns the next index.
   */
  private static int bindStep(PreparedStatement ps, StepRecord step, int first)
      throws SQLException {
    int i = first;
    ps.setString(i++, step.name());
    ps.setInt(i++, step.index());
    ps.setString(i++, step.kind().name());
    ps.setString(i++, step.status().name());
    ps.setString(i++, step.outputJson());
    ps.setString(i++, step.errorJson());
    ps.setInt(i++, step.attempt());
    ps.setInt(i++, Math.max(1, step.tries()));
    RunRows.setInstant(
        ps, i++, step.startedAt() == null ? java.time.Instant.now() : step.startedAt());
    RunRows.setInstant(ps, i++, step.finishedAt());
    RunRows.setInstant(ps, i++, step.resumeAt());
    ps.setObject(i++, step.tokenId());
    ps.setObject(i++, step.childCount(), Types.INTEGER);
    return i;
  }

  List<StepRecord> find(UUID runId) {
    return database.read(
        "find steps of run " + runId,
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(FIND_STEPS)) {
            ps.setObject(1, runId);
            return readSteps(ps);
          }
        });
  }

  /**
   * Fills in the recorded steps of claimed runs that have some (one query for all of them), inside
   * the claim's transaction.
   */
  static List<ClaimedRun> attach(Connection connection, List<ClaimedRun> claimed)
      throws SQLException {
    List<UUID> withSteps = new ArrayList<>();
    for (ClaimedRun run : claimed) {
      if (run.steps() == null) {
        withSteps.add(run.runId());
      }
    }
    if (withSteps.isEmpty()) {
      return claimed;
    }
    Map<UUID, List<StepRecord>> byRun = new HashMap<>();
    try (PreparedStatement ps = connection.prepareStatement(FIND_STEPS_OF)) {
      ps.setArray(1, RunRows.uuidArray(connection, withSteps));
      for (StepRecord step : readSteps(ps)) {
        byRun.computeIfAbsent(step.runId(), id -> new ArrayList<>()).add(step);
      }
    }
    List<ClaimedRun> result = new ArrayList<>(claimed.size());
    for (ClaimedRun run : claimed) {
      result.add(
          run.steps() != null ? run : run.withSteps(byRun.getOrDefault(run.runId(), List.of())));
    }
    return result;
  }

  private static List<StepRecord> readSteps(PreparedStatement ps) throws SQLException {
    List<StepRecord> steps = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        steps.add(step(rs));
      }
    }
    return steps;
  }

  private static StepRecord step(ResultSet rs) throws SQLException {
    int childCount = rs.getInt("child_count");
    Integer children = rs.wasNull() ? null : childCount;
    return new StepRecord(
        RunRows.uuid(rs, "run_id"),
        rs.getInt("position"),
        rs.getString("name"),
        rs.getInt("occurrence"),
        StepRecord.Kind.valueOf(rs.getString("kind")),
        StepRecord.Status.valueOf(rs.getString("status")),
        rs.getString("output"),
        rs.getString("error"),
        rs.getInt("attempt"),
        rs.getInt("tries"),
        RunRows.instant(rs, "started_at"),
        RunRows.instant(rs, "finished_at"),
        RunRows.instant(rs, "resume_at"),
        RunRows.uuid(rs, "token_id"),
        children);
  }

  SuspendResult suspend(
      UUID environmentId,
      LeaseRef lease,
      int attempt,
      StepRecord waiting,
      List<NewRun> children,
      Function<TokenRecord, String> tokenOutcomeJson) {
    Objects.requireNonNull(waiting, "waiting");
    return database.transaction(
        "suspend run " + lease.runId(),
        connection -> {
          if (!lockLease(connection, environmentId, lease, attempt, waiting.position() + 1)) {
            return SuspendResult.REJECTED;
          }
          StepRecord step = waiting;
          String resolvedOutput = null;
          if (waiting.kind() == StepRecord.Kind.TOKEN) {
            TokenRecord token = lockToken(connection, environmentId, waiting.tokenId());
            if (token == null) {
              connection.rollback();
              return SuspendResult.UNKNOWN_TOKEN;
            }
            if (token.status() != TokenRecord.Status.WAITING) {
              resolvedOutput = tokenOutcomeJson.apply(token);
            }
            step = withResumeAt(waiting, token.timeoutAt());
          }
          if (!upsert(connection, lease.runId(), step)) {
            // a COMPLETED step holds this position: waiting here would never be resumed
            connection.rollback();
            return SuspendResult.REJECTED;
          }
          if (children != null && !children.isEmpty()) {
            insertion.insert(connection, children);
          }
          if (resolvedOutput != null) {
            completeWait(connection, lease.runId(), waiting.position(), resolvedOutput);
          }
          try (PreparedStatement ps =
              connection.prepareStatement(
                  resolvedOutput != null ? EXECUTING_TO_QUEUED : TO_WAITING)) {
            ps.setObject(1, lease.runId());
            ps.executeUpdate();
          }
          try (PreparedStatement ps = connection.prepareStatement(Attempts.FINISH)) {
            ps.setString(1, Attempts.SUSPENDED);
            ps.setString(2, null);
            ps.setObject(3, lease.runId());
            ps.setInt(4, attempt);
            ps.executeUpdate();
          }
          if (resolvedOutput != null) {
            insertion.announce(connection, environmentId);
          }
          return resolvedOutput != null ? SuspendResult.RESUMED : SuspendResult.WAITING;
        });
  }

  private static StepRecord withResumeAt(StepRecord s, java.time.Instant resumeAt) {
    return new StepRecord(
        s.runId(),
        s.position(),
        s.name(),
        s.index(),
        s.kind(),
        s.status(),
        s.outputJson(),
        s.errorJson(),
        s.attempt(),
        s.tries(),
        s.startedAt(),
        s.finishedAt(),
        resumeAt,
        s.tokenId(),
        s.childCount());
  }

  private static TokenRecord lockToken(Connection connection, UUID environmentId, UUID tokenId)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(LOCK_TOKEN)) {
      ps.setObject(1, tokenId);
      ps.setObject(2, environmentId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Tokens.token(rs) : null;
      }
    }
  }

  private static boolean completeWait(
      Connection connection, UUID runId, int position, String outputJson) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(COMPLETE_WAIT)) {
      ps.setString(1, outputJson);
      ps.setObject(2, runId);
      ps.setInt(3, position);
      return ps.executeUpdate() > 0;
    }
  }

  /** Completes a waiting step and requeues its waiting run, inside the caller's transaction. */
  static boolean resolve(Connection connection, UUID runId, int position, String outputJson)
      throws SQLException {
    if (!completeWait(connection, runId, position, outputJson)) {
      return false;
    }
    try (PreparedStatement ps = connection.prepareStatement(WAITING_TO_QUEUED)) {
      ps.setObject(1, runId);
      ps.executeUpdate();
    }
    return true;
  }

  boolean resolve(UUID runId, int position, String outputJson) {
    return database.transaction(
        "resume run " + runId, connection -> resolve(connection, runId, position, outputJson));
  }

  List<WaitingStep> findResumable(int limit) {
    if (limit <= 0) {
      return List.of();
    }
    return database.read(
        "find resumable waits",
        connection -> {
          Map<String, WaitingStep> found = new LinkedHashMap<>();
          for (String sql : List.of(DUE_WAITS, RESOLVED_TOKENS, FINISHED_CHILDREN)) {
            if (found.size() >= limit) {
              break;
            }
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
              ps.setInt(1, limit - found.size());
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  WaitingStep w =
                      new WaitingStep(
                          RunRows.uuid(rs, "environment_id"),
                          rs.getString("task_id"),
                          RunRows.uuid(rs, "run_id"),
                          rs.getInt("position"),
                          StepRecord.Kind.valueOf(rs.getString("kind")),
                          RunRows.uuid(rs, "token_id"));
                  found.putIfAbsent(w.runId() + "/" + w.position(), w);
                }
              }
            }
          }
          return List.copyOf(found.values());
        });
  }

  List<RunRecord> findChildren(UUID parentRunId, int position) {
    return database.read(
        "find children of run " + parentRunId,
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(FIND_CHILDREN)) {
            ps.setObject(1, parentRunId);
            ps.setInt(2, position);
            List<RunRecord> runs = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                runs.add(RunRows.run(rs));
              }
            }
            return runs;
          }
        });
  }
}
