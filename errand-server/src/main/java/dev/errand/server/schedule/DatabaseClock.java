package dev.errand.server.schedule;

import dev.errand.server.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The database's clock ({@code CURRENT_TIMESTAMP}), so that every server node fires ticks by the
 * same time. Each {@link #instant()} is a round trip: the firer reads it once per pass.
 */
final class DatabaseClock extends Clock {
  private final Store store;
  private final ZoneId zone;

  DatabaseClock(Store store) {
    this(store, ZoneOffset.UTC);
  }

  private DatabaseClock(Store store, ZoneId zone) {
    this.store = store;
    this.zone = zone;
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return zone.equals(this.zone) ? this : new DatabaseClock(store, zone);
  }

  @Override
  public Instant instant() {
    return store.now();
  }
}
