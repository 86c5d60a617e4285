package dev.errand.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Prints the figures as plain-text tables (also valid Markdown). */
final class Report {
  static final double TARGET_DRAIN_POSTGRES = 3_000;
  static final double TARGET_P50_MS = 10;
  static final double TARGET_P99_MS = 50;
  static final double TARGET_WEBHOOKS_POSTGRES = 2_000;

  private final PrintStream out;

  Report(PrintStream out) {
    this.out = out;
  }

  void drain(List<DrainScenario.Result> results) {
    if (results.isEmpty()) {
      return;
    }
    out.println();
    out.println("Drain throughput (runs/s; the target is >= 3,000 runs/s drain on PostgreSQL)");
    out.println();
    out.println(
        "| store | queue | mode | maxConcurrency | runs | enqueue runs/s | last body start s | drained s"
            + " | drain runs/s | JVM CPU ms/run | cores JVM / PG / irq / other | status check ms"
            + " | exactly once |");
    out.println("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|");
    for (DrainScenario.Result r : results) {
      out.println(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %d | %d | %s | %s | %s | %s | %.2f | %s | %.1f | %s |",
              store(r.store()),
              r.queue(),
              r.overlapped() ? "overlapped" : "after enqueue",
              r.concurrency(),
              r.runs(),
              rate(r.enqueueRate()),
              secs(r.lastStartSeconds()),
              secs(r.drainSeconds()),
              rate(r.drainRate()),
              r.cpu().jvmMillisPer(r.runs()),
              cores(r.cpu()),
              r.statusCheckMillis(),
              r.verified() ? "yes" : "NO: " + r.executions() + "; " + r.tally()));
    }
  }

  void latency(List<LatencyScenario.Result> results) {
    if (results.isEmpty()) {
      return;
    }
    out.println();
    out.println(
        "Start latency, trigger call to task body start (ms; targets p50 <= 10, p99 <= 50)");
    out.println();
    out.println(
        "| store | rate/s (achieved) | runs | p50 | p90 | p99 | max | mean | trigger call p50"
            + " / p99 | JVM CPU ms/run | cores JVM / PG / irq / other | exactly once |");
    out.println("|---|---|---:|---:|---:|---:|---:|---:|---|---:|---|---|");
    for (LatencyScenario.Result r : results) {
      Percentiles l = r.startLatency();
      Percentiles c = r.triggerCall();
      out.println(
          String.format(
              Locale.ROOT,
              "| %s | %.0f (%.1f) | %d%s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f / %.1f | %.2f | %s"
                  + " | %s |",
              store(r.store()),
              r.targetRate(),
              r.achievedRate(),
              l.count(),
              l.missing() > 0 ? " (" + l.missing() + " never started)" : "",
              l.p50(),
              l.p90(),
              l.p99(),
              l.max(),
              l.mean(),
              c.p50(),
              c.p99(),
              r.cpu().jvmMillisPer(l.count() + l.missing()),
              cores(r.cpu()),
              r.verified()
                  ? "yes"
                  : "NO: "
                      + r.triggerErrors()
                      + " trigger errors ("
                      + r.firstError()
                      + "); "
                      + r.executions()
                      + "; "
                      + r.tally()));
    }
  }

  void steps(List<StepsScenario.Result> results) {
    if (results.isEmpty()) {
      return;
    }
    out.println();
    out.println(
        "Durable steps at a steady rate: wall time of one ctx.step call with a trivial block"
            + " (ms; the target is p50 <= 2)");
    out.println();
    out.println(
        "| store | rate/s (achieved) | steps | p50 | p90 | p99 | max | mean | p50 step 1 / 2 / 3"
            + " | store transaction p50 / p99 | run duration p50 / p99"
            + " | start latency p50 / p99 | JVM CPU ms/run | cores JVM / PG / irq / other"
            + " | exactly once |");
    out.println("|---|---|---:|---:|---:|---:|---:|---:|---|---|---|---|---:|---|---|");
    for (StepsScenario.Result r : results) {
      Percentiles c = r.stepCall();
      Percentiles d = r.runDuration();
      Percentiles t = r.recordStep();
      Percentiles l = r.startLatency();
      List<Percentiles> p = r.stepCallByPosition();
      out.println(
          String.format(
              Locale.ROOT,
              "| %s | %.0f (%.1f) | %d%s | %.2f | %.2f | %.2f | %.1f | %.2f | %.2f / %.2f / %.2f"
                  + " | %.2f / %.2f | %.2f / %.2f | %.2f / %.2f | %.2f | %s | %s |",
              store(r.store()),
              r.targetRate(),
              r.achievedRate(),
              c.count(),
              c.missing() > 0 ? " (" + c.missing() + " never returned)" : "",
              c.p50(),
              c.p90(),
              c.p99(),
              c.max(),
              c.mean(),
              p.get(0).p50(),
              p.get(1).p50(),
              p.get(2).p50(),
              t.p50(),
              t.p99(),
              d.p50(),
              d.p99(),
              l.p50(),
              l.p99(),
              r.cpu().jvmMillisPer(d.count() + d.missing()),
              cores(r.cpu()),
              r.verified()
                  ? "yes"
                  : "NO: "
                      + r.triggerErrors()
                      + " trigger errors ("
                      + r.firstError()
                      + "); "
                      + r.checks()));
    }
  }

  void stepsDrain(List<StepsScenario.DrainResult> results) {
    if (results.isEmpty()) {
      return;
    }
    out.println();
    out.println("Durable steps, drain of 3-step runs enqueued first (steps recorded per second)");
    out.println();
    out.println(
        "| store | maxConcurrency | runs | enqueue runs/s | last body end s | drained s"
            + " | steps/s | runs/s | step call p50 / p99 ms | store transaction p50 / p99 ms"
            + " | JVM CPU ms/step | cores JVM / PG / irq / other | exactly once |");
    out.println("|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---|---|");
    for (StepsScenario.DrainResult r : results) {
      out.println(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %s | %s | %s | %s | %s | %.1f / %.1f | %.1f / %.1f | %.3f | %s"
                  + " | %s |",
              store(r.store()),
              r.concurrency(),
              r.runs(),
              rate(r.enqueueSeconds() > 0 ? r.runs() / r.enqueueSeconds() : -1),
              secs(r.lastEndSeconds()),
              secs(r.drainSeconds()),
              rate(r.stepRate()),
              rate(r.runRate()),
              r.stepCall().p50(),
              r.stepCall().p99(),
              r.recordStep().p50(),
              r.recordStep().p99(),
              r.cpu().jvmMillisPer(r.runs() * StepProbe.STEPS),
              cores(r.cpu()),
              r.verified() ? "yes" : "NO: " + r.checks()));
    }
  }

  void webhooks(List<WebhookScenario.Result> results) {
    if (results.isEmpty()) {
      return;
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "Webhook ingestion: signed GitHub push deliveries into runs, closed loop (the target is"
            + " >= %,.0f verified deliveries/s on PostgreSQL)%n",
        TARGET_WEBHOOKS_POSTGRES);
    out.println();
    out.println(
        "| store | senders | redeliver % | deliveries (mean body B) | accepted/s | p50 | p95 | p99"
            + " | max | duplicates/s (p50 / p99 ms) | worker caught up s | JVM CPU ms/delivery"
            + " | cores JVM / PG / irq / other | exactly once |");
    out.println("|---|---:|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---|---|");
    for (WebhookScenario.Result r : results) {
      Percentiles l = r.latency();
      Percentiles d = r.duplicateLatency();
      out.println(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %d (%.0f) | %s | %.1f | %.1f | %.1f | %.1f | %s | %s | %.2f | %s"
                  + " | %s |",
              store(r.store()),
              r.senders(),
              r.redeliverPercent(),
              l.count(),
              r.meanBodyBytes(),
              rate(r.acceptedRate()),
              l.p50(),
              l.p95(),
              l.p99(),
              l.max(),
              d.count() == 0
                  ? "–"
                  : String.format(
                      Locale.ROOT, "%s (%.1f / %.1f)", rate(r.duplicateRate()), d.p50(), d.p99()),
              secs(r.caughtUpSeconds()),
              r.cpu().jvmMillisPer(Math.max(1, l.count() + d.count())),
              cores(r.cpu()),
              r.verified()
                  ? "yes"
                  : "NO: " + r.errors() + " errors (" + r.firstError() + "); " + r.checks()));
    }
  }

  private static String store(Options.StoreKind kind) {
    return kind == Options.StoreKind.POSTGRES ? "postgres" : "embedded";
  }

  private static String cores(CpuMeter.Usage u) {
    return String.format(
        Locale.ROOT,
        "%.2f / %.2f / %.2f / %.2f",
        u.jvmCores(),
        u.postgresCores(),
        u.interruptCores(),
        u.otherCores());
  }

  private static String rate(double perSecond) {
    return perSecond < 0 ? "timeout" : String.format(Locale.ROOT, "%,.0f", perSecond);
  }

  private static String secs(double s) {
    return s < 0 ? "timeout" : String.format(Locale.ROOT, "%.2f", s);
  }
}
