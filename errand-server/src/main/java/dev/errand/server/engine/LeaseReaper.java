package dev.errand.server.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.errand.sdk.RunError;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.internal.Json;
import dev.errand.server.store.AttemptOutcome;
import dev.errand.server.store.Store;
import dev.errand.server.store.Store.ExpiredLease;
import dev.errand.server.store.Store.OutcomeResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds runs whose worker stopped heartbeating (its lease expired by the database clock) and gives
 * them back to the queue, or ends them {@code CRASHED} when no attempts remain. The attempt is
 * recorded {@code CRASHED}; the lost worker's later writes are refused by the fencing token.
 */
final class LeaseReaper implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(LeaseReaper.class);
  static final int BATCH = 500;

  private final Store store;
  private final Wakeups wakeups;

  LeaseReaper(Store store, Wakeups wakeups) {
    this.store = store;
    this.wakeups = wakeups;
  }

  @Override
  public void run() {
    List<ExpiredLease> expired;
    do {
      expired = store.findExpiredLeases(BATCH);
      Map<UUID, List<ExpiredLease>> byEnvironment =
          expired.stream()
              .collect(
                  Collectors.groupingBy(
                      ExpiredLease::environmentId, LinkedHashMap::new, Collectors.toList()));
      byEnvironment.forEach(this::reap);
    } while (expired.size() == BATCH);
  }

  private void reap(UUID environmentId, List<ExpiredLease> expired) {
    List<AttemptOutcome> outcomes =
        expired.stream()
            .map(
                e ->
                    new AttemptOutcome(
                        e.runId(),
                        e.leaseToken(),
                        e.attempt(),
                        AttemptOutcome.Kind.LEASE_EXPIRED,
                        null,
                        errorJson(e),
                        true,
                        0,
                        e.timedOut() ? RunStatus.TIMED_OUT : RunStatus.CRASHED))
            .toList();
    List<OutcomeResult> results = store.finishAttempts(environmentId, outcomes);
    boolean requeued = false;
    for (int i = 0; i < results.size(); i++) {
      OutcomeResult r = results.get(i);
      if (r.accepted()) {
        log.warn(
            "run {} attempt {}: worker {} stopped heartbeating; run is now {}",
            RunIds.format(r.runId()),
            expired.get(i).attempt(),
            expired.get(i).workerId(),
            r.status());
        requeued |= r.status() == RunStatus.QUEUED;
      }
    }
    if (requeued) {
      wakeups.signal(environmentId);
      store.announceDue(environmentId);
    }
  }

  private static String errorJson(ExpiredLease e) {
    RunError error =
        e.timedOut()
            ? new RunError(
                Dispatcher.MAX_DURATION_EXCEEDED,
                "attempt "
                    + e.attempt()
                    + " on worker "
                    + e.workerId()
                    + " ran past its maximum duration and did not stop",
                "",
                false)
            : new RunError(
                "dev.errand.WorkerLost",
                "worker " + e.workerId() + " stopped heartbeating; its lease expired",
                "",
                false);
    try {
      return Json.mapper().writeValueAsString(error);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
