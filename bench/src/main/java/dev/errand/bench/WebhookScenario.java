package dev.errand.bench;

import dev.errand.bench.Options.StoreKind;
import dev.errand.sdk.ErrandWorker;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.locks.LockSupport;

/**
 * Webhook ingestion: verified deliveries per second into runs, and the ingest latency. On a fresh
 * store, a GitHub endpoint routes every delivery to one task; a worker with that task (the first
 * {@code maxConcurrency}) runs from the start, so ingestion competes with execution as in
 * production. {@link WebhookLoad}'s {@code senders} post signed push deliveries in a closed loop
 * for {@code warmupSeconds} (not counted) and then {@code webhookSeconds} (measured). After that
 * the worker must finish every run, and {@link WebhookCheck} must find exactly one completed run
 * per accepted delivery, in the task body and over the API.
 */
final class WebhookScenario {

  /**
   * One measurement.
   *
   * @param seconds length of the measured window
   * @param latency send to full answer of each new delivery accepted in the window (ms)
   * @param duplicateLatency the same for redeliveries answered as duplicates
   * @param errors answers that were not the expected 200 (or no answer), warm-up included
   * @param sent new deliveries posted, warm-up included
   * @param meanBodyBytes mean body size of the new deliveries
   * @param caughtUpSeconds from the end of the window until the worker had completed every run; -1
   *     on timeout
   */
  record Result(
      StoreKind store,
      int senders,
      int redeliverPercent,
      int concurrency,
      double seconds,
      Percentiles latency,
      Percentiles duplicateLatency,
      long errors,
      String firstError,
      long sent,
      double meanBodyBytes,
      double caughtUpSeconds,
      WebhookCheck.Checks checks,
      CpuMeter.Usage cpu) {

    /** New deliveries accepted per second in the measured window. */
    double acceptedRate() {
      return latency.count() / seconds;
    }

    /** Redeliveries answered as duplicates per second in the measured window. */
    double duplicateRate() {
      return duplicateLatency.count() / seconds;
    }

    boolean verified() {
      return errors == 0 && caughtUpSeconds >= 0 && checks.verified();
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Options options;

  WebhookScenario(Options options) {
    this.options = options;
  }

  Result measure(StoreKind store, int senders) throws InterruptedException {
    Duration timeout = options.timeout();
    int concurrency = options.concurrency().getFirst();
    String secret = HexFormat.of().formatHex(RANDOM.generateSeed(20));
    try (Deployment deployment = Deployment.start(store, options)) {
      WebhookCheck check = new WebhookCheck();
      try (ErrandWorker worker = check.worker(deployment.client(), concurrency)) {
        worker.start();
        URI url = WebhookCheck.createEndpoint(deployment, secret);
        WebhookLoad load =
            new WebhookLoad(url, secret, options.redeliverPercent(), options.timeout());
        long measuredFrom =
            System.nanoTime() + Duration.ofSeconds(options.warmupSeconds()).toNanos();
        long end = measuredFrom + Duration.ofSeconds(options.webhookSeconds()).toNanos();
        Thread sending = Thread.ofVirtual().start(() -> load.run(senders, measuredFrom, end));
        parkUntil(measuredFrom);
        CpuMeter.Snapshot before = CpuMeter.take();
        parkUntil(end);
        CpuMeter.Snapshot after = CpuMeter.take();
        sending.join();
        boolean executed = check.awaitExecuted(load.accepted.size(), timeout);
        long drained = executed ? ServerCheck.awaitDrained(deployment.client(), timeout) : -1;
        double caughtUp = drained > 0 ? Math.max(0, drained - end) / 1e9 : -1;
        worker.close();
        long sent = load.sent();
        return new Result(
            store,
            senders,
            options.redeliverPercent(),
            concurrency,
            (after.wallNanos() - before.wallNanos()) / 1e9,
            Percentiles.of(load.newLatencies()),
            Percentiles.of(load.duplicateLatencies()),
            load.errors.sum(),
            load.firstError.get(),
            sent,
            sent == 0 ? 0 : (double) load.bodyBytes.sum() / sent,
            caughtUp,
            check.check(deployment, load),
            CpuMeter.between(before, after));
      }
    }
  }

  private static void parkUntil(long nanoTime) throws InterruptedException {
    for (long left; (left = nanoTime - System.nanoTime()) > 0; ) {
      LockSupport.parkNanos(left);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }
}
