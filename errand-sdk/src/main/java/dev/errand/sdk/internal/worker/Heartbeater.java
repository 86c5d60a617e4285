package dev.errand.sdk.internal.worker;

import dev.errand.sdk.internal.HttpTransport;
import dev.errand.sdk.internal.protocol.WorkerProtocol;
import dev.errand.sdk.internal.protocol.WorkerProtocol.HeartbeatRequest;
import dev.errand.sdk.internal.protocol.WorkerProtocol.HeartbeatResponse;
import dev.errand.sdk.internal.protocol.WorkerProtocol.Lease;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extends the leases of the worker's running attempts at the interval the server asks for, and
 * stops the attempts whose lease the server says is lost (canceled, expired and taken elsewhere).
 */
final class Heartbeater {
  private static final Logger log = LoggerFactory.getLogger(Heartbeater.class);
  private static final Duration INITIAL_INTERVAL = Duration.ofSeconds(5);

  private final HttpTransport transport;
  private final String workerId;
  private final ActiveAttempts active;
  private volatile Duration interval = INITIAL_INTERVAL;
  private volatile boolean closed;
  private Thread thread;

  Heartbeater(HttpTransport transport, String workerId, ActiveAttempts active) {
    this.transport = transport;
    this.workerId = workerId;
    this.active = active;
  }

  void setInterval(Duration interval) {
    if (interval.isPositive()) {
      this.interval = interval;
    }
  }

  void start() {
    thread = Thread.ofVirtual().name("errand-heartbeat-" + workerId).start(this::loop);
  }

  private void loop() {
    while (!closed) {
      WorkerRuntime.sleepQuietly(interval);
      if (closed || Thread.currentThread().isInterrupted()) {
        return;
      }
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
    HeartbeatResponse response =
        transport.post(
            WorkerProtocol.HEARTBEAT_PATH,
            new HeartbeatRequest(workerId, leases),
            HeartbeatResponse.class);
    for (String runId : response.lost()) {
      log.info("lease of run {} lost; stopping its attempt", runId);
      active.lost(runId);
    }
  }

  void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
