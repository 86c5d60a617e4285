package dev.errand.server.schedule;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which nominal ticks of a schedule to fire now, under a {@link MissedTicks} policy. Pure functions
 * of their arguments; the firer stores {@link #newLast} after firing {@link #due}.
 *
 * <p>A tick {@code T} is <em>due</em> when {@code lastNominal < T <= now}, and <em>missed</em> when
 * {@code now - T > grace}. The work done is bounded by {@code cap} and the grace period, never by
 * the length of a downtime.
 */
public final class DueTicks {
  private DueTicks() {}

  /**
   * The nominal ticks to fire now, oldest first.
   *
   * <ul>
   *   <li>{@link MissedTicks#SKIP}: the latest due tick only, missed or not.
   *   <li>{@link MissedTicks#NONE}: the due ticks that are not missed (the most recent {@code cap}
   *       of them, should the grace period hold more).
   *   <li>{@link MissedTicks#ALL}: every due tick, or the most recent {@code cap} of them.
   * </ul>
   *
   * @param times the schedule's ticks
   * @param lastNominal the stored nominal time of the last tick handled (fired or skipped)
   * @param now the current time (the database clock)
   * @param policy what to do with missed ticks
   * @param cap the most ticks to return, at least 1
   * @param grace how late a tick may fire and still count as on time, not negative
   */
  public static List<Instant> due(
      ScheduleTimes times,
      Instant lastNominal,
      Instant now,
      MissedTicks policy,
      int cap,
      Duration grace) {
    Objects.requireNonNull(times, "times");
    Objects.requireNonNull(lastNominal, "lastNominal");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(grace, "grace");
    if (cap < 1) {
      throw new IllegalArgumentException("cap must be >= 1, was " + cap);
    }
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative, was " + grace);
    }
    if (!now.isAfter(lastNominal)) {
      return List.of();
    }
    return switch (policy) {
      case SKIP -> latestDue(times, lastNominal, now).map(List::of).orElse(List.of());
      case NONE -> onTime(times, lastNominal, now, cap, grace);
      case ALL -> all(times, lastNominal, now, cap);
    };
  }

  /**
   * The nominal time to store after handling {@link #due}: the latest due tick (even when the
   * policy did not fire it), or {@code lastNominal} when no tick is due.
   */
  public static Instant newLast(ScheduleTimes times, Instant lastNominal, Instant now) {
    return latestDue(times, lastNominal, now).orElse(lastNominal);
  }

  /**
   * A deterministic offset in {@code [0, window)} for spreading a schedule's runs, derived from a
   * SHA-256 of the schedule id so it is the same on every node and JVM. {@link Duration#ZERO} for a
   * null or zero window.
   */
  public static Duration windowOffset(String scheduleId, Duration window) {
    Objects.requireNonNull(scheduleId, "scheduleId");
    if (window == null || window.isZero()) {
      return Duration.ZERO;
    }
    if (window.isNegative()) {
      throw new IllegalArgumentException("window must not be negative, was " + window);
    }
    byte[] digest = sha256(scheduleId.getBytes(StandardCharsets.UTF_8));
    long hash = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      hash = (hash << 8) | (digest[i] & 0xff);
    }
    return Duration.ofNanos(Long.remainderUnsigned(hash, window.toNanos()));
  }

  private static Optional<Instant> latestDue(
      ScheduleTimes times, Instant lastNominal, Instant now) {
    return times.latestAtOrBefore(now).filter(t -> t.isAfter(lastNominal));
  }

  private static List<Instant> onTime(
      ScheduleTimes times, Instant lastNominal, Instant now, int cap, Duration grace) {
    Instant beforeOnTime = now.minus(grace).minusNanos(1);
    Instant cursor = lastNominal.isAfter(beforeOnTime) ? lastNominal : beforeOnTime;
    Deque<Instant> ticks = new ArrayDeque<>();
    for (Instant t = times.nextAfter(cursor); !t.isAfter(now); t = times.nextAfter(t)) {
      ticks.addLast(t);
      if (ticks.size() > cap) {
        ticks.removeFirst();
      }
    }
    return List.copyOf(ticks);
  }

  private static List<Instant> all(ScheduleTimes times, Instant lastNominal, Instant now, int cap) {
    List<Instant> oldest = new ArrayList<>();
    for (Instant t = times.nextAfter(lastNominal);
        !t.isAfter(now) && oldest.size() <= cap;
        t = times.nextAfter(t)) {
      oldest.add(t);
    }
    if (oldest.size() <= cap) {
      return List.copyOf(oldest);
    }
    // More than cap are due: walk back from the latest instead of through the whole downtime.
    Deque<Instant> latest = new ArrayDeque<>();
    Optional<Instant> t = times.latestAtOrBefore(now);
    while (latest.size() < cap && t.isPresent()) {
      latest.addFirst(t.get());
      t = times.latestAtOrBefore(t.get().minusNanos(1));
    }
    return List.copyOf(latest);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
