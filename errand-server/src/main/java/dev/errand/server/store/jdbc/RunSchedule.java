package dev.errand.server.store.jdbc;

import dev.errand.sdk.RunStatus;
import dev.errand.server.store.RunRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/** When runs may start: expiring those whose time to live ran out, rescheduling delayed ones. */
final class RunSchedule {
  private static final String EXPIRED_ERROR =
      "'{\"type\":\"dev.errand.RunExpired\",\"message\":\"the run did not start within its time to"
          + " live\",\"stackTrace\":\"\",\"nonRetryable\":true}'";

  private static final String FIND_EXPIRED =
      "SELECT id, environment_id FROM runs WHERE status IN ('QUEUED', 'DELAYED')"
          + " AND expires_at <= CURRENT_TIMESTAMP ORDER BY expires_at LIMIT ?";

  private static final String EXPIRE =
      "UPDATE runs SET status = "
          + StatusSql.literal(RunStatus.EXPIRED)
          + ", finished_at = CURRENT_TIMESTAMP, error = "
          + EXPIRED_ERROR
          + ", version = version + 1, updated_at = CURRENT_TIMESTAMP"
          + " WHERE id = ? AND "
          + StatusSql.mayMoveTo(RunStatus.EXPIRED)
          + " AND expires_at <= CURRENT_TIMESTAMP";

  private static final String RESCHEDULE_TAIL =
      ", version = version + 1, updated_at = CURRENT_TIMESTAMP"
          + " WHERE id = ? AND environment_id = ? AND status = "
          + StatusSql.literal(RunStatus.DELAYED);

  private final Database database;
  private final String reschedule;

  RunSchedule(Database database, Dialect dialect) {
    this.database = database;
    this.reschedule =
        "UPDATE runs SET available_at = "
            + dialect.plusMillis("CURRENT_TIMESTAMP")
            + RESCHEDULE_TAIL;
  }

  Set<UUID> expire(int limit) {
    return database.transaction(
        "expire runs",
        connection -> {
          Set<UUID> environments = new LinkedHashSet<>();
          java.util.List<UUID[]> found = new java.util.ArrayList<>();
          try (PreparedStatement ps = connection.prepareStatement(FIND_EXPIRED)) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                found.add(new UUID[] {RunRows.uuid(rs, "id"), RunRows.uuid(rs, "environment_id")});
              }
            }
          }
          found.sort(java.util.Comparator.comparing(pair -> pair[0])); // one lock order
          try (PreparedStatement ps = connection.prepareStatement(EXPIRE)) {
            for (UUID[] pair : found) {
              ps.setObject(1, pair[0]);
              if (ps.executeUpdate() > 0) {
                environments.add(pair[1]);
              }
            }
          }
          return environments;
        });
  }

  RunRecord reschedule(UUID environmentId, UUID runId, long delayMillis) {
    return database.transaction(
        "reschedule run " + runId,
        connection -> {
          int updated;
          try (PreparedStatement ps = connection.prepareStatement(reschedule)) {
            ps.setLong(1, Math.max(0, delayMillis));
            ps.setObject(2, runId);
            ps.setObject(3, environmentId);
            updated = ps.executeUpdate();
          }
          return RunRows.afterGuardedUpdate(
              connection, environmentId, runId, updated > 0, RunStatus.DELAYED);
        });
  }
}
