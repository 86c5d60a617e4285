package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.RunQuery;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.WebhookEvent;
import dev.errand.sdk.internal.Json;
import dev.errand.server.store.WebhookEndpointRecord;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Webhook ingestion end to end: endpoints made through the API, signed deliveries posted to their
 * URLs, runs started on a real worker. Signatures are computed here with the JDK's HMAC, apart from
 * the server's verifiers.
 */
abstract class WebhookTest extends ServerTestBase {

  final SettableClock clock = new SettableClock();

  @Override
  java.time.Clock serverClock() {
    return clock;
  }

  static final String GITHUB_SECRET = "gh-secret-for-tests";

  static String hmacHex(String secret, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(data));
  }

  /** Creates an endpoint; its JSON (201 required). */
  JsonNode createEndpoint(String json) throws Exception {
    HttpResponse<String> created = post("/api/v1/webhooks/endpoints", json);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Json.mapper().readTree(created.body());
  }

  JsonNode githubEndpoint(String name, String... routes) throws Exception {
    return createEndpoint(
        """
        {"name": "%s", "verifier": {"type": "github", "secret": "%s"}, "routes": [%s]}
        """
            .formatted(name, GITHUB_SECRET, String.join(",", routes)));
  }

  /** A GitHub-style delivery signed with {@code secret}. */
  HttpResponse<String> github(
      JsonNode endpoint, String event, String deliveryId, String body, String secret)
      throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(endpoint.path("url").asText()))
            .header("Content-Type", "application/json")
            .header("X-GitHub-Event", event)
            .header("X-GitHub-Delivery", deliveryId)
            .header("X-Hub-Signature-256", "sha256=" + hmacHex(secret, bytes))
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The events logged by one logger while it is open. */
  static final class CapturedLogs implements AutoCloseable {
    private final ch.qos.logback.classic.Logger logger;
    private final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>
        appender = new ch.qos.logback.core.read.ListAppender<>();

    CapturedLogs(String loggerName) {
      logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(loggerName);
      appender.start();
      logger.addAppender(appender);
    }

    String text() {
      StringBuilder text = new StringBuilder();
      for (var event : appender.list.toArray(ch.qos.logback.classic.spi.ILoggingEvent[]::new)) {
        text.append(event.getFormattedMessage()).append('\n');
      }
      return text.toString();
    }

    @Override
    public void close() {
      logger.detachAppender(appender);
    }
  }

  static JsonNode json(HttpResponse<String> response) throws Exception {
    return Json.mapper().readTree(response.body());
  }

  @Test
  void aSignedDeliveryCreatesItsRunsAndTheTaskReceivesTheEvent() throws Exception {
    String push = unique("on-push");
    String any = unique("on-any");
    startWorker(WebhookTasks.events(push), WebhookTasks.events(any));
    JsonNode endpoint =
        githubEndpoint(
            "github",
            """
            {"task": "%s", "filter": {"headers": {"X-GitHub-Event": "push"},
                                       "body": {"/ref": "refs/heads/main"}}}"""
                .formatted(push),
            "{\"task\": \"%s\"}".formatted(any));
    assertThat(endpoint.path("url").asText())
        .startsWith(server.localUrl() + "/webhooks/we_")
        .hasSizeGreaterThan(server.localUrl().length() + 40);
    assertThat(endpoint.toString()).doesNotContain(GITHUB_SECRET);

    String body = "{\"ref\":\"refs/heads/main\",\"commits\":[{\"id\":\"abc\"}],\"note\":\"ünï\"}";
    HttpResponse<String> response = github(endpoint, "push", "gh-1", body, GITHUB_SECRET);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode answer = json(response);
    assertThat(answer.path("status").asText()).isEqualTo("accepted");
    assertThat(answer.path("runs")).hasSize(2);
    String deliveryId = answer.path("deliveryId").asText();
    await().atMost(TIMEOUT).until(() -> WebhookTasks.received(push).size() == 1);
    WebhookEvent event = (WebhookEvent) WebhookTasks.received(push).getFirst();
    assertThat(event.deliveryId()).isEqualTo(deliveryId);
    assertThat(event.endpointId()).isEqualTo(endpoint.path("id").asText());
    assertThat(event.endpointName()).isEqualTo("github");
    assertThat(event.verified()).isTrue();
    assertThat(event.providerDeliveryId()).isEqualTo("gh-1");
    assertThat(event.header("X-GitHub-Event")).contains("push");
    assertThat(event.header("x-hub-signature-256").orElseThrow())
        .doesNotContain(hmacHex(GITHUB_SECRET, body.getBytes(StandardCharsets.UTF_8)));
    assertThat(event.body().path("commits").path(0).path("id").asText()).isEqualTo("abc");
    assertThat(event.rawBody()).isEqualTo(body);
    await().atMost(TIMEOUT).until(() -> WebhookTasks.received(any).size() == 1);

    JsonNode logged = getJson("/api/v1/webhooks/deliveries/" + deliveryId);
    assertThat(logged.path("status").asText()).isEqualTo("accepted");
    assertThat(logged.path("verified").asBoolean()).isTrue();
    assertThat(logged.path("body").asText()).isEqualTo(body);
    assertThat(logged.path("runs")).hasSize(2);
    assertThat(logged.path("headers").path("x-github-event").path(0).asText()).isEqualTo("push");
    assertThat(logged.toString())
        .doesNotContain(hmacHex(GITHUB_SECRET, body.getBytes(StandardCharsets.UTF_8)));

    // another event matches only the catch-all route; one matching nothing is unrouted
    JsonNode issue =
        json(github(endpoint, "issues", "gh-2", "{\"action\":\"opened\"}", GITHUB_SECRET));
    assertThat(issue.path("runs")).hasSize(1);
    assertThat(issue.path("runs").path(0).path("task").asText()).isEqualTo(any);
  }

  @Test
  void aDeliveryMatchingNoRouteIsStoredAsUnrouted() throws Exception {
    String task = unique("never");
    JsonNode endpoint =
        githubEndpoint(
            "picky",
            "{\"task\": \"%s\", \"filter\": {\"headers\": {\"X-GitHub-Event\": \"release\"}}}"
                .formatted(task));
    HttpResponse<String> response = github(endpoint, "push", "gh-u", "{}", GITHUB_SECRET);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(json(response).path("status").asText()).isEqualTo("unrouted");
    assertThat(json(response).path("runs")).isEmpty();
    JsonNode list = getJson("/api/v1/webhooks/deliveries?status=unrouted");
    assertThat(list.path("data")).hasSize(1);
  }

  @Test
  void aBadSignatureIs401LoggedAsRejectedAndCreatesNoRun() throws Exception {
    String task = unique("guarded");
    JsonNode endpoint = githubEndpoint("guarded", "{\"task\": \"%s\"}".formatted(task));
    HttpResponse<String> forged = github(endpoint, "push", "gh-f", "{\"a\":1}", "wrong-secret");
    expectError(forged, 401, json(forged).path("error").path("code").asText());
    HttpResponse<String> unsigned =
        postTo(URI.create(endpoint.path("url").asText()), "{\"a\":1}", null);
    assertThat(unsigned.statusCode()).isIn(400, 401);

    JsonNode rejected = getJson("/api/v1/webhooks/deliveries?status=rejected");
    assertThat(rejected.path("data")).hasSize(2);
    assertThat(rejected.path("data").path(0).path("verified").asBoolean()).isFalse();
    assertThat(rejected.path("data").path(0).path("reason").asText()).isNotBlank();
    assertThat(client.runs().list(RunQuery.ALL.withTaskIdentifier(task)).data()).isEmpty();
  }

  @Test
  void fiftyConcurrentRedeliveriesOfOneIdCreateOneRun() throws Exception {
    String task = unique("once");
    startWorker(WebhookTasks.events(task));
    JsonNode endpoint = githubEndpoint("dedup", "{\"task\": \"%s\"}".formatted(task));
    CountDownLatch start = new CountDownLatch(1);
    List<Future<HttpResponse<String>>> sent = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 50; i++) {
        sent.add(
            pool.submit(
                () -> {
                  start.await();
                  return github(endpoint, "push", "same-delivery", "{\"n\":1}", GITHUB_SECRET);
                }));
      }
      start.countDown();
      List<String> ids = new ArrayList<>();
      for (Future<HttpResponse<String>> f : sent) {
        HttpResponse<String> r = f.get();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        ids.add(json(r).path("deliveryId").asText());
      }
      assertThat(ids).containsOnly(ids.getFirst());
    }
    await().atMost(TIMEOUT).until(() -> WebhookTasks.received(task).size() == 1);
    assertThat(getJson("/api/v1/webhooks/deliveries?status=duplicate&limit=100").path("data"))
        .hasSize(49);
    assertThat(client.runs().list(RunQuery.ALL.withTaskIdentifier(task)).data()).hasSize(1);
  }

  @Test
  void refusalsAreClear4xxAndCreateNothing() throws Exception {
    String task = unique("limited");
    JsonNode endpoint =
        createEndpoint(
            """
            {"name": "limited", "verifier": {"type": "github", "secret": "%s"},
             "routes": [{"task": "%s"}], "maxBodyBytes": 64,
             "rateLimit": {"limit": 2, "windowSeconds": 60}}"""
                .formatted(GITHUB_SECRET, task));
    String url = endpoint.path("url").asText();
    expectError(
        github(endpoint, "push", "big", "{\"pad\":\"" + "x".repeat(100) + "\"}", GITHUB_SECRET),
        413,
        "payload_too_large");
    HttpResponse<String> text =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hi"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    expectError(text, 415, "unsupported_media_type");
    expectError(
        postTo(URI.create(server.localUrl() + "/webhooks/we_doesnotexist"), "{}", null),
        404,
        "endpoint_not_found");
    assertThat(github(endpoint, "push", "r1", "{}", GITHUB_SECRET).statusCode()).isEqualTo(503);
    assertThat(github(endpoint, "push", "r2", "{}", GITHUB_SECRET).statusCode()).isEqualTo(503);
    HttpResponse<String> limited = github(endpoint, "push", "r3", "{}", GITHUB_SECRET);
    expectError(limited, 429, "rate_limited");
    assertThat(limited.headers().firstValue("Retry-After")).isPresent();

    HttpResponse<String> disabled =
        post("/api/v1/webhooks/endpoints/" + endpoint.path("id").asText() + "/disable", "");
    assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
    expectError(github(endpoint, "push", "r4", "{}", GITHUB_SECRET), 410, "endpoint_disabled");
    assertThat(client.runs().list(RunQuery.ALL.withTaskIdentifier(task)).data()).isEmpty();
  }

  @Test
  void aRouteToATaskNoWorkerRegisteredYetIsRefusedWith503UntilOneDoes() throws Exception {
    String task = unique("later");
    JsonNode endpoint = githubEndpoint("later", "{\"task\": \"%s\"}".formatted(task));
    HttpResponse<String> early = github(endpoint, "push", "early", "{}", GITHUB_SECRET);
    expectError(early, 503, "task_not_registered");
    assertThat(early.headers().firstValue("Retry-After")).isPresent();
    startWorker(WebhookTasks.events(task));
    await()
        .atMost(TIMEOUT)
        .until(() -> github(endpoint, "push", "early", "{}", GITHUB_SECRET).statusCode() == 200);
    await().atMost(TIMEOUT).until(() -> WebhookTasks.received(task).size() == 1);
  }

  @Test
  void aRouteCanMapTheBodyOntoTheTasksPayload() throws Exception {
    String task = unique("checkout");
    startWorker(WebhookTasks.stripeBodies(task));
    String secret = "whsec_test_" + unique("s");
    JsonNode endpoint =
        createEndpoint(
            """
            {"name": "stripe", "verifier": {"type": "stripe", "secret": "%s"},
             "routes": [{"task": "%s", "payload": "body",
                         "filter": {"body": {"/type": "checkout.session.completed"}}}]}"""
                .formatted(secret, task));
    assertThat(endpoint.path("deliveryId").path("jsonPointer").asText()).isEqualTo("/id");
    String body =
        "{\"id\":\"evt_1\",\"type\":\"checkout.session.completed\","
            + "\"data\":{\"object\":{\"id\":\"cs_1\",\"amount_total\":4200}}}";
    long t = System.currentTimeMillis() / 1000;
    String signature = hmacHex(secret, (t + "." + body).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(endpoint.path("url").asText()))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Stripe-Signature", "t=" + t + ",v1=" + signature)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    await().atMost(TIMEOUT).until(() -> WebhookTasks.received(task).size() == 1);
    var event = (WebhookTasks.StripeEvent) WebhookTasks.received(task).getFirst();
    assertThat(event.data().object().amount_total()).isEqualTo(4200);
    JsonNode logged =
        getJson("/api/v1/webhooks/deliveries/" + json(response).path("deliveryId").asText());
    assertThat(logged.path("providerDeliveryId").asText()).isEqualTo("evt_1");
    assertThat(logged.path("headers").path("stripe-signature").path(0).asText())
        .contains("t=" + t)
        .doesNotContain(signature);
  }

  @Test
  void aSlackFormPostIsVerifiedAndParsed() throws Exception {
    String task = unique("slash");
    startWorker(WebhookTasks.events(task));
    String secret = "slack-signing-secret";
    JsonNode endpoint =
        createEndpoint(
            """
            {"name": "slack", "verifier": {"type": "slack", "secret": "%s"},
             "routes": [{"task": "%s", "filter": {"body": {"/command": "/deploy"}}}]}"""
                .formatted(secret, task));
    String body = "command=%2Fdeploy&text=web+prod&user_id=U1";
    long ts = System.currentTimeMillis() / 1000;
    String signature =
        "v0=" + hmacHex(secret, ("v0:" + ts + ":" + body).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(endpoint.path("url").asText()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Slack-Request-Timestamp", String.valueOf(ts))
                .header("X-Slack-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    await().atMost(TIMEOUT).until(() -> WebhookTasks.received(task).size() == 1);
    WebhookEvent event = (WebhookEvent) WebhookTasks.received(task).getFirst();
    assertThat(event.body().path("text").asText()).isEqualTo("web prod");
    assertThat(event.rawBody()).isEqualTo(body);
  }

  @Test
  void aStoredDeliveryCanBeReplayedButARejectedOneCannot() throws Exception {
    String task = unique("replayed");
    startWorker(WebhookTasks.events(task));
    JsonNode endpoint = githubEndpoint("replay", "{\"task\": \"%s\"}".formatted(task));
    String original =
        json(github(endpoint, "push", "gh-r", "{\"v\":1}", GITHUB_SECRET))
            .path("deliveryId")
            .asText();
    await().atMost(TIMEOUT).until(() -> WebhookTasks.received(task).size() == 1);

    HttpResponse<String> replayed = post("/api/v1/webhooks/deliveries/" + original + "/replay", "");
    assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(201);
    JsonNode answer = json(replayed);
    assertThat(answer.path("replayOf").asText()).isEqualTo(original);
    assertThat(answer.path("deliveryId").asText()).isNotEqualTo(original);
    await().atMost(TIMEOUT).until(() -> WebhookTasks.received(task).size() == 2);
    WebhookEvent second = (WebhookEvent) WebhookTasks.received(task).get(1);
    assertThat(second.replayOf()).isEqualTo(original);
    assertThat(second.body().path("v").asInt()).isEqualTo(1);
    String runId = answer.path("runs").path(0).path("id").asText();
    await().atMost(TIMEOUT).until(() -> client.runs().get(runId).status() == RunStatus.COMPLETED);
    JsonNode audited =
        getJson("/api/v1/audit?action=webhook_delivery.replayed").path("data").path(0);
    assertThat(audited.path("target").path("type").asText()).isEqualTo("webhook_delivery");
    assertThat(audited.path("target").path("id").asText()).isEqualTo(original);

    github(endpoint, "push", "gh-bad", "{}", "not-the-secret");
    String rejected =
        getJson("/api/v1/webhooks/deliveries?status=rejected")
            .path("data")
            .path(0)
            .path("id")
            .asText();
    expectError(
        post("/api/v1/webhooks/deliveries/" + rejected + "/replay", ""), 409, "delivery_rejected");
    expectError(
        post("/api/v1/webhooks/deliveries/dlv_00000000000000000000000000/replay", ""),
        404,
        "delivery_not_found");
  }

  @Test
  void anOldSecretIsRejectedOnceItsGracePeriodIsOver() throws Exception {
    String task = unique("grace");
    startWorker(WebhookTasks.events(task));
    JsonNode endpoint = githubEndpoint("grace", "{\"task\": \"%s\"}".formatted(task));
    String path = "/api/v1/webhooks/endpoints/" + endpoint.path("id").asText();
    HttpResponse<String> rotated =
        post(path + "/rotate-secret", "{\"secret\": \"next-secret\", \"graceSeconds\": 60}");
    assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
    assertThat(json(rotated).path("secrets").path(1).path("expiresAt").asText()).isNotEmpty();
    clock.advance(java.time.Duration.ofSeconds(50));
    assertThat(github(endpoint, "push", "g1", "{}", GITHUB_SECRET).statusCode()).isEqualTo(200);
    clock.advance(java.time.Duration.ofSeconds(20));
    expectError(github(endpoint, "push", "g2", "{}", GITHUB_SECRET), 401, "signature_mismatch");
    assertThat(github(endpoint, "push", "g3", "{}", "next-secret").statusCode()).isEqualTo(200);
  }

  @Test
  void anOldSecretsCiphertextCopiedOverTheCurrentOneDoesNotVerify() throws Exception {
    JsonNode endpoint = githubEndpoint("copied", "{\"task\": \"%s\"}".formatted(unique("c")));
    String id = endpoint.path("id").asText();
    HttpResponse<String> rotated =
        post(
            "/api/v1/webhooks/endpoints/" + id + "/rotate-secret",
            "{\"secret\": \"next-secret\", \"graceSeconds\": 60}");
    assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
    clock.advance(java.time.Duration.ofSeconds(70)); // the old secret's grace period is over
    List<WebhookEndpointRecord.Secret> secrets =
        server.store().webhooks().findEndpoint(id).orElseThrow().secrets();
    assertThat(secrets).extracting(WebhookEndpointRecord.Secret::version).containsExactly(2, 1);
    // someone who can write to the database copies the old secret's ciphertext over the current
    assertThat(
            server
                .store()
                .secrets()
                .replaceWebhookSecret(id, 2, secrets.get(0).value(), secrets.get(1).value()))
        .isTrue();

    try (var logs = new CapturedLogs("dev.errand.server.webhook.EndpointCache")) {
      // once the endpoint is read again, the current secret no longer opens
      await()
          .atMost(TIMEOUT)
          .until(() -> github(endpoint, "push", "n1", "{}", "next-secret").statusCode() == 401);
      // no readable secret is current: refused like a delivery to an endpoint without one
      expectError(github(endpoint, "push", "o1", "{}", GITHUB_SECRET), 401, "no_current_secret");
      assertThat(logs.text())
          .contains("the signing secret v2 of webhook endpoint " + id + " failed to decrypt")
          .doesNotContain(GITHUB_SECRET);
    }
  }

  @Test
  void aSecretWrittenInClearIntoTheDatabaseIsRefused() throws Exception {
    String task = unique("planted");
    JsonNode endpoint = githubEndpoint("planted", "{\"task\": \"%s\"}".formatted(task));
    String id = endpoint.path("id").asText();
    String sealed =
        server.store().webhooks().findEndpoint(id).orElseThrow().secrets().getFirst().value();
    assertThat(server.store().secrets().replaceWebhookSecret(id, 1, sealed, "planted-secret"))
        .isTrue();

    try (var logs = new CapturedLogs("dev.errand.server.webhook.EndpointCache")) {
      await()
          .atMost(TIMEOUT)
          .until(() -> github(endpoint, "push", "r1", "{}", GITHUB_SECRET).statusCode() == 401);
      HttpResponse<String> forged = github(endpoint, "push", "f1", "{}", "planted-secret");
      expectError(forged, 401, "no_current_secret");
      assertThat(logs.text())
          .contains("the signing secret v1 of webhook endpoint " + id + " is stored in clear")
          .doesNotContain("planted-secret");
    }
    assertThat(client.runs().list(RunQuery.ALL.withTaskIdentifier(task)).data()).isEmpty();
  }

  @Test
  void aTimestampIsCheckedAgainstTheServersClock() throws Exception {
    String task = unique("stamped");
    startWorker(WebhookTasks.events(task));
    String secret = "slack-secret";
    JsonNode endpoint =
        createEndpoint(
            """
            {"name": "stamped", "verifier": {"type": "slack", "secret": "%s"},
             "routes": [{"task": "%s"}]}"""
                .formatted(secret, task));
    long now = clock.instant().getEpochSecond();
    assertThat(slack(endpoint, secret, now - 299).statusCode()).isEqualTo(200);
    expectError(slack(endpoint, secret, now - 301), 401, "timestamp_outside_tolerance");
    clock.advance(java.time.Duration.ofSeconds(-600)); // the server's clock is behind the sender's
    expectError(slack(endpoint, secret, now), 401, "timestamp_outside_tolerance");
    // a 16 KiB signature header reaches the verifier and is refused there, not by the HTTP server
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> huge =
        http.send(
            HttpRequest.newBuilder(URI.create(endpoint.path("url").asText()))
                .header("Content-Type", "application/json")
                .header("X-Slack-Request-Timestamp", String.valueOf(now))
                .header("X-Slack-Signature", "v0=" + "a".repeat(16 * 1024))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(huge.statusCode()).as(huge.body()).isIn(400, 401);
    expectError(huge, huge.statusCode(), json(huge).path("error").path("code").asText());
  }

  HttpResponse<String> slack(JsonNode endpoint, String secret, long timestamp) throws Exception {
    String body = "{\"type\":\"event_callback\",\"event_id\":\"Ev" + timestamp + "\"}";
    String signature =
        "v0=" + hmacHex(secret, ("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8));
    return http.send(
        HttpRequest.newBuilder(URI.create(endpoint.path("url").asText()))
            .header("Content-Type", "application/json")
            .header("X-Slack-Request-Timestamp", String.valueOf(timestamp))
            .header("X-Slack-Signature", signature)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void endpointsAreListedChangedRotatedAndDeleted() throws Exception {
    String task = unique("rot");
    startWorker(WebhookTasks.events(task));
    JsonNode endpoint = githubEndpoint("rotating", "{\"task\": \"%s\"}".formatted(task));
    String path = "/api/v1/webhooks/endpoints/" + endpoint.path("id").asText();
    assertThat(getJson("/api/v1/webhooks/endpoints").path("data")).hasSize(1);
    assertThat(getJson(path).path("secrets")).hasSize(1);
    expectError(
        post(
            "/api/v1/webhooks/endpoints",
            "{\"name\": \"rotating\", \"verifier\": {\"type\": \"github\", \"secret\": \"x\"}}"),
        409,
        "endpoint_exists");
    expectError(
        post(
            "/api/v1/webhooks/endpoints",
            "{\"name\": \"bad\", \"verifier\": {\"type\": \"gitlab\"}}"),
        400,
        "invalid_endpoint");

    // rotate with a grace period: old and new both verify
    HttpResponse<String> rotated =
        post(path + "/rotate-secret", "{\"secret\": \"second-secret\", \"graceSeconds\": 3600}");
    assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
    assertThat(rotated.body()).doesNotContain("second-secret").doesNotContain(GITHUB_SECRET);
    assertThat(github(endpoint, "push", "a", "{}", GITHUB_SECRET).statusCode()).isEqualTo(200);
    assertThat(github(endpoint, "push", "b", "{}", "second-secret").statusCode()).isEqualTo(200);
    // rotate with none: the previous ones stop at once
    post(path + "/rotate-secret", "{\"secret\": \"third-secret\", \"graceSeconds\": 0}");
    assertThat(github(endpoint, "push", "c", "{}", "second-secret").statusCode()).isEqualTo(401);
    assertThat(github(endpoint, "push", "d", "{}", "third-secret").statusCode()).isEqualTo(200);

    HttpRequest patch =
        HttpRequest.newBuilder(URI.create(server.localUrl() + path))
            .header("Authorization", "Bearer " + secretKey)
            .header("Content-Type", "application/json")
            .method(
                "PATCH",
                HttpRequest.BodyPublishers.ofString(
                    "{\"name\": \"renamed\", \"dedupWindowSeconds\": 60}"))
            .build();
    HttpResponse<String> patched = http.send(patch, HttpResponse.BodyHandlers.ofString());
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    assertThat(json(patched).path("name").asText()).isEqualTo("renamed");
    assertThat(json(patched).path("dedupWindowSeconds").asLong()).isEqualTo(60);

    HttpResponse<String> deleted =
        http.send(
            HttpRequest.newBuilder(URI.create(server.localUrl() + path))
                .header("Authorization", "Bearer " + secretKey)
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(deleted.statusCode()).isEqualTo(204);
    expectError(github(endpoint, "push", "e", "{}", "third-secret"), 404, "endpoint_not_found");
    expectError(get(path, secretKey), 404, "endpoint_not_found");
  }
}
