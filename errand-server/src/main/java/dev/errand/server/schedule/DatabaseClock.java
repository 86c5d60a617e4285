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

  DatabaseClock(Store store) {
    this.store = store;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the database clock is read in UTC");
  }

  @Override
  public Instant instant() {
    return store.now();
  }
}
