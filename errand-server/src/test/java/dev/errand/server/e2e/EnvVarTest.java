package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.NonRetryableException;
import dev.errand.sdk.Run;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.Task;
import dev.errand.sdk.WaitToken;
import dev.errand.sdk.internal.Json;
import dev.errand.sdk.internal.protocol.WorkerProtocol;
import dev.errand.server.auth.SecretKeys;
import dev.errand.server.e2e.TestTasks.Key;
import dev.errand.server.engine.CallbackKeySeal;
import dev.errand.server.secret.MasterKey;
import dev.errand.server.secret.MasterKeyRotation;
import dev.errand.server.secret.Secrets;
import dev.errand.server.store.Store;
import dev.errand.server.store.jdbc.JdbcStore;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Environment variables end to end: the API, workers reading them with {@code ctx.env}, redaction
 * of values from everything stored and logged, and a dump of the database with no secret in clear.
 */
abstract class EnvVarTest extends ServerTestBase {
  /** A value with characters JSON escapes, so that its escaped form is looked for too. */
  static final String LEAKY = "pa\"ss\\word-9f8e7d6c";

  static final String LEAKY_JSON = "pa\\\"ss\\\\word-9f8e7d6c";

  record Seen(int length, String sha256, boolean missingIsNull) {}

  static final Task<Key, Seen> READS_ENV =
      Task.define("reads-env", Key.class, Seen.class)
          .run(
              (key, ctx) -> {
                String v = ctx.env("API_TOKEN");
                return new Seen(v.length(), sha256(v), ctx.env("NOT_SET") == null);
              });

  static final Task<Key, String> RETURNS_SECRET =
      Task.define("returns-secret", Key.class, String.class)
          .run((key, ctx) -> "the token is " + ctx.env("LEAKY_SECRET"));

  static final Task<Key, String> LEAKS_SECRET =
      Task.define("leaks-secret", Key.class, String.class)
          .run(
              (key, ctx) -> {
                String v = ctx.env("LEAKY_SECRET");
                ctx.logger().info("calling the API with {}", v);
                ctx.logger()
                    .warn(
                        "about to fail",
                        new IllegalStateException("inner " + v, new RuntimeException("deep " + v)));
                ctx.step("echo", String.class, () -> "step saw " + v);
                throw new NonRetryableException(
                    "charge failed with key " + v, new RuntimeException("cause holds " + v));
              });

  private ListAppender<ILoggingEvent> logs;
  private ch.qos.logback.classic.Logger root;

  @BeforeEach
  void captureLogs() {
    root =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("errand.task")).setLevel(Level.DEBUG);
  }

  @AfterEach
  void stopCapturing() {
    root.detachAppender(logs);
  }

  static String sha256(String v) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(v.getBytes(StandardCharsets.UTF_8)));
  }

  HttpResponse<String> send(String method, String path, String body, String key) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.localUrl() + path))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  void set(String name, String value) throws Exception {
    String body = Json.mapper().createObjectNode().put("value", value).toString();
    HttpResponse<String> r = send("PUT", "/api/v1/envvars/test/" + name, body, secretKey);
    assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
  }

  @Test
  void theApiSetsListsAndDeletesVariablesWithoutEverShowingAValue() throws Exception {
    String body = "{\"value\": \"sk_test_value_1234\"}";
    HttpResponse<String> created = send("PUT", "/api/v1/envvars/test/STRIPE_KEY", body, secretKey);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.body()).doesNotContain("sk_test_value_1234");
    HttpResponse<String> updated =
        send("PUT", "/api/v1/envvars/test/STRIPE_KEY", "{\"value\":\"sk_2_abcd\"}", secretKey);
    assertThat(updated.statusCode()).isEqualTo(200);
    assertThat(Json.mapper().readTree(updated.body()).path("created").asBoolean()).isFalse();
    set("A_FIRST", "another-value");

    JsonNode list = getJson("/api/v1/envvars/test");
    assertThat(list.path("environment").asText()).isEqualTo("test");
    assertThat(list.path("data").findValuesAsText("name")).containsExactly("A_FIRST", "STRIPE_KEY");
    assertThat(list.path("data").get(1).path("createdAt").asText()).isNotBlank();
    assertThat(list.path("data").get(1).path("updatedAt").asText()).isNotBlank();
    assertThat(list.toString()).doesNotContain("sk_2_abcd").doesNotContain("another-value");

    assertThat(send("DELETE", "/api/v1/envvars/test/STRIPE_KEY", null, secretKey).statusCode())
        .isEqualTo(204);
    expectError(
        send("DELETE", "/api/v1/envvars/test/STRIPE_KEY", null, secretKey),
        404,
        "envvar_not_found");
    assertThat(getJson("/api/v1/envvars/test").path("data").findValuesAsText("name"))
        .containsExactly("A_FIRST");

    String audit = getJson("/api/v1/audit?limit=100").toString();
    assertThat(audit)
        .contains("envvar.set")
        .contains("envvar.deleted")
        .contains("STRIPE_KEY")
        .doesNotContain("sk_test_value_1234")
        .doesNotContain("sk_2_abcd")
        .doesNotContain("another-value");
  }

  @Test
  void badInputIsRefusedWith4xx() throws Exception {
    String path = "/api/v1/envvars/test/";
    expectError(
        send("PUT", path + "lower_case", "{\"value\":\"v\"}", secretKey), 400, "invalid_envvar");
    expectError(
        send("PUT", path + "9START", "{\"value\":\"v\"}", secretKey), 400, "invalid_envvar");
    expectError(
        send("PUT", path + "A".repeat(129), "{\"value\":\"v\"}", secretKey), 400, "invalid_envvar");
    expectError(send("PUT", path + "OK_NAME", "{}", secretKey), 400, "invalid_envvar");
    expectError(send("PUT", path + "OK_NAME", "{\"value\":42}", secretKey), 400, "invalid_envvar");
    expectError(
        send("PUT", path + "OK_NAME", "{\"value\":\"v\",\"extra\":1}", secretKey),
        400,
        "invalid_envvar");
    expectError(send("PUT", path + "OK_NAME", "[1]", secretKey), 400, "invalid_request");
    assertThat(send("PUT", path + "OK_NAME", "{not json", secretKey).statusCode()).isEqualTo(400);
    String big = "x".repeat(64 * 1024 + 1);
    expectError(
        send("PUT", path + "OK_NAME", "{\"value\":\"" + big + "\"}", secretKey),
        400,
        "invalid_envvar");
    expectError(send("DELETE", path + "bad-name", null, secretKey), 400, "invalid_envvar");
    expectError(send("GET", "/api/v1/envvars/test", null, null), 401, "unauthorized");
  }

  @Test
  void aKeyAddressesOnlyItsOwnEnvironment() throws Exception {
    String prodKey = SecretKeys.generate("prod");
    server.bootstrap("default", "prod", prodKey);
    HttpResponse<String> r =
        send("PUT", "/api/v1/envvars/prod/SHARED", "{\"value\":\"prod-value\"}", prodKey);
    assertThat(r.statusCode()).isEqualTo(201);

    expectError(send("GET", "/api/v1/envvars/prod", null, secretKey), 404, "environment_not_found");
    expectError(
        send("PUT", "/api/v1/envvars/prod/SHARED", "{\"value\":\"x\"}", secretKey),
        404,
        "environment_not_found");
    expectError(
        send("DELETE", "/api/v1/envvars/prod/SHARED", null, secretKey),
        404,
        "environment_not_found");
    expectError(
        send("GET", "/api/v1/envvars/nowhere", null, secretKey), 404, "environment_not_found");
    assertThat(getJson("/api/v1/envvars/test").path("data")).isEmpty();
  }

  @Test
  void workersReadTheirEnvironmentsValuesAtRunTimeAndSeeChanges() throws Exception {
    set("API_TOKEN", "first-token-value");
    startWorker(READS_ENV);
    Run<Seen> first =
        client.runs().awaitCompletion(client.trigger(READS_ENV, new Key(unique("e"))), TIMEOUT);
    assertThat(first.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(first.output()).isEqualTo(new Seen(17, sha256("first-token-value"), true));

    set("API_TOKEN", "second-token-value-longer");
    Run<Seen> second =
        client.runs().awaitCompletion(client.trigger(READS_ENV, new Key(unique("e"))), TIMEOUT);
    assertThat(second.output().sha256()).isEqualTo(sha256("second-token-value-longer"));
    // the payload of a run never carries the values
    assertThat(getJson("/api/v1/runs/" + second.id()).toString())
        .doesNotContain("second-token-value-longer");
  }

  @Test
  void aChangeMadeThroughOneNodeReachesWorkersOfAnotherWithinSeconds() throws Exception {
    set("API_TOKEN", "value-before-change");
    startWorkerOnOtherNode(0, READS_ENV);
    var other = otherClient();
    assertThat(
            other
                .runs()
                .awaitCompletion(other.trigger(READS_ENV, new Key(unique("n"))), TIMEOUT)
                .output()
                .sha256())
        .isEqualTo(sha256("value-before-change"));
    set("API_TOKEN", "value-after-change"); // through the first node
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                other
                    .runs()
                    .awaitCompletion(other.trigger(READS_ENV, new Key(unique("n"))), TIMEOUT)
                    .output()
                    .sha256()
                    .equals(sha256("value-after-change")));
  }

  @Test
  void aTaskThatLogsAndThrowsASecretLeavesNoTraceOfIt() throws Exception {
    set("LEAKY_SECRET", LEAKY);
    startWorker(LEAKS_SECRET, RETURNS_SECRET);
    String marker = unique("payload-marker");
    Run<String> failed =
        client.runs().awaitCompletion(client.trigger(LEAKS_SECRET, new Key(marker)), TIMEOUT);
    Run<String> returned =
        client.runs().awaitCompletion(client.trigger(RETURNS_SECRET, new Key(marker)), TIMEOUT);

    assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
    assertThat(failed.error().message()).isEqualTo("charge failed with key [redacted]");
    assertThat(failed.error().stackTrace())
        .contains("cause holds [redacted]")
        .doesNotContain("word-9f8e7d6c");
    assertThat(returned.output()).isEqualTo("the token is [redacted]");
    String shown =
        getJson("/api/v1/runs/" + failed.id()).toString()
            + getJson("/api/v1/runs/" + returned.id());
    assertThat(shown).contains("[redacted]").doesNotContain("word-9f8e7d6c");

    await().atMost(TIMEOUT).until(() -> logText().contains("calling the API with [redacted]"));
    String log = logText();
    assertThat(log)
        .contains("inner [redacted]")
        .contains("deep [redacted]")
        .doesNotContain("word-9f8e7d6c");

    String dump = dump();
    assertThat(dump).as("the dump holds the run's payload").contains(marker);
    assertThat(dump)
        .doesNotContain(LEAKY)
        .doesNotContain(LEAKY_JSON)
        .doesNotContain("word-9f8e7d6c");
  }

  @Test
  void aDatabaseDumpHoldsNoSecretValueNoWebhookSecretAndNoKey() throws Exception {
    set("STRIPE_KEY", "sk_live_dump_check_5566");
    set("API_TOKEN", "api_token_dump_check_9900");
    startWorker(READS_ENV);
    HttpResponse<String> endpoint =
        post(
            "/api/v1/webhooks/endpoints",
            """
            {"name": "gh", "verifier": {"type": "github", "secret": "whsec_dump_check_7788"},
             "routes": [{"task": "reads-env"}]}""");
    assertThat(endpoint.statusCode()).as(endpoint.body()).isEqualTo(201);
    HttpResponse<String> key =
        send(
            "POST",
            "/api/v1/admin/projects/default/environments/test/keys",
            "{\"name\": \"dump-check\", \"type\": \"worker\"}",
            ADMIN_TOKEN);
    assertThat(key.statusCode()).as(key.body()).isEqualTo(201);
    String createdKey = Json.mapper().readTree(key.body()).path("key").asText();
    assertThat(createdKey).startsWith("ek_test_");
    String marker = unique("dump-marker");
    assertThat(
            client
                .runs()
                .awaitCompletion(client.trigger(READS_ENV, new Key(marker)), TIMEOUT)
                .status())
        .isEqualTo(RunStatus.COMPLETED);

    String dump = dump();
    assertThat(dump).contains(marker).contains("enc:v1:");
    assertThat(dump)
        .doesNotContain("sk_live_dump_check_5566")
        .doesNotContain("api_token_dump_check_9900")
        .doesNotContain("whsec_dump_check_7788")
        .doesNotContain(MASTER_KEY.toBase64())
        // API keys and the admin token are kept as hashes only
        .doesNotContain(secretKey)
        .doesNotContain(createdKey)
        .doesNotContain(ADMIN_TOKEN);
  }

  @Test
  void theCallbackKeyIsStoredSealedAndItsUrlsSurviveARestartAndAMasterKeyRotation()
      throws Exception {
    WaitToken first = client.waitpoints().createToken(Duration.ofMinutes(10), null, null);
    String stored = server.store().secrets().findSetting(CallbackKeySeal.SETTING).orElseThrow();
    assertThat(stored).startsWith("enc:v1:");
    byte[] key = new Secrets(server.store(), masterKey).callbackKeys().open(stored);
    int port = server.port();

    String dump = dump();
    assertThat(dump).contains(stored);
    assertThat(dump)
        .doesNotContain(Base64.getEncoder().encodeToString(key))
        .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(key))
        .doesNotContain(HexFormat.of().formatHex(key));

    restartOn(port);
    HttpResponse<String> completed = postTo(URI.create(first.url()), "{\"approved\": true}", null);
    assertThat(completed.statusCode()).as(completed.body()).isEqualTo(200);
    assertThat(client.waitpoints().getToken(first.id()).status()).isEqualTo("COMPLETED");

    WaitToken second = client.waitpoints().createToken(Duration.ofMinutes(10), null, null);
    server.close();
    server = null;
    MasterKey next = MasterKey.generate();
    try (Store store = openStore()) {
      MasterKeyRotation.rotate(store, masterKey, next);
      MasterKeyRotation.rotate(store, masterKey, next); // again: nothing left, nothing breaks
      assertThat(store.secrets().findSetting(CallbackKeySeal.SETTING).orElseThrow())
          .startsWith("enc:v1:")
          .isNotEqualTo(stored);
    }
    masterKey = next;
    restartOn(port);
    assertThat(client.waitpoints().getToken(second.id()).url()).isEqualTo(second.url());
    HttpResponse<String> afterRotation =
        postTo(URI.create(second.url()), "{\"approved\": true}", null);
    assertThat(afterRotation.statusCode()).as(afterRotation.body()).isEqualTo(200);
    assertThat(client.waitpoints().getToken(second.id()).status()).isEqualTo("COMPLETED");
  }

  /** Starts the server again on {@code port} (stopping it first if it runs). */
  private void restartOn(int port) {
    if (server != null) {
      server.close();
    }
    server = startServerOn(port);
  }

  @Test
  void theServerRedactsWhatAWorkerReportsAndServesTheValuesToWorkersOnly() throws Exception {
    set("RAW_SECRET", "raw-secret-value-4242");
    var mapper = Json.mapper();
    var registration =
        new WorkerProtocol.TaskRegistration(
            "raw-task",
            "raw-queue",
            dev.errand.sdk.RetryPolicy.none(),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    HttpResponse<String> registered =
        post(
            WorkerProtocol.REGISTER_PATH,
            mapper.writeValueAsString(
                new WorkerProtocol.RegisterRequest("raw-worker", List.of(registration))));
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
    HttpResponse<String> triggered =
        post("/api/v1/tasks/raw-task/trigger", "{\"payload\": {\"n\": 1}}");
    assertThat(triggered.statusCode()).as(triggered.body()).isIn(200, 201);

    JsonNode claim =
        mapper.readTree(
            post(
                    WorkerProtocol.CLAIM_PATH,
                    mapper.writeValueAsString(
                        new WorkerProtocol.ClaimRequest(
                            "raw-worker", List.of("raw-task"), 1, 5_000)))
                .body());
    JsonNode run = claim.path("runs").get(0);
    assertThat(run.toString()).doesNotContain("raw-secret-value-4242");
    JsonNode env = getJson(WorkerProtocol.ENV_PATH);
    assertThat(env.path("values").path("RAW_SECRET").asText()).isEqualTo("raw-secret-value-4242");
    assertThat(env.path("version").asLong()).isEqualTo(claim.path("envVersion").asLong());

    String runId = run.path("runId").asText();
    long lease = run.path("leaseToken").asLong();
    int attempt = run.path("attempt").asInt();
    HttpResponse<String> step =
        post(
            WorkerProtocol.STEP_PATH,
            mapper.writeValueAsString(
                new WorkerProtocol.StepReport(
                    "raw-worker",
                    runId,
                    lease,
                    attempt,
                    0,
                    "fetch",
                    0,
                    WorkerProtocol.COMPLETED,
                    mapper.readTree("{\"token\": \"raw-secret-value-4242\"}"),
                    null,
                    java.time.Instant.now(),
                    1)));
    assertThat(step.statusCode()).as(step.body()).isEqualTo(200);
    HttpResponse<String> completed =
        post(
            WorkerProtocol.COMPLETE_PATH,
            mapper.writeValueAsString(
                new WorkerProtocol.CompleteRequest(
                    "raw-worker",
                    List.of(
                        new WorkerProtocol.AttemptResult(
                            runId,
                            "raw-task",
                            lease,
                            attempt,
                            false,
                            null,
                            new dev.errand.sdk.RunError(
                                "java.lang.IllegalStateException",
                                "bad key raw-secret-value-4242",
                                "at somewhere(raw-secret-value-4242)",
                                true),
                            null)))));
    assertThat(completed.statusCode()).as(completed.body()).isEqualTo(200);

    JsonNode shown = getJson("/api/v1/runs/" + runId);
    assertThat(shown.path("status").asText()).isEqualTo("FAILED");
    assertThat(shown.path("error").path("message").asText()).isEqualTo("bad key [redacted]");
    assertThat(shown.toString()).doesNotContain("raw-secret-value-4242");
    assertThat(dump()).doesNotContain("raw-secret-value-4242");
  }

  /** Every formatted message and stack trace captured so far. */
  String logText() {
    StringBuilder text = new StringBuilder();
    for (ILoggingEvent e : logs.list.toArray(ILoggingEvent[]::new)) {
      text.append(e.getFormattedMessage()).append('\n');
      if (e.getThrowableProxy() != null) {
        text.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
      }
    }
    return text.toString();
  }

  /** A full dump of the database: pg_dump on PostgreSQL, SCRIPT on H2 (after the server stops). */
  String dump() throws Exception {
    if (storage() == Storage.POSTGRES) {
      Process p =
          new ProcessBuilder("pg_dump", "--dbname=" + postgresUrl())
              .redirectErrorStream(true)
              .start();
      byte[] out = p.getInputStream().readAllBytes();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(new String(out, StandardCharsets.UTF_8)).isZero();
      return new String(out, StandardCharsets.UTF_8);
    }
    workers.forEach(dev.errand.sdk.ErrandWorker::close);
    workers.clear();
    server.close();
    server = null;
    StringBuilder text = new StringBuilder();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:h2:file:" + embeddedDir().resolve("errand") + JdbcStore.H2_SETTINGS);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SCRIPT")) {
      while (rs.next()) {
        text.append(rs.getString(1)).append('\n');
      }
    }
    return text.toString();
  }
}
