package dev.errand.server.e2e;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock a test moves by hand: the system time plus an offset the test sets. */
final class SettableClock extends Clock {
  private final AtomicReference<Duration> offset;
  private final ZoneId zone;

  SettableClock() {
    this(new AtomicReference<>(Duration.ZERO), ZoneOffset.UTC);
  }

  /** A view in another zone that moves with this clock. */
  private SettableClock(AtomicReference<Duration> offset, ZoneId zone) {
    this.offset = offset;
    this.zone = zone;
  }

  void advance(Duration by) {
    offset.updateAndGet(o -> o.plus(by));
  }

  /** Makes the clock read {@code instant} now (and move on from there in real time). */
  void set(Instant instant) {
    offset.set(Duration.between(Instant.now(), instant));
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new SettableClock(offset, zone);
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(offset.get());
  }
}
