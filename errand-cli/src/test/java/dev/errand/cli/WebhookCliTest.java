package dev.errand.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.errand.cli.CliServer.Result;
import dev.errand.sdk.ErrandClient;
import dev.errand.sdk.Task;
import dev.errand.sdk.WebhookEvent;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code errand webhooks} against a real server on the embedded store and a real worker: endpoints
 * made and changed through the CLI, signed deliveries posted to the URL it prints.
 */
class WebhookCliTest {
  private static final String GITHUB_SECRET = "gh-cli-secret-for-tests";
  private static final String TASK = "cli-on-push";
  private static final String OTHER_TASK = "cli-on-any";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static CliServer api;
  private static Path secretFile;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startServerAndWorker() throws Exception {
    api = new CliServer(dir, ignoring(TASK), ignoring(OTHER_TASK));
    secretFile = dir.resolve("github.secret");
    Files.writeString(secretFile, GITHUB_SECRET + "\n");
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  private static Task<WebhookEvent, Void> ignoring(String id) {
    return Task.define(id, WebhookEvent.class, Void.class).run((event, ctx) -> null);
  }

  private static Result webhooks(String... args) {
    return api.command("webhooks", args);
  }

  /** Creates a GitHub endpoint routing pushes to {@link #TASK}; its id and URL. */
  private static String[] createGithub(String name) {
    Result created =
        CliServer.ok(
            webhooks(
                "create",
                "--name",
                name,
                "--verifier",
                "github",
                "--secret-file",
                secretFile.toString(),
                "--route",
                TASK,
                "--filter-header",
                "X-GitHub-Event=push"));
    return new String[] {created.field("ID"), created.field("URL")};
  }

  private HttpResponse<String> postGithub(String url, String event, String body, String secret)
      throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .header("X-GitHub-Event", event)
            .header("X-GitHub-Delivery", UUID.randomUUID().toString())
            .header("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(mac.doFinal(bytes)))
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void createThenListAndGetShowTheEndpointButNeverTheSecret() throws Exception {
    Result created =
        CliServer.ok(
            webhooks(
                "create",
                "--name",
                "github-main",
                "--verifier",
                "github",
                "--secret-file",
                secretFile.toString(),
                "--route",
                TASK,
                "--filter-header",
                "X-GitHub-Event=push"));
    String id = created.field("ID");
    assertThat(id).startsWith("we_");
    assertThat(created.field("URL")).isEqualTo(api.url() + "/webhooks/" + id);
    assertThat(created.out()).contains("Give the provider this URL").contains(TASK);

    Result list = CliServer.ok(webhooks("list"));
    assertThat(list.out()).contains("ID", "NAME", "URL").contains(id).contains("github-main");
    Result get = CliServer.ok(webhooks("get", id));
    assertThat(get.out())
        .contains(id)
        .contains("github")
        .containsIgnoringCase("X-GitHub-Event=push");
    JsonNode json = CliServer.ok(webhooks("get", id, "--json")).json();
    assertThat(json.path("id").asText()).isEqualTo(id);
    assertThat(json.path("routes").path(0).path("task").asText()).isEqualTo(TASK);
    JsonNode listed = CliServer.ok(webhooks("list", "--json")).json();
    assertThat(listed.path("data").findValuesAsText("id")).contains(id);

    for (Result r : List.of(created, list, get)) {
      assertThat(r.out() + r.err()).doesNotContain(GITHUB_SECRET);
    }
    assertThat(json.toString()).doesNotContain(GITHUB_SECRET);
  }

  @Test
  void routeAndFilterFlagsBuildTheRoutes() throws Exception {
    JsonNode e =
        CliServer.ok(
                webhooks(
                    "create",
                    "--json",
                    "--name",
                    "routes",
                    "--verifier",
                    "none",
                    "--route",
                    TASK + ":body",
                    "--route",
                    OTHER_TASK,
                    "--filter-header",
                    TASK + ":X-GitHub-Event=push",
                    "--filter-header",
                    TASK + ":X-GitHub-Event=release",
                    "--filter-body",
                    TASK + ":/ref=refs/heads/main",
                    "--delivery-id-pointer",
                    "/id",
                    "--rate-limit",
                    "10/2",
                    "--disabled"))
            .json();
    JsonNode first = e.path("routes").path(0);
    assertThat(first.path("task").asText()).isEqualTo(TASK);
    assertThat(first.path("payload").asText()).isEqualTo("body");
    assertThat(first.path("filter").path("headers").toString())
        .containsIgnoringCase("\"x-github-event\":[\"push\",\"release\"]");
    assertThat(first.path("filter").path("body").path("/ref").toString())
        .contains("refs/heads/main");
    JsonNode second = e.path("routes").path(1);
    assertThat(second.path("task").asText()).isEqualTo(OTHER_TASK);
    assertThat(second.has("filter")).isFalse();
    assertThat(e.path("deliveryId").path("jsonPointer").asText()).isEqualTo("/id");
    assertThat(e.path("rateLimit").path("limit").asInt()).isEqualTo(10);
    assertThat(e.path("rateLimit").path("windowSeconds").asInt()).isEqualTo(2);
    assertThat(e.path("enabled").asBoolean()).isFalse();

    Result ambiguous =
        webhooks(
            "create",
            "--name",
            "x",
            "--verifier",
            "none",
            "--route",
            TASK,
            "--route",
            OTHER_TASK,
            "--filter-header",
            "X-GitHub-Event=push");
    assertThat(ambiguous.exitCode()).isEqualTo(2);
    assertThat(ambiguous.err()).contains("name the route it filters, as TASK:X-GitHub-Event=push");
  }

  @Test
  void fromFileSendsTheJsonAsIs() throws Exception {
    Path file = dir.resolve("endpoint.json");
    Files.writeString(
        file,
        """
        {"name": "from-file", "verifier": {"type": "none"},
         "routes": [{"task": "%s", "filter": {"body": {"/type": ["a", "b"]}}}]}
        """
            .formatted(TASK));
    JsonNode e = CliServer.ok(webhooks("create", "--from-file", file.toString(), "--json")).json();
    assertThat(e.path("name").asText()).isEqualTo("from-file");
    assertThat(e.path("routes").path(0).path("filter").path("body").path("/type")).hasSize(2);

    Result mixed = webhooks("create", "--from-file", file.toString(), "--name", "other");
    assertThat(mixed.exitCode()).isEqualTo(2);
    assertThat(mixed.err()).contains("leave out --name");
  }

  @Test
  void aSignedDeliveryIsListedShownAndReplayed() throws Exception {
    String[] endpoint = createGithub("github-deliveries");
    String body = "{\"ref\":\"refs/heads/main\",\"note\":\"from the CLI test\"}";
    HttpResponse<String> response = postGithub(endpoint[1], "push", body, GITHUB_SECRET);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    String deliveryId = JSON.readTree(response.body()).path("deliveryId").asText();
    assertThat(deliveryId).startsWith("dlv_");

    Result listed = CliServer.ok(webhooks("deliveries", "--endpoint", endpoint[0]));
    assertThat(listed.out()).contains(deliveryId).contains("accepted").contains(endpoint[0]);
    Result accepted =
        CliServer.ok(webhooks("deliveries", "--status", "accepted", "--limit", "100"));
    assertThat(accepted.out()).contains(deliveryId);
    JsonNode page =
        CliServer.ok(webhooks("deliveries", "--endpoint", endpoint[0], "--json")).json();
    assertThat(page.path("data").findValuesAsText("id")).containsExactly(deliveryId);

    Result shown = CliServer.ok(webhooks("delivery", deliveryId));
    assertThat(shown.out())
        .contains(deliveryId)
        .contains("Headers:")
        .contains("x-github-event: push")
        .contains(body)
        .contains("run_")
        .contains(TASK);

    Result replayed = CliServer.ok(webhooks("replay", deliveryId));
    Matcher m =
        Pattern.compile("Replayed " + deliveryId + " as (dlv_\\S+)").matcher(replayed.out());
    assertThat(m.find()).as(replayed.out()).isTrue();
    String replayId = m.group(1);
    assertThat(replayId).isNotEqualTo(deliveryId);
    assertThat(replayed.out()).contains("run_");
    JsonNode replay = CliServer.ok(webhooks("delivery", replayId, "--json")).json();
    assertThat(replay.path("replayOf").asText()).isEqualTo(deliveryId);
  }

  @Test
  void disableEnableRotateAndDelete() throws Exception {
    String[] endpoint = createGithub("github-lifecycle");
    String id = endpoint[0];
    assertThat(CliServer.ok(webhooks("disable", id)).out())
        .contains("Disabled webhook endpoint " + id);
    assertThat(postGithub(endpoint[1], "push", "{}", GITHUB_SECRET).statusCode()).isEqualTo(410);
    assertThat(CliServer.ok(webhooks("get", id)).field("Enabled")).isEqualTo("no");

    assertThat(CliServer.ok(webhooks("enable", id)).out())
        .contains("Enabled webhook endpoint " + id);
    assertThat(postGithub(endpoint[1], "push", "{}", GITHUB_SECRET).statusCode()).isEqualTo(200);

    String newSecret = "gh-cli-rotated-secret";
    Path newFile = dir.resolve("rotated.secret");
    Files.writeString(newFile, newSecret);
    Result rotated =
        CliServer.ok(
            webhooks(
                "rotate-secret", id, "--secret-file", newFile.toString(), "--grace-seconds", "60"));
    assertThat(rotated.out()).contains("Rotated the signing secret").contains("accepted until");
    assertThat(rotated.out() + rotated.err()).doesNotContain(newSecret);
    assertThat(postGithub(endpoint[1], "push", "{}", newSecret).statusCode()).isEqualTo(200);
    assertThat(postGithub(endpoint[1], "push", "{}", GITHUB_SECRET).statusCode()).isEqualTo(200);
    assertThat(CliServer.ok(webhooks("get", id, "--json")).json().path("secrets")).hasSize(2);

    Result noSecret = webhooks("rotate-secret", id);
    assertThat(noSecret.exitCode()).isEqualTo(2);
    assertThat(noSecret.err()).contains("--secret-env").contains("--secret-file");

    Path patch = dir.resolve("patch.json");
    Files.writeString(patch, "{\"routes\": [], \"dedupWindowSeconds\": 60}");
    Result updated =
        CliServer.ok(
            webhooks("update", id, "--from-file", patch.toString(), "--name", "renamed-hook"));
    assertThat(updated.out()).contains("Updated webhook endpoint " + id);
    JsonNode after = CliServer.ok(webhooks("get", id, "--json")).json();
    assertThat(after.path("name").asText()).isEqualTo("renamed-hook");
    assertThat(after.path("routes")).isEmpty();
    assertThat(after.path("dedupWindowSeconds").asLong()).isEqualTo(60);
    Result nothing = webhooks("update", id);
    assertThat(nothing.exitCode()).isEqualTo(2);
    assertThat(nothing.err()).contains("--from-file");

    assertThat(CliServer.ok(webhooks("delete", id)).out())
        .contains("Deleted webhook endpoint " + id);
    Result gone = webhooks("get", id);
    assertThat(gone.exitCode()).isEqualTo(1);
    assertThat(gone.err()).startsWith("errand: ").contains("HTTP 404");
    assertThat(CliServer.ok(webhooks("list")).out()).doesNotContain(id);
  }

  @Test
  void anUnknownVerifierTypeIsAUsageErrorListingTheTypes() {
    Result r =
        webhooks("create", "--name", "x", "--verifier", "gitlab", "--secret", "s", "--route", TASK);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("unknown verifier type 'gitlab'").contains("github, slack");
  }

  @Test
  void aVerifierWithoutItsSecretIsAUsageError() {
    Result r = webhooks("create", "--name", "x", "--verifier", "stripe", "--route", TASK);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--verifier stripe needs the signing secret");
    Result unset =
        webhooks(
            "create",
            "--name",
            "x",
            "--verifier",
            "stripe",
            "--secret-env",
            "ERRAND_TEST_SURELY_UNSET_" + UUID.randomUUID().toString().replace('-', '_'),
            "--route",
            TASK);
    assertThat(unset.exitCode()).isEqualTo(2);
    assertThat(unset.err()).contains("is not set");
  }

  @Test
  void aRefusalPrintsTheApiMessageCodeAndStatus() {
    Result r = webhooks("create", "--name", "not a name!", "--verifier", "none", "--route", TASK);
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("errand: name: ").contains("(invalid_endpoint, HTTP 400)");
    Result unknown = webhooks("enable", "we_doesnotexist");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).startsWith("errand: ").contains("HTTP 404");
    Result badKey =
        CliServer.run("webhooks", "list", "--api-url", api.url(), "--secret-key", "sk_test_wrong");
    assertThat(badKey.exitCode()).isEqualTo(1);
    assertThat(badKey.err()).startsWith("errand: ").contains("HTTP 401");
  }

  @Test
  void aMissingSecretKeyIsAUsageError() {
    assumeTrue(System.getenv(ErrandClient.SECRET_KEY_ENV) == null);
    Result r = CliServer.run("webhooks", "list", "--api-url", api.url());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("give --secret-key or set ERRAND_SECRET_KEY");
  }

  @Test
  void aServerThatIsNotRunningIsNamed() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;
    Result r = CliServer.run("webhooks", "list", "--api-url", url, "--secret-key", api.secretKey);
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("errand: cannot reach the Errand server at " + url);
  }

  @Test
  void helpDocumentsTheRouteSyntax() {
    Result r = CliServer.run("webhooks", "create", "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("--filter-header")
        .contains("[TASK:]Name=Value")
        .contains("--secret-env")
        .contains("shopify, hmac-sha256, none");
    assertThat(CliServer.run("webhooks", "--help").out())
        .contains("rotate-secret")
        .contains("replay");
    assertThat(CliServer.run("webhooks").exitCode()).isEqualTo(2);
  }
}
