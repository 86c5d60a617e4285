package dev.errand.server.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Each endpoint's rate limit on this server node: a sliding window of the deliveries it let in.
 * With several nodes behind a load balancer, each lets in up to the limit. Thread-safe.
 */
final class EndpointRateLimits {

  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  /**
   * Lets a delivery in, or returns how long until one more would be let in.
   *
   * @return null when the delivery may go on
   */
  Duration tryAcquire(String endpointId, int limit, long windowMillis, Instant now) {
    return windows
        .computeIfAbsent(endpointId, id -> new Window())
        .tryAcquire(limit, windowMillis, now);
  }

  /** Forgets an endpoint's window (its limit changed or it was deleted). */
  void forget(String endpointId) {
    windows.remove(endpointId);
  }

  private static final class Window {
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Instant> starts = new ArrayDeque<>();

    Duration tryAcquire(int limit, long windowMillis, Instant now) {
      lock.lock();
      try {
        Instant windowStart = now.minusMillis(windowMillis);
        while (!starts.isEmpty() && !starts.peekFirst().isAfter(windowStart)) {
          starts.pollFirst();
        }
        while (starts.size() > limit) {
          starts.pollFirst(); // the limit was lowered
        }
        if (starts.size() < limit) {
          starts.addLast(now);
          return null;
        }
        Duration wait = Duration.between(windowStart, starts.peekFirst());
        return wait.isNegative() || wait.isZero() ? Duration.ofMillis(1) : wait;
      } finally {
        lock.unlock();
      }
    }
  }
}
