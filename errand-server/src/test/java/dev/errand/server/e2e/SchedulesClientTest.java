package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.errand.sdk.CreateScheduleOptions;
import dev.errand.sdk.ErrandApiException;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.Schedule;
import dev.errand.sdk.ScheduleInfo;
import dev.errand.sdk.ScheduleQuery;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The SDK's {@code client.schedules()} against a real server, on a clock the test moves. */
abstract class SchedulesClientTest extends ServerTestBase {

  final SettableClock clock = new SettableClock();

  @Override
  java.time.Clock serverClock() {
    return clock;
  }

  @Test
  void aScheduleIsMadeUpsertedReadListedChangedPausedAndDeleted() {
    String task = unique("client-report");
    String other = unique("client-other");
    startWorker(ScheduleTasks.recording(task), ScheduleTasks.recording(other));
    clock.set(Instant.parse("2027-01-04T07:00:30Z")); // a Monday, 08:00 in Paris

    CreateScheduleOptions options =
        CreateScheduleOptions.task(task)
            .cron("0 9 * * 1-5")
            .timezone(ZoneId.of("Europe/Paris"))
            .externalId("user-1")
            .deduplicationKey("user-1-report")
            .window(Duration.ofMinutes(15))
            .missedTicks(Schedule.MissedTicks.ALL)
            .missedTickLimit(50)
            .overlap(Schedule.Overlap.SKIP);
    ScheduleInfo created = client.schedules().create(options);
    assertThat(created.id()).startsWith("sched_");
    assertThat(created.task()).isEqualTo(task);
    assertThat(created.type()).isEqualTo(ScheduleInfo.Type.IMPERATIVE);
    assertThat(created.cron()).isEqualTo("0 9 * * 1-5");
    assertThat(created.timezone()).isEqualTo("Europe/Paris");
    assertThat(created.externalId()).isEqualTo("user-1");
    assertThat(created.deduplicationKey()).isEqualTo("user-1-report");
    assertThat(created.active()).isTrue();
    assertThat(created.window()).isEqualTo(Duration.ofMinutes(15));
    assertThat(created.missedTicks()).isEqualTo(Schedule.MissedTicks.ALL);
    assertThat(created.missedTickLimit()).isEqualTo(50);
    assertThat(created.overlap()).isEqualTo(Schedule.Overlap.SKIP);
    assertThat(created.nextRuns()).hasSize(5);
    // 09:00 in Paris is 08:00 UTC in winter; the window may only delay it
    assertThat(created.nextRuns().getFirst())
        .isBetween(Instant.parse("2027-01-04T08:00:00Z"), Instant.parse("2027-01-04T08:15:00Z"));
    assertThat(created.lastRun()).isNull();
    assertThat(created.createdAt()).isNotNull();

    ScheduleInfo upserted = client.schedules().create(options.cron("30 9 * * 1-5"));
    assertThat(upserted.id()).isEqualTo(created.id());
    assertThat(upserted.cron()).isEqualTo("30 9 * * 1-5");

    client.schedules().create(CreateScheduleOptions.task(other).cron("*/5 * * * *"));
    assertThat(client.schedules().get(created.id())).isEqualTo(upserted);
    assertThat(client.schedules().list(ScheduleQuery.ALL.withTask(task)).data())
        .extracting(ScheduleInfo::id)
        .containsExactly(created.id());
    assertThat(client.schedules().list(ScheduleQuery.ALL).data()).hasSize(2);
    var firstPage = client.schedules().list(ScheduleQuery.ALL.withLimit(1));
    assertThat(firstPage.data()).hasSize(1);
    assertThat(firstPage.nextCursor()).isNotNull();
    assertThat(client.schedules().list(ScheduleQuery.ALL.withCursor(firstPage.nextCursor())).data())
        .hasSize(1)
        .doesNotContainAnyElementsOf(firstPage.data());

    ScheduleInfo updated =
        client.schedules().update(created.id(), CreateScheduleOptions.task(task).cron("0 * * * *"));
    assertThat(updated.id()).isEqualTo(created.id());
    assertThat(updated.timezone()).isEqualTo("UTC");
    assertThat(updated.externalId()).isNull();
    assertThat(updated.window()).isNull();
    assertThat(updated.missedTicks()).isEqualTo(Schedule.MissedTicks.SKIP);
    assertThat(updated.overlap()).isEqualTo(Schedule.Overlap.ALLOW);
    assertThat(updated.missedTickLimit())
        .isEqualTo(CreateScheduleOptions.DEFAULT_MISSED_TICK_LIMIT);
    assertThat(updated.nextRuns().getFirst()).isEqualTo(Instant.parse("2027-01-04T08:00:00Z"));

    ScheduleInfo inactive = client.schedules().deactivate(created.id());
    assertThat(inactive.active()).isFalse();
    assertThat(inactive.nextRuns()).isEmpty();
    ScheduleInfo active = client.schedules().activate(created.id());
    assertThat(active.active()).isTrue();
    assertThat(active.nextRuns()).hasSize(5);

    client.schedules().delete(created.id());
    assertThatThrownBy(() -> client.schedules().get(created.id()))
        .isInstanceOfSatisfying(
            ErrandApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.code()).isEqualTo("schedule_not_found");
            });
    assertThatThrownBy(() -> client.schedules().delete(created.id()))
        .isInstanceOf(ErrandApiException.class)
        .hasMessageContaining("schedule_not_found");
  }

  @Test
  void aTickShowsAsTheLastRun() {
    String task = unique("client-tick");
    startWorker(ScheduleTasks.recording(task));
    clock.set(Instant.parse("2027-01-04T10:02:30Z"));
    ScheduleInfo created =
        client.schedules().create(CreateScheduleOptions.task(task).cron("*/5 * * * *"));
    clock.set(Instant.parse("2027-01-04T10:05:30Z"));
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              ScheduleInfo.LastRun last = client.schedules().get(created.id()).lastRun();
              return last != null && last.status() == RunStatus.COMPLETED;
            });
    ScheduleInfo after = client.schedules().get(created.id());
    assertThat(after.lastRun().id()).startsWith("run_");
    assertThat(after.lastRun().timestamp()).isEqualTo(Instant.parse("2027-01-04T10:05:00Z"));
    assertThat(after.lastTimestamp()).isEqualTo(Instant.parse("2027-01-04T10:05:00Z"));
  }

  @Test
  void badSettingsAreRefusedWithTheServersCode() {
    String task = unique("client-bad");
    startWorker(ScheduleTasks.recording(task));
    assertThatThrownBy(
            () -> client.schedules().create(CreateScheduleOptions.task(task).cron("* 25 * * *")))
        .isInstanceOfSatisfying(
            ErrandApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.code()).isEqualTo("invalid_cron");
              assertThat(e.getMessage()).contains("hour").contains("25");
            });
    assertThatThrownBy(
            () ->
                client
                    .schedules()
                    .create(
                        CreateScheduleOptions.task(task)
                            .cron("0 9 * * *")
                            .timezone(ZoneId.of("GMT+02:00"))))
        .isInstanceOfSatisfying(
            ErrandApiException.class, e -> assertThat(e.code()).isEqualTo("invalid_timezone"));
    assertThatThrownBy(() -> client.schedules().create(CreateScheduleOptions.task(task)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cron is required");
    assertThatThrownBy(() -> CreateScheduleOptions.task(task).window(Duration.ofDays(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("window");
    assertThatThrownBy(() -> CreateScheduleOptions.task(task).missedTickLimit(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missedTickLimit");
    assertThat(client.schedules().timezones()).contains("Europe/Paris", "UTC");
  }
}
