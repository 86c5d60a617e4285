package dev.errand.server.engine;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Worker ids that said they are shutting down, remembered for {@link #MEMORY} so a claim that was
 * already on its way cannot take runs for a process that will not run them. Thread-safe.
 */
final class StoppedWorkers {
  static final Duration MEMORY = Duration.ofMinutes(2);

  private final Map<String, Long> stoppedAt = new ConcurrentHashMap<>();

  void add(String workerId) {
    long now = System.nanoTime();
    stoppedAt.put(workerId, now);
    stoppedAt.values().removeIf(t -> now - t > MEMORY.toNanos());
  }

  void remove(String workerId) {
    stoppedAt.remove(workerId);
  }

  boolean contains(String workerId) {
    Long t = stoppedAt.get(workerId);
    return t != null && System.nanoTime() - t <= MEMORY.toNanos();
  }
}
