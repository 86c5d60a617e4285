package dev.errand.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.errand.cli.CliServer.Result;
import dev.errand.sdk.ScheduledEvent;
import dev.errand.sdk.Task;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code errand schedules} against a real server on the embedded store, with a real worker that
 * registers the task the schedules trigger.
 */
class ScheduleCliTest {
  private static final String TASK = "cli-nightly";
  private static final String OTHER_TASK = "cli-hourly";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern INSTANT =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?Z");

  @TempDir static Path dir;
  private static CliServer api;

  @BeforeAll
  static void startServerAndWorker() throws Exception {
    api = new CliServer(dir, ignoring(TASK), ignoring(OTHER_TASK));
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  private static Task<ScheduledEvent, Void> ignoring(String id) {
    return Task.define(id, ScheduledEvent.class, Void.class).run((event, ctx) -> null);
  }

  private static Result schedules(String... args) {
    return api.command("schedules", args);
  }

  /** The lines of the "Next runs:" block. */
  private static List<String> nextRuns(String out) {
    String block = out.substring(out.indexOf("Next runs:"), out.indexOf("Created:"));
    return block.lines().map(l -> l.replace("Next runs:", "").strip()).toList();
  }

  private static long instants(String text) {
    return INSTANT.matcher(text).results().count();
  }

  @Test
  void aScheduleIsCreatedListedChangedPausedAndDeleted() throws Exception {
    Result created =
        CliServer.ok(
            schedules(
                "create",
                "--task",
                TASK,
                "--cron",
                "0 9 * * 1-5",
                "--timezone",
                "Europe/Paris",
                "--external-id",
                "user-1",
                "--dedup-key",
                "user-1-nightly",
                "--window",
                "15m",
                "--missed-ticks",
                "all",
                "--missed-tick-limit",
                "50",
                "--overlap",
                "skip"));
    assertThat(created.out()).startsWith("Created schedule sched_");
    String id = created.field("ID");
    assertThat(created.field("Task")).isEqualTo(TASK);
    assertThat(created.field("Cron")).isEqualTo("0 9 * * 1-5");
    assertThat(created.field("Timezone")).isEqualTo("Europe/Paris");
    assertThat(created.field("Status")).isEqualTo("active");
    assertThat(created.field("Window")).isEqualTo("PT15M");
    assertThat(created.field("Missed ticks")).isEqualTo("all (at most 50)");
    assertThat(created.field("Overlap")).isEqualTo("skip");
    assertThat(nextRuns(created.out())).hasSize(5).allMatch(r -> INSTANT.matcher(r).matches());

    // the same deduplication key updates it
    Result again =
        CliServer.ok(
            schedules(
                "create",
                "--task",
                TASK,
                "--cron",
                "0 10 * * 1-5",
                "--dedup-key",
                "user-1-nightly"));
    assertThat(again.field("ID")).isEqualTo(id);
    assertThat(again.out()).startsWith("Updated schedule " + id);

    CliServer.ok(schedules("create", "--task", OTHER_TASK, "--cron", "0 * * * *"));
    Result list = CliServer.ok(schedules("list", "--task", TASK));
    assertThat(list.out())
        .contains("ID", "TASK", "CRON", "TIMEZONE", "STATUS", "NEXT RUN")
        .contains(id)
        .contains("0 10 * * 1-5")
        .doesNotContain(OTHER_TASK);
    assertThat(instants(list.out())).isEqualTo(1);
    assertThat(CliServer.ok(schedules("list")).out()).contains(TASK).contains(OTHER_TASK);

    Result got = CliServer.ok(schedules("get", id));
    assertThat(got.field("Cron")).isEqualTo("0 10 * * 1-5");
    assertThat(got.field("Timezone")).isEqualTo("UTC");
    JsonNode json = CliServer.ok(schedules("get", id, "--json")).json();
    assertThat(json.path("id").asText()).isEqualTo(id);
    assertThat(json.path("nextRuns")).hasSize(5);

    // update changes what it is given and keeps the rest
    Result updated =
        CliServer.ok(
            schedules(
                "update",
                id,
                "--cron",
                "30 8 * * *",
                "--timezone",
                "America/New_York",
                "--external-id",
                "user-2"));
    assertThat(updated.out()).startsWith("Updated schedule " + id);
    assertThat(updated.field("Cron")).isEqualTo("30 8 * * *");
    assertThat(updated.field("Timezone")).isEqualTo("America/New_York");
    assertThat(updated.field("External id")).isEqualTo("user-2");
    assertThat(updated.field("Dedup key")).isEqualTo("user-1-nightly");
    assertThat(updated.field("Task")).isEqualTo(TASK);

    assertThat(CliServer.ok(schedules("deactivate", id)).out())
        .contains("Deactivated schedule " + id);
    Result inactive = CliServer.ok(schedules("get", id));
    assertThat(inactive.field("Status")).isEqualTo("inactive");
    assertThat(inactive.field("Next runs")).isEqualTo("none (inactive)");
    assertThat(CliServer.ok(schedules("list", "--task", TASK)).out()).contains("inactive");
    assertThat(CliServer.ok(schedules("activate", id)).out()).contains("Activated schedule " + id);
    Result active = CliServer.ok(schedules("get", id));
    assertThat(active.field("Status")).isEqualTo("active");
    assertThat(nextRuns(active.out())).hasSize(5);

    assertThat(CliServer.ok(schedules("delete", id)).out()).contains("Deleted schedule " + id);
    Result gone = schedules("get", id);
    assertThat(gone.exitCode()).isEqualTo(1);
    assertThat(gone.err()).startsWith("errand: ").contains("schedule_not_found, HTTP 404");
  }

  @Test
  void anInactiveScheduleFiresNothingUntilActivated() {
    Result created =
        CliServer.ok(
            schedules("create", "--task", OTHER_TASK, "--cron", "*/5 * * * *", "--inactive"));
    assertThat(created.field("Status")).isEqualTo("inactive");
    assertThat(created.field("Next runs")).isEqualTo("none (inactive)");
  }

  @Test
  void theServerNamesTheWrongField() {
    Result badCron = schedules("create", "--task", TASK, "--cron", "* 25 * * *");
    assertThat(badCron.exitCode()).isEqualTo(1);
    assertThat(badCron.err()).contains("cron").contains("25").contains("invalid_cron, HTTP 400");
    Result badZone =
        schedules("create", "--task", TASK, "--cron", "0 9 * * *", "--timezone", "Mars/Olympus");
    assertThat(badZone.exitCode()).isEqualTo(1);
    assertThat(badZone.err()).contains("timezone").contains("invalid_timezone, HTTP 400");
    Result unknownTask = schedules("create", "--task", "no-such-task", "--cron", "0 9 * * *");
    assertThat(unknownTask.exitCode()).isEqualTo(1);
    assertThat(unknownTask.err()).contains("HTTP 404");
  }

  @Test
  void commandLineMistakesAreUsageErrors() {
    Result noCron = schedules("create", "--task", TASK);
    assertThat(noCron.exitCode()).isEqualTo(2);
    assertThat(noCron.err()).contains("--cron");
    Result badChoice =
        schedules("create", "--task", TASK, "--cron", "0 9 * * *", "--missed-ticks", "some");
    assertThat(badChoice.exitCode()).isEqualTo(2);
    assertThat(badChoice.err()).contains("--missed-ticks must be one of skip, none, all");
    Result noId = schedules("get");
    assertThat(noId.exitCode()).isEqualTo(2);
    Result bare = CliServer.run("schedules");
    assertThat(bare.exitCode()).isEqualTo(2);
    assertThat(bare.err()).contains("name a command: create, list");
  }

  @Test
  void timezonesListsTheZonesTheServerAccepts() {
    assertThat(CliServer.ok(schedules("timezones")).out().lines()).contains("Europe/Paris", "UTC");
  }
}
