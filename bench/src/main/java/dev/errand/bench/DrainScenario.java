package dev.errand.bench;

import dev.errand.bench.Options.StoreKind;
import dev.errand.bench.Probe.Job;
import dev.errand.sdk.ErrandClient;
import dev.errand.sdk.ErrandWorker;
import dev.errand.sdk.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Drain throughput: {@code runs} no-op runs triggered with {@code batchTrigger}, then executed by
 * one worker in the same JVM, on a fresh store each time.
 *
 * <ul>
 *   <li><b>after enqueue</b>: every run is stored before the worker starts; the drain is timed from
 *       just before {@code worker.start()} until the server reports no run QUEUED, DELAYED or
 *       EXECUTING (polled every 5 ms once every task body has started).
 *   <li><b>overlapped</b>: the worker runs first; the drain is timed from the first trigger call to
 *       the same end.
 * </ul>
 *
 * With {@code --concurrency-keys N}, run {@code seq} is triggered with the concurrency key {@code
 * tenant-<seq % N>} (so every batch spreads over the keys), on the queue {@code --queue-limit} and
 * {@code --total-limit} describe.
 *
 * <p>With {@code --analyze on}, a PostgreSQL drain after enqueue runs {@code ANALYZE} once the runs
 * are stored, before the clock starts: the planner then knows the backlog, as it would once
 * autovacuum has analyzed the table. Without it, each measurement's fresh database has no
 * statistics at all.
 *
 * <p>Each measurement then checks that every run executed exactly once: counted in the task body
 * per sequence number, and read back from the server (every run COMPLETED with one attempt and the
 * concurrency key it was triggered with).
 */
final class DrainScenario {

  /** One drain measurement. Rates are runs per second; -1 when the phase timed out. */
  record Result(
      StoreKind store,
      String queue,
      boolean overlapped,
      int concurrency,
      int runs,
      double enqueueSeconds,
      double lastStartSeconds,
      double drainSeconds,
      Probe.Executions executions,
      ServerCheck.Tally tally,
      CpuMeter.Usage cpu,
      double statusCheckMillis) {

    double enqueueRate() {
      return enqueueSeconds > 0 ? runs / enqueueSeconds : -1;
    }

    double drainRate() {
      return drainSeconds > 0 ? runs / drainSeconds : -1;
    }

    boolean verified() {
      return drainSeconds > 0 && executions.exactlyOnce(runs) && tally.allCompletedOnce(runs);
    }
  }

  private final Options options;

  DrainScenario(Options options) {
    this.options = options;
  }

  /** An unmeasured drain, so the JIT has compiled the hot paths before the figures. */
  void warmUp(StoreKind store) throws InterruptedException {
    if (options.warmupRuns() > 0) {
      measure(store, false, options.concurrency().getFirst(), options.warmupRuns());
    }
  }

  Result measure(StoreKind store, boolean overlapped, int concurrency) throws InterruptedException {
    return measure(store, overlapped, concurrency, options.runs());
  }

  private Result measure(StoreKind store, boolean overlapped, int concurrency, int runs)
      throws InterruptedException {
    Duration timeout = options.timeout();
    try (Deployment deployment = Deployment.start(store, options)) {
      ErrandClient client = deployment.client();
      Probe probe = new Probe(runs, options.queueLimit(), options.totalLimit());
      probe.register(client);
      ErrandWorker worker = probe.worker(client, concurrency);
      CpuMeter.Snapshot before;
      double enqueueSeconds;
      try {
        if (overlapped) {
          worker.start();
          before = CpuMeter.take();
          enqueueSeconds = enqueue(deployment, probe, runs);
        } else {
          enqueueSeconds = enqueue(deployment, probe, runs);
          if (options.analyze()) {
            deployment.analyze();
          }
          before = CpuMeter.take();
          worker.start();
        }
        long start = before.wallNanos();
        boolean started = probe.awaitAllStarted(timeout);
        long end = started ? ServerCheck.awaitDrained(client, timeout) : -1;
        CpuMeter.Usage cpu = CpuMeter.between(before, CpuMeter.take());
        double lastStart = started ? seconds(probe.lastStart() - start) : -1;
        double drain = end > 0 ? seconds(end - start) : -1;
        worker.close();
        double statusCheckMillis = ServerCheck.timeDrainedCheck(client);
        int keys = options.concurrencyKeys();
        return new Result(
            store,
            options.queueDescription() + (options.analyze() && !overlapped ? ", analyzed" : ""),
            overlapped,
            concurrency,
            runs,
            enqueueSeconds,
            lastStart,
            drain,
            probe.executions(),
            ServerCheck.tally(client, runs, seq -> keys > 0 ? KeyedBatch.key(seq, keys) : null),
            cpu,
            statusCheckMillis);
      } finally {
        worker.close();
      }
    }
  }

  /**
   * Triggers the runs in batches; with concurrency keys over plain HTTP ({@link KeyedBatch}), else
   * with the SDK's {@code batchTrigger}.
   */
  private double enqueue(Deployment deployment, Probe probe, int runs) {
    if (options.concurrencyKeys() == 0) {
      return enqueue(deployment.client(), probe.task(), runs, options.batchSize());
    }
    KeyedBatch batch =
        new KeyedBatch(
            deployment.client().apiUrl(),
            deployment.secretKey(),
            probe.task().id(),
            options.concurrencyKeys());
    long start = System.nanoTime();
    for (int from = 0; from < runs; from += options.batchSize()) {
      batch.trigger(from, Math.min(runs, from + options.batchSize()));
    }
    return seconds(System.nanoTime() - start);
  }

  /**
   * Triggers runs 0..runs-1 of {@code task} in batches of {@code batchSize}, one call at a time;
   * returns the seconds it took.
   */
  static double enqueue(ErrandClient client, Task<Job, ?> task, int runs, int batchSize) {
    long start = System.nanoTime();
    for (int from = 0; from < runs; from += batchSize) {
      int to = Math.min(runs, from + batchSize);
      List<Job> batch = new ArrayList<>(to - from);
      for (int seq = from; seq < to; seq++) {
        batch.add(new Job(seq));
      }
      client.batchTrigger(task, batch);
    }
    return seconds(System.nanoTime() - start);
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
