package dev.errand.sdk.internal.worker;

import dev.errand.sdk.internal.HttpTransport;
import dev.errand.sdk.internal.Json;
import dev.errand.sdk.internal.protocol.WorkerProtocol;
import dev.errand.sdk.internal.protocol.WorkerProtocol.HeartbeatRequest;
import dev.errand.sdk.internal.protocol.WorkerProtocol.HeartbeatResponse;
import dev.errand.sdk.internal.protocol.WorkerProtocol.Lease;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extends the leases of the worker's running attempts at the interval the server asks for, and
 * stops the attempts whose lease the server says is lost (canceled, expired and taken elsewhere).
 * Runs on a platform thread so that CPU-bound attempts, which occupy the virtual-thread carriers,
 * cannot hold back a heartbeat and lose their own lease.
 */
final class Heartbeater {
  private static final Logger log = LoggerFactory.getLogger(Heartbeater.class);
  private static final Duration INITIAL_INTERVAL = Duration.ofSeconds(5);

  private final HttpTransport transport;
  private final String workerId;
  private final ActiveAttempts active;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private volatile Duration interval = INITIAL_INTERVAL;
  private volatile boolean closed;
  private Thread thread;

  Heartbeater(HttpTransport transport, String workerId, ActiveAttempts active) {
    this.transport = transport;
    this.workerId = workerId;
    this.active = active;
  }

  /** Takes the interval the server asks for; a shorter one applies at once. */
  void setInterval(Duration newInterval) {
    if (!newInterval.isPositive() || newInterval.equals(interval)) {
      return;
    }
    lock.lock();
    try {
      interval = newInterval;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  void start() {
    thread = Thread.ofPlatform().daemon().name("errand-heartbeat-" + workerId).start(this::loop);
  }

  private void loop() {
    long lastBeat = System.nanoTime();
    while (!closed) {
      lock.lock();
      try {
        long wait;
        while (!closed && (wait = lastBeat + interval.toNanos() - System.nanoTime()) > 0) {
          changed.awaitNanos(wait);
        }
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
      if (closed) {
        return;
      }
      lastBeat = System.nanoTime();
      try {
        beat();
      } catch (Throwable t) {
        log.warn("heartbeat failed: {}", t.getMessage());
      }
    }
  }

  private void beat() {
    List<Lease> leases = active.leases();
    if (leases.isEmpty()) {
      return;
    }
    Map<String, Long> sent = new HashMap<>();
    leases.forEach(l -> sent.put(l.runId(), l.leaseToken()));
    HeartbeatResponse response =
        transport.post(
            WorkerProtocol.HEARTBEAT_PATH,
            new HeartbeatRequest(workerId, leases),
            Json.mapper().constructType(HeartbeatResponse.class),
            interval.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : interval);
    for (String runId : response.lost()) {
      Long token = sent.get(runId);
      if (token != null) {
        log.info("lease of run {} lost; stopping its attempt", runId);
        active.lost(runId, token);
      }
    }
  }

  void close() {
    closed = true;
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
