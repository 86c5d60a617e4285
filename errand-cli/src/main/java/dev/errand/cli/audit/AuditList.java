package dev.errand.cli.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.cli.api.ApiClient;
import dev.errand.cli.api.ApiCommand;
import dev.errand.cli.api.Table;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code errand audit list}: rows of the audit log, newest first, filtered. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "Lists the environment's audit log, newest first.")
final class AuditList extends ApiCommand {
  @Option(
      names = "--action",
      paramLabel = "ACTION",
      description = "Only this action, such as run.canceled or schedule.updated.")
  String action;

  @Option(
      names = "--actor-id",
      paramLabel = "ID",
      description = "Only this actor (for an API key: the key's id).")
  String actorId;

  @Option(
      names = "--actor-name",
      paramLabel = "NAME",
      description = "Only this actor name (for an API key: its name, such as ci-deploy).")
  String actorName;

  @Option(
      names = "--target-type",
      paramLabel = "TYPE",
      description = "Only targets of this type: run, task, schedule, webhook_endpoint, queue, ...")
  String targetType;

  @Option(names = "--target-id", paramLabel = "ID", description = "Only this target.")
  String targetId;

  @Option(
      names = "--since",
      paramLabel = "INSTANT",
      description = "Only rows at or after this ISO-8601 instant (2026-01-31T12:00:00Z).")
  String since;

  @Option(
      names = "--until",
      paramLabel = "INSTANT",
      description = "Only rows before this ISO-8601 instant.")
  String until;

  @Option(names = "--limit", paramLabel = "N", description = "At most N (server default 25).")
  Integer limit;

  @Option(
      names = "--cursor",
      paramLabel = "CURSOR",
      description = "Continue after a previous page.")
  String cursor;

  @Override
  protected JsonNode execute(ApiClient client) {
    List<String> query = new ArrayList<>();
    param(query, "action", action);
    param(query, "actorId", actorId);
    param(query, "actorName", actorName);
    param(query, "targetType", targetType);
    param(query, "targetId", targetId);
    param(query, "since", since);
    param(query, "until", until);
    param(query, "limit", limit == null ? null : limit.toString());
    param(query, "cursor", cursor);
    return client.get("/api/v1/audit" + (query.isEmpty() ? "" : "?" + String.join("&", query)));
  }

  @Override
  protected void print(JsonNode answer, PrintWriter out) {
    Table table = new Table("TIME", "ACTOR", "ADDRESS", "ACTION", "TARGET");
    for (JsonNode r : answer.path("data")) {
      JsonNode target = r.path("target");
      table.row(
          r.path("occurredAt").asText(),
          r.path("actor").path("type").asText()
              + (r.path("actor").hasNonNull("name")
                  ? " " + r.path("actor").path("name").asText()
                  : ""),
          r.path("actor").path("address").asText("-"),
          r.path("action").asText(),
          target.path("type").asText("")
              + (target.hasNonNull("id") ? " " + target.path("id").asText() : ""));
    }
    if (table.isEmpty()) {
      out.println("No audit rows match.");
    } else {
      table.print(out);
    }
    if (answer.hasNonNull("nextCursor")) {
      out.println("More: --cursor " + answer.path("nextCursor").asText());
    }
  }

  private static void param(List<String> query, String name, String value) {
    if (value != null && !value.isEmpty()) {
      query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }
}
