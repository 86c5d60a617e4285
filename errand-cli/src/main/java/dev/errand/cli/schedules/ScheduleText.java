package dev.errand.cli.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;

/** A schedule as text for people. */
final class ScheduleText {
  private ScheduleText() {}

  static void schedule(JsonNode s, PrintWriter out) {
    line(out, "ID", s.path("id").asText());
    line(out, "Task", s.path("task").asText());
    line(out, "Cron", s.path("cron").asText());
    line(out, "Timezone", s.path("timezone").asText());
    line(out, "Status", s.path("status").asText());
    line(out, "Type", s.path("type").asText());
    optional(out, "External id", s.path("externalId"));
    optional(out, "Dedup key", s.path("deduplicationKey"));
    optional(out, "Window", s.path("window"));
    line(
        out,
        "Missed ticks",
        s.path("missedTicks").asText()
            + (s.path("missedTicks").asText().equals("all")
                ? " (at most " + s.path("missedTickLimit").asText() + ")"
                : ""));
    line(out, "Overlap", s.path("overlap").asText());
    JsonNode last = s.path("lastRun");
    if (last.isObject()) {
      line(
          out,
          "Last run",
          last.path("id").asText()
              + " ("
              + last.path("status").asText("no longer kept")
              + "), tick "
              + last.path("timestamp").asText());
    }
    JsonNode next = s.path("nextRuns");
    if (next.isEmpty()) {
      line(out, "Next runs", "none (inactive)");
    }
    for (int i = 0; i < next.size(); i++) {
      line(out, i == 0 ? "Next runs" : "", next.get(i).asText());
    }
    line(out, "Created", s.path("createdAt").asText());
    line(out, "Updated", s.path("updatedAt").asText());
  }

  private static void optional(PrintWriter out, String label, JsonNode value) {
    if (value.isValueNode() && !value.isNull() && !value.asText().isEmpty()) {
      line(out, label, value.asText());
    }
  }

  private static void line(PrintWriter out, String label, String value) {
    out.println(
        label.isEmpty() ? " ".repeat(15) + value : "%-13s  %s".formatted(label + ":", value));
  }
}
