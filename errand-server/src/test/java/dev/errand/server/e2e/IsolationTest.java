package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.ErrandClient;
import dev.errand.sdk.RunHandle;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.internal.Json;
import dev.errand.server.e2e.TestTasks.Order;
import dev.errand.server.e2e.TestTasks.Receipt;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Nothing crosses environments or projects: a key of acme's {@code staging} and a key of project
 * globex, both {@code admin}, ask about acme's {@code prod} objects and get 404 on every route that
 * takes an id and empty lists everywhere; webhook ingestion (authenticated by its signature) is
 * unaffected, and its deliveries stay in their environment.
 */
abstract class IsolationTest extends ServerTestBase {
  static final String SECRET = "isolation-webhook-secret";

  Access access;
  String prodKey;
  String stagingKey;
  String otherProjectKey;

  String runId;
  String tokenId;
  String scheduleId;
  String endpointId;
  String deliveryId;
  String bulkActionId;

  @BeforeEach
  void objectsInAcmeProd() throws Exception {
    access = new Access(server.localUrl());
    access.createProject("acme");
    access.createProject("globex");
    prodKey = access.newKey("acme", "prod", "owner", "admin");
    stagingKey = access.newKey("acme", "staging", "owner", "admin");
    otherProjectKey = access.newKey("globex", "prod", "owner", "admin");

    ErrandClient prod = ErrandClient.builder().apiUrl(server.localUrl()).secretKey(prodKey).build();
    startWorker(prod, TestTasks.PROCESS_ORDER);
    RunHandle<Receipt> handle = prod.trigger(TestTasks.PROCESS_ORDER, new Order(unique("iso"), 5));
    await().atMost(TIMEOUT).until(() -> prod.runs().get(handle).status() == RunStatus.COMPLETED);
    runId = handle.id();
    tokenId =
        access
            .expect(200, "POST", "/api/v1/waitpoints/tokens", "{\"timeout\": \"1h\"}", prodKey)
            .path("id")
            .asText();
    scheduleId =
        access
            .expect(
                201,
                "POST",
                "/api/v1/schedules",
                "{\"task\": \"process-order\", \"cron\": \"0 9 * * *\"}",
                prodKey)
            .path("id")
            .asText();
    JsonNode endpoint =
        access.expect(
            201,
            "POST",
            "/api/v1/webhooks/endpoints",
            """
            {"name": "gh", "verifier": {"type": "github", "secret": "%s"}, "routes": []}"""
                .formatted(SECRET),
            prodKey);
    endpointId = endpoint.path("id").asText();
    deliveryId = ingest(endpoint.path("url").asText(), "d-1").path("deliveryId").asText();
    bulkActionId =
        access
            .expect(
                202,
                "POST",
                "/api/v1/runs/bulk/cancel",
                "{\"filter\": {\"tag\": \"nothing-has-this-tag\"}}",
                prodKey)
            .path("id")
            .asText();
  }

  void startWorker(ErrandClient through, dev.errand.sdk.Task<?, ?> task) {
    dev.errand.sdk.ErrandWorker worker =
        dev.errand.sdk.ErrandWorker.builder()
            .client(through)
            .register(task)
            .pollWait(java.time.Duration.ofSeconds(5))
            .shutdownTimeout(java.time.Duration.ofSeconds(2))
            .build();
    worker.start();
    workers.add(worker);
  }

  /** A GitHub-signed delivery to an endpoint URL: no API key. */
  JsonNode ingest(String url, String deliveryHeader) throws Exception {
    byte[] bytes = "{\"zen\": \"isolation\"}".getBytes(StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .header("X-GitHub-Event", "ping")
            .header("X-GitHub-Delivery", deliveryHeader)
            .header("X-Hub-Signature-256", "sha256=" + WebhookTest.hmacHex(SECRET, bytes))
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    return Json.mapper().readTree(response.body());
  }

  /** Every route of the API that takes the id of an object: method, path, a valid body. */
  List<String[]> routesWithAnId() {
    String run = "/api/v1/runs/" + runId;
    String token = "/api/v1/waitpoints/tokens/" + tokenId;
    String schedule = "/api/v1/schedules/" + scheduleId;
    String endpoint = "/api/v1/webhooks/endpoints/" + endpointId;
    String delivery = "/api/v1/webhooks/deliveries/" + deliveryId;
    return List.of(
        new String[] {"GET", run, null},
        new String[] {"POST", run + "/cancel", "{}"},
        new String[] {"POST", run + "/replay", "{}"},
        new String[] {"POST", run + "/retry", "{}"},
        new String[] {"POST", run + "/reschedule", "{\"delay\": \"1m\"}"},
        new String[] {"GET", token, null},
        new String[] {"POST", token + "/complete", "{\"data\": {\"ok\": true}}"},
        new String[] {"GET", schedule, null},
        new String[] {"PUT", schedule, "{\"task\": \"process-order\", \"cron\": \"0 10 * * *\"}"},
        new String[] {"POST", schedule + "/deactivate", "{}"},
        new String[] {"POST", schedule + "/activate", "{}"},
        new String[] {"DELETE", schedule, null},
        new String[] {"GET", endpoint, null},
        new String[] {"PATCH", endpoint, "{\"name\": \"stolen\"}"},
        new String[] {"POST", endpoint + "/disable", "{}"},
        new String[] {"POST", endpoint + "/enable", "{}"},
        new String[] {
          "POST",
          endpoint + "/rotate-secret",
          "{\"secret\": \"another-secret\", \"graceSeconds\": 1}"
        },
        new String[] {"DELETE", endpoint, null},
        new String[] {"GET", delivery, null},
        new String[] {"POST", delivery + "/replay", "{}"},
        new String[] {"GET", "/api/v1/bulk-actions/" + bulkActionId, null},
        new String[] {"GET", "/api/v1/queues/default", null},
        new String[] {"POST", "/api/v1/queues/default/pause", "{}"},
        new String[] {"POST", "/api/v1/queues/default/resume", "{}"},
        new String[] {"POST", "/api/v1/queues/default/concurrency", "{\"limit\": 1}"},
        new String[] {"POST", "/api/v1/queues/default/concurrency/reset", "{}"});
  }

  static final List<String> LISTS =
      List.of(
          "/api/v1/runs",
          "/api/v1/runs?scheduleId=",
          "/api/v1/waitpoints/tokens",
          "/api/v1/schedules",
          "/api/v1/webhooks/endpoints",
          "/api/v1/webhooks/deliveries",
          "/api/v1/bulk-actions",
          "/api/v1/queues");

  void seesNothingOfAcmeProd(String key) throws Exception {
    for (String[] route : routesWithAnId()) {
      HttpResponse<String> response = access.call(route[0], route[1], route[2], key);
      assertThat(response.statusCode())
          .as("%s %s: %s", route[0], route[1], response.body())
          .isEqualTo(404);
      // the object's own "not found" (run_not_found, ...), not the "no such route" of a typo
      assertThat(Json.mapper().readTree(response.body()).path("error").path("code").asText())
          .as("%s %s", route[0], route[1])
          .endsWith("_not_found");
    }
    for (String list : LISTS) {
      String path = list.endsWith("=") ? list + scheduleId : list;
      JsonNode body = access.expect(200, "GET", path, null, key);
      assertThat(body.path("data")).as(path).isEmpty();
    }
  }

  @Test
  void aStagingKeyGets404AndEmptyListsForProdObjects() throws Exception {
    seesNothingOfAcmeProd(stagingKey);
    stillThereForProd();
  }

  @Test
  void aKeyOfAnotherProjectGets404AndEmptyListsForItsObjects() throws Exception {
    seesNothingOfAcmeProd(otherProjectKey);
    stillThereForProd();
  }

  /** The prod key sees each object, unchanged by the other keys' attempts. */
  void stillThereForProd() throws Exception {
    assertThat(
            access
                .expect(200, "GET", "/api/v1/runs/" + runId, null, prodKey)
                .path("status")
                .asText())
        .isEqualTo("COMPLETED");
    assertThat(
            access
                .expect(200, "GET", "/api/v1/waitpoints/tokens/" + tokenId, null, prodKey)
                .path("status")
                .asText())
        .isEqualToIgnoringCase("waiting");
    assertThat(
            access
                .expect(200, "GET", "/api/v1/schedules/" + scheduleId, null, prodKey)
                .path("cron")
                .asText())
        .isEqualTo("0 9 * * *");
    JsonNode endpoint =
        access.expect(200, "GET", "/api/v1/webhooks/endpoints/" + endpointId, null, prodKey);
    assertThat(endpoint.path("name").asText()).isEqualTo("gh");
    assertThat(endpoint.path("enabled").asBoolean(true)).isTrue();
    access.expect(200, "GET", "/api/v1/webhooks/deliveries/" + deliveryId, null, prodKey);
    access.expect(200, "GET", "/api/v1/bulk-actions/" + bulkActionId, null, prodKey);
    JsonNode queue = access.expect(200, "GET", "/api/v1/queues/default", null, prodKey);
    assertThat(queue.path("paused").asBoolean()).isFalse();
  }

  @Test
  void webhookIngestionIsAuthenticatedBySignatureAndItsDeliveriesStayInTheirEnvironment()
      throws Exception {
    JsonNode endpoint =
        access.expect(200, "GET", "/api/v1/webhooks/endpoints/" + endpointId, null, prodKey);
    // anyone who can sign may deliver, whatever keys exist
    String second = ingest(endpoint.path("url").asText(), "d-2").path("deliveryId").asText();
    assertThat(access.expect(200, "GET", "/api/v1/webhooks/deliveries", null, prodKey).path("data"))
        .extracting(d -> d.path("id").asText())
        .contains(deliveryId, second);
    for (String key : List.of(stagingKey, otherProjectKey)) {
      assertThat(access.expect(200, "GET", "/api/v1/webhooks/deliveries", null, key).path("data"))
          .isEmpty();
      expectError(
          access.call("GET", "/api/v1/webhooks/deliveries/" + second, null, key),
          404,
          "delivery_not_found");
    }
  }
}
