package dev.errand.sdk.internal.worker;

import dev.errand.sdk.internal.protocol.WorkerProtocol.ClaimedRun;
import dev.errand.sdk.internal.protocol.WorkerProtocol.Lease;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The attempts a worker runs now, by run id, with their leases. Thread-safe. */
final class ActiveAttempts {
  private record Entry(ClaimedRun run, AttemptExecution execution) {}

  private final Map<String, Entry> byRunId = new ConcurrentHashMap<>();

  /**
   * Tracks a newly claimed attempt. Should the same run already be here under an older lease (its
   * lease expired and this worker claimed it again), the older attempt is stopped: one run never
   * executes twice at once in this worker.
   */
  void add(ClaimedRun run, AttemptExecution execution) {
    Entry previous = byRunId.put(run.runId(), new Entry(run, execution));
    if (previous != null && previous.run().leaseToken() != run.leaseToken()) {
      previous.execution().cancel();
    }
  }

  /** Forgets the attempt once its result has been accepted or refused by the server. */
  void remove(String runId, long leaseToken) {
    byRunId.computeIfPresent(runId, (id, e) -> e.run().leaseToken() == leaseToken ? null : e);
  }

  List<Lease> leases() {
    List<Lease> leases = new ArrayList<>(byRunId.size());
    for (Entry e : byRunId.values()) {
      leases.add(new Lease(e.run().runId(), e.run().leaseToken()));
    }
    return leases;
  }

  /** The lease {@code leaseToken} of this run was lost: stop that attempt, not a newer one. */
  void lost(String runId, long leaseToken) {
    Entry[] removed = new Entry[1];
    byRunId.computeIfPresent(
        runId,
        (id, e) -> {
          if (e.run().leaseToken() != leaseToken) {
            return e;
          }
          removed[0] = e;
          return null;
        });
    if (removed[0] != null) {
      removed[0].execution().cancel();
    }
  }

  void interruptAll() {
    byRunId.values().forEach(e -> e.execution().cancel());
  }

  int size() {
    return byRunId.size();
  }
}
