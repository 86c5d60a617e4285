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

  void add(ClaimedRun run, AttemptExecution execution) {
    byRunId.put(run.runId(), new Entry(run, execution));
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

  /** The lease of this run was lost: stop its attempt. */
  void lost(String runId) {
    Entry e = byRunId.remove(runId);
    if (e != null) {
      e.execution().cancel();
    }
  }

  void interruptAll() {
    byRunId.values().forEach(e -> e.execution().cancel());
  }

  int size() {
    return byRunId.size();
  }
}
