package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.ScheduledEvent;
import dev.errand.sdk.Task;
import dev.errand.sdk.internal.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Schedules end to end, on a clock the test moves: made through the API or declared in code, fired
 * by the server's firer into runs a real worker executes.
 */
abstract class ScheduleTest extends ServerTestBase {

  final SettableClock clock = new SettableClock();

  @Override
  java.time.Clock serverClock() {
    return clock;
  }

  JsonNode create(String json) throws Exception {
    HttpResponse<String> created = post("/api/v1/schedules", json);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Json.mapper().readTree(created.body());
  }

  /** Sets the clock (30 s into the minute, away from tick boundaries). */
  void at(String instant) {
    clock.set(Instant.parse(instant));
  }

  @Test
  void aScheduleFiresEachTickOnceWithItsPayload() throws Exception {
    String task = unique("every-5");
    startWorker(ScheduleTasks.recording(task));
    at("2027-01-04T10:02:30Z");
    JsonNode schedule =
        create(
            """
            {"task": "%s", "cron": "*/5 * * * *", "externalId": "user-42"}"""
                .formatted(task));
    String id = schedule.path("id").asText();
    assertThat(id).startsWith("sched_");
    assertThat(schedule.path("type").asText()).isEqualTo("imperative");
    assertThat(schedule.path("timezone").asText()).isEqualTo("UTC");
    assertThat(schedule.path("nextRuns"))
        .extracting(JsonNode::asText)
        .containsExactly(
            "2027-01-04T10:05:00Z",
            "2027-01-04T10:10:00Z",
            "2027-01-04T10:15:00Z",
            "2027-01-04T10:20:00Z",
            "2027-01-04T10:25:00Z");

    at("2027-01-04T10:05:30Z");
    await().atMost(TIMEOUT).until(() -> ScheduleTasks.received(task).size() == 1);
    ScheduledEvent first = ScheduleTasks.received(task).getFirst();
    assertThat(first.timestamp()).isEqualTo(Instant.parse("2027-01-04T10:05:00Z"));
    assertThat(first.lastTimestamp()).isNull();
    assertThat(first.scheduleId()).isEqualTo(id);
    assertThat(first.externalId()).isEqualTo("user-42");
    assertThat(first.timezone()).isEqualTo("UTC");
    assertThat(first.upcoming())
        .hasSize(5)
        .first()
        .isEqualTo(Instant.parse("2027-01-04T10:10:00Z"));

    at("2027-01-04T10:10:30Z");
    await().atMost(TIMEOUT).until(() -> ScheduleTasks.received(task).size() == 2);
    assertThat(ScheduleTasks.received(task).get(1).lastTimestamp())
        .isEqualTo(Instant.parse("2027-01-04T10:05:00Z"));
    // nothing more fires within the same tick
    await()
        .during(Duration.ofMillis(600))
        .atMost(TIMEOUT)
        .until(() -> ScheduleTasks.received(task).size() == 2);

    assertThat(
            client
                .runs()
                .get(
                    getJson("/api/v1/runs?scheduleId=" + id)
                        .path("data")
                        .path(0)
                        .path("id")
                        .asText())
                .scheduleId())
        .isEqualTo(id);
    JsonNode runs = getJson("/api/v1/runs?scheduleId=" + id);
    assertThat(runs.path("data")).hasSize(2);
    assertThat(runs.path("data").path(0).path("scheduleId").asText()).isEqualTo(id);
    JsonNode after = getJson("/api/v1/schedules/" + id);
    assertThat(after.path("lastRun").path("id").asText())
        .isEqualTo(runs.path("data").path(0).path("id").asText());
    assertThat(after.path("lastTimestamp").asText()).isEqualTo("2027-01-04T10:10:00Z");
  }

  @Test
  void aSpringForwardTimeInTheGapFiresOnceRightAfterTheJump() throws Exception {
    String task = unique("paris-0230");
    startWorker(ScheduleTasks.recording(task));
    at("2027-03-27T22:00:30Z"); // 23:00 in Paris, the night the clocks jump 02:00 -> 03:00
    create(
        """
        {"task": "%s", "cron": "30 2 * * *", "timezone": "Europe/Paris"}"""
            .formatted(task));
    at("2027-03-28T01:00:30Z"); // 03:00:30 CEST: 02:30 never happened
    await().atMost(TIMEOUT).until(() -> ScheduleTasks.received(task).size() == 1);
    assertThat(ScheduleTasks.received(task).getFirst().timestamp())
        .isEqualTo(Instant.parse("2027-03-28T01:00:00Z"));
    at("2027-03-29T00:30:30Z"); // 02:30:30 CEST the next day
    await().atMost(TIMEOUT).until(() -> ScheduleTasks.received(task).size() == 2);
    assertThat(ScheduleTasks.received(task).get(1).timestamp())
        .isEqualTo(Instant.parse("2027-03-29T00:30:00Z"));
  }

  @Test
  void afterDowntimeOfTenTicksEachMissedTickPolicyFiresWhatItSays() throws Exception {
    String skip = unique("missed-skip");
    String none = unique("missed-none");
    String all = unique("missed-all");
    startWorker(
        ScheduleTasks.recording(skip), ScheduleTasks.recording(none), ScheduleTasks.recording(all));
    at("2027-02-01T08:00:30Z");
    for (String[] s : new String[][] {{skip, "skip"}, {none, "none"}, {all, "all"}}) {
      create(
          """
          {"task": "%s", "cron": "*/5 * * * *", "missedTicks": "%s"}"""
              .formatted(s[0], s[1]));
    }
    // the firers were down over ten ticks (08:05 .. 08:50); the last of them is 3.5 minutes late
    at("2027-02-01T08:53:30Z");
    await().atMost(TIMEOUT).until(() -> ScheduleTasks.received(all).size() == 10);
    await().atMost(TIMEOUT).until(() -> ScheduleTasks.received(skip).size() == 1);
    assertThat(timestamps(skip)).containsExactly(Instant.parse("2027-02-01T08:50:00Z"));
    assertThat(timestamps(all))
        .containsExactlyInAnyOrderElementsOf(
            java.util.stream.IntStream.rangeClosed(1, 10)
                .mapToObj(k -> Instant.parse("2027-02-01T08:00:00Z").plusSeconds(300L * k))
                .toList());
    await()
        .during(Duration.ofMillis(600))
        .atMost(TIMEOUT)
        .until(() -> ScheduleTasks.received(none).isEmpty());
    // the next tick fires as usual, for all three
    at("2027-02-01T08:55:30Z");
    await().atMost(TIMEOUT).until(() -> ScheduleTasks.received(none).size() == 1);
    assertThat(timestamps(none)).containsExactly(Instant.parse("2027-02-01T08:55:00Z"));
    await().atMost(TIMEOUT).until(() -> ScheduleTasks.received(skip).size() == 2);
    await().atMost(TIMEOUT).until(() -> ScheduleTasks.received(all).size() == 11);
  }

  @Test
  void aWindowDelaysEachTickByTheSchedulesOwnOffset() throws Exception {
    String task = unique("windowed");
    startWorker(ScheduleTasks.recording(task));
    at("2027-02-07T10:00:30Z");
    String id =
        create("{\"task\": \"" + task + "\", \"cron\": \"0 * * * *\", \"window\": \"30m\"}")
            .path("id")
            .asText();
    Duration offset = dev.errand.server.schedule.DueTicks.windowOffset(id, Duration.ofMinutes(30));
    Instant tick = Instant.parse("2027-02-07T11:00:00Z");
    if (offset.compareTo(Duration.ofSeconds(30)) > 0) {
      clock.set(tick.plus(offset).minusSeconds(20)); // the tick is due, its offset not yet
      await()
          .during(Duration.ofMillis(600))
          .atMost(TIMEOUT)
          .until(() -> ScheduleTasks.received(task).isEmpty());
    }
    clock.set(tick.plus(offset).plusSeconds(20));
    await().atMost(TIMEOUT).until(() -> ScheduleTasks.received(task).size() == 1);
    assertThat(ScheduleTasks.received(task).getFirst().timestamp()).isEqualTo(tick); // nominal
    assertThat(getJson("/api/v1/schedules/" + id).path("window").asText()).isEqualTo("PT30M");
  }

  @Test
  void aTickWaitsForThePreviousRunWhenOverlapIsSkip() throws Exception {
    String task = unique("overlap");
    startWorker(ScheduleTasks.gated(task));
    at("2027-02-02T08:00:30Z");
    create(
        """
        {"task": "%s", "cron": "* * * * *", "overlap": "skip"}"""
            .formatted(task));
    at("2027-02-02T08:01:30Z");
    await().atMost(TIMEOUT).until(() -> ScheduleTasks.received(task).size() == 1);
    at("2027-02-02T08:02:30Z"); // the 08:01 run still runs: 08:02 is skipped
    await()
        .during(Duration.ofMillis(800))
        .atMost(TIMEOUT)
        .until(() -> ScheduleTasks.received(task).size() == 1);
    ScheduleTasks.GATES.get(task).countDown();
    at("2027-02-02T08:03:30Z");
    await().atMost(TIMEOUT).until(() -> ScheduleTasks.received(task).size() == 2);
    assertThat(ScheduleTasks.received(task).get(1).timestamp())
        .isEqualTo(Instant.parse("2027-02-02T08:03:00Z"));
  }

  @Test
  void aDeduplicationKeyMakesACreateAnUpdate() throws Exception {
    String task = unique("dedup");
    startWorker(ScheduleTasks.recording(task));
    at("2027-02-03T08:00:30Z");
    JsonNode first =
        create(
            """
            {"task": "%s", "cron": "0 9 * * *", "deduplicationKey": "user-7-report"}"""
                .formatted(task));
    HttpResponse<String> again =
        post(
            "/api/v1/schedules",
            """
            {"task": "%s", "cron": "0 18 * * *", "timezone": "America/New_York",
             "deduplicationKey": "user-7-report"}"""
                .formatted(task));
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    JsonNode updated = Json.mapper().readTree(again.body());
    assertThat(updated.path("id").asText()).isEqualTo(first.path("id").asText());
    assertThat(updated.path("cron").asText()).isEqualTo("0 18 * * *");
    assertThat(updated.path("nextRuns").path(0).asText()).isEqualTo("2027-02-03T23:00:00Z");
    assertThat(getJson("/api/v1/schedules?task=" + task).path("data")).hasSize(1);
  }

  @Test
  void aScheduleDeclaredInCodeIsSyncedAndDeactivatedOnceRemoved() throws Exception {
    String task = unique("declared");
    Task<ScheduledEvent, Void> declared =
        Task.scheduled(task)
            .cron("0 9 * * 1-5", ZoneId.of("Europe/Paris"))
            .run(
                (event, ctx) -> {
                  ScheduleTasks.received(task).add(event);
                  return null;
                });
    at("2027-02-04T07:00:30Z"); // a Thursday, 08:00 in Paris
    var worker = startWorker(declared);
    JsonNode list = getJson("/api/v1/schedules?task=" + task);
    assertThat(list.path("data")).hasSize(1);
    JsonNode schedule = list.path("data").path(0);
    assertThat(schedule.path("type").asText()).isEqualTo("declarative");
    assertThat(schedule.path("nextRuns").path(0).asText()).isEqualTo("2027-02-04T08:00:00Z");
    at("2027-02-04T08:00:30Z");
    await().atMost(TIMEOUT).until(() -> ScheduleTasks.received(task).size() == 1);
    // a restart with the same code changes nothing
    worker.close();
    workers.remove(worker);
    worker = startWorker(declared);
    assertThat(
            getJson("/api/v1/schedules?task=" + task)
                .path("data")
                .path(0)
                .path("lastTimestamp")
                .asText())
        .isEqualTo("2027-02-04T08:00:00Z");
    // the code no longer declares it: deactivated
    worker.close();
    workers.remove(worker);
    startWorker(ScheduleTasks.recording(task));
    JsonNode after = getJson("/api/v1/schedules?task=" + task).path("data").path(0);
    assertThat(after.path("active").asBoolean()).isFalse();
    assertThat(after.path("nextRuns")).isEmpty();
    at("2027-02-05T08:00:30Z");
    await()
        .during(Duration.ofMillis(800))
        .atMost(TIMEOUT)
        .until(() -> ScheduleTasks.received(task).size() == 1);
    // an imperative change of a declarative schedule is refused
    expectError(
        put(
            "/api/v1/schedules/" + after.path("id").asText(),
            "{\"task\": \"" + task + "\", \"cron\": \"* * * * *\"}"),
        409,
        "schedule_declarative");
  }

  @Test
  void badInputIsAClear4xx() throws Exception {
    String task = unique("valid");
    startWorker(ScheduleTasks.recording(task));
    HttpResponse<String> badCron =
        post("/api/v1/schedules", "{\"task\": \"" + task + "\", \"cron\": \"* 25 * * *\"}");
    expectError(badCron, 400, "invalid_cron");
    assertThat(Json.mapper().readTree(badCron.body()).path("error").path("message").asText())
        .contains("hour")
        .contains("25");
    expectError(
        post("/api/v1/schedules", "{\"task\": \"" + task + "\", \"cron\": \"* * * *\"}"),
        400,
        "invalid_cron");
    expectError(
        post(
            "/api/v1/schedules",
            "{\"task\": \""
                + task
                + "\", \"cron\": \"0 9 * * *\", \"timezone\": \"Mars/Olympus\"}"),
        400,
        "invalid_timezone");
    expectError(
        post("/api/v1/schedules", "{\"task\": \"no-such-task\", \"cron\": \"0 9 * * *\"}"),
        404,
        "task_not_found");
    expectError(
        post(
            "/api/v1/schedules",
            "{\"task\": \"" + task + "\", \"cron\": \"0 9 * * *\", \"missedTicks\": \"some\"}"),
        400,
        "invalid_schedule");
    expectError(
        get("/api/v1/schedules/sched_00000000000000000000000000", secretKey),
        404,
        "schedule_not_found");
    JsonNode zones = getJson("/api/v1/timezones");
    assertThat(zones.path("timezones"))
        .extracting(JsonNode::asText)
        .contains("Europe/Paris", "America/New_York", "UTC");
  }

  @Test
  void aScheduleCanBeDeactivatedActivatedReplacedAndDeleted() throws Exception {
    String task = unique("lifecycle");
    startWorker(ScheduleTasks.recording(task));
    at("2027-02-06T08:00:30Z");
    String id = create("{\"task\": \"" + task + "\", \"cron\": \"* * * * *\"}").path("id").asText();
    assertThat(post("/api/v1/schedules/" + id + "/deactivate", "").statusCode()).isEqualTo(200);
    at("2027-02-06T08:05:30Z");
    await()
        .during(Duration.ofMillis(600))
        .atMost(TIMEOUT)
        .until(() -> ScheduleTasks.received(task).isEmpty());
    JsonNode activated =
        Json.mapper().readTree(post("/api/v1/schedules/" + id + "/activate", "").body());
    assertThat(activated.path("nextRuns").path(0).asText()).isEqualTo("2027-02-06T08:06:00Z");
    HttpResponse<String> replaced =
        put("/api/v1/schedules/" + id, "{\"task\": \"" + task + "\", \"cron\": \"0 * * * *\"}");
    assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
    assertThat(Json.mapper().readTree(replaced.body()).path("nextRuns").path(0).asText())
        .isEqualTo("2027-02-06T09:00:00Z");
    HttpResponse<String> deleted =
        http.send(
            HttpRequest.newBuilder(URI.create(server.localUrl() + "/api/v1/schedules/" + id))
                .header("Authorization", "Bearer " + secretKey)
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(deleted.statusCode()).isEqualTo(204);
    expectError(get("/api/v1/schedules/" + id, secretKey), 404, "schedule_not_found");
  }

  HttpResponse<String> put(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.localUrl() + path))
            .header("Authorization", "Bearer " + secretKey)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static List<Instant> timestamps(String task) {
    return ScheduleTasks.received(task).stream().map(ScheduledEvent::timestamp).toList();
  }
}
