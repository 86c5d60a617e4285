package dev.errand.cli.keys;

import static dev.errand.cli.api.ApiClient.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.cli.api.AdminCommand;
import dev.errand.cli.api.ApiClient;
import dev.errand.cli.api.Table;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code errand keys} commands. */
final class KeyCommands {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,6})(m|h|d|w)");

  private KeyCommands() {}

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Creates an API key of an environment and prints it: the only time it is shown.",
        "Types: admin (everything in the environment), worker (what a worker needs),"
            + " trigger-only (trigger runs and read them by id), read-only (every read).",
        "",
        "Examples:",
        "  errand keys create --env prod --name ci-deploy --type trigger-only --expires-in 90d",
        "  errand keys create --project acme --env staging --name workers --type worker",
        ""
      })
  static final class Create extends AdminCommand {
    @Mixin EnvironmentOptions environment;

    @Option(
        names = "--name",
        required = true,
        paramLabel = "NAME",
        description = "Unique among the environment's live keys, e.g. ci-deploy.")
    String name;

    @Option(
        names = "--type",
        required = true,
        paramLabel = "TYPE",
        description = "admin, worker, trigger-only or read-only.")
    String type;

    @ArgGroup(exclusive = true)
    Expiry expiry;

    static final class Expiry {
      @Option(
          names = "--expires-at",
          paramLabel = "INSTANT",
          description = "When it stops working, e.g. 2027-01-31T00:00:00Z (default: never).")
      String at;

      @Option(
          names = "--expires-in",
          paramLabel = "DURATION",
          description = "When it stops working, from now: 30m, 12h, 90d or 4w.")
      String in;
    }

    @Override
    protected JsonNode execute(ApiClient client) {
      ObjectNode body = JsonNodeFactory.instance.objectNode().put("name", name).put("type", type);
      if (expiry != null) {
        body.put("expiresAt", expiresAt().toString());
      }
      return client.post(environment.keysPath(), body);
    }

    private Instant expiresAt() {
      if (expiry.at != null) {
        try {
          return Instant.parse(expiry.at);
        } catch (DateTimeParseException e) {
          throw usage(
              "--expires-at must be an instant such as 2027-01-31T00:00:00Z, was '"
                  + expiry.at
                  + "'");
        }
      }
      Matcher m = DURATION.matcher(expiry.in.strip());
      if (!m.matches()) {
        throw usage(
            "--expires-in must be a number and m, h, d or w (30m, 12h, 90d, 4w), was '"
                + expiry.in
                + "'");
      }
      long n = Long.parseLong(m.group(1));
      Duration d =
          switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
          };
      return Instant.now().plus(d);
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      out.println(
          "Created "
              + answer.path("type").asText()
              + " key '"
              + answer.path("name").asText()
              + "' of "
              + environment.describe());
      out.println();
      out.println("Key:        " + answer.path("key").asText());
      out.println("Id:         " + answer.path("id").asText());
      out.println("Expires:    " + answer.path("expiresAt").asText("never"));
      out.println();
      out.println(
          "This is the only time the key is shown: store it now (e.g. as ERRAND_SECRET_KEY).");
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "Lists an environment's API keys, newest first: never the keys themselves, only their"
              + " last four characters.")
  static final class List extends AdminCommand {
    @Mixin EnvironmentOptions environment;

    @Override
    protected JsonNode execute(ApiClient client) {
      return client.get(environment.keysPath());
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      Table table =
          new Table("NAME", "TYPE", "STATUS", "LAST FOUR", "CREATED", "LAST USED", "EXPIRES", "ID");
      for (JsonNode k : answer.path("data")) {
        table.row(
            k.path("name").asText(),
            k.path("type").asText(),
            k.path("status").asText(),
            k.path("lastFour").isNull() ? null : "..." + k.path("lastFour").asText(),
            k.path("createdAt").asText(null),
            k.path("lastUsedAt").asText(null),
            k.path("expiresAt").asText(null),
            k.path("id").asText());
      }
      if (table.isEmpty()) {
        out.println(
            "No keys in " + environment.describe() + ". Create one with `errand keys create`.");
      } else {
        table.print(out);
      }
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description =
          "Revokes an API key (by name or id): refused at once by this server and within 2 s by"
              + " every other node.")
  static final class Revoke extends AdminCommand {
    @Mixin EnvironmentOptions environment;

    @Parameters(paramLabel = "KEY", description = "The key's name or id.")
    String key;

    @Override
    protected JsonNode execute(ApiClient client) {
      return client.post(environment.keysPath() + "/" + segment(key) + "/revoke", null);
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      out.println(
          "Revoked key '"
              + answer.path("name").asText()
              + "' of "
              + environment.describe()
              + " at "
              + answer.path("revokedAt").asText());
    }
  }
}
