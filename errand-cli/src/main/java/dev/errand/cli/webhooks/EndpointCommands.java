package dev.errand.cli.webhooks;

import static dev.errand.cli.api.ApiClient.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.cli.api.ApiClient;
import dev.errand.cli.api.ApiCommand;
import dev.errand.cli.api.Table;
import java.io.PrintWriter;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The endpoint commands other than create: list, get, update, enable, disable, rotate-secret,
 * delete.
 */
final class EndpointCommands {
  static final String ENDPOINTS = "/api/v1/webhooks/endpoints";

  private EndpointCommands() {}

  static String endpoint(String id) {
    return ENDPOINTS + "/" + segment(id);
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists the environment's webhook endpoints.")
  static final class List extends ApiCommand {
    @Override
    protected JsonNode execute(ApiClient client) {
      return client.get(ENDPOINTS);
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      Table table = new Table("ID", "NAME", "VERIFIER", "ENABLED", "ROUTES", "URL");
      for (JsonNode e : answer.path("data")) {
        java.util.List<String> tasks = new java.util.ArrayList<>();
        e.path("routes").forEach(r -> tasks.add(r.path("task").asText()));
        table.row(
            e.path("id").asText(),
            e.path("name").asText(),
            e.path("verifier").path("type").asText(),
            e.path("enabled").asBoolean() ? "yes" : "no",
            tasks.isEmpty() ? "-" : String.join(",", tasks),
            e.path("url").asText());
      }
      if (table.isEmpty()) {
        out.println("No webhook endpoints. Create one with `errand webhooks create`.");
      } else {
        table.print(out);
      }
    }
  }

  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      description = "Shows one endpoint: its URL, verifier, routes and secrets (never the secret).")
  static final class Get extends ApiCommand {
    @Parameters(paramLabel = "ENDPOINT_ID", description = "The endpoint's id (we_...).")
    String id;

    @Override
    protected JsonNode execute(ApiClient client) {
      return client.get(endpoint(id));
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      WebhookText.endpoint(answer, out);
    }
  }

  @Command(
      name = "update",
      mixinStandardHelpOptions = true,
      description = {
        "Changes an endpoint's settings: the fields a JSON file gives (as PATCH"
            + " /api/v1/webhooks/endpoints/{id} takes them: name, routes, deliveryId,"
            + " dedupWindowSeconds, maxBodyBytes, rateLimit, enabled, verifier options), and/or"
            + " the flags below. The verifier's type and secret stay (see rotate-secret).",
        "",
        "Examples:",
        "  errand webhooks update we_... --name stripe-live --max-body-bytes 262144",
        "  errand webhooks update we_... --from-file routes.json   # {\"routes\": [...]}",
        ""
      })
  static final class Update extends ApiCommand {
    @Parameters(paramLabel = "ENDPOINT_ID", description = "The endpoint's id (we_...).")
    String id;

    @Option(
        names = "--from-file",
        paramLabel = "PATH",
        description = "A JSON object of the fields to change (- reads standard input).")
    String fromFile;

    @Option(names = "--name", paramLabel = "NAME", description = "A new name.")
    String name;

    @Option(
        names = "--dedup-window-seconds",
        paramLabel = "N",
        description = "How long delivery ids are remembered.")
    Long dedupWindowSeconds;

    @Option(names = "--max-body-bytes", paramLabel = "N", description = "The largest body.")
    Integer maxBodyBytes;

    @Override
    protected JsonNode execute(ApiClient client) {
      ObjectNode patch = JsonNodeFactory.instance.objectNode();
      if (fromFile != null) {
        JsonNode file = parseJson(readFile(fromFile), fromFile);
        if (!file.isObject()) {
          throw usage(fromFile + " must hold a JSON object of the fields to change");
        }
        patch.setAll((ObjectNode) file);
      }
      if (name != null) {
        patch.put("name", name);
      }
      if (dedupWindowSeconds != null) {
        patch.put("dedupWindowSeconds", dedupWindowSeconds);
      }
      if (maxBodyBytes != null) {
        patch.put("maxBodyBytes", maxBodyBytes);
      }
      if (patch.isEmpty()) {
        throw usage("give --from-file or a setting to change");
      }
      return client.patch(endpoint(id), patch);
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      out.println("Updated webhook endpoint " + answer.path("id").asText());
      WebhookText.endpoint(answer, out);
    }
  }

  @Command(
      name = "enable",
      mixinStandardHelpOptions = true,
      description = "Enables an endpoint: deliveries are accepted again.")
  static final class Enable extends ApiCommand {
    @Parameters(paramLabel = "ENDPOINT_ID", description = "The endpoint's id (we_...).")
    String id;

    @Override
    protected JsonNode execute(ApiClient client) {
      return client.post(endpoint(id) + "/enable", null);
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      out.println("Enabled webhook endpoint " + answer.path("id").asText());
    }
  }

  @Command(
      name = "disable",
      mixinStandardHelpOptions = true,
      description = "Disables an endpoint: deliveries get 410 until it is enabled.")
  static final class Disable extends ApiCommand {
    @Parameters(paramLabel = "ENDPOINT_ID", description = "The endpoint's id (we_...).")
    String id;

    @Override
    protected JsonNode execute(ApiClient client) {
      return client.post(endpoint(id) + "/disable", null);
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      out.println("Disabled webhook endpoint " + answer.path("id").asText());
    }
  }

  @Command(
      name = "rotate-secret",
      mixinStandardHelpOptions = true,
      description = {
        "Gives an endpoint a new signing secret. The old one is still accepted for the grace"
            + " period, so the provider can be switched over without losing deliveries.",
        "",
        "Example:",
        "  errand webhooks rotate-secret we_... --secret-env NEW_SECRET --grace-seconds 3600",
        ""
      })
  static final class RotateSecret extends ApiCommand {
    @Parameters(paramLabel = "ENDPOINT_ID", description = "The endpoint's id (we_...).")
    String id;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "New signing secret:%n")
    SecretOptions secret;

    @Option(
        names = "--grace-seconds",
        paramLabel = "N",
        description = "How long the old secret is still accepted (server default: 86400, 1 day).")
    Long graceSeconds;

    @Override
    protected JsonNode execute(ApiClient client) {
      ObjectNode body =
          JsonNodeFactory.instance.objectNode().put("secret", secret.resolve(spec.commandLine()));
      if (graceSeconds != null) {
        body.put("graceSeconds", graceSeconds);
      }
      return client.post(endpoint(id) + "/rotate-secret", body);
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      out.println("Rotated the signing secret of webhook endpoint " + answer.path("id").asText());
      for (JsonNode s : answer.path("secrets")) {
        out.println(
            "  version "
                + s.path("version").asText()
                + (s.path("expiresAt").isTextual()
                    ? ": accepted until " + s.path("expiresAt").asText()
                    : ": current"));
      }
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Deletes an endpoint; its URL answers 404 from then on.")
  static final class Delete extends ApiCommand {
    @Parameters(paramLabel = "ENDPOINT_ID", description = "The endpoint's id (we_...).")
    String id;

    @Override
    protected JsonNode execute(ApiClient client) {
      return client.delete(endpoint(id));
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      out.println("Deleted webhook endpoint " + id);
    }
  }
}
