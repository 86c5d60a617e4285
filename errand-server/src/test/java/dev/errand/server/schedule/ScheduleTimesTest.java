package dev.errand.server.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Ticks across the 2027 daylight-saving transitions. New York: 2027-03-14 02:00 EST jumps to 03:00
 * EDT (07:00Z); 2027-11-07 02:00 EDT falls back to 01:00 EST (06:00Z). Paris: 2027-03-28 02:00 CET
 * jumps to 03:00 CEST (01:00Z); 2027-10-31 03:00 CEST falls back to 02:00 CET (01:00Z).
 */
class ScheduleTimesTest {
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  private static List<Instant> ticks(String cron, ZoneId zone, String after, int n) {
    return times(cron, zone).upcoming(Instant.parse(after), n);
  }

  private static ScheduleTimes times(String cron, ZoneId zone) {
    return new ScheduleTimes(CronExpression.parse(cron), zone);
  }

  private static List<Instant> instants(String... texts) {
    return Arrays.stream(texts).map(Instant::parse).toList();
  }

  @Nested
  class SpringForward {
    @Test
    void dailyJobInTheGapFiresOnceWhenTheGapEndsInNewYork() {
      assertThat(ticks("30 2 * * *", NEW_YORK, "2027-03-13T00:00:00Z", 3))
          .containsExactlyElementsOf(
              instants(
                  "2027-03-13T07:30:00Z", // 02:30 EST
                  "2027-03-14T07:00:00Z", // 03:00 EDT, the end of the gap
                  "2027-03-15T06:30:00Z")); // 02:30 EDT
    }

    @Test
    void dailyJobInTheGapFiresOnceWhenTheGapEndsInParis() {
      assertThat(ticks("30 2 * * *", PARIS, "2027-03-27T00:00:00Z", 3))
          .containsExactlyElementsOf(
              instants(
                  "2027-03-27T01:30:00Z", // 02:30 CET
                  "2027-03-28T01:00:00Z", // 03:00 CEST
                  "2027-03-29T00:30:00Z")); // 02:30 CEST
    }

    @Test
    void severalFixedTicksInTheGapFireOnce() {
      assertThat(ticks("0,30 2,3 * * *", NEW_YORK, "2027-03-14T06:00:00Z", 3))
          .containsExactlyElementsOf(
              instants(
                  "2027-03-14T07:00:00Z", // 02:00, 02:30 and 03:00 EDT together
                  "2027-03-14T07:30:00Z", // 03:30 EDT
                  "2027-03-15T06:00:00Z")); // 02:00 EDT
    }

    @Test
    void intervalJobSkipsTheGap() {
      assertThat(ticks("*/30 * * * *", NEW_YORK, "2027-03-14T05:45:00Z", 4))
          .containsExactlyElementsOf(
              instants(
                  "2027-03-14T06:00:00Z", // 01:00 EST
                  "2027-03-14T06:30:00Z", // 01:30 EST
                  "2027-03-14T07:00:00Z", // 03:00 EDT
                  "2027-03-14T07:30:00Z"));
      assertThat(ticks("0 * * * *", PARIS, "2027-03-27T23:30:00Z", 3))
          .containsExactlyElementsOf(
              instants(
                  "2027-03-28T00:00:00Z", // 01:00 CET
                  "2027-03-28T01:00:00Z", // 03:00 CEST
                  "2027-03-28T02:00:00Z"));
    }
  }

  @Nested
  class FallBack {
    @Test
    void dailyJobInTheRepeatedHourFiresOnceInNewYork() {
      assertThat(ticks("30 1 * * *", NEW_YORK, "2027-11-06T00:00:00Z", 3))
          .containsExactlyElementsOf(
              instants(
                  "2027-11-06T05:30:00Z", // 01:30 EDT
                  "2027-11-07T05:30:00Z", // 01:30 EDT, the first pass only
                  "2027-11-08T06:30:00Z")); // 01:30 EST
    }

    @Test
    void dailyJobInTheRepeatedHourFiresOnceInParis() {
      assertThat(ticks("30 2 * * *", PARIS, "2027-10-30T00:00:00Z", 3))
          .containsExactlyElementsOf(
              instants(
                  "2027-10-30T00:30:00Z", // 02:30 CEST
                  "2027-10-31T00:30:00Z", // 02:30 CEST, the first pass only
                  "2027-11-01T01:30:00Z")); // 02:30 CET
    }

    @Test
    void fixedJobStartedInTheSecondPassDoesNotFireAgain() {
      ScheduleTimes daily = times("30 1 * * *", NEW_YORK);
      assertThat(daily.nextAfter(Instant.parse("2027-11-07T06:10:00Z"))) // 01:10 EST
          .isEqualTo(Instant.parse("2027-11-08T06:30:00Z"));
    }

    @Test
    void halfHourlyJobFiresInBothPassesInNewYork() {
      List<Instant> ticks = ticks("*/30 * * * *", NEW_YORK, "2027-11-07T04:00:00Z", 8);
      assertThat(ticks)
          .containsExactlyElementsOf(
              instants(
                  "2027-11-07T04:30:00Z", // 00:30 EDT
                  "2027-11-07T05:00:00Z", // 01:00 EDT
                  "2027-11-07T05:30:00Z", // 01:30 EDT
                  "2027-11-07T06:00:00Z", // 01:00 EST
                  "2027-11-07T06:30:00Z", // 01:30 EST
                  "2027-11-07T07:00:00Z", // 02:00 EST
                  "2027-11-07T07:30:00Z",
                  "2027-11-07T08:00:00Z"));
      // The repeated hour 01:00-02:00 local lasts two real hours, 05:00Z-07:00Z.
      assertThat(ticks)
          .filteredOn(
              t ->
                  !t.isBefore(Instant.parse("2027-11-07T05:00:00Z"))
                      && t.isBefore(Instant.parse("2027-11-07T07:00:00Z")))
          .hasSize(4);
    }

    @Test
    void hourlyJobFiresInBothPasses() {
      assertThat(ticks("0 * * * *", NEW_YORK, "2027-11-07T03:30:00Z", 5))
          .containsExactlyElementsOf(
              instants(
                  "2027-11-07T04:00:00Z", // 00:00 EDT
                  "2027-11-07T05:00:00Z", // 01:00 EDT
                  "2027-11-07T06:00:00Z", // 01:00 EST
                  "2027-11-07T07:00:00Z", // 02:00 EST
                  "2027-11-07T08:00:00Z"));
      assertThat(ticks("0 * * * *", PARIS, "2027-10-30T22:30:00Z", 4))
          .containsExactlyElementsOf(
              instants(
                  "2027-10-30T23:00:00Z", // 01:00 CEST
                  "2027-10-31T00:00:00Z", // 02:00 CEST
                  "2027-10-31T01:00:00Z", // 02:00 CET
                  "2027-10-31T02:00:00Z")); // 03:00 CET
    }

    @Test
    void latestAtOrBeforeInTheSecondPass() {
      Instant at = Instant.parse("2027-11-07T06:40:00Z"); // 01:40 EST
      assertThat(times("*/30 * * * *", NEW_YORK).latestAtOrBefore(at))
          .contains(Instant.parse("2027-11-07T06:30:00Z"));
      // cron-utils' own lastExecution answers 01:30 EST here, a second firing of a daily job.
      assertThat(times("30 1 * * *", NEW_YORK).latestAtOrBefore(at))
          .contains(Instant.parse("2027-11-07T05:30:00Z"));
    }

    @Test
    void latestAtOrBeforeAcrossTheGap() {
      ScheduleTimes daily = times("30 2 * * *", NEW_YORK);
      assertThat(daily.latestAtOrBefore(Instant.parse("2027-03-14T07:00:00Z")))
          .contains(Instant.parse("2027-03-14T07:00:00Z"));
      assertThat(daily.latestAtOrBefore(Instant.parse("2027-03-14T06:59:59Z")))
          .contains(Instant.parse("2027-03-13T07:30:00Z"));
    }
  }

  @Test
  void weekdayMorningsInParisAcrossAWeekAndTheSpringTransition() {
    // 2027-06-05 is a Saturday.
    assertThat(ticks("0 9 * * 1-5", PARIS, "2027-06-05T00:00:00Z", 6))
        .containsExactlyElementsOf(
            instants(
                "2027-06-07T07:00:00Z",
                "2027-06-08T07:00:00Z",
                "2027-06-09T07:00:00Z",
                "2027-06-10T07:00:00Z",
                "2027-06-11T07:00:00Z",
                "2027-06-14T07:00:00Z"));
    assertThat(ticks("0 9 * * 1-5", PARIS, "2027-03-25T12:00:00Z", 2))
        .containsExactlyElementsOf(instants("2027-03-26T08:00:00Z", "2027-03-29T07:00:00Z"));
  }

  @Test
  void normalDaysAreUnaffected() {
    assertThat(ticks("30 1 * * *", NEW_YORK, "2027-07-01T00:00:00Z", 2))
        .containsExactlyElementsOf(instants("2027-07-01T05:30:00Z", "2027-07-02T05:30:00Z"));
    assertThat(ticks("*/30 * * * *", PARIS, "2027-07-01T00:00:00Z", 2))
        .containsExactlyElementsOf(instants("2027-07-01T00:30:00Z", "2027-07-01T01:00:00Z"));
    assertThat(ticks("0 * * * *", ZoneId.of("UTC"), "2027-11-07T05:30:00Z", 3))
        .containsExactlyElementsOf(
            instants("2027-11-07T06:00:00Z", "2027-11-07T07:00:00Z", "2027-11-07T08:00:00Z"));
  }

  @Test
  void nextAfterIsStrictlyAfter() {
    ScheduleTimes hourly = times("0 * * * *", NEW_YORK);
    assertThat(hourly.nextAfter(Instant.parse("2027-07-01T05:00:00Z")))
        .isEqualTo(Instant.parse("2027-07-01T06:00:00Z"));
    assertThat(hourly.nextAfter(Instant.parse("2027-07-01T04:59:59.999Z")))
        .isEqualTo(Instant.parse("2027-07-01T05:00:00Z"));
    assertThat(hourly.latestAtOrBefore(Instant.parse("2027-07-01T05:59:59.999Z")))
        .contains(Instant.parse("2027-07-01T05:00:00Z"));
  }
}
