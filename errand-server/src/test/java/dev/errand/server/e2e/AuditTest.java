package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.internal.Json;
import dev.errand.server.auth.SecretKeys;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The audit log end to end: each audited action done over HTTP leaves one row with the right actor,
 * action and target, readable through {@code GET /api/v1/audit} with filters and pages, in the
 * caller's environment only.
 */
abstract class AuditTest extends ServerTestBase {
  static final String AUDIT = "/api/v1/audit";
  static final String PAYLOAD_MARK = "payload-must-not-be-audited";
  static final String SECRET_MARK = "secret-must-not-be-audited";

  /** A request with the test's key, any method, and extra headers (name, value, ...). */
  HttpResponse<String> send(String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.localUrl() + path))
            .header("Authorization", "Bearer " + secretKey)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode ok(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isBetween(200, 204);
    return response.body().isEmpty() ? null : Json.mapper().readTree(response.body());
  }

  JsonNode ok(String method, String path, String body) throws Exception {
    return ok(send(method, path, body));
  }

  List<JsonNode> audit(String query) throws Exception {
    List<JsonNode> rows = new ArrayList<>();
    getJson(AUDIT + "?limit=100" + query).path("data").forEach(rows::add);
    return rows;
  }

  static String order(String id) {
    return "{\"payload\": {\"orderId\": \"" + id + "\", \"amountCents\": 1}";
  }

  void startOrdersWorker() {
    startWorker(TestTasks.PROCESS_ORDER);
    await().atMost(TIMEOUT).until(() -> !getJson("/api/v1/queues").path("data").isEmpty());
  }

  @Test
  void everyAuditedActionLeavesOneRowWithItsActorAndTarget() throws Exception {
    startOrdersWorker();
    String queue = getJson("/api/v1/queues").path("data").path(0).path("name").asText();
    String task = "process-order";

    // runs
    String delayed =
        ok(send(
                "POST",
                "/api/v1/tasks/" + task + "/trigger",
                order(PAYLOAD_MARK) + ", \"options\": {\"delay\": \"1h\"}}",
                "X-Request-Id",
                "req-42"))
            .path("id")
            .asText();
    JsonNode batch =
        ok(
            "POST",
            "/api/v1/tasks/" + task + "/batch",
            "{\"items\": [" + order("b1") + "}, " + order("b2") + "}]}");
    ok("POST", "/api/v1/runs/" + delayed + "/cancel", null);
    ok("POST", "/api/v1/runs/" + delayed + "/retry", null);
    String replay = ok("POST", "/api/v1/runs/" + delayed + "/replay", null).path("id").asText();
    String bulkCancel =
        ok("POST", "/api/v1/runs/bulk/cancel", "{\"filter\": {\"taskIdentifier\": \"none\"}}")
            .path("id")
            .asText();
    ok("POST", "/api/v1/runs/bulk/replay", "{\"filter\": {\"taskIdentifier\": \"none\"}}");

    // schedules
    String schedule =
        ok("POST", "/api/v1/schedules", "{\"task\": \"" + task + "\", \"cron\": \"0 3 * * *\"}")
            .path("id")
            .asText();
    String schedulePath = "/api/v1/schedules/" + schedule;
    ok("PUT", schedulePath, "{\"task\": \"" + task + "\", \"cron\": \"0 4 * * *\"}");
    ok("POST", schedulePath + "/deactivate", null);
    ok("POST", schedulePath + "/activate", null);
    ok("DELETE", schedulePath, null);

    // webhook endpoints
    String endpoint =
        ok(
                "POST",
                "/api/v1/webhooks/endpoints",
                "{\"name\": \"audited\", \"verifier\": {\"type\": \"github\", \"secret\": \""
                    + SECRET_MARK
                    + "\"}}")
            .path("id")
            .asText();
    String endpointPath = "/api/v1/webhooks/endpoints/" + endpoint;
    ok("PATCH", endpointPath, "{\"name\": \"audited-2\"}");
    ok("POST", endpointPath + "/disable", null);
    ok("POST", endpointPath + "/enable", null);
    ok("POST", endpointPath + "/rotate-secret", "{\"secret\": \"" + SECRET_MARK + "-2\"}");
    ok("DELETE", endpointPath, null);

    // queues and the environment
    String queuePath = "/api/v1/queues/" + queue;
    ok("POST", queuePath + "/pause", null);
    ok("POST", queuePath + "/resume", null);
    ok("POST", queuePath + "/concurrency", "{\"limit\": 3}");
    ok("POST", queuePath + "/concurrency/reset", null);
    ok("POST", "/api/v1/environment/concurrency", "{\"limit\": 5}");
    ok("POST", "/api/v1/environment/concurrency/reset", null);

    // waitpoint tokens
    String token = ok("POST", "/api/v1/waitpoints/tokens", "{}").path("id").asText();
    ok(
        "POST",
        "/api/v1/waitpoints/tokens/" + token + "/complete",
        "{\"data\": {\"x\": \"" + PAYLOAD_MARK + "\"}}");

    List<JsonNode> rows = audit("");
    Map<String, List<JsonNode>> byAction = new HashMap<>();
    rows.forEach(
        r -> byAction.computeIfAbsent(r.path("action").asText(), a -> new ArrayList<>()).add(r));
    assertThat(byAction.keySet())
        .containsExactlyInAnyOrder(
            "run.triggered",
            "run.canceled",
            "run.retried",
            "run.replayed",
            "bulk_cancel.created",
            "bulk_replay.created",
            "schedule.created",
            "schedule.updated",
            "schedule.deactivated",
            "schedule.activated",
            "schedule.deleted",
            "webhook_endpoint.created",
            "webhook_endpoint.updated",
            "webhook_endpoint.disabled",
            "webhook_endpoint.enabled",
            "webhook_endpoint.secret_rotated",
            "webhook_endpoint.deleted",
            "queue.paused",
            "queue.resumed",
            "queue.concurrency_overridden",
            "queue.concurrency_reset",
            "environment.concurrency_set",
            "environment.concurrency_reset",
            "waitpoint_token.completed");
    assertThat(rows).hasSize(25); // one each, and two triggers
    assertThat(byAction.get("run.triggered")).hasSize(2);
    byAction.forEach(
        (action, list) -> {
          if (!action.equals("run.triggered")) {
            assertThat(list).as(action).hasSize(1);
          }
        });

    String keyName = bootstrapKeyName();
    for (JsonNode r : rows) {
      assertThat(r.path("actor").path("type").asText()).isEqualTo("api_key");
      assertThat(r.path("actor").path("name").asText()).isEqualTo(keyName);
      assertThat(r.path("actor").path("id").asText()).isNotEmpty();
      assertThat(r.path("actor").path("address").asText()).isEqualTo("127.0.0.1");
      assertThat(r.path("occurredAt").asText()).isNotEmpty();
      assertThat(r.toString()).doesNotContain(PAYLOAD_MARK).doesNotContain(SECRET_MARK);
    }

    JsonNode single = byAction.get("run.triggered").getLast(); // oldest first of the two
    assertThat(single.path("target").path("type").asText()).isEqualTo("task");
    assertThat(single.path("target").path("id").asText()).isEqualTo(task);
    assertThat(single.path("details").path("runIds").path(0).asText()).isEqualTo(delayed);
    assertThat(single.path("requestId").asText()).isEqualTo("req-42");
    JsonNode batchRow = byAction.get("run.triggered").getFirst();
    assertThat(batchRow.path("details").path("count").asInt()).isEqualTo(2);
    assertThat(batchRow.path("details").path("runIds"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder(
            batch.path("runs").path(0).path("id").asText(),
            batch.path("runs").path(1).path("id").asText());

    assertTarget(byAction, "run.canceled", "run", delayed);
    assertTarget(byAction, "run.retried", "run", delayed);
    assertTarget(byAction, "run.replayed", "run", delayed);
    assertThat(
            byAction.get("run.replayed").getFirst().path("details").path("runIds").path(0).asText())
        .isEqualTo(replay);
    assertTarget(byAction, "bulk_cancel.created", "bulk_action", bulkCancel);
    for (String a : List.of("created", "updated", "deactivated", "activated", "deleted")) {
      assertTarget(byAction, "schedule." + a, "schedule", schedule);
    }
    for (String a :
        List.of("created", "updated", "disabled", "enabled", "secret_rotated", "deleted")) {
      assertTarget(byAction, "webhook_endpoint." + a, "webhook_endpoint", endpoint);
    }
    for (String a : List.of("paused", "resumed", "concurrency_overridden", "concurrency_reset")) {
      assertTarget(byAction, "queue." + a, "queue", queue);
    }
    assertTarget(byAction, "environment.concurrency_set", "environment", "test");
    assertTarget(byAction, "waitpoint_token.completed", "waitpoint_token", token);
  }

  private static void assertTarget(
      Map<String, List<JsonNode>> byAction, String action, String type, String id) {
    JsonNode row = byAction.get(action).getFirst();
    assertThat(row.path("target").path("type").asText()).as(action).isEqualTo(type);
    assertThat(row.path("target").path("id").asText()).as(action).isEqualTo(id);
  }

  @Test
  void aFailedActionLeavesNoRow() throws Exception {
    startOrdersWorker();
    String run =
        ok(
                "POST",
                "/api/v1/tasks/process-order/trigger",
                order("o") + ", \"options\": {\"delay\": \"1h\"}}")
            .path("id")
            .asText();
    ok("POST", "/api/v1/runs/" + run + "/cancel", null);
    assertThat(send("POST", "/api/v1/runs/" + run + "/cancel", null).statusCode()).isEqualTo(409);
    assertThat(send("POST", "/api/v1/queues/no-such-queue/pause", null).statusCode())
        .isEqualTo(404);
    assertThat(
            send("DELETE", "/api/v1/schedules/sched_0000000000000000000000000000", null)
                .statusCode())
        .isBetween(400, 404);
    assertThat(send("POST", "/api/v1/tasks/unknown-task/trigger", order("x") + "}").statusCode())
        .isEqualTo(404);
    assertThat(audit(""))
        .extracting(r -> r.path("action").asText())
        .containsExactly("run.canceled", "run.triggered");
  }

  @Test
  void filtersAndCursorsPageTheLogAndBadFiltersAre400() throws Exception {
    for (int i = 0; i < 5; i++) {
      ok("POST", "/api/v1/environment/concurrency", "{\"limit\": " + (i + 1) + "}");
    }
    ok("POST", "/api/v1/environment/concurrency/reset", null);

    assertThat(audit("&action=environment.concurrency_set")).hasSize(5);
    assertThat(audit("&action=environment.concurrency_reset")).hasSize(1);
    assertThat(audit("&targetType=environment&targetId=test")).hasSize(6);
    assertThat(audit("&targetType=queue")).isEmpty();
    assertThat(audit("&actorName=" + bootstrapKeyName())).hasSize(6);
    String actorId = audit("").getFirst().path("actor").path("id").asText();
    assertThat(audit("&actorId=" + actorId)).hasSize(6);
    assertThat(audit("&actorId=someone-else")).isEmpty();
    String newest = audit("").getFirst().path("occurredAt").asText();
    assertThat(audit("&until=2000-01-01T00:00:00Z")).isEmpty();
    assertThat(audit("&since=" + newest)).isNotEmpty();

    List<String> seen = new ArrayList<>();
    String cursor = "";
    do {
      JsonNode page = getJson(AUDIT + "?limit=4" + cursor);
      page.path("data").forEach(r -> seen.add(r.path("id").asText()));
      JsonNode next = page.path("nextCursor");
      cursor = next.isNull() ? null : "&cursor=" + next.asText();
    } while (cursor != null);
    assertThat(seen).hasSize(6).doesNotHaveDuplicates();
    assertThat(seen)
        .isSortedAccordingTo((a, b) -> Long.compare(Long.parseLong(b), Long.parseLong(a)));

    expectError(get(AUDIT + "?action=run.exploded", secretKey), 400, "invalid_query");
    expectError(get(AUDIT + "?since=yesterday", secretKey), 400, "invalid_query");
    // an instant the database cannot hold is a bad query, not a store failure
    expectError(get(AUDIT + "?since=%2B300000-01-01T00:00:00Z", secretKey), 400, "invalid_query");
    expectError(
        get("/api/v1/runs?from=%2B300000-01-01T00:00:00Z", secretKey), 400, "invalid_query");
    expectError(
        get(AUDIT + "?since=2030-01-01T00:00:00Z&until=2020-01-01T00:00:00Z", secretKey),
        400,
        "invalid_query");
    expectError(get(AUDIT + "?cursor=abc", secretKey), 400, "invalid_query");
    expectError(get(AUDIT + "?limit=0", secretKey), 400, "invalid_query");
    expectError(get(AUDIT + "?targetId=%00", secretKey), 400, "invalid_query");
    expectError(get(AUDIT, null), 401, "unauthorized");
  }

  @Test
  void anotherEnvironmentSeesNoneOfTheRows() throws Exception {
    ok("POST", "/api/v1/environment/concurrency", "{\"limit\": 2}");
    String otherKey = SecretKeys.generate("other");
    server.bootstrap("default", "other", otherKey);
    HttpResponse<String> other = get(AUDIT, otherKey);
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(Json.mapper().readTree(other.body()).path("data")).isEmpty();
    assertThat(audit("")).hasSize(1);
  }

  @Test
  void forwardedForIsIgnoredWithoutATrustedProxy() throws Exception {
    assertThat(
            send(
                    "POST",
                    "/api/v1/environment/concurrency",
                    "{\"limit\": 2}",
                    "X-Forwarded-For",
                    "203.0.113.9")
                .statusCode())
        .isEqualTo(200);
    assertThat(audit("").getFirst().path("actor").path("address").asText()).isEqualTo("127.0.0.1");
  }

  @Test
  void theClientListsAndFiltersTheLog() throws Exception {
    ok("POST", "/api/v1/environment/concurrency", "{\"limit\": 2}");
    ok("POST", "/api/v1/environment/concurrency", "{\"limit\": 3}");
    ok("POST", "/api/v1/environment/concurrency/reset", null);
    dev.errand.sdk.AuditPage page =
        client
            .audit()
            .list(dev.errand.sdk.AuditQuery.ALL.withAction("environment.concurrency_set"));
    assertThat(page.data()).hasSize(2);
    dev.errand.sdk.AuditEvent newest = page.data().getFirst();
    assertThat(newest.details().path("limit").asInt()).isEqualTo(3);
    assertThat(newest.actor().type()).isEqualTo("api_key");
    assertThat(newest.target())
        .isEqualTo(new dev.errand.sdk.AuditEvent.Target("environment", "test"));
    assertThat(newest.occurredAt()).isNotNull();
    dev.errand.sdk.AuditPage first =
        client.audit().list(dev.errand.sdk.AuditQuery.ALL.withLimit(2));
    assertThat(first.nextCursor()).isNotNull();
    assertThat(
            client
                .audit()
                .list(dev.errand.sdk.AuditQuery.ALL.withLimit(2).withCursor(first.nextCursor()))
                .data())
        .hasSize(1);
    assertThat(
            client
                .audit()
                .list(
                    dev.errand.sdk.AuditQuery.ALL.withUntil(
                        java.time.Instant.parse("2001-01-01T00:00:00Z")))
                .data())
        .isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> client.audit().list(dev.errand.sdk.AuditQuery.ALL.withAction("nope")))
        .isInstanceOf(dev.errand.sdk.ErrandApiException.class)
        .hasMessageContaining("invalid_query");
  }

  @Test
  void behindATrustedProxyTheForwardedClientIsRecorded() throws Exception {
    server.close();
    server =
        dev.errand.server.ErrandServer.builder()
            .store(openStore())
            .masterKey(MASTER_KEY)
            .host("127.0.0.1")
            .port(0)
            .engineConfig(FAST)
            .trustedProxies(List.of("127.0.0.1"))
            .build();
    server.start();
    server.bootstrap("default", "test", secretKey);
    ok(
        send(
            "POST",
            "/api/v1/environment/concurrency",
            "{\"limit\": 2}",
            "X-Forwarded-For",
            "192.0.2.1, 203.0.113.9"));
    ok(send("POST", "/api/v1/environment/concurrency/reset", null));
    List<JsonNode> rows = audit("");
    // the right-most hop the trusted proxy added, not what the client put first
    assertThat(rows.get(1).path("actor").path("address").asText()).isEqualTo("203.0.113.9");
    assertThat(rows.get(0).path("actor").path("address").asText()).isEqualTo("127.0.0.1");
  }

  /**
   * The name {@code ErrandServer.bootstrap} gives the test's key: the actor name of its actions.
   */
  String bootstrapKeyName() {
    return "bootstrap-" + SecretKeys.hash(secretKey).substring(0, 8);
  }
}
