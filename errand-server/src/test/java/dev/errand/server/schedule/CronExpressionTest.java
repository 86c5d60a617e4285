package dev.errand.server.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CronExpressionTest {

  private static List<Instant> utc(String cron, String after, int n) {
    return new ScheduleTimes(CronExpression.parse(cron), ZoneOffset.UTC)
        .upcoming(Instant.parse(after), n);
  }

  private static List<Instant> instants(String... texts) {
    return java.util.Arrays.stream(texts).map(Instant::parse).toList();
  }

  @Test
  void textIsTrimmedWithSingleSpaces() {
    CronExpression cron = CronExpression.parse("  */15   9-17 * * MON-FRI ");
    assertThat(cron.text()).isEqualTo("*/15 9-17 * * MON-FRI");
    assertThat(cron).hasToString("*/15 9-17 * * MON-FRI");
    assertThat(cron).isEqualTo(CronExpression.parse("*/15 9-17 * * MON-FRI"));
  }

  @Test
  void rangesStepsAndLists() {
    assertThat(utc("10-50/20 8-10 1,15 * *", "2027-01-01T00:00:00Z", 10))
        .containsExactlyElementsOf(
            instants(
                "2027-01-01T08:10:00Z",
                "2027-01-01T08:30:00Z",
                "2027-01-01T08:50:00Z",
                "2027-01-01T09:10:00Z",
                "2027-01-01T09:30:00Z",
                "2027-01-01T09:50:00Z",
                "2027-01-01T10:10:00Z",
                "2027-01-01T10:30:00Z",
                "2027-01-01T10:50:00Z",
                "2027-01-15T08:10:00Z"));
    assertThat(utc("*/15 * * * *", "2027-01-01T00:00:00Z", 3))
        .containsExactlyElementsOf(
            instants("2027-01-01T00:15:00Z", "2027-01-01T00:30:00Z", "2027-01-01T00:45:00Z"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0 0 * * 0", "0 0 * * 7", "0 0 * * SUN", "0 0 * * sun"})
  void zeroSevenAndSunAreSunday(String cron) {
    // 2027-01-03 is a Sunday.
    assertThat(utc(cron, "2027-01-01T00:00:00Z", 2))
        .containsExactlyElementsOf(instants("2027-01-03T00:00:00Z", "2027-01-10T00:00:00Z"));
  }

  @Test
  void dayAndMonthNames() {
    assertThat(utc("0 0 * feb mon-fri", "2027-01-01T00:00:00Z", 2))
        .containsExactlyElementsOf(instants("2027-02-01T00:00:00Z", "2027-02-02T00:00:00Z"));
    assertThat(utc("0 0 * * 5-7", "2027-01-01T00:00:00Z", 3))
        .containsExactlyElementsOf(
            instants("2027-01-02T00:00:00Z", "2027-01-03T00:00:00Z", "2027-01-08T00:00:00Z"));
  }

  @Test
  void lastDayOfMonth() {
    assertThat(utc("0 0 L * *", "2027-02-01T00:00:00Z", 3))
        .containsExactlyElementsOf(
            instants("2027-02-28T00:00:00Z", "2027-03-31T00:00:00Z", "2027-04-30T00:00:00Z"));
    assertThat(utc("0 0 L * *", "2028-02-01T00:00:00Z", 1))
        .containsExactlyElementsOf(instants("2028-02-29T00:00:00Z"));
  }

  @Test
  void lastFridayOfMonth() {
    assertThat(utc("0 12 * * 5L", "2027-01-01T00:00:00Z", 4))
        .containsExactlyElementsOf(
            instants(
                "2027-01-29T12:00:00Z",
                "2027-02-26T12:00:00Z",
                "2027-03-26T12:00:00Z",
                "2027-04-30T12:00:00Z"));
  }

  @Test
  void dayOfMonthAndDayOfWeekBothRestrictedMatchEither() {
    // The 1st (a Friday in January 2027) and every Monday.
    assertThat(utc("0 12 1 * 1", "2027-01-01T00:00:00Z", 4))
        .containsExactlyElementsOf(
            instants(
                "2027-01-01T12:00:00Z",
                "2027-01-04T12:00:00Z",
                "2027-01-11T12:00:00Z",
                "2027-01-18T12:00:00Z"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "* * * * * *  | has 6 fields; expected 5: minute hour day-of-month month day-of-week",
        "* * * *      | has 4 fields; expected 5",
        "abc          | \"abc\" has 1 field; expected 5",
        "61 * * * *   | field 1 (minute) \"61\": 61 is out of range 0-59",
        "* 24 * * *   | field 2 (hour) \"24\": 24 is out of range 0-23",
        "* * 32 * *   | field 3 (day-of-month) \"32\": 32 is out of range 1-31",
        "* * 0 * *    | field 3 (day-of-month) \"0\": 0 is out of range 1-31",
        "* * * 13 *   | field 4 (month) \"13\": 13 is out of range 1-12",
        "* * * * 8    | field 5 (day-of-week) \"8\": 8 is out of range 0-7",
        "abc * * * *  | field 1 (minute) \"abc\": ",
        "5-1 * * * *  | field 1 (minute) \"5-1\": ",
        "0 0 ? * *    | field 3 (day-of-month) \"?\": ",
        "0 0 30 2 *   | never fires",
      })
  void invalidExpressionsNameTheFieldAndReason(String text, String message) {
    assertThatThrownBy(() -> CronExpression.parse(text))
        .isInstanceOf(InvalidCronException.class)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message.strip());
  }

  @Test
  void emptyAndNullAreInvalid() {
    assertThatThrownBy(() -> CronExpression.parse(""))
        .isInstanceOf(InvalidCronException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> CronExpression.parse("   "))
        .isInstanceOf(InvalidCronException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> CronExpression.parse(null)).isInstanceOf(InvalidCronException.class);
  }
}
