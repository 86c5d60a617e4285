package dev.errand.server.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes the claim requests waiting in an environment when runs become due on this node: now (a
 * trigger, a requeue) or at a known instant (a retry, a delay). Waiters also wake on their own
 * after a poll interval, which covers runs made due by other server nodes. Thread-safe.
 */
public final class Wakeups implements AutoCloseable {
  /**
   * Dues further away than this get no timer (a delay of days would hold one for days); waiting
   * claims find them by their periodic {@code nextDueAt} check instead, within a poll interval.
   */
  static final Duration MAX_TIMER_DELAY = Duration.ofMinutes(1);

  private final Map<UUID, Signal> signals = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("errand-wakeup-timer").factory());

  /** A generation number to pass to {@link #await}: waits return once it has moved on. */
  public long generation(UUID environmentId) {
    return signalOf(environmentId).generation();
  }

  /** Runs became due in the environment now. */
  public void signal(UUID environmentId) {
    signalOf(environmentId).fire();
  }

  /** Runs become due in the environment at {@code due} (by the server's clock). */
  public void signalAt(UUID environmentId, Instant due, Instant now) {
    long delay = Duration.between(now, due).toMillis();
    if (delay <= 0) {
      signal(environmentId);
    } else if (delay <= MAX_TIMER_DELAY.toMillis()) {
      timer.schedule(() -> signal(environmentId), delay, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Waits until the environment's generation moves past {@code seen} or {@code timeout} passes.
   *
   * @return whether a signal came
   */
  public boolean await(UUID environmentId, long seen, Duration timeout)
      throws InterruptedException {
    return signalOf(environmentId).await(seen, timeout);
  }

  private Signal signalOf(UUID environmentId) {
    return signals.computeIfAbsent(environmentId, id -> new Signal());
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  private static final class Signal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long generation;

    long generation() {
      lock.lock();
      try {
        return generation;
      } finally {
        lock.unlock();
      }
    }

    void fire() {
      lock.lock();
      try {
        generation++;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    boolean await(long seen, Duration timeout) throws InterruptedException {
      long nanos = timeout.toNanos();
      lock.lock();
      try {
        while (generation == seen) {
          if (nanos <= 0) {
            return false;
          }
          nanos = changed.awaitNanos(nanos);
        }
        return true;
      } finally {
        lock.unlock();
      }
    }
  }
}
