package dev.errand.server.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class DueTicksTest {
  private static final Duration GRACE = Duration.ofSeconds(60);
  private static final ScheduleTimes EVERY_5_MIN =
      new ScheduleTimes(CronExpression.parse("*/5 * * * *"), ZoneOffset.UTC);
  private static final Instant LAST = Instant.parse("2027-01-01T00:00:00Z");
  // Ten ticks are due (00:05 ... 00:50); the latest is two minutes late, so all are missed.
  private static final Instant AFTER_DOWNTIME = Instant.parse("2027-01-01T00:52:00Z");

  private static List<Instant> due(MissedTicks policy, Instant now, int cap) {
    return DueTicks.due(EVERY_5_MIN, LAST, now, policy, cap, GRACE);
  }

  @Test
  void skipFiresOnlyTheLatestTick() {
    assertThat(due(MissedTicks.SKIP, AFTER_DOWNTIME, 100))
        .containsExactly(Instant.parse("2027-01-01T00:50:00Z"));
  }

  @Test
  void noneFiresNothingMissed() {
    assertThat(due(MissedTicks.NONE, AFTER_DOWNTIME, 100)).isEmpty();
  }

  @Test
  void allFiresEveryTickOldestFirst() {
    List<Instant> ticks = due(MissedTicks.ALL, AFTER_DOWNTIME, 100);
    assertThat(ticks).hasSize(10).isSorted();
    assertThat(ticks.get(0)).isEqualTo(Instant.parse("2027-01-01T00:05:00Z"));
    assertThat(ticks.get(9)).isEqualTo(Instant.parse("2027-01-01T00:50:00Z"));
  }

  @Test
  void allWithACapFiresTheLatestTicks() {
    assertThat(due(MissedTicks.ALL, AFTER_DOWNTIME, 3))
        .containsExactly(
            Instant.parse("2027-01-01T00:40:00Z"),
            Instant.parse("2027-01-01T00:45:00Z"),
            Instant.parse("2027-01-01T00:50:00Z"));
  }

  @Test
  void newLastIsTheLatestDueTickEvenWhenNothingFires() {
    assertThat(DueTicks.newLast(EVERY_5_MIN, LAST, AFTER_DOWNTIME))
        .isEqualTo(Instant.parse("2027-01-01T00:50:00Z"));
  }

  @Test
  void aTickWithinGraceIsOnTimeForNone() {
    Instant now = Instant.parse("2027-01-01T00:51:00Z"); // exactly the grace after 00:50
    assertThat(due(MissedTicks.NONE, now, 100))
        .containsExactly(Instant.parse("2027-01-01T00:50:00Z"));
    assertThat(due(MissedTicks.NONE, now.plusMillis(1), 100)).isEmpty();
  }

  @Test
  void nothingDueBeforeTheNextTick() {
    Instant now = Instant.parse("2027-01-01T00:04:59Z");
    for (MissedTicks policy : MissedTicks.values()) {
      assertThat(due(policy, now, 10)).as(policy.name()).isEmpty();
    }
    assertThat(DueTicks.newLast(EVERY_5_MIN, LAST, now)).isEqualTo(LAST);
    assertThat(due(MissedTicks.ALL, LAST, 10)).isEmpty();
  }

  @Test
  void onTimeTickFiresUnderEveryPolicy() {
    Instant now = Instant.parse("2027-01-01T00:05:01Z");
    for (MissedTicks policy : MissedTicks.values()) {
      assertThat(due(policy, now, 10))
          .as(policy.name())
          .containsExactly(Instant.parse("2027-01-01T00:05:00Z"));
    }
  }

  @Test
  void yearsOfDowntimeWithAMinutelyCronAreQuick() {
    ScheduleTimes minutely = new ScheduleTimes(CronExpression.parse("* * * * *"), ZoneOffset.UTC);
    Instant last = Instant.parse("2020-01-01T00:00:00Z");
    Instant now = Instant.parse("2027-06-01T00:00:30Z");
    Instant latest = Instant.parse("2027-06-01T00:00:00Z");
    assertTimeout(
        Duration.ofSeconds(5),
        () -> {
          assertThat(DueTicks.due(minutely, last, now, MissedTicks.SKIP, 10, GRACE))
              .containsExactly(latest);
          assertThat(DueTicks.due(minutely, last, now, MissedTicks.NONE, 10, GRACE))
              .containsExactly(latest);
          assertThat(DueTicks.due(minutely, last, now, MissedTicks.ALL, 3, GRACE))
              .containsExactly(latest.minusSeconds(120), latest.minusSeconds(60), latest);
          assertThat(DueTicks.newLast(minutely, last, now)).isEqualTo(latest);
        });
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> due(MissedTicks.ALL, AFTER_DOWNTIME, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cap");
    assertThatThrownBy(
            () ->
                DueTicks.due(
                    EVERY_5_MIN, LAST, AFTER_DOWNTIME, MissedTicks.ALL, 1, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("grace");
  }

  @Test
  void windowOffsetIsDeterministicAndWithinTheWindow() {
    Duration window = Duration.ofMinutes(10);
    // SHA-256 based, so these values hold on every JVM.
    assertThat(DueTicks.windowOffset("sched_1", window)).isEqualTo(Duration.ofNanos(595858094630L));
    assertThat(DueTicks.windowOffset("nightly-report", window))
        .isEqualTo(Duration.ofNanos(189958059143L));
    for (int i = 0; i < 1000; i++) {
      Duration offset = DueTicks.windowOffset("schedule-" + i, window);
      assertThat(offset).isEqualTo(DueTicks.windowOffset("schedule-" + i, window));
      assertThat(offset).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(window);
    }
    assertThat(DueTicks.windowOffset("sched_1", null)).isEqualTo(Duration.ZERO);
    assertThat(DueTicks.windowOffset("sched_1", Duration.ZERO)).isEqualTo(Duration.ZERO);
  }

  @Test
  void policiesFromWireNames() {
    assertThat(MissedTicks.fromWire("skip")).isEqualTo(MissedTicks.SKIP);
    assertThat(MissedTicks.fromWire("none")).isEqualTo(MissedTicks.NONE);
    assertThat(MissedTicks.fromWire("all")).isEqualTo(MissedTicks.ALL);
    assertThat(Overlap.fromWire("allow")).isEqualTo(Overlap.ALLOW);
    assertThat(Overlap.fromWire("skip")).isEqualTo(Overlap.SKIP);
    assertThat(MissedTicks.ALL.wireName()).isEqualTo("all");
    assertThatThrownBy(() -> MissedTicks.fromWire("SKIP"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("skip, none, all");
    assertThatThrownBy(() -> Overlap.fromWire("queue"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allow, skip");
  }
}
