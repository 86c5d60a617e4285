package dev.errand.cli.schedules;

import static dev.errand.cli.api.ApiClient.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.cli.api.ApiClient;
import dev.errand.cli.api.ApiCommand;
import dev.errand.cli.api.Table;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code errand schedules} commands. */
final class ScheduleCommands {
  static final String SCHEDULES = "/api/v1/schedules";

  /** The settings a PUT replaces, as the API names them. */
  private static final java.util.List<String> SETTINGS =
      java.util.List.of(
          "task",
          "cron",
          "timezone",
          "externalId",
          "deduplicationKey",
          "window",
          "missedTicks",
          "missedTickLimit",
          "overlap",
          "active");

  private ScheduleCommands() {}

  static String schedule(String id) {
    return SCHEDULES + "/" + segment(id);
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Creates a schedule: each tick of the cron expression, in the time zone, triggers one run"
            + " of the task with a ScheduledEvent. With --dedup-key, updates the schedule that"
            + " already has that key instead. Prints its id and next 5 runs.",
        "",
        "Examples:",
        "  errand schedules create --task daily-report --cron \"0 9 * * 1-5\" \\",
        "      --timezone Europe/Paris --external-id user-1 --dedup-key user-1-report",
        "  errand schedules create --task sync --cron \"*/15 * * * *\" --overlap skip",
        ""
      })
  static final class Create extends ApiCommand {
    @Option(
        names = "--task",
        required = true,
        paramLabel = "TASK",
        description = "The task each tick triggers.")
    String task;

    @Option(
        names = "--cron",
        required = true,
        paramLabel = "EXPR",
        description = "5 fields: minute hour day-of-month month day-of-week, e.g. \"0 9 * * 1-5\".")
    String cron;

    @Mixin ScheduleFlags flags;

    @Override
    protected JsonNode execute(ApiClient client) {
      ObjectNode body = JsonNodeFactory.instance.objectNode().put("task", task).put("cron", cron);
      flags.applyTo(body, spec.commandLine());
      return client.post(SCHEDULES, body);
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      // a create with a known deduplication key updates that schedule (HTTP 200, not 201)
      boolean created = answer.path("createdAt").asText().equals(answer.path("updatedAt").asText());
      out.println(
          (created ? "Created schedule " : "Updated schedule ")
              + answer.path("id").asText()
              + (created ? "" : " (it had deduplication key " + flags.deduplicationKey + ")"));
      out.println();
      ScheduleText.schedule(answer, out);
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists the environment's schedules, newest first.")
  static final class List extends ApiCommand {
    @Option(names = "--task", paramLabel = "TASK", description = "Only this task's schedules.")
    String task;

    @Option(names = "--limit", paramLabel = "N", description = "At most N (server default 25).")
    Integer limit;

    @Option(
        names = "--cursor",
        paramLabel = "CURSOR",
        description = "Continue after a previous page.")
    String cursor;

    @Override
    protected JsonNode execute(ApiClient client) {
      java.util.List<String> query = new ArrayList<>();
      param(query, "task", task);
      param(query, "limit", limit == null ? null : limit.toString());
      param(query, "cursor", cursor);
      return client.get(SCHEDULES + (query.isEmpty() ? "" : "?" + String.join("&", query)));
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      Table table = new Table("ID", "TASK", "CRON", "TIMEZONE", "STATUS", "NEXT RUN");
      for (JsonNode s : answer.path("data")) {
        table.row(
            s.path("id").asText(),
            s.path("task").asText(),
            s.path("cron").asText(),
            s.path("timezone").asText(),
            s.path("status").asText(),
            s.path("nextRuns").path(0).asText(null));
      }
      if (table.isEmpty()) {
        out.println("No schedules. Create one with `errand schedules create`.");
      } else {
        table.print(out);
      }
      if (answer.hasNonNull("nextCursor")) {
        out.println("More: --cursor " + answer.path("nextCursor").asText());
      }
    }

    private static void param(java.util.List<String> query, String name, String value) {
      if (value != null && !value.isEmpty()) {
        query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
    }
  }

  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      description = "Shows one schedule: its settings, last run and next 5 runs.")
  static final class Get extends ApiCommand {
    @Parameters(paramLabel = "SCHEDULE_ID", description = "The schedule's id (sched_...).")
    String id;

    @Override
    protected JsonNode execute(ApiClient client) {
      return client.get(schedule(id));
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      ScheduleText.schedule(answer, out);
    }
  }

  @Command(
      name = "update",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Changes the settings given and keeps the others. A schedule declared in code"
            + " (Task.scheduled) can only be changed in the code.",
        "",
        "Example:",
        "  errand schedules update sched_... --cron \"30 8 * * 1-5\" --timezone America/New_York",
        ""
      })
  static final class Update extends ApiCommand {
    @Parameters(paramLabel = "SCHEDULE_ID", description = "The schedule's id (sched_...).")
    String id;

    @Option(names = "--task", paramLabel = "TASK", description = "The task each tick triggers.")
    String task;

    @Option(names = "--cron", paramLabel = "EXPR", description = "A new cron expression.")
    String cron;

    @Mixin ScheduleFlags flags;

    @Override
    protected JsonNode execute(ApiClient client) {
      // PUT replaces every setting: start from the current ones
      JsonNode current = client.get(schedule(id));
      ObjectNode body = JsonNodeFactory.instance.objectNode();
      for (String field : SETTINGS) {
        JsonNode value = current.get(field);
        if (value != null && !value.isNull()) {
          body.set(field, value);
        }
      }
      if (task != null) {
        body.put("task", task);
      }
      if (cron != null) {
        body.put("cron", cron);
      }
      flags.applyTo(body, spec.commandLine());
      return client.put(schedule(id), body);
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      out.println("Updated schedule " + answer.path("id").asText());
      out.println();
      ScheduleText.schedule(answer, out);
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Deletes a schedule: it fires no more. The runs it triggered stay.")
  static final class Delete extends ApiCommand {
    @Parameters(paramLabel = "SCHEDULE_ID", description = "The schedule's id (sched_...).")
    String id;

    @Override
    protected JsonNode execute(ApiClient client) {
      return client.delete(schedule(id));
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      out.println("Deleted schedule " + id);
    }
  }

  @Command(
      name = "activate",
      mixinStandardHelpOptions = true,
      description = "Makes a schedule fire again, from its next tick after now.")
  static final class Activate extends ApiCommand {
    @Parameters(paramLabel = "SCHEDULE_ID", description = "The schedule's id (sched_...).")
    String id;

    @Override
    protected JsonNode execute(ApiClient client) {
      return client.post(schedule(id) + "/activate", null);
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      out.println(
          "Activated schedule "
              + answer.path("id").asText()
              + "; next run "
              + answer.path("nextRuns").path(0).asText("-"));
    }
  }

  @Command(
      name = "deactivate",
      mixinStandardHelpOptions = true,
      description = "Stops a schedule firing; it keeps its settings until activated again.")
  static final class Deactivate extends ApiCommand {
    @Parameters(paramLabel = "SCHEDULE_ID", description = "The schedule's id (sched_...).")
    String id;

    @Override
    protected JsonNode execute(ApiClient client) {
      return client.post(schedule(id) + "/deactivate", null);
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      out.println("Deactivated schedule " + answer.path("id").asText());
    }
  }

  @Command(
      name = "timezones",
      mixinStandardHelpOptions = true,
      description = "Lists the IANA time zones --timezone accepts, one a line.")
  static final class Timezones extends ApiCommand {
    @Override
    protected JsonNode execute(ApiClient client) {
      return client.get("/api/v1/timezones");
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      answer.path("timezones").forEach(z -> out.println(z.asText()));
    }
  }
}
