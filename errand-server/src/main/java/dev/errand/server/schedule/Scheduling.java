package dev.errand.server.schedule;

import dev.errand.server.engine.EngineConfig;
import dev.errand.server.engine.RunEngine;
import dev.errand.server.engine.SupervisedLoop;
import dev.errand.server.store.Store;
import java.time.Clock;

/**
 * A server node's schedules: the API side ({@link Schedules}) and the firer duty. Start it with the
 * engine; close it before the store. Thread-safe.
 */
public final class Scheduling implements AutoCloseable {
  private final Schedules schedules;
  private final SupervisedLoop firer;

  /**
   * @param clock decides when ticks are due; null for the database's clock (production: every node
   *     fires by the same time)
   */
  public Scheduling(Store store, RunEngine runs, EngineConfig config, Clock clock) {
    Clock time = clock == null ? new DatabaseClock(store) : clock;
    this.schedules = new Schedules(store, time);
    this.firer =
        new SupervisedLoop(
            "schedule-firer",
            config.reaperInterval(),
            new ScheduleFirer(store, schedules, runs, time));
  }

  public Schedules schedules() {
    return schedules;
  }

  public Scheduling start() {
    firer.start();
    return this;
  }

  @Override
  public void close() {
    firer.close();
  }
}
