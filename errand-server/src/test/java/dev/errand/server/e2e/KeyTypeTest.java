package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.ErrandClient;
import dev.errand.sdk.ErrandWorker;
import dev.errand.sdk.RunHandle;
import dev.errand.sdk.RunStatus;
import dev.errand.server.e2e.TestTasks.Order;
import dev.errand.server.e2e.TestTasks.Receipt;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each key type on representative routes: what it may do works, the rest is 403 {@code
 * permission_denied} naming the key's type and what is needed. The types are not about storage:
 * this runs on the embedded store only.
 */
class KeyTypeTest extends ServerTestBase {
  Access access;
  String workerKey;
  String triggerKey;
  String readKey;

  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }

  @BeforeEach
  void keys() throws Exception {
    access = new Access(server.localUrl());
    workerKey = access.newKey("default", "test", "worker", "worker");
    triggerKey = access.newKey("default", "test", "trigger", "trigger-only");
    readKey = access.newKey("default", "test", "read", "read-only");
  }

  ErrandClient clientWith(String key) {
    return ErrandClient.builder().apiUrl(server.localUrl()).secretKey(key).build();
  }

  void denied(String method, String path, String body, String key, String type) throws Exception {
    HttpResponse<String> response = access.call(method, path, body, key);
    expectError(response, 403, "permission_denied");
    assertThat(response.body()).contains("the " + type + " key").contains("admin");
  }

  @Test
  void aWorkerKeyRunsAWorkerAndATriggerOnlyKeyTriggersAndFollowsTheRun() throws Exception {
    ErrandWorker worker =
        ErrandWorker.builder()
            .client(clientWith(workerKey))
            .register(TestTasks.PROCESS_ORDER)
            .pollWait(Duration.ofSeconds(5))
            .shutdownTimeout(Duration.ofSeconds(2))
            .build();
    worker.start();
    workers.add(worker);
    ErrandClient trigger = clientWith(triggerKey);
    String orderId = unique("typed");
    RunHandle<Receipt> handle = trigger.trigger(TestTasks.PROCESS_ORDER, new Order(orderId, 100));
    await().atMost(TIMEOUT).until(() -> trigger.runs().get(handle).status() == RunStatus.COMPLETED);
    assertThat(trigger.runs().get(handle).output().orderId()).isEqualTo(orderId);

    // a trigger-only key neither lists nor changes runs, nor reads the rest
    denied("GET", "/api/v1/runs", null, triggerKey, "trigger-only");
    denied("POST", "/api/v1/runs/" + handle.id() + "/replay", "{}", triggerKey, "trigger-only");
    denied("GET", "/api/v1/queues", null, triggerKey, "trigger-only");
    denied("POST", "/api/v1/workers/register", "{}", triggerKey, "trigger-only");

    // a worker key reads runs and triggers, but manages nothing
    access.expect(200, "GET", "/api/v1/runs", null, workerKey);
    denied("POST", "/api/v1/queues/default/pause", "{}", workerKey, "worker");
    denied("GET", "/api/v1/schedules", null, workerKey, "worker");
    denied("POST", "/api/v1/runs/" + handle.id() + "/cancel", "{}", workerKey, "worker");
  }

  @Test
  void aReadOnlyKeyReadsEverythingAndChangesNothing() throws Exception {
    startWorker(TestTasks.PROCESS_ORDER);
    RunHandle<Receipt> handle =
        client.trigger(TestTasks.PROCESS_ORDER, new Order(unique("read"), 1));
    for (String path :
        new String[] {
          "/api/v1/runs",
          "/api/v1/runs/" + handle.id(),
          "/api/v1/queues",
          "/api/v1/queues/default",
          "/api/v1/schedules",
          "/api/v1/webhooks/endpoints",
          "/api/v1/webhooks/deliveries",
          "/api/v1/waitpoints/tokens",
          "/api/v1/bulk-actions",
          "/api/v1/environment/concurrency"
        }) {
      access.expect(200, "GET", path, null, readKey);
    }
    denied("POST", "/api/v1/tasks/process-order/trigger", "{\"payload\":{}}", readKey, "read-only");
    denied("POST", "/api/v1/queues/default/pause", "{}", readKey, "read-only");
    denied("POST", "/api/v1/schedules", "{}", readKey, "read-only");
    denied("POST", "/api/v1/waitpoints/tokens", "{}", readKey, "read-only");
    denied("POST", "/api/v1/runs/bulk/cancel", "{}", readKey, "read-only");
    denied("DELETE", "/api/v1/webhooks/endpoints/we_x", null, readKey, "read-only");
  }

  @Test
  void onlyKeysThatMayCompleteTokensSeeTheirCallbackUrl() throws Exception {
    // the callback URL completes a token without any key: a read-only key must not get it
    JsonNode created = access.expect(200, "POST", "/api/v1/waitpoints/tokens", "{}", workerKey);
    assertThat(created.path("url").asText()).contains("/callback/");
    String path = "/api/v1/waitpoints/tokens/" + created.path("id").asText();
    assertThat(access.expect(200, "GET", path, null, readKey).path("url").isNull()).isTrue();
    JsonNode listed = access.expect(200, "GET", "/api/v1/waitpoints/tokens", null, readKey);
    assertThat(listed.path("data").get(0).path("url").isNull()).isTrue();
    assertThat(access.expect(200, "GET", path, null, secretKey).path("url").asText())
        .contains("/callback/");
  }

  @Test
  void routesWithoutARuleNeedAnAdminKey() throws Exception {
    // the names of an environment's variables are readable; setting or deleting one and anything
    // unknown need an admin key
    access.expect(200, "GET", "/api/v1/envvars/test", null, readKey);
    denied("GET", "/api/v1/envvars/test/DATABASE_URL", null, readKey, "read-only");
    denied("PUT", "/api/v1/envvars/test/DATABASE_URL", "{}", workerKey, "worker");
    // the values themselves go only to keys that may work (worker, admin)
    denied("GET", "/api/v1/workers/env", null, readKey, "read-only");
    access.expect(200, "GET", "/api/v1/workers/env", null, workerKey);
    denied("GET", "/api/v1/nothing-here", null, readKey, "read-only");
    expectError(access.call("GET", "/api/v1/nothing-here", null, secretKey), 404, "not_found");
  }

  @Test
  void anAdminKeyManagesItsEnvironment() throws Exception {
    startWorker(TestTasks.PROCESS_ORDER);
    client.trigger(TestTasks.PROCESS_ORDER, new Order(unique("admin"), 1));
    access.expect(200, "POST", "/api/v1/queues/default/pause", "{}", secretKey);
    access.expect(200, "POST", "/api/v1/queues/default/resume", "{}", secretKey);
    assertThat(
            access
                .expect(
                    201,
                    "POST",
                    "/api/v1/schedules",
                    "{\"task\": \"process-order\", \"cron\": \"0 9 * * *\"}",
                    secretKey)
                .path("id")
                .asText())
        .startsWith("sched_");
  }
}
