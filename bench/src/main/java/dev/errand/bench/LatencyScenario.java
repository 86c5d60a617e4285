package dev.errand.bench;

import dev.errand.bench.Options.StoreKind;
import dev.errand.bench.Probe.Job;
import dev.errand.sdk.ErrandClient;
import dev.errand.sdk.ErrandWorker;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Start latency at a steady rate: a pacing thread starts one virtual thread per tick ({@code
 * 1/rate} apart, on a fixed schedule, so a slow call does not delay the next one); each takes
 * System.nanoTime and calls {@code client.trigger} once. The latency of a run is from that instant
 * to the first instruction of its task body, in the same JVM. The first {@code warmupSeconds} of
 * runs are executed but left out of the figures. One worker, already running, on a fresh store.
 */
final class LatencyScenario {

  /** One latency measurement (milliseconds). */
  record Result(
      StoreKind store,
      int concurrency,
      double targetRate,
      double achievedRate,
      Percentiles startLatency,
      Percentiles triggerCall,
      int triggerErrors,
      String firstError,
      Probe.Executions executions,
      ServerCheck.Tally tally,
      CpuMeter.Usage cpu) {

    boolean verified() {
      int runs = executions.never() + executions.more() == 0 ? (int) executions.total() : -1;
      return triggerErrors == 0 && runs > 0 && tally.allCompletedOnce(runs);
    }
  }

  private final Options options;

  LatencyScenario(Options options) {
    this.options = options;
  }

  Result measure(StoreKind store) throws InterruptedException {
    int rate = options.rate();
    int warmup = rate * options.warmupSeconds();
    int total = warmup + rate * options.seconds();
    long period = TimeUnit.SECONDS.toNanos(1) / rate;
    AtomicLongArray sentAt = new AtomicLongArray(total);
    AtomicLongArray returnedAt = new AtomicLongArray(total);
    AtomicInteger errors = new AtomicInteger();
    AtomicReference<String> firstError = new AtomicReference<>();
    CountDownLatch calls = new CountDownLatch(total);
    Duration timeout = options.timeout();

    try (Deployment deployment = Deployment.start(store, options)) {
      ErrandClient client = deployment.client();
      Probe probe = new Probe(total);
      probe.register(client);
      int concurrency = options.concurrency().getFirst();
      try (ErrandWorker worker = probe.worker(client, concurrency)) {
        worker.start();
        long first = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        CpuMeter.Snapshot measured = null;
        for (int i = 0; i < total; i++) {
          long due = first + i * period;
          for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
            LockSupport.parkNanos(wait);
          }
          if (i == warmup) {
            measured = CpuMeter.take();
          }
          int seq = i;
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      sentAt.set(seq, System.nanoTime());
                      client.trigger(probe.task(), new Job(seq));
                      returnedAt.set(seq, System.nanoTime());
                    } catch (RuntimeException e) {
                      errors.incrementAndGet();
                      firstError.compareAndSet(null, e.toString());
                    } finally {
                      calls.countDown();
                    }
                  });
        }
        boolean called = calls.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        double seconds = DrainScenario.seconds(sentAt.get(total - 1) - sentAt.get(warmup));
        double achieved = (total - 1 - warmup) / seconds;
        boolean started = called && probe.awaitAllStarted(timeout);
        if (started) {
          ServerCheck.awaitDrained(client, timeout);
        }
        CpuMeter.Usage cpu = CpuMeter.between(measured, CpuMeter.take());
        long[] latency = new long[total - warmup];
        long[] call = new long[total - warmup];
        for (int i = warmup; i < total; i++) {
          long s = probe.startedAt(i);
          latency[i - warmup] = s == 0 ? Long.MAX_VALUE : s - sentAt.get(i);
          long r = returnedAt.get(i);
          call[i - warmup] = r == 0 ? Long.MAX_VALUE : r - sentAt.get(i);
        }
        if (options.samplesFile() != null) {
          writeSamples(options.samplesFile(), store, first, warmup, sentAt, latency, call);
        }
        worker.close();
        return new Result(
            store,
            concurrency,
            rate,
            achieved,
            Percentiles.of(latency),
            Percentiles.of(call),
            errors.get(),
            firstError.get(),
            probe.executions(),
            ServerCheck.tally(client, total),
            cpu);
      }
    }
  }

  /**
   * Appends one CSV line per measured run: store, sequence number, when the trigger call began (ms
   * after the first tick), the trigger call's duration and the start latency (ms; empty when it
   * never happened). For finding out whether slow runs come in bursts.
   */
  private static void writeSamples(
      Path file,
      StoreKind store,
      long first,
      int warmup,
      AtomicLongArray sentAt,
      long[] latency,
      long[] call) {
    boolean header = !Files.exists(file);
    try (PrintWriter out =
        new PrintWriter(
            Files.newBufferedWriter(
                file,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND))) {
      if (header) {
        out.println("store,seq,sent_ms,trigger_call_ms,start_latency_ms");
      }
      for (int i = 0; i < latency.length; i++) {
        out.printf(
            Locale.ROOT,
            "%s,%d,%.3f,%s,%s%n",
            store.name().toLowerCase(Locale.ROOT),
            warmup + i,
            (sentAt.get(warmup + i) - first) / 1e6,
            ms(call[i]),
            ms(latency[i]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static String ms(long nanos) {
    return nanos == Long.MAX_VALUE ? "" : String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }
}
