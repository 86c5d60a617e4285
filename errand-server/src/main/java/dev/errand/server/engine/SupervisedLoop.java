package dev.errand.server.engine;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one background duty at a fixed interval on its own virtual thread until closed. A duty that
 * throws is logged and run again at the next tick: a background duty never dies.
 */
public final class SupervisedLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SupervisedLoop.class);

  private final String name;
  private final Duration interval;
  private final Runnable duty;
  private volatile boolean closed;
  private Thread thread;

  public SupervisedLoop(String name, Duration interval, Runnable duty) {
    this.name = name;
    this.interval = interval;
    this.duty = duty;
  }

  public SupervisedLoop start() {
    thread = Thread.ofVirtual().name("errand-" + name).start(this::loop);
    return this;
  }

  private void loop() {
    while (!closed) {
      try {
        duty.run();
      } catch (Throwable t) {
        if (closed) {
          return;
        }
        log.error("{} failed; it runs again in {} ms", name, interval.toMillis(), t);
      }
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
