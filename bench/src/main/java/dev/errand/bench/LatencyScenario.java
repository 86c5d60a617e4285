package dev.errand.bench;

import dev.errand.bench.Options.StoreKind;
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
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Start latency at a steady rate ({@link SteadyLoad}: one {@code client.trigger} call per tick,
 * {@code 1/rate} apart, on a fixed schedule, each timed from a System.nanoTime taken just before
 * it). The latency of a run is from that instant to the first instruction of its task body, in the
 * same JVM. The first {@code warmupSeconds} of runs are executed but left out of the figures. One
 * worker, already running, on a fresh store.
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
    Duration timeout = options.timeout();

    try (Deployment deployment = Deployment.start(store, options)) {
      ErrandClient client = deployment.client();
      Probe probe = new Probe(total);
      probe.register(client);
      int concurrency = options.concurrency().getFirst();
      try (ErrandWorker worker = probe.worker(client, concurrency)) {
        worker.start();
        SteadyLoad.Sent sent = SteadyLoad.drive(client, probe.task(), rate, warmup, total, timeout);
        boolean started = sent.called() && probe.awaitAllStarted(timeout);
        if (started) {
          ServerCheck.awaitDrained(client, timeout);
        }
        CpuMeter.Usage cpu = CpuMeter.between(sent.measuredFrom(), CpuMeter.take());
        AtomicLongArray sentAt = sent.sentAt();
        long[] latency = new long[total - warmup];
        long[] call = new long[total - warmup];
        for (int i = warmup; i < total; i++) {
          long s = probe.startedAt(i);
          latency[i - warmup] = s == 0 ? Long.MAX_VALUE : s - sentAt.get(i);
          long r = sent.returnedAt().get(i);
          call[i - warmup] = r == 0 ? Long.MAX_VALUE : r - sentAt.get(i);
        }
        if (options.samplesFile() != null) {
          writeSamples(options.samplesFile(), store, sent.first(), warmup, sentAt, latency, call);
        }
        worker.close();
        return new Result(
            store,
            concurrency,
            rate,
            sent.achievedRate(),
            Percentiles.of(latency),
            Percentiles.of(call),
            sent.errors(),
            sent.firstError(),
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
