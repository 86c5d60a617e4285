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

  List<ClaimedRun> claim(Database database, Request request);

  /** What to claim, for whom, for how long. */
  record Request(
      UUID environmentId, List<String> taskIds, String workerId, int max, long leaseMillis) {}
}
