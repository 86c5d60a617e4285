package dev.errand.cli.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Endpoints and deliveries as text for people. The API's JSON never holds a secret. */
final class WebhookText {
  private WebhookText() {}

  static void endpoint(JsonNode e, PrintWriter out) {
    line(out, "ID", e.path("id").asText());
    line(out, "Name", e.path("name").asText());
    line(out, "URL", e.path("url").asText());
    line(out, "Enabled", e.path("enabled").asBoolean() ? "yes" : "no");
    line(out, "Verifier", verifier(e));
    JsonNode routes = e.path("routes");
    if (routes.isEmpty()) {
      line(out, "Routes", "none (deliveries are stored as unrouted)");
    }
    for (int i = 0; i < routes.size(); i++) {
      line(out, i == 0 ? "Routes" : "", route(routes.get(i)));
    }
    line(out, "Delivery id", deliveryId(e.path("deliveryId")));
    line(out, "Dedup window", e.path("dedupWindowSeconds").asText() + " s");
    line(out, "Max body", e.path("maxBodyBytes").asText() + " bytes");
    JsonNode rate = e.path("rateLimit");
    line(
        out,
        "Rate limit",
        rate.isObject()
            ? rate.path("limit").asText() + " per " + rate.path("windowSeconds").asText() + " s"
            : "none");
    JsonNode secrets = e.path("secrets");
    for (int i = 0; i < secrets.size(); i++) {
      JsonNode s = secrets.get(i);
      line(
          out,
          i == 0 ? "Secrets" : "",
          "version "
              + s.path("version").asText()
              + ", created "
              + s.path("createdAt").asText()
              + (s.path("expiresAt").isTextual()
                  ? ", accepted until " + s.path("expiresAt").asText()
                  : ", current"));
    }
    line(out, "Created", e.path("createdAt").asText());
    line(out, "Updated", e.path("updatedAt").asText());
  }

  static String verifier(JsonNode e) {
    JsonNode v = e.path("verifier");
    StringBuilder text = new StringBuilder(v.path("type").asText());
    List<String> options = new ArrayList<>();
    v.properties()
        .forEach(
            field -> {
              if (!field.getKey().equals("type")) {
                options.add(field.getKey() + "=" + field.getValue().asText());
              }
            });
    if (!options.isEmpty()) {
      text.append(" (").append(String.join(", ", options)).append(")");
    }
    if (!e.path("verified").asBoolean(true)) {
      text.append(", deliveries are NOT verified");
    }
    return text.toString();
  }

  /** {@code task [Header=v, /pointer=v] payload: event}. */
  static String route(JsonNode route) {
    List<String> conditions = new ArrayList<>();
    JsonNode filter = route.path("filter");
    for (String section : List.of("headers", "body")) {
      for (Map.Entry<String, JsonNode> c : filter.path(section).properties()) {
        JsonNode values = c.getValue();
        List<String> accepted = new ArrayList<>();
        if (values.isArray()) {
          values.forEach(v -> accepted.add(v.asText()));
        } else {
          accepted.add(values.asText());
        }
        conditions.add(c.getKey() + "=" + String.join("|", accepted));
      }
    }
    return route.path("task").asText()
        + (conditions.isEmpty() ? " (all deliveries)" : " [" + String.join(", ", conditions) + "]")
        + ", payload: "
        + route.path("payload").asText("event");
  }

  static String deliveryId(JsonNode source) {
    if (source.hasNonNull("header")) {
      return "header " + source.path("header").asText();
    }
    if (source.hasNonNull("jsonPointer")) {
      return "body field " + source.path("jsonPointer").asText();
    }
    return "none (no deduplication)";
  }

  static void delivery(JsonNode d, PrintWriter out) {
    line(out, "ID", d.path("id").asText());
    line(out, "Endpoint", d.path("endpointId").asText());
    line(out, "Status", d.path("status").asText());
    line(out, "Received", d.path("receivedAt").asText());
    line(out, "Verified", d.path("verified").asBoolean() ? "yes" : "no");
    optional(out, "Provider id", d.path("providerDeliveryId"));
    optional(out, "Reason", d.path("reason"));
    optional(out, "Duplicate of", d.path("duplicateOf"));
    optional(out, "Replay of", d.path("replayOf"));
    JsonNode runs = d.path("runs");
    if (runs.isEmpty()) {
      line(out, "Runs", "none");
    }
    for (int i = 0; i < runs.size(); i++) {
      JsonNode run = runs.get(i);
      line(
          out,
          i == 0 ? "Runs" : "",
          run.path("id").asText() + " (" + run.path("task").asText() + ")");
    }
    out.println();
    out.println("Headers:");
    for (Map.Entry<String, JsonNode> h : d.path("headers").properties()) {
      JsonNode values = h.getValue();
      if (values.isArray()) {
        values.forEach(v -> out.println("  " + h.getKey() + ": " + v.asText()));
      } else {
        out.println("  " + h.getKey() + ": " + values.asText());
      }
    }
    out.println();
    String type = d.path("contentType").asText("");
    out.println(
        "Body ("
            + d.path("bodyBytes").asText("0")
            + " bytes"
            + (type.isEmpty() ? "" : ", " + type)
            + "):");
    if (d.hasNonNull("body")) {
      out.println(d.path("body").asText());
    } else if (d.hasNonNull("bodyBase64")) {
      out.println("(binary, base64) " + d.path("bodyBase64").asText());
    }
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
