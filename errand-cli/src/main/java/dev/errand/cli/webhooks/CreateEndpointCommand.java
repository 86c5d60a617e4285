package dev.errand.cli.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.cli.api.ApiClient;
import dev.errand.cli.api.ApiCommand;
import dev.errand.server.webhook.VerifierConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/** {@code errand webhooks create}: a new endpoint, from flags or from a JSON file. */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Creates a webhook endpoint and prints its id and the URL to give the provider.",
      "",
      "Routes: --route TASK[:event|:body] starts one run of TASK per verified delivery; the run"
          + " receives the webhook event (default) or the parsed body. Repeat for more routes.",
      "Filters: --filter-header [TASK:]Name=Value and --filter-body [TASK:]/json/pointer=value"
          + " make a route take only matching deliveries. TASK: may be left out when there is one"
          + " route. All conditions must match; repeat a condition with another value to accept"
          + " either. The value is everything after the first '='.",
      "",
      "Examples:",
      "  export GITHUB_WEBHOOK_SECRET=...",
      "  errand webhooks create --name github --verifier github \\",
      "      --secret-env GITHUB_WEBHOOK_SECRET \\",
      "      --route on-push --filter-header X-GitHub-Event=push",
      "  errand webhooks create --name stripe-prod --verifier stripe \\",
      "      --secret-file stripe.secret \\",
      "      --route handle-checkout:body \\",
      "      --filter-body /type=checkout.session.completed",
      "  errand webhooks create --from-file endpoint.json",
      ""
    })
final class CreateEndpointCommand extends ApiCommand {
  /** Options that only --from-file may not be combined with. */
  private static final Set<String> ALWAYS_ALLOWED =
      Set.of("--from-file", "--json", "--api-url", "--secret-key");

  @Option(
      names = "--from-file",
      paramLabel = "PATH",
      description = "Send this file's JSON as the request body, as is ('-': standard input).")
  String fromFile;

  @Option(names = "--name", paramLabel = "NAME", description = "The endpoint's name.")
  String name;

  @Option(
      names = "--verifier",
      paramLabel = "TYPE",
      completionCandidates = VerifierTypes.class,
      description = "How deliveries are verified: ${COMPLETION-CANDIDATES}.")
  String verifier;

  @ArgGroup(exclusive = true, multiplicity = "0..1", heading = "Signing secret (not for none):%n")
  SecretOptions secret;

  @Option(
      names = "--tolerance-seconds",
      paramLabel = "N",
      description = "Accepted clock skew for timestamped signatures (default 300).")
  Integer toleranceSeconds;

  @Option(
      names = "--header",
      paramLabel = "NAME",
      description = "hmac-sha256: the signature header.")
  String header;

  @Option(
      names = "--prefix",
      paramLabel = "TEXT",
      description = "hmac-sha256: text before the signature, e.g. sha256=.")
  String prefix;

  @Option(
      names = "--encoding",
      paramLabel = "hex|base64",
      description = "hmac-sha256: the signature's encoding (default hex).")
  String encoding;

  @Option(
      names = "--timestamp-header",
      paramLabel = "NAME",
      description = "hmac-sha256: a header of unix seconds, signed as {timestamp}.{body}.")
  String timestampHeader;

  @Option(
      names = "--route",
      paramLabel = "TASK[:event|:body]",
      description = "A task to run for each verified delivery. Repeatable.")
  List<String> routes = new ArrayList<>();

  @Option(
      names = "--filter-header",
      paramLabel = "[TASK:]NAME=VALUE",
      description = "The route takes deliveries whose header has this value. Repeatable.")
  List<String> headerFilters = new ArrayList<>();

  @Option(
      names = "--filter-body",
      paramLabel = "[TASK:]/POINTER=VALUE",
      description = "The route takes deliveries whose JSON body field has this value. Repeatable.")
  List<String> bodyFilters = new ArrayList<>();

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  DeliveryIdOptions deliveryId;

  @Option(
      names = "--dedup-window-seconds",
      paramLabel = "N",
      description = "How long a delivery id is remembered (default 604800, 7 days).")
  Long dedupWindowSeconds;

  @Option(
      names = "--max-body-bytes",
      paramLabel = "N",
      description = "The largest body accepted (default 1048576).")
  Integer maxBodyBytes;

  @Option(
      names = "--rate-limit",
      paramLabel = "N[/SECONDS]",
      description = "At most N deliveries per window (default window 1 s), per server node.")
  String rateLimit;

  @Option(names = "--disabled", description = "Create it disabled (deliveries get 410).")
  boolean disabled;

  static final class DeliveryIdOptions {
    @Option(
        names = "--delivery-id-header",
        paramLabel = "NAME",
        description = "Deduplicate on this header (the verifier type's default otherwise).")
    String header;

    @Option(
        names = "--delivery-id-pointer",
        paramLabel = "/POINTER",
        description = "Deduplicate on this JSON body field.")
    String pointer;

    @Option(names = "--no-delivery-id", description = "Do not deduplicate.")
    boolean none;
  }

  /** The verifier types, for help and shell completion. */
  static final class VerifierTypes extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    VerifierTypes() {
      super(VerifierConfig.TYPES);
    }
  }

  @Override
  protected JsonNode execute(ApiClient client) {
    return client.post("/api/v1/webhooks/endpoints", body());
  }

  @Override
  protected void print(JsonNode endpoint, PrintWriter out) {
    out.println("Created webhook endpoint " + endpoint.path("id").asText());
    out.println();
    WebhookText.endpoint(endpoint, out);
    out.println();
    out.println("Give the provider this URL: " + endpoint.path("url").asText());
  }

  JsonNode body() {
    if (fromFile != null) {
      for (OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
        if (!ALWAYS_ALLOWED.contains(option.longestName())) {
          throw usage("--from-file sends the file as is: leave out " + option.longestName());
        }
      }
      return parseJson(readFile(fromFile), fromFile);
    }
    if (name == null) {
      throw usage("give --name (or --from-file)");
    }
    if (verifier == null) {
      throw usage("give --verifier, one of " + String.join(", ", VerifierConfig.TYPES));
    }
    if (!VerifierConfig.TYPES.contains(verifier)) {
      throw usage(
          "unknown verifier type '"
              + verifier
              + "': use one of "
              + String.join(", ", VerifierConfig.TYPES));
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("name", name);
    body.set("verifier", verifierJson());
    try {
      body.set("routes", RouteFlags.toJson(routes, headerFilters, bodyFilters));
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    if (deliveryId != null) {
      if (deliveryId.none) {
        body.putNull("deliveryId");
      } else if (deliveryId.header != null) {
        body.putObject("deliveryId").put("header", deliveryId.header);
      } else {
        body.putObject("deliveryId").put("jsonPointer", deliveryId.pointer);
      }
    }
    if (dedupWindowSeconds != null) {
      body.put("dedupWindowSeconds", dedupWindowSeconds);
    }
    if (maxBodyBytes != null) {
      body.put("maxBodyBytes", maxBodyBytes);
    }
    if (rateLimit != null) {
      body.set("rateLimit", rateLimitJson(rateLimit));
    }
    if (disabled) {
      body.put("enabled", false);
    }
    return body;
  }

  private ObjectNode verifierJson() {
    ObjectNode v = JsonNodeFactory.instance.objectNode().put("type", verifier);
    if (verifier.equals("none")) {
      if (secret != null) {
        throw usage("the none verifier takes no secret");
      }
    } else if (secret == null) {
      throw usage(
          "--verifier "
              + verifier
              + " needs the signing secret: give --secret-env VAR, --secret-file PATH or --secret"
              + " SECRET");
    } else {
      v.put("secret", secret.resolve(spec.commandLine()));
    }
    if (toleranceSeconds != null) {
      v.put("toleranceSeconds", toleranceSeconds);
    }
    if (header != null) {
      v.put("header", header);
    }
    if (prefix != null) {
      v.put("prefix", prefix);
    }
    if (encoding != null) {
      v.put("encoding", encoding);
    }
    if (timestampHeader != null) {
      v.put("timestampHeader", timestampHeader);
    }
    return v;
  }

  private JsonNode rateLimitJson(String text) {
    String[] parts = text.split("/", -1);
    try {
      if (parts.length > 2) {
        throw new NumberFormatException();
      }
      ObjectNode rate =
          JsonNodeFactory.instance.objectNode().put("limit", Integer.parseInt(parts[0].strip()));
      if (parts.length == 2) {
        rate.put("windowSeconds", Integer.parseInt(parts[1].strip()));
      }
      return rate;
    } catch (NumberFormatException e) {
      throw usage("--rate-limit: expected N or N/SECONDS, e.g. 100/1, was '" + text + "'");
    }
  }
}
