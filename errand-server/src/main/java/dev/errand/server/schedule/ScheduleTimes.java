package dev.errand.server.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The ticks of a cron expression in a time zone, as instants. Ticks are always computed from a
 * given instant (the stored last nominal time), never from "now", so a schedule's history does not
 * depend on when the firer happened to run.
 *
 * <p>Daylight-saving rules, as classic (Vixie) cron:
 *
 * <ul>
 *   <li><b>Spring forward (gap).</b> A wall-clock tick that does not exist (02:30 on the day clocks
 *       jump 02:00→03:00) fires once, at the instant the gap ends (03:00 local), if the job is a
 *       <em>fixed-hour</em> job; several such ticks in the same gap fire once together. An
 *       <em>interval</em> job skips ticks in the gap, since that real time never passes.
 *   <li><b>Fall back (overlap).</b> A wall-clock tick inside the repeated hour (01:00–02:00 in New
 *       York) fires once, at its first occurrence, for a fixed-hour job; an interval job fires in
 *       both passes, so {@code *}{@code /15 * * * *} fires every real quarter hour.
 * </ul>
 *
 * A job is an <em>interval</em> job when its hour field contains {@code *} or a step ({@code *},
 * {@code *}{@code /2}, {@code 0-23/3}); it is a <em>fixed-hour</em> job when the hour field is a
 * single value, a list or a range ({@code 9}, {@code 1,13}, {@code 9-17}). Outside the two
 * transition hours of the year both kinds behave identically.
 *
 * <p>Immutable and thread-safe.
 *
 * @param cron the expression
 * @param zone the zone its wall-clock fields are read in
 */
public record ScheduleTimes(CronExpression cron, ZoneId zone) {

  public ScheduleTimes {
    Objects.requireNonNull(cron, "cron");
    Objects.requireNonNull(zone, "zone");
  }

  /** The first tick strictly after {@code nominal}. */
  public Instant nextAfter(Instant nominal) {
    Objects.requireNonNull(nominal, "nominal");
    ZoneRules rules = zone.getRules();
    // Just before a fall-back, the second pass of earlier wall-clock times is still ahead of us.
    Duration back = Duration.ZERO;
    ZoneOffsetTransition next = rules.nextTransition(nominal);
    if (next != null
        && next.isOverlap()
        && next.getInstant().isBefore(nominal.plus(next.getDuration().negated()))) {
      back = next.getDuration().negated();
    }
    LocalDateTime cursor = LocalDateTime.ofInstant(nominal, zone).minus(back).minusMinutes(1);
    Instant best = null;
    LocalDateTime bestTick = null;
    while (true) {
      LocalDateTime tick = cron.nextWallClockAfter(cursor);
      // Later wall-clock ticks can map to earlier instants only across a fall-back.
      if (best != null && !tick.isBefore(bestTick.plus(fallBackWithin(nominal, best)))) {
        return best;
      }
      for (Instant candidate : instantsOf(tick)) {
        if (candidate.isAfter(nominal) && (best == null || candidate.isBefore(best))) {
          best = candidate;
          bestTick = tick;
        }
      }
      cursor = tick;
    }
  }

  /** The next {@code n} ticks strictly after {@code after}, oldest first. */
  public List<Instant> upcoming(Instant after, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, was " + n);
    }
    List<Instant> ticks = new ArrayList<>(n);
    Instant cursor = after;
    for (int i = 0; i < n; i++) {
      cursor = nextAfter(cursor);
      ticks.add(cursor);
    }
    return ticks;
  }

  /**
   * The latest tick at or before {@code instant}, found without enumerating the ticks in between (a
   * years-old {@code instant} costs the same as a recent one). Empty only if the expression never
   * fired before {@code instant}.
   */
  public Optional<Instant> latestAtOrBefore(Instant instant) {
    Objects.requireNonNull(instant, "instant");
    LocalDateTime cursor = LocalDateTime.ofInstant(instant, zone);
    Instant floor = null;
    while (floor == null) {
      Optional<LocalDateTime> tick = cron.lastWallClockAtOrBefore(cursor);
      if (tick.isEmpty()) {
        return Optional.empty();
      }
      List<Instant> instants = instantsOf(tick.get());
      if (!instants.isEmpty() && !instants.get(0).isAfter(instant)) {
        floor = instants.get(0);
      }
      cursor = tick.get().minusMinutes(1);
    }
    // In a repeated hour, a few ticks may lie between the floor and the instant.
    Instant latest = floor;
    for (Instant next = nextAfter(latest); !next.isAfter(instant); next = nextAfter(latest)) {
      latest = next;
    }
    return Optional.of(latest);
  }

  /** The instants a wall-clock tick fires at, earliest first (0, 1 or 2 of them). */
  private List<Instant> instantsOf(LocalDateTime tick) {
    ZoneRules rules = zone.getRules();
    List<ZoneOffset> offsets = rules.getValidOffsets(tick);
    if (offsets.size() == 1) {
      return List.of(tick.toInstant(offsets.get(0)));
    }
    if (offsets.isEmpty()) {
      return cron.hasIntervalHours() ? List.of() : List.of(rules.getTransition(tick).getInstant());
    }
    Instant first = tick.toInstant(offsets.get(0));
    Instant second = tick.toInstant(offsets.get(1));
    if (second.isBefore(first)) {
      Instant swap = first;
      first = second;
      second = swap;
    }
    return cron.hasIntervalHours() ? List.of(first, second) : List.of(first);
  }

  /** The largest fall-back (repeated time) of the zone in (from, to], or zero. */
  private Duration fallBackWithin(Instant from, Instant to) {
    Duration largest = Duration.ZERO;
    ZoneRules rules = zone.getRules();
    for (ZoneOffsetTransition t = rules.nextTransition(from);
        t != null && !t.getInstant().isAfter(to);
        t = rules.nextTransition(t.getInstant())) {
      if (t.isOverlap() && t.getDuration().negated().compareTo(largest) > 0) {
        largest = t.getDuration().negated();
      }
    }
    return largest;
  }
}
