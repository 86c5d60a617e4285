package dev.errand.server.store.jdbc;

import dev.errand.server.store.NewRun;
import dev.errand.server.store.ScheduleRecord;
import dev.errand.server.store.ScheduleStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Schedules over JDBC. A deduplication key or a task's declarative schedule is unique per
 * environment: on PostgreSQL a partial unique index decides a race (the loser's transaction is
 * retried and finds the winner's row); the embedded store, one node, serializes upserts in the JVM.
 */
final class Schedules implements ScheduleStore {

  private static final String COLUMNS =
      "id, environment_id, task_id, cron, timezone, external_id, deduplication_key, declarative,"
          + " active, missed_ticks, missed_cap, overlap, window_ms, last_tick_at, next_tick_at,"
          + " next_fire_at, last_run_id, created_at, updated_at";

  private static final String INSERT =
      "INSERT INTO schedules ("
          + COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
          + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)";

  private static final String UPDATE =
      "UPDATE schedules SET task_id = ?, cron = ?, timezone = ?, external_id = ?,"
          + " deduplication_key = ?, active = ?, missed_ticks = ?, missed_cap = ?, overlap = ?,"
          + " window_ms = ?, next_tick_at = ?, next_fire_at = ?, updated_at = CURRENT_TIMESTAMP"
          + " WHERE environment_id = ? AND id = ?";

  private static final String INSERT_TICK =
      "INSERT INTO schedule_ticks (schedule_id, scheduled_at, run_id, created_at)"
          + " SELECT ?, ?, ?, CURRENT_TIMESTAMP WHERE NOT EXISTS"
          + " (SELECT 1 FROM schedule_ticks WHERE schedule_id = ? AND scheduled_at = ?)";

  private static final String MOVE_ON =
      "UPDATE schedules SET last_tick_at = ?, next_tick_at = ?, next_fire_at = ?,"
          + " last_run_id = COALESCE(?, last_run_id), updated_at = CURRENT_TIMESTAMP WHERE id = ?";

  private final Database database;
  private final RunInsertion insertion;
  private final boolean postgres;
  private final ReentrantLock embeddedTurn = new ReentrantLock();

  Schedules(Database database, Dialect dialect, RunInsertion insertion) {
    this.database = database;
    this.insertion = insertion;
    this.postgres = dialect instanceof PostgresDialect;
  }

  @Override
  public Upserted upsert(ScheduleRecord s) {
    if (postgres) {
      return database.transaction("upsert schedule", c -> upsert(c, s));
    }
    embeddedTurn.lock();
    try {
      return database.transaction("upsert schedule", c -> upsert(c, s));
    } finally {
      embeddedTurn.unlock();
    }
  }

  private Upserted upsert(Connection connection, ScheduleRecord s) throws SQLException {
    Optional<ScheduleRecord> existing = Optional.empty();
    if (s.declarative()) {
      existing =
          one(
              connection,
              "environment_id = ? AND task_id = ? AND declarative FOR UPDATE",
              s.environmentId(),
              s.taskId());
    } else if (s.deduplicationKey() != null) {
      existing =
          one(
              connection,
              "environment_id = ? AND deduplication_key = ? FOR UPDATE",
              s.environmentId(),
              s.deduplicationKey());
    }
    if (existing.isPresent()) {
      ScheduleRecord e = existing.get();
      ScheduleRecord changed =
          new ScheduleRecord(
              e.id(),
              e.environmentId(),
              s.taskId(),
              s.cron(),
              s.timezone(),
              s.externalId(),
              s.deduplicationKey(),
              e.declarative(),
              s.active(),
              s.missedTicks(),
              s.missedCap(),
              s.overlap(),
              s.windowMillis(),
              e.lastTickAt(),
              s.nextTickAt(),
              s.nextFireAt(),
              e.lastRunId(),
              e.createdAt(),
              e.updatedAt());
      update(connection, changed);
      return new Upserted(one(connection, "id = ?", e.id()).orElseThrow(), false);
    }
    try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
      ps.setObject(1, s.id());
      ps.setObject(2, s.environmentId());
      ps.setString(3, s.taskId());
      ps.setString(4, s.cron());
      ps.setString(5, s.timezone());
      ps.setString(6, s.externalId());
      ps.setString(7, s.deduplicationKey());
      ps.setBoolean(8, s.declarative());
      ps.setBoolean(9, s.active());
      ps.setString(10, s.missedTicks());
      ps.setInt(11, s.missedCap());
      ps.setString(12, s.overlap());
      ps.setLong(13, s.windowMillis());
      RunRows.setInstant(ps, 14, s.lastTickAt());
      RunRows.setInstant(ps, 15, s.nextTickAt());
      RunRows.setInstant(ps, 16, s.nextFireAt());
      ps.setObject(17, s.lastRunId());
      ps.executeUpdate();
    }
    return new Upserted(one(connection, "id = ?", s.id()).orElseThrow(), true);
  }

  @Override
  public Optional<ScheduleRecord> find(UUID environmentId, UUID id) {
    return database.read(
        "find schedule", c -> one(c, "environment_id = ? AND id = ?", environmentId, id));
  }

  @Override
  public Optional<ScheduleRecord> findDeclarative(UUID environmentId, String taskId) {
    return database.read(
        "find declarative schedule",
        c -> one(c, "environment_id = ? AND task_id = ? AND declarative", environmentId, taskId));
  }

  @Override
  public List<ScheduleRecord> list(UUID environmentId, String taskId, UUID beforeId, int limit) {
    StringBuilder where = new StringBuilder("environment_id = ?");
    List<Object> parameters = new ArrayList<>(List.of(environmentId));
    if (taskId != null) {
      where.append(" AND task_id = ?");
      parameters.add(taskId);
    }
    if (beforeId != null) {
      where.append(" AND id < ?");
      parameters.add(beforeId);
    }
    where.append(" ORDER BY id DESC LIMIT ?");
    parameters.add(limit);
    return database.read("list schedules", c -> select(c, where.toString(), parameters.toArray()));
  }

  @Override
  public Optional<ScheduleRecord> update(ScheduleRecord s) {
    return database.transaction(
        "update schedule",
        c -> {
          if (!update(c, s)) {
            return Optional.<ScheduleRecord>empty();
          }
          PendingAudit.write(c);
          return one(c, "id = ?", s.id());
        });
  }

  private static boolean update(Connection connection, ScheduleRecord s) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(UPDATE)) {
      ps.setString(1, s.taskId());
      ps.setString(2, s.cron());
      ps.setString(3, s.timezone());
      ps.setString(4, s.externalId());
      ps.setString(5, s.deduplicationKey());
      ps.setBoolean(6, s.active());
      ps.setString(7, s.missedTicks());
      ps.setInt(8, s.missedCap());
      ps.setString(9, s.overlap());
      ps.setLong(10, s.windowMillis());
      RunRows.setInstant(ps, 11, s.nextTickAt());
      RunRows.setInstant(ps, 12, s.nextFireAt());
      ps.setObject(13, s.environmentId());
      ps.setObject(14, s.id());
      return ps.executeUpdate() > 0;
    }
  }

  @Override
  public boolean delete(UUID environmentId, UUID id) {
    return database.transaction(
        "delete schedule",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM schedules WHERE environment_id = ? AND id = ?")) {
            ps.setObject(1, environmentId);
            ps.setObject(2, id);
            if (ps.executeUpdate() == 0) {
              return false;
            }
          }
          PendingAudit.write(c);
          return true;
        });
  }

  @Override
  public Map<UUID, String> runStatuses(List<UUID> runIds) {
    if (runIds.isEmpty()) {
      return Map.of();
    }
    return database.read("read run statuses", c -> statuses(c, runIds));
  }

  private static Map<UUID, String> statuses(Connection connection, List<UUID> runIds)
      throws SQLException {
    Map<UUID, String> statuses = new HashMap<>();
    try (PreparedStatement ps =
        connection.prepareStatement("SELECT id, status FROM runs WHERE id = ANY(?)")) {
      ps.setArray(1, connection.createArrayOf("uuid", runIds.toArray(new UUID[0])));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          statuses.put(RunRows.uuid(rs, "id"), rs.getString("status"));
        }
      }
    }
    return statuses;
  }

  @Override
  public int fire(Instant now, int limit, Planner planner) {
    return database.transaction(
        "fire schedules",
        connection -> {
          List<ScheduleRecord> due =
              select(
                  connection,
                  "active AND next_fire_at <= ? ORDER BY next_fire_at LIMIT ?"
                      + " FOR UPDATE SKIP LOCKED",
                  now.atOffset(java.time.ZoneOffset.UTC),
                  limit);
          for (ScheduleRecord schedule : due) {
            Plan plan = planner.plan(schedule);
            if (plan != null) {
              apply(connection, schedule, plan);
            }
          }
          return due.size();
        });
  }

  private void apply(Connection connection, ScheduleRecord schedule, Plan plan)
      throws SQLException {
    UUID lastRun = null;
    List<NewRun> runs = new ArrayList<>();
    for (Tick tick : plan.ticks()) {
      UUID runId = tick.run() == null ? null : tick.run().id();
      try (PreparedStatement ps = connection.prepareStatement(INSERT_TICK)) {
        ps.setObject(1, schedule.id());
        RunRows.setInstant(ps, 2, tick.scheduledAt());
        ps.setObject(3, runId);
        ps.setObject(4, schedule.id());
        RunRows.setInstant(ps, 5, tick.scheduledAt());
        if (ps.executeUpdate() == 0 || tick.run() == null) {
          continue; // recorded before (or skipped): no run
        }
      }
      runs.add(tick.run());
      lastRun = runId;
    }
    if (!runs.isEmpty()) {
      insertion.insert(connection, runs);
      try (PreparedStatement ps =
          connection.prepareStatement("UPDATE runs SET schedule_id = ? WHERE id = ANY(?)")) {
        ps.setObject(1, schedule.id());
        ps.setArray(
            2,
            connection.createArrayOf("uuid", runs.stream().map(NewRun::id).toArray(UUID[]::new)));
        ps.executeUpdate();
      }
    }
    try (PreparedStatement ps = connection.prepareStatement(MOVE_ON)) {
      RunRows.setInstant(ps, 1, plan.lastTickAt());
      RunRows.setInstant(ps, 2, plan.nextTickAt());
      RunRows.setInstant(ps, 3, plan.nextFireAt());
      ps.setObject(4, lastRun);
      ps.setObject(5, schedule.id());
      ps.executeUpdate();
    }
  }

  private static Optional<ScheduleRecord> one(
      Connection connection, String where, Object... parameters) throws SQLException {
    return select(connection, where, parameters).stream().findFirst();
  }

  private static List<ScheduleRecord> select(
      Connection connection, String where, Object... parameters) throws SQLException {
    List<ScheduleRecord> found = new ArrayList<>();
    try (PreparedStatement ps =
        connection.prepareStatement("SELECT " + COLUMNS + " FROM schedules WHERE " + where)) {
      for (int i = 0; i < parameters.length; i++) {
        ps.setObject(i + 1, parameters[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.add(schedule(rs));
        }
      }
    }
    return found;
  }

  private static ScheduleRecord schedule(ResultSet rs) throws SQLException {
    return new ScheduleRecord(
        RunRows.uuid(rs, "id"),
        RunRows.uuid(rs, "environment_id"),
        rs.getString("task_id"),
        rs.getString("cron"),
        rs.getString("timezone"),
        rs.getString("external_id"),
        rs.getString("deduplication_key"),
        rs.getBoolean("declarative"),
        rs.getBoolean("active"),
        rs.getString("missed_ticks"),
        rs.getInt("missed_cap"),
        rs.getString("overlap"),
        rs.getLong("window_ms"),
        RunRows.instant(rs, "last_tick_at"),
        RunRows.instant(rs, "next_tick_at"),
        RunRows.instant(rs, "next_fire_at"),
        RunRows.uuid(rs, "last_run_id"),
        RunRows.instant(rs, "created_at"),
        RunRows.instant(rs, "updated_at"));
  }
}
