package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.internal.Json;
import dev.errand.server.store.TestDatabases;
import dev.errand.server.store.jdbc.PostgresUrl;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * While PostgreSQL refuses the server, webhook deliveries get 503, never a 2xx; once it is back,
 * every delivery that got a 2xx has its run. The outage is real: the test database stops taking
 * connections and its sessions are ended.
 */
class PostgresWebhookOutageTest extends ServerTestBase {

  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }

  @Test
  void aDatabaseOutageGives503AndEveryAcceptedDeliveryHasItsRun() throws Exception {
    String task = unique("outage");
    startWorker(WebhookTasks.events(task));
    HttpResponse<String> created =
        post(
            "/api/v1/webhooks/endpoints",
            """
            {"name": "outage", "verifier": {"type": "github", "secret": "%s"},
             "routes": [{"task": "%s"}]}"""
                .formatted(WebhookTest.GITHUB_SECRET, task));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    URI url = URI.create(Json.mapper().readTree(created.body()).path("url").asText());
    String database = PostgresUrl.parse(postgresUrl()).database();

    Map<String, JsonNode> accepted = new ConcurrentHashMap<>();
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    AtomicBoolean sending = new AtomicBoolean(true);
    AtomicInteger seq = new AtomicInteger();
    try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int t = 0; t < 4; t++) {
        senders.submit(
            () -> {
              while (sending.get()) {
                String id = "d-" + seq.incrementAndGet();
                byte[] body = ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
                HttpResponse<String> r =
                    http.send(
                        HttpRequest.newBuilder(url)
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .header("X-GitHub-Event", "push")
                            .header("X-GitHub-Delivery", id)
                            .header(
                                "X-Hub-Signature-256",
                                "sha256=" + WebhookTest.hmacHex(WebhookTest.GITHUB_SECRET, body))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build(),
                        HttpResponse.BodyHandlers.ofString());
                statuses
                    .computeIfAbsent(r.statusCode(), s -> new AtomicInteger())
                    .incrementAndGet();
                if (r.statusCode() / 100 == 2) {
                  accepted.put(id, Json.mapper().readTree(r.body()));
                }
              }
              return null;
            });
      }
      await().atMost(TIMEOUT).until(() -> accepted.size() >= 20);
      setConnectable(database, false);
      try {
        await().atMost(TIMEOUT).until(() -> statuses.containsKey(503));
        int before = accepted.size();
        // nothing is accepted while the database is away (a request in flight may still finish)
        await()
            .during(Duration.ofMillis(500))
            .atMost(TIMEOUT)
            .until(() -> accepted.size() <= before + 4);
      } finally {
        setConnectable(database, true);
      }
      int afterOutage = accepted.size();
      await().atMost(TIMEOUT).until(() -> accepted.size() >= afterOutage + 20);
      sending.set(false);
    }

    assertThat(statuses.keySet()).as(statuses.toString()).containsOnly(200, 503);
    List<String> missing = new ArrayList<>();
    for (JsonNode answer : accepted.values()) {
      String runId = answer.path("runs").path(0).path("id").asText();
      if (get("/api/v1/runs/" + runId, secretKey).statusCode() != 200) {
        missing.add(answer.path("deliveryId").asText());
      }
      String delivery = answer.path("deliveryId").asText();
      assertThat(get("/api/v1/webhooks/deliveries/" + delivery, secretKey).statusCode())
          .isEqualTo(200);
    }
    assertThat(missing).as("accepted deliveries without their run").isEmpty();
    await().atMost(TIMEOUT).until(() -> WebhookTasks.received(task).size() >= accepted.size());
  }

  /** Lets the test database take connections again, or stops it and ends its sessions. */
  private static void setConnectable(String database, boolean connectable) throws Exception {
    try (Connection admin = TestDatabases.connect(TestDatabases.adminUrl());
        Statement statement = admin.createStatement()) {
      statement.execute("ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS " + connectable);
      if (!connectable) {
        statement.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                + database
                + "'");
      }
    }
  }
}
