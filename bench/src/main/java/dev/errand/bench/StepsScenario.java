package dev.errand.bench;

import dev.errand.bench.Options.StoreKind;
import dev.errand.sdk.ErrandClient;
import dev.errand.sdk.ErrandWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Durable steps, with the three-step task of {@link StepProbe}, on a fresh store each time.
 *
 * <ul>
 *   <li><b>Steady rate</b> ({@link #measure}): one worker, already running, with the first {@code
 *       maxConcurrency}; runs triggered at {@code stepsRate} per second for {@code seconds}, after
 *       {@code warmupSeconds} at the same rate that are left out of the figures, as in {@link
 *       LatencyScenario}. Reports the wall time of each {@code ctx.step} call (the per-step
 *       overhead), each run's duration from the first instruction of its body to the last, and the
 *       start latency.
 *   <li><b>Drain</b> ({@link #drain}): {@code stepsRuns} runs enqueued with {@code batchTrigger},
 *       then drained by a worker started afterwards, timed as the drain scenario's "after enqueue".
 *       Reports steps recorded per second.
 * </ul>
 *
 * Each measurement then checks that every run executed exactly once and recorded exactly its three
 * steps: counted in the task body per run and per step block, and read back from the server (every
 * run COMPLETED after one attempt, and each run's recorded steps read one run at a time).
 */
final class StepsScenario {

  /** Whether the task body and the server agree that every run ran once with its three steps. */
  record Checks(
      Probe.Executions executions,
      Probe.Executions blocks,
      int wrongValues,
      ServerCheck.Tally tally,
      ServerCheck.StepTally steps) {

    boolean verified(int runs) {
      return executions.exactlyOnce(runs)
          && blocks.exactlyOnce(runs * StepProbe.STEPS)
          && wrongValues == 0
          && tally.allCompletedOnce(runs)
          && steps.allRecorded(runs);
    }

    @Override
    public String toString() {
      return "runs "
          + executions
          + "; step blocks "
          + blocks
          + "; wrong step values "
          + wrongValues
          + "; "
          + tally
          + "; "
          + steps;
    }
  }

  /**
   * One steady-rate measurement (milliseconds).
   *
   * @param runs all runs, warm-up included (what the checks cover)
   * @param stepCall every measured {@code ctx.step} call
   * @param stepCallByPosition the same, for the first, second and third step separately
   * @param runDuration per measured run, the first instruction of its body to the last
   * @param recordStep the server's {@code Store.recordStep} calls of the measured window: the
   *     transaction that records a step, pool wait included (see {@link StoreTimer})
   */
  record Result(
      StoreKind store,
      int concurrency,
      double targetRate,
      double achievedRate,
      int runs,
      Percentiles stepCall,
      List<Percentiles> stepCallByPosition,
      Percentiles runDuration,
      Percentiles recordStep,
      Percentiles startLatency,
      int triggerErrors,
      String firstError,
      Checks checks,
      CpuMeter.Usage cpu) {

    boolean verified() {
      return triggerErrors == 0 && checks.verified(runs);
    }
  }

  /**
   * One drain measurement. Seconds are -1 when the phase timed out.
   *
   * @param stepCall every {@code ctx.step} call of the drain (milliseconds)
   * @param recordStep every {@code Store.recordStep} call of the drain (milliseconds)
   */
  record DrainResult(
      StoreKind store,
      int concurrency,
      int runs,
      double enqueueSeconds,
      double lastEndSeconds,
      double drainSeconds,
      Percentiles stepCall,
      Percentiles recordStep,
      Checks checks,
      CpuMeter.Usage cpu) {

    /** Steps recorded per second over the drain. */
    double stepRate() {
      return drainSeconds > 0 ? runs * StepProbe.STEPS / drainSeconds : -1;
    }

    double runRate() {
      return drainSeconds > 0 ? runs / drainSeconds : -1;
    }

    boolean verified() {
      return drainSeconds > 0 && checks.verified(runs);
    }
  }

  private final Options options;

  StepsScenario(Options options) {
    this.options = options;
  }

  Result measure(StoreKind store) throws InterruptedException {
    int rate = options.stepsRate();
    int warmup = rate * options.warmupSeconds();
    int total = warmup + rate * options.seconds();
    Duration timeout = options.timeout();
    StoreTimer timer = timer(total);
    try (Deployment deployment = Deployment.start(store, options, timer::wrap)) {
      ErrandClient client = deployment.client();
      StepProbe probe = new StepProbe(total);
      probe.register(client);
      int concurrency = options.concurrency().getFirst();
      try (ErrandWorker worker = probe.worker(client, concurrency)) {
        worker.start();
        SteadyLoad.Sent sent = SteadyLoad.drive(client, probe.task(), rate, warmup, total, timeout);
        boolean ended = sent.called() && probe.awaitAllEnded(timeout);
        if (ended) {
          ServerCheck.awaitDrained(client, timeout);
        }
        CpuMeter.Usage cpu = CpuMeter.between(sent.measuredFrom(), CpuMeter.take());
        long[] latency = new long[total - warmup];
        for (int i = warmup; i < total; i++) {
          long s = probe.probe().startedAt(i);
          latency[i - warmup] = s == 0 ? Long.MAX_VALUE : s - sent.sentAt().get(i);
        }
        List<Percentiles> byPosition = new ArrayList<>();
        for (int position = 0; position < StepProbe.STEPS; position++) {
          byPosition.add(Percentiles.of(probe.stepNanos(warmup, total, position)));
        }
        worker.close();
        return new Result(
            store,
            concurrency,
            rate,
            sent.achievedRate(),
            total,
            Percentiles.of(probe.stepNanos(warmup, total, -1)),
            List.copyOf(byPosition),
            Percentiles.of(probe.runNanos(warmup, total)),
            Percentiles.of(timer.since(sent.measuredFrom().wallNanos())),
            Percentiles.of(latency),
            sent.errors(),
            sent.firstError(),
            checks(client, probe),
            cpu);
      }
    }
  }

  /** An unmeasured drain, so the JIT has compiled the drain's paths before the figures. */
  void warmUpDrain(StoreKind store) throws InterruptedException {
    drain(store, options.stepsRuns());
  }

  DrainResult drain(StoreKind store) throws InterruptedException {
    return drain(store, options.stepsRuns());
  }

  private DrainResult drain(StoreKind store, int runs) throws InterruptedException {
    Duration timeout = options.timeout();
    int concurrency = options.concurrency().getFirst();
    StoreTimer timer = timer(runs);
    try (Deployment deployment = Deployment.start(store, options, timer::wrap)) {
      ErrandClient client = deployment.client();
      StepProbe probe = new StepProbe(runs);
      probe.register(client);
      ErrandWorker worker = probe.worker(client, concurrency);
      try {
        double enqueueSeconds =
            DrainScenario.enqueue(client, probe.task(), runs, options.batchSize());
        CpuMeter.Snapshot before = CpuMeter.take();
        worker.start();
        long start = before.wallNanos();
        boolean ended = probe.awaitAllEnded(timeout);
        long end = ended ? ServerCheck.awaitDrained(client, timeout) : -1;
        CpuMeter.Usage cpu = CpuMeter.between(before, CpuMeter.take());
        worker.close();
        return new DrainResult(
            store,
            concurrency,
            runs,
            enqueueSeconds,
            ended ? DrainScenario.seconds(probe.lastEnd() - start) : -1,
            end > 0 ? DrainScenario.seconds(end - start) : -1,
            Percentiles.of(probe.stepNanos(0, runs, -1)),
            Percentiles.of(timer.since(start)),
            checks(client, probe),
            cpu);
      } finally {
        worker.close();
      }
    }
  }

  /** Times the server's step transactions of {@code runs} runs (and a few more). */
  private static StoreTimer timer(int runs) {
    return new StoreTimer("recordStep", runs * StepProbe.STEPS + 1_000);
  }

  private static Checks checks(ErrandClient client, StepProbe probe) {
    return new Checks(
        probe.probe().executions(),
        probe.blocks(),
        probe.wrongValues(),
        ServerCheck.tally(client, probe.probe().runs()),
        ServerCheck.steps(client, StepProbe.NAMES));
  }
}
