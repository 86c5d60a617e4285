package dev.errand.server.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes the claim requests waiting in an environment when runs of their tasks become due on this
 * node: now (a trigger, a requeue) or at a known instant (a retry, a delay). A signal names a task,
 * or none for "any task" (a requeue of unknown tasks, another node's announcement); a waiter wakes
 * only for signals of the tasks it claims, so a trigger of one task does not send every idle worker
 * of the environment an empty answer. Waiters also wake on their own after a poll interval, which
 * covers runs made due by other server nodes. Thread-safe.
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

  /**
   * A stamp of the signals so far for these tasks, to pass to {@link #await}: waits return once a
   * signal for one of them (or for any task) has moved it on.
   */
  public long stamp(UUID environmentId, Collection<String> taskIds) {
    return signalOf(environmentId).stamp(taskIds);
  }

  /** Runs of any task became due in the environment now. */
  public void signal(UUID environmentId) {
    signalOf(environmentId).fire(null);
  }

  /** Runs of {@code taskId} became due in the environment now. */
  public void signal(UUID environmentId, String taskId) {
    signalOf(environmentId).fire(taskId);
  }

  /** Runs of {@code taskId} become due in the environment at {@code due} (server's clock). */
  public void signalAt(UUID environmentId, String taskId, Instant due, Instant now) {
    long delay = Duration.between(now, due).toMillis();
    if (delay <= 0) {
      signal(environmentId, taskId);
    } else if (delay <= MAX_TIMER_DELAY.toMillis()) {
      timer.schedule(() -> signal(environmentId, taskId), delay, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Waits until a signal for one of {@code taskIds} moves the stamp past {@code seen}, or {@code
   * timeout} passes.
   *
   * @return whether a signal came
   */
  public boolean await(UUID environmentId, Collection<String> taskIds, long seen, Duration timeout)
      throws InterruptedException {
    return signalOf(environmentId).await(taskIds, seen, timeout);
  }

  private Signal signalOf(UUID environmentId) {
    return signals.computeIfAbsent(environmentId, id -> new Signal());
  }

  /** Wakes every waiter of every environment (the node shuts down). */
  public void signalAll() {
    signals.keySet().forEach(this::signal);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /**
   * Per environment: a counter for "any task" and one per task. A waiter's stamp is the sum of the
   * "any" counter and its tasks' counters, which only grows, and grows exactly when a signal that
   * concerns the waiter fires.
   */
  private static final class Signal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long anyTask;
    private final Map<String, Long> perTask = new HashMap<>();

    long stamp(Collection<String> taskIds) {
      lock.lock();
      try {
        return stampLocked(taskIds);
      } finally {
        lock.unlock();
      }
    }

    private long stampLocked(Collection<String> taskIds) {
      long stamp = anyTask;
      for (String taskId : taskIds) {
        stamp += perTask.getOrDefault(taskId, 0L);
      }
      return stamp;
    }

    void fire(String taskId) {
      lock.lock();
      try {
        if (taskId == null) {
          anyTask++;
        } else {
          perTask.merge(taskId, 1L, Long::sum);
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    boolean await(Collection<String> taskIds, long seen, Duration timeout)
        throws InterruptedException {
      long nanos = timeout.toNanos();
      lock.lock();
      try {
        while (stampLocked(taskIds) == seen) {
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
