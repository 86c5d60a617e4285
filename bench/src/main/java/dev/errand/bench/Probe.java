package dev.errand.bench;

import dev.errand.sdk.ErrandClient;
import dev.errand.sdk.ErrandWorker;
import dev.errand.sdk.Task;
import dev.errand.sdk.TaskFunction;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The benchmark's task and what it observed: each run carries a sequence number; the task body
 * notes when it started each sequence number (System.nanoTime, first thing it does) and how often
 * each one ran. The no-op task does nothing else; others go on with a body of their own.
 * Thread-safe.
 */
final class Probe {
  /** The payload: the run's sequence number, 0-based. */
  record Job(int seq) {}

  static final String TASK_ID = "bench-noop";

  /** The queue of the no-op task when it has limits. */
  static final String LIMITED_QUEUE = "bench-limited";

  private final AtomicIntegerArray executions;
  private final AtomicLongArray startedAt;
  private final CountDownLatch allStarted;
  private final Task<Job, Void> task;

  /** The no-op task {@value #TASK_ID}. */
  Probe(int runs) {
    this(runs, 0);
  }

  /** The no-op task {@value #TASK_ID}, on a queue limited to {@code queueLimit} (0: none). */
  Probe(int runs, int queueLimit) {
    this(runs, queueLimit, 0);
  }

  /**
   * The no-op task {@value #TASK_ID}; with a limit, on the queue {@value #LIMITED_QUEUE} with
   * concurrencyLimit {@code queueLimit} (per concurrency key) and totalConcurrencyLimit {@code
   * totalLimit} (0: none).
   */
  Probe(int runs, int queueLimit, int totalLimit) {
    this.executions = new AtomicIntegerArray(runs);
    this.startedAt = new AtomicLongArray(runs);
    this.allStarted = new CountDownLatch(runs);
    var definition = Task.define(TASK_ID, Job.class, Void.class);
    if (queueLimit > 0 || totalLimit > 0) {
      dev.errand.sdk.Queue queue = dev.errand.sdk.Queue.named(LIMITED_QUEUE);
      if (queueLimit > 0) {
        queue = queue.concurrencyLimit(queueLimit);
      }
      if (totalLimit > 0) {
        queue = queue.totalConcurrencyLimit(totalLimit);
      }
      definition.queue(queue);
    }
    this.task = definition.run((job, ctx) -> started(job.seq()));
  }

  /** A task {@code taskId} that, once it has noted its start, runs {@code rest}. */
  Probe(int runs, String taskId, TaskFunction<Job, Void> rest) {
    this.executions = new AtomicIntegerArray(runs);
    this.startedAt = new AtomicLongArray(runs);
    this.allStarted = new CountDownLatch(runs);
    this.task =
        Task.define(taskId, Job.class, Void.class)
            .run(
                (job, ctx) -> {
                  started(job.seq());
                  return rest.run(job, ctx);
                });
  }

  private Void started(int seq) {
    long now = System.nanoTime();
    if (executions.getAndIncrement(seq) == 0) {
      startedAt.set(seq, now);
      allStarted.countDown();
    }
    return null;
  }

  Task<Job, Void> task() {
    return task;
  }

  int runs() {
    return executions.length();
  }

  /** Waits until every sequence number has started once; false when {@code timeout} passed. */
  boolean awaitAllStarted(Duration timeout) throws InterruptedException {
    return allStarted.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  long startedAt(int seq) {
    return startedAt.get(seq);
  }

  /** The latest body start over all runs (System.nanoTime). */
  long lastStart() {
    long last = Long.MIN_VALUE;
    for (int i = 0; i < startedAt.length(); i++) {
      last = Math.max(last, startedAt.get(i));
    }
    return last;
  }

  /** Executions counted in the task body, and how many runs started never or more than once. */
  record Executions(long total, int never, int more) {
    boolean exactlyOnce(int runs) {
      return total == runs && never == 0 && more == 0;
    }
  }

  Executions executions() {
    long total = 0;
    int never = 0;
    int more = 0;
    for (int i = 0; i < executions.length(); i++) {
      int n = executions.get(i);
      total += n;
      never += n == 0 ? 1 : 0;
      more += n > 1 ? 1 : 0;
    }
    return new Executions(total, never, more);
  }

  /** A worker for this probe's task. */
  ErrandWorker worker(ErrandClient client, int maxConcurrency) {
    return ErrandWorker.builder()
        .client(client)
        .register(task)
        .maxConcurrency(maxConcurrency)
        .shutdownTimeout(Duration.ofSeconds(5))
        .build();
  }

  /**
   * Registers the task with the server (triggers need a registered task) without leaving a worker
   * running: starts one and closes it again at once.
   */
  void register(ErrandClient client) {
    try (ErrandWorker registrar = worker(client, 1)) {
      registrar.start();
    }
  }
}
