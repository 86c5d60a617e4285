package dev.errand.bench;

import dev.errand.bench.Options.Scenario;
import dev.errand.bench.Options.StoreKind;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whole-system benchmarks of Errand: server, store, worker and client in this one JVM, talking HTTP
 * over 127.0.0.1. Four scenarios on each store: drain throughput ({@link DrainScenario}), start
 * latency at a steady rate ({@link LatencyScenario}), the overhead of durable steps ({@link
 * StepsScenario}) and webhook ingestion ({@link WebhookScenario}). Each measurement gets a fresh
 * store (a new PostgreSQL database, dropped afterwards, or a temporary directory). See
 * docs/benchmarks.md.
 *
 * <pre>
 * ./mvnw -q -pl bench -am package -DskipTests
 * java -cp "bench/target/errand-bench.jar:bench/target/lib/*" dev.errand.bench.Bench --store postgres
 * </pre>
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) throws InterruptedException {
    Options options;
    try {
      if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
        System.out.print(Options.USAGE);
        return;
      }
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(Options.USAGE);
      System.exit(2);
      return;
    }
    PrintStream out = System.out;
    machine(out, options);
    List<DrainScenario.Result> drains = new ArrayList<>();
    List<LatencyScenario.Result> latencies = new ArrayList<>();
    List<StepsScenario.Result> steps = new ArrayList<>();
    List<StepsScenario.DrainResult> stepDrains = new ArrayList<>();
    List<WebhookScenario.Result> webhooks = new ArrayList<>();
    for (StoreKind store : options.stores()) {
      if (options.scenarios().contains(Scenario.DRAIN)) {
        drain(out, options, store, drains);
      }
      if (options.scenarios().contains(Scenario.LATENCY)) {
        for (int i = 0; i < options.repeat(); i++) {
          progress(
              out,
              "%s latency at %d runs/s for %d s (+%d s warm-up), maxConcurrency %d",
              store,
              options.rate(),
              options.seconds(),
              options.warmupSeconds(),
              options.concurrency().getFirst());
          awaitQuiet(out, options);
          latencies.add(new LatencyScenario(options).measure(store));
        }
      }
      if (options.scenarios().contains(Scenario.STEPS)) {
        steps(out, options, store, steps, stepDrains);
      }
      if (options.scenarios().contains(Scenario.WEBHOOKS)) {
        webhooks(out, options, store, webhooks);
      }
    }
    Report report = new Report(out);
    report.drain(drains);
    report.latency(latencies);
    report.steps(steps);
    report.stepsDrain(stepDrains);
    report.webhooks(webhooks);
    boolean verified =
        drains.stream().allMatch(DrainScenario.Result::verified)
            && latencies.stream().allMatch(LatencyScenario.Result::verified)
            && steps.stream().allMatch(StepsScenario.Result::verified)
            && stepDrains.stream().allMatch(StepsScenario.DrainResult::verified)
            && webhooks.stream().allMatch(WebhookScenario.Result::verified);
    out.println();
    out.println(
        verified ? "Every run executed exactly once." : "VERIFICATION FAILED (see tables).");
    System.exit(verified ? 0 : 1);
  }

  private static void drain(
      PrintStream out, Options options, StoreKind store, List<DrainScenario.Result> results)
      throws InterruptedException {
    DrainScenario drain = new DrainScenario(options);
    progress(out, "%s drain warm-up: %d runs (not counted)", store, options.warmupRuns());
    drain.warmUp(store);
    for (boolean overlapped : new boolean[] {false, true}) {
      for (int concurrency : options.concurrency()) {
        for (int i = 0; i < options.repeat(); i++) {
          progress(
              out,
              "%s drain %s: %d runs, maxConcurrency %d",
              store,
              overlapped ? "overlapped" : "after enqueue",
              options.runs(),
              concurrency);
          awaitQuiet(out, options);
          DrainScenario.Result r = drain.measure(store, overlapped, concurrency);
          progress(
              out,
              "  enqueue %.0f runs/s, drain %.0f runs/s%s",
              r.enqueueRate(),
              r.drainRate(),
              r.verified() ? "" : " (NOT VERIFIED)");
          results.add(r);
        }
      }
    }
  }

  private static void steps(
      PrintStream out,
      Options options,
      StoreKind store,
      List<StepsScenario.Result> results,
      List<StepsScenario.DrainResult> drains)
      throws InterruptedException {
    StepsScenario steps = new StepsScenario(options);
    for (int i = 0; i < options.repeat(); i++) {
      progress(
          out,
          "%s steps: 3-step runs at %d runs/s for %d s (+%d s warm-up), maxConcurrency %d",
          store,
          options.stepsRate(),
          options.seconds(),
          options.warmupSeconds(),
          options.concurrency().getFirst());
      awaitQuiet(out, options);
      StepsScenario.Result r = steps.measure(store);
      progress(
          out,
          "  step call p50 %.2f ms, p99 %.2f ms; run p50 %.2f ms%s",
          r.stepCall().p50(),
          r.stepCall().p99(),
          r.runDuration().p50(),
          r.verified() ? "" : " (NOT VERIFIED)");
      results.add(r);
    }
    progress(out, "%s steps drain warm-up: %d runs (not counted)", store, options.stepsRuns());
    steps.warmUpDrain(store);
    for (int i = 0; i < options.repeat(); i++) {
      progress(
          out,
          "%s steps drain: %d 3-step runs, maxConcurrency %d",
          store,
          options.stepsRuns(),
          options.concurrency().getFirst());
      awaitQuiet(out, options);
      StepsScenario.DrainResult r = steps.drain(store);
      progress(
          out,
          "  %.0f steps/s (%.0f runs/s)%s",
          r.stepRate(),
          r.runRate(),
          r.verified() ? "" : " (NOT VERIFIED)");
      drains.add(r);
    }
  }

  private static void webhooks(
      PrintStream out, Options options, StoreKind store, List<WebhookScenario.Result> results)
      throws InterruptedException {
    WebhookScenario scenario = new WebhookScenario(options);
    for (int senders : options.senders()) {
      for (int i = 0; i < options.repeat(); i++) {
        progress(
            out,
            "%s webhooks: %d senders for %d s (+%d s warm-up), %d%% redeliveries,"
                + " maxConcurrency %d",
            store,
            senders,
            options.webhookSeconds(),
            options.warmupSeconds(),
            options.redeliverPercent(),
            options.concurrency().getFirst());
        awaitQuiet(out, options);
        WebhookScenario.Result r = scenario.measure(store, senders);
        progress(
            out,
            "  %.0f deliveries/s accepted, p50 %.1f ms, p99 %.1f ms%s",
            r.acceptedRate(),
            r.latency().p50(),
            r.latency().p99(),
            r.verified() ? "" : " (NOT VERIFIED)");
        results.add(r);
      }
    }
  }

  private static void awaitQuiet(PrintStream out, Options options) throws InterruptedException {
    if (options.quietWait().isPositive() && !CpuMeter.awaitQuiet(options.quietWait())) {
      progress(
          out, "  the machine did not get quiet within %s; measuring anyway", options.quietWait());
    }
  }

  private static void machine(PrintStream out, Options options) {
    Runtime rt = Runtime.getRuntime();
    out.printf(
        Locale.ROOT,
        "Errand bench: %d CPUs, max heap %d MiB, Java %s (%s), %s %s%n",
        rt.availableProcessors(),
        rt.maxMemory() >> 20,
        Runtime.version(),
        System.getProperty("java.vm.name"),
        System.getProperty("os.name"),
        System.getProperty("os.arch"));
    if (options.stores().contains(StoreKind.POSTGRES)) {
      out.println("PostgreSQL " + Deployment.postgresVersion(options.postgresUrl()));
    }
    out.println(
        "Options: "
            + options.stores()
            + " "
            + options.scenarios()
            + ", runs "
            + options.runs()
            + " (steps drain "
            + options.stepsRuns()
            + ")"
            + ", batch "
            + options.batchSize()
            + ", concurrency "
            + options.concurrency()
            + ", drain queue "
            + options.queueDescription()
            + (options.analyze() ? " (ANALYZE after enqueue)" : "")
            + ", rate "
            + options.rate()
            + "/s (steps "
            + options.stepsRate()
            + "/s) for "
            + options.seconds()
            + " s (+"
            + options.warmupSeconds()
            + " s warm-up), pool "
            + options.poolSize()
            + ", webhook senders "
            + options.senders()
            + " for "
            + options.webhookSeconds()
            + " s, "
            + options.redeliverPercent()
            + "% redeliveries");
  }

  private static void progress(PrintStream out, String format, Object... args) {
    out.printf(Locale.ROOT, "[%tT] " + format + "%n", prepend(System.currentTimeMillis(), args));
    out.flush();
  }

  private static Object[] prepend(Object first, Object[] rest) {
    Object[] all = new Object[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }
}
