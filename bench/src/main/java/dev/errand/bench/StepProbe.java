package dev.errand.bench;

import dev.errand.bench.Probe.Job;
import dev.errand.sdk.ErrandClient;
import dev.errand.sdk.ErrandWorker;
import dev.errand.sdk.Task;
import dev.errand.sdk.TaskContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The benchmark's three-step task and what it observed. After noting its start (see {@link Probe}),
 * the body calls {@code ctx.step(name, Value.class, block)} three times; each block only counts its
 * execution and returns a small record. Since the block does nothing, the wall time of a {@code
 * ctx.step} call (System.nanoTime just before and just after it, in the task body) is the step's
 * overhead: serializing the result, one {@code POST /api/v1/workers/steps} and the server's
 * transaction that records it. The body notes those times, and when it ended. Thread-safe.
 */
final class StepProbe {
  static final String TASK_ID = "bench-steps";

  /** The steps' names, in the order the body reaches them. */
  static final List<String> NAMES = List.of("first", "second", "third");

  static final int STEPS = NAMES.size();

  /** A step's result: the run's sequence number and the step's position. */
  record Value(int seq, int step) {}

  private final Probe probe;
  private final AtomicIntegerArray blocks;
  private final AtomicLongArray stepNanos;
  private final AtomicLongArray endedAt;
  private final AtomicInteger wrongValues = new AtomicInteger();
  private final CountDownLatch allEnded;

  StepProbe(int runs) {
    this.blocks = new AtomicIntegerArray(runs * STEPS);
    this.stepNanos = new AtomicLongArray(runs * STEPS);
    this.endedAt = new AtomicLongArray(runs);
    this.allEnded = new CountDownLatch(runs);
    this.probe = new Probe(runs, TASK_ID, this::steps);
  }

  private Void steps(Job job, TaskContext ctx) throws Exception {
    int seq = job.seq();
    for (int i = 0; i < STEPS; i++) {
      int step = i;
      int at = seq * STEPS + step;
      long before = System.nanoTime();
      Value value =
          ctx.step(
              NAMES.get(step),
              Value.class,
              () -> {
                blocks.incrementAndGet(at);
                return new Value(seq, step);
              });
      long after = System.nanoTime();
      stepNanos.set(at, after - before);
      if (value == null || value.seq() != seq || value.step() != step) {
        wrongValues.incrementAndGet();
      }
    }
    if (endedAt.getAndSet(seq, System.nanoTime()) == 0) {
      allEnded.countDown();
    }
    return null;
  }

  Task<Job, Void> task() {
    return probe.task();
  }

  Probe probe() {
    return probe;
  }

  /** Waits until every sequence number has ended once; false when {@code timeout} passed. */
  boolean awaitAllEnded(Duration timeout) throws InterruptedException {
    return allEnded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * The wall time of every {@code ctx.step} call of runs {@code from..to-1}, in nanoseconds, step
   * by step; {@link Long#MAX_VALUE} for a step that never returned. With {@code position} in 0..2,
   * only the steps at that position.
   */
  long[] stepNanos(int from, int to, int position) {
    boolean all = position < 0;
    long[] nanos = new long[(to - from) * (all ? STEPS : 1)];
    int n = 0;
    for (int seq = from; seq < to; seq++) {
      for (int i = 0; i < STEPS; i++) {
        if (all || i == position) {
          long t = stepNanos.get(seq * STEPS + i);
          nanos[n++] = t == 0 ? Long.MAX_VALUE : t;
        }
      }
    }
    return nanos;
  }

  /**
   * Per run of {@code from..to-1}: from the first instruction of its body to the last (after the
   * third step returned), in nanoseconds; {@link Long#MAX_VALUE} when it never got there.
   */
  long[] runNanos(int from, int to) {
    long[] nanos = new long[to - from];
    for (int seq = from; seq < to; seq++) {
      long start = probe.startedAt(seq);
      long end = endedAt.get(seq);
      nanos[seq - from] = start == 0 || end == 0 ? Long.MAX_VALUE : end - start;
    }
    return nanos;
  }

  /** The latest end of a body over all runs (System.nanoTime). */
  long lastEnd() {
    long last = Long.MIN_VALUE;
    for (int i = 0; i < endedAt.length(); i++) {
      last = Math.max(last, endedAt.get(i));
    }
    return last;
  }

  /** Executions of the step blocks, one expected per run and step. */
  Probe.Executions blocks() {
    long total = 0;
    int never = 0;
    int more = 0;
    for (int i = 0; i < blocks.length(); i++) {
      int n = blocks.get(i);
      total += n;
      never += n == 0 ? 1 : 0;
      more += n > 1 ? 1 : 0;
    }
    return new Probe.Executions(total, never, more);
  }

  /** How many {@code ctx.step} calls returned another value than their block's. */
  int wrongValues() {
    return wrongValues.get();
  }

  ErrandWorker worker(ErrandClient client, int maxConcurrency) {
    return probe.worker(client, maxConcurrency);
  }

  void register(ErrandClient client) {
    probe.register(client);
  }
}
