package dev.errand.cli.webhooks;

import static dev.errand.cli.api.ApiClient.segment;

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
import picocli.CommandLine.Parameters;

/** The deliveries log: deliveries, delivery, replay. */
final class DeliveryCommands {
  static final String DELIVERIES = "/api/v1/webhooks/deliveries";

  private DeliveryCommands() {}

  @Command(
      name = "deliveries",
      mixinStandardHelpOptions = true,
      description = "Lists received deliveries, newest first.")
  static final class ListDeliveries extends ApiCommand {
    @Option(names = "--endpoint", paramLabel = "ENDPOINT_ID", description = "Only this endpoint's.")
    String endpoint;

    @Option(
        names = "--status",
        paramLabel = "STATUS",
        description = "Only accepted, rejected, duplicate or unrouted ones.")
    String status;

    @Option(names = "--from", paramLabel = "ISO_TIME", description = "Received at or after.")
    String from;

    @Option(names = "--to", paramLabel = "ISO_TIME", description = "Received before.")
    String to;

    @Option(names = "--limit", paramLabel = "N", description = "At most N (server default 50).")
    Integer limit;

    @Option(
        names = "--cursor",
        paramLabel = "CURSOR",
        description = "Continue after a previous page.")
    String cursor;

    @Override
    protected JsonNode execute(ApiClient client) {
      List<String> query = new ArrayList<>();
      param(query, "endpoint", endpoint);
      param(query, "status", status);
      param(query, "from", from);
      param(query, "to", to);
      param(query, "limit", limit == null ? null : limit.toString());
      param(query, "cursor", cursor);
      return client.get(DELIVERIES + (query.isEmpty() ? "" : "?" + String.join("&", query)));
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      Table table =
          new Table("ID", "RECEIVED", "ENDPOINT", "STATUS", "VERIFIED", "PROVIDER ID", "REASON");
      for (JsonNode d : answer.path("data")) {
        table.row(
            d.path("id").asText(),
            d.path("receivedAt").asText(),
            d.path("endpointId").asText(),
            d.path("status").asText(),
            d.path("verified").asBoolean() ? "yes" : "no",
            d.path("providerDeliveryId").asText(null),
            d.path("reason").asText(null));
      }
      if (table.isEmpty()) {
        out.println("No deliveries.");
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

  @Command(
      name = "delivery",
      mixinStandardHelpOptions = true,
      description = "Shows one delivery with its headers (signatures masked), body and runs.")
  static final class Show extends ApiCommand {
    @Parameters(paramLabel = "DELIVERY_ID", description = "The delivery's id (dlv_...).")
    String id;

    @Override
    protected JsonNode execute(ApiClient client) {
      return client.get(DELIVERIES + "/" + segment(id));
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      WebhookText.delivery(answer, out);
    }
  }

  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description = {
        "Routes a stored delivery again as a new delivery: new runs, as if it had just arrived.",
        "Its signature is not checked again and deduplication does not apply."
      })
  static final class Replay extends ApiCommand {
    @Parameters(paramLabel = "DELIVERY_ID", description = "The delivery's id (dlv_...).")
    String id;

    @Override
    protected JsonNode execute(ApiClient client) {
      return client.post(DELIVERIES + "/" + segment(id) + "/replay", null);
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      out.println(
          "Replayed "
              + id
              + " as "
              + answer.path("deliveryId").asText()
              + " ("
              + answer.path("status").asText()
              + ")");
      for (JsonNode run : answer.path("runs")) {
        out.println("  run " + run.path("id").asText() + " (" + run.path("task").asText() + ")");
      }
    }
  }
}
