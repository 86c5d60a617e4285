package dev.errand.server.store.jdbc;

import dev.errand.server.store.ClaimedRun;
import java.util.List;
import java.util.UUID;

/**
 * How a dialect hands due runs to a worker: each claimed run becomes {@code EXECUTING} with {@code
 * attempt_count + 1}, a new lease token and lease, and a new {@code EXECUTING} attempt row.
 * Concurrent claims never return the same run. Results are oldest due first.
 */
interface Claim {

  /**
   * Work done on the claimed runs inside the claim's transaction (reading their recorded steps), so
   * that a failure there leaves nothing claimed.
   */
  @FunctionalInterface
  interface Completion {
    List<ClaimedRun> apply(java.sql.Connection connection, List<ClaimedRun> claimed)
        throws java.sql.SQLException;
  }

  List<ClaimedRun> claim(Database database, Request request, Completion completion);

  /**
   * Like {@link #claim}, but taking turns with every other claim of {@code queue} (across nodes)
   * and claiming only what the queue's limits leave ({@link QueueTurn}).
   */
  List<ClaimedRun> claimLimited(
      Database database,
      Request request,
      String queue,
      dev.errand.server.store.Store.QueueLimits limits,
      Completion completion);

  /**
   * What to claim, for whom, for how long.
   *
   * @param environmentLimit the environment's cap on executing runs, or null for none; with one,
   *     claims in the environment take turns and claim at most the cap minus its executing runs
   */
  record Request(
      UUID environmentId,
      List<String> taskIds,
      String workerId,
      int max,
      long leaseMillis,
      Integer environmentLimit) {
    Request withMax(int newMax) {
      return new Request(environmentId, taskIds, workerId, newMax, leaseMillis, environmentLimit);
    }
  }
}
