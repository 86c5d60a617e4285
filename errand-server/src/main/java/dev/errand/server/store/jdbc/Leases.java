package dev.errand.server.store.jdbc;

import dev.errand.sdk.RunStatus;
import dev.errand.server.store.ClaimedRun;
import dev.errand.server.store.Store.LeaseRef;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Handing runs to workers and keeping their leases alive. */
final class Leases {

  private final Database database;
  private final Dialect dialect;
  private final String heartbeat;

  Leases(Database database, Dialect dialect) {
    this.database = database;
    this.dialect = dialect;
    this.heartbeat =
        "UPDATE runs SET lease_expires_at = LEAST("
            + dialect.plusMillis("CURRENT_TIMESTAMP")
            + ", COALESCE(deadline_at, "
            + dialect.plusMillis("CURRENT_TIMESTAMP")
            + ")), updated_at = CURRENT_TIMESTAMP WHERE id = ? AND lease_token = ? AND environment_id = ? AND "
            + StatusSql.is(RunStatus.EXECUTING);
  }

  List<ClaimedRun> claim(
      UUID environmentId,
      Collection<String> taskIds,
      String workerId,
      int max,
      Duration lease,
      Integer environmentLimit) {
    long leaseMillis = positiveMillis(lease);
    if (max <= 0 || taskIds.isEmpty()) {
      return List.of();
    }
    return dialect
        .claim()
        .claim(
            database,
            new Claim.Request(
                environmentId, List.copyOf(taskIds), workerId, max, leaseMillis, environmentLimit),
            Steps::attach);
  }

  List<ClaimedRun> claimInQueue(
      UUID environmentId,
      String queue,
      dev.errand.server.store.Store.QueueLimits limit,
      Collection<String> taskIds,
      String workerId,
      int max,
      Duration lease,
      Integer environmentLimit) {
    long leaseMillis = positiveMillis(lease);
    if (max <= 0 || taskIds.isEmpty()) {
      return List.of();
    }
    return dialect
        .claim()
        .claimLimited(
            database,
            new Claim.Request(
                environmentId, List.copyOf(taskIds), workerId, max, leaseMillis, environmentLimit),
            queue,
            limit,
            Steps::attach);
  }

  Set<UUID> heartbeat(UUID environmentId, List<LeaseRef> leases, Duration lease) {
    long leaseMillis = positiveMillis(lease);
    if (leases.isEmpty()) {
      return Set.of();
    }
    // One lock order for every batch that touches several runs, so batches cannot deadlock.
    List<LeaseRef> sorted = leases.stream().sorted(Comparator.comparing(LeaseRef::runId)).toList();
    return database.transaction(
        "extend " + leases.size() + " lease(s)",
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(heartbeat)) {
            for (LeaseRef ref : sorted) {
              ps.setLong(1, leaseMillis);
              ps.setLong(2, leaseMillis);
              ps.setObject(3, ref.runId());
              ps.setLong(4, ref.leaseToken());
              ps.setObject(5, environmentId);
              ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            Set<UUID> lost = new HashSet<>();
            for (int i = 0; i < counts.length; i++) {
              if (counts[i] == 0) {
                lost.add(sorted.get(i).runId());
              }
            }
            return lost;
          }
        });
  }

  private static long positiveMillis(Duration lease) {
    if (lease == null || lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("lease must be a positive duration but was " + lease);
    }
    return Math.max(1, lease.toMillis());
  }
}
