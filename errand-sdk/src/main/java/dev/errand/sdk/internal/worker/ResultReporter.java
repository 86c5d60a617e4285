package dev.errand.sdk.internal.worker;

import dev.errand.sdk.ErrandApiException;
import dev.errand.sdk.ErrandException;
import dev.errand.sdk.RunError;
import dev.errand.sdk.internal.HttpTransport;
import dev.errand.sdk.internal.protocol.WorkerProtocol;
import dev.errand.sdk.internal.protocol.WorkerProtocol.AttemptResult;
import dev.errand.sdk.internal.protocol.WorkerProtocol.CompleteRequest;
import dev.errand.sdk.internal.protocol.WorkerProtocol.CompleteResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends attempt results to the server in batches. One request is in flight at a time; results that
 * finish meanwhile go in the next one, so batching adds no delay when the worker is idle and fewer
 * round trips when it is busy.
 *
 * <p>A request that fails on the way (server down, restarting) is retried until the server answers.
 * A request the server refuses (4xx: too large, unreadable) is never retried as is: a batch is
 * split into single results, and a single refused result is replaced by a non-retryable failure
 * saying why, so one bad result cannot hold back the others.
 *
 * <p>Runs on a platform thread: CPU-bound attempts on the virtual-thread carriers cannot starve it.
 */
final class ResultReporter {
  private static final Logger log = LoggerFactory.getLogger(ResultReporter.class);
  static final int MAX_BATCH = 500;
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final HttpTransport transport;
  private final String workerId;
  private final ActiveAttempts active;
  private final LinkedBlockingQueue<AttemptResult> queue = new LinkedBlockingQueue<>();
  private volatile boolean closing;
  private Thread thread;

  ResultReporter(HttpTransport transport, String workerId, ActiveAttempts active) {
    this.transport = transport;
    this.workerId = workerId;
    this.active = active;
  }

  void start() {
    thread = Thread.ofPlatform().daemon().name("errand-report-" + workerId).start(this::loop);
  }

  void submit(AttemptResult result) {
    queue.add(result);
  }

  private void loop() {
    Duration backoff = Duration.ofMillis(100);
    List<AttemptResult> batch = new ArrayList<>();
    while (!(closing && queue.isEmpty() && batch.isEmpty())) {
      try {
        if (batch.isEmpty()) {
          AttemptResult first = queue.poll(100, TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
          batch.add(first);
          queue.drainTo(batch, MAX_BATCH - 1);
        }
        deliver(batch);
        batch.clear();
        backoff = Duration.ofMillis(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ErrandException e) {
        log.warn(
            "reporting {} results failed, retrying in {} ms: {}",
            batch.size(),
            backoff.toMillis(),
            e.getMessage());
        WorkerRuntime.sleepQuietly(backoff);
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      } catch (Throwable t) {
        log.error("result reporter error, continuing", t);
        WorkerRuntime.sleepQuietly(backoff);
      }
    }
  }

  /** Sends a batch; a refused batch is sent one by one, a refused result as a failure. */
  private void deliver(List<AttemptResult> batch) {
    try {
      send(batch);
    } catch (ErrandApiException e) {
      if (!isRefusal(e)) {
        throw e;
      }
      if (batch.size() > 1) {
        log.warn(
            "server refused a batch of {} results ({}); sending them one by one",
            batch.size(),
            e.getMessage());
        for (AttemptResult r : batch) {
          deliver(List.of(r));
        }
      } else {
        deliverRefused(batch.getFirst(), e);
      }
    }
  }

  private void deliverRefused(AttemptResult refused, ErrandApiException e) {
    log.error(
        "server refused the result of run {} attempt {}: {}",
        refused.runId(),
        refused.attempt(),
        e.getMessage());
    if (!refused.success() && refused.error() != null && refused.error().stackTrace().isEmpty()) {
      active.remove(refused.runId(), refused.leaseToken()); // already the minimal form: give up
      return;
    }
    String message = "the server refused this attempt's result: " + e.getMessage();
    RunError error = new RunError("dev.errand.ResultRefused", message, "", true);
    deliver(
        List.of(
            new AttemptResult(
                refused.runId(),
                refused.taskIdentifier(),
                refused.leaseToken(),
                refused.attempt(),
                false,
                null,
                error,
                null)));
  }

  private static boolean isRefusal(ErrandApiException e) {
    return e.status() >= 400
        && e.status() < 500
        && e.status() != 401
        && e.status() != 408
        && e.status() != 429;
  }

  private void send(List<AttemptResult> batch) {
    CompleteResponse response =
        transport.post(
            WorkerProtocol.COMPLETE_PATH,
            new CompleteRequest(workerId, List.copyOf(batch)),
            CompleteResponse.class);
    Set<String> rejected = new HashSet<>(response.rejected());
    for (AttemptResult r : batch) {
      if (rejected.contains(r.runId())) {
        log.warn(
            "result of run {} attempt {} refused: the lease is no longer this worker's",
            r.runId(),
            r.attempt());
      }
      active.remove(r.runId(), r.leaseToken());
    }
  }

  void close() {
    closing = true;
    if (thread != null) {
      try {
        if (!thread.join(CLOSE_TIMEOUT)) {
          log.warn("{} results not reported before shutdown", queue.size());
          thread.interrupt();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
