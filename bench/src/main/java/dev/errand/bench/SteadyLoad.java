package dev.errand.bench;

import dev.errand.bench.Probe.Job;
import dev.errand.sdk.ErrandClient;
import dev.errand.sdk.Task;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Triggers at a steady rate: a pacing thread starts one virtual thread per tick ({@code 1/rate}
 * apart, on a fixed schedule, so a slow call does not delay the next one); each takes
 * System.nanoTime and calls {@code client.trigger} once with the next sequence number. The first
 * {@code warmup} runs are triggered at the same rate but meant to be left out of the figures: the
 * CPU snapshot is taken when the first measured one is due.
 */
final class SteadyLoad {

  /**
   * What the pacing thread saw.
   *
   * @param first when the first tick was due (System.nanoTime)
   * @param sentAt per sequence number, when its trigger call began (System.nanoTime)
   * @param returnedAt per sequence number, when its trigger call returned; 0 when it failed
   * @param called whether every trigger call returned within the timeout
   * @param achievedRate measured triggers per second, over the measured part
   * @param measuredFrom the CPU snapshot taken when the first measured run was due
   */
  record Sent(
      long first,
      AtomicLongArray sentAt,
      AtomicLongArray returnedAt,
      int errors,
      String firstError,
      boolean called,
      double achievedRate,
      CpuMeter.Snapshot measuredFrom) {}

  private SteadyLoad() {}

  /** Triggers runs 0..total-1 of {@code task}; returns once every call returned or timed out. */
  static Sent drive(
      ErrandClient client, Task<Job, ?> task, int rate, int warmup, int total, Duration timeout)
      throws InterruptedException {
    long period = TimeUnit.SECONDS.toNanos(1) / rate;
    AtomicLongArray sentAt = new AtomicLongArray(total);
    AtomicLongArray returnedAt = new AtomicLongArray(total);
    AtomicInteger errors = new AtomicInteger();
    AtomicReference<String> firstError = new AtomicReference<>();
    CountDownLatch calls = new CountDownLatch(total);
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
                  client.trigger(task, new Job(seq));
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
    return new Sent(
        first, sentAt, returnedAt, errors.get(), firstError.get(), called, achieved, measured);
  }
}
