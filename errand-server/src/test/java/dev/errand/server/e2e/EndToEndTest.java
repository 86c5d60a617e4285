package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.Attempt;
import dev.errand.sdk.ErrandApiException;
import dev.errand.sdk.ErrandClient;
import dev.errand.sdk.ErrandWorker;
import dev.errand.sdk.Run;
import dev.errand.sdk.RunHandle;
import dev.errand.sdk.RunQuery;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.TriggerOptions;
import dev.errand.sdk.internal.Json;
import dev.errand.server.auth.SecretKeys;
import dev.errand.server.e2e.TestTasks.Key;
import dev.errand.server.e2e.TestTasks.Order;
import dev.errand.server.e2e.TestTasks.Receipt;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The whole path: a real server on a random port, real workers, HTTP between them. Runs once per
 * store (PostgreSQL and embedded) through its subclasses.
 */
abstract class EndToEndTest extends ServerTestBase {
  @Test
  void runCompletesWithItsTypedOutput() {
    startWorker(TestTasks.PROCESS_ORDER);
    String orderId = unique("o");
    RunHandle<Receipt> handle = client.trigger(TestTasks.PROCESS_ORDER, new Order(orderId, 1299));
    assertThat(handle.id()).startsWith("run_").hasSize(30);

    Run<Receipt> run = client.runs().awaitCompletion(handle, TIMEOUT);

    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.output()).isEqualTo(new Receipt(orderId, "ch_" + orderId + "_1"));
    assertThat(run.taskIdentifier()).isEqualTo("process-order");
    assertThat(run.payload().path("orderId").asText()).isEqualTo(orderId);
    assertThat(run.attemptCount()).isEqualTo(1);
    assertThat(run.attempts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.status()).isEqualTo("COMPLETED");
              assertThat(a.workerId()).isEqualTo(workers.getFirst().workerId());
              assertThat(a.startedAt()).isNotNull();
              assertThat(a.finishedAt()).isAfterOrEqualTo(a.startedAt());
            });
    assertThat(run.createdAt()).isBeforeOrEqualTo(run.startedAt());
    assertThat(run.finishedAt()).isAfterOrEqualTo(run.startedAt());
    assertThat(run.error()).isNull();
    assertThat(client.runs().get(handle).output().chargeId()).isEqualTo("ch_" + orderId + "_1");
    assertThat(TestTasks.executions(orderId)).isEqualTo(1);
  }

  @Test
  void failingTaskRunsMaxAttemptsWithBackoffThenFails() {
    startWorker(TestTasks.ALWAYS_FAILS);
    String key = unique("fail");
    RunHandle<Void> handle = client.trigger(TestTasks.ALWAYS_FAILS, new Key(key));

    Run<Void> run = client.runs().awaitCompletion(handle, TIMEOUT);

    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    int maxAttempts = TestTasks.ALWAYS_FAILS_POLICY.maxAttempts();
    assertThat(run.attemptCount()).isEqualTo(maxAttempts);
    assertThat(TestTasks.executions(key)).isEqualTo(maxAttempts);
    assertThat(run.attempts())
        .hasSize(maxAttempts)
        .allSatisfy(
            a -> {
              assertThat(a.status()).isEqualTo("FAILED");
              assertThat(a.error().type()).isEqualTo("java.io.IOException");
              assertThat(a.error().stackTrace()).contains("TestTasks");
            });
    assertThat(run.error().type()).isEqualTo("java.io.IOException");
    assertThat(run.error().message()).isEqualTo("boom on attempt " + maxAttempts);
    assertThat(run.error().stackTrace())
        .contains("java.io.IOException: boom on attempt")
        .contains("\tat ");
    for (int i = 1; i < maxAttempts; i++) {
      Attempt failed = run.attempts().get(i - 1);
      Attempt next = run.attempts().get(i);
      long gap = Duration.between(failed.finishedAt(), next.startedAt()).toMillis();
      long base = Math.min(600, 200L << (i - 1));
      long ceiling = Math.min(600, 2 * (200L << (i - 1)));
      assertThat(gap).as("delay before attempt %d", i + 1).isBetween(base, ceiling + 1_000);
    }
  }

  @Test
  void nonRetryableExceptionFailsAfterOneAttempt() {
    startWorker(TestTasks.NON_RETRYABLE);
    String key = unique("nr");
    Run<Void> run =
        client
            .runs()
            .awaitCompletion(client.trigger(TestTasks.NON_RETRYABLE, new Key(key)), TIMEOUT);

    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.attemptCount()).isEqualTo(1);
    assertThat(run.error().nonRetryable()).isTrue();
    assertThat(run.error().type()).isEqualTo("dev.errand.sdk.NonRetryableException");
    assertThat(run.error().message()).isEqualTo("card declined");
    assertThat(TestTasks.executions(key)).isEqualTo(1);
  }

  @Test
  void serverRestartWhileRunWaitsForRetryLosesNothing() {
    ErrandWorker first = startWorker(TestTasks.FAILS_ONCE);
    String key = unique("restart");
    RunHandle<String> handle = client.trigger(TestTasks.FAILS_ONCE, new Key(key));
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              Run<JsonNode> r = client.runs().get(handle.id());
              return r.status() == RunStatus.QUEUED && r.attemptCount() == 1;
            });

    first.close();
    workers.remove(first);
    server.close();
    server = startServerOn(0);
    client = ErrandClient.builder().apiUrl(server.localUrl()).secretKey(secretKey).build();
    Run<JsonNode> waiting = client.runs().get(handle.id());
    assertThat(waiting.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(waiting.attempts())
        .singleElement()
        .satisfies(a -> assertThat(a.status()).isEqualTo("FAILED"));
    startWorker(TestTasks.FAILS_ONCE);

    Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);
    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.output()).isEqualTo("done on attempt 2");
    assertThat(run.error()).as("a completed run carries no error").isNull();
    assertThat(run.attempts().get(0).error().message()).isEqualTo("first attempt fails");
    assertThat(run.attemptCount()).isEqualTo(2);
    assertThat(
            Duration.between(run.attempts().get(0).finishedAt(), run.attempts().get(1).startedAt()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    assertThat(TestTasks.executions(key)).isEqualTo(2);
  }

  @Test
  void runOfKilledWorkerIsRetriedByAnotherAfterItsLeaseExpires() throws Exception {
    Path marker = tempDir.resolve("started-" + UUID.randomUUID());
    String deadWorkerId = unique("doomed-worker");
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                BlockingWorkerMain.class.getName(),
                server.localUrl(),
                secretKey,
                marker.toString(),
                deadWorkerId)
            .redirectErrorStream(true)
            .redirectOutput(tempDir.resolve("worker.log").toFile())
            .start();
    try {
      String key = unique("killed");
      // the child registers "slow"; trigger once it has
      RunHandle<String> handle =
          await()
              .atMost(TIMEOUT)
              .ignoreExceptions()
              .until(() -> client.trigger(TestTasks.SLOW, new Key(key)), h -> h != null);
      await().atMost(TIMEOUT).until(() -> Files.exists(marker) && Files.size(marker) > 0);
      assertThat(client.runs().get(handle.id()).status()).isEqualTo(RunStatus.EXECUTING);

      process.destroyForcibly(); // SIGKILL
      assertThat(process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      ErrandWorker survivor = startWorker(TestTasks.SLOW);

      Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);
      assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(run.output()).isEqualTo("finished by attempt 2");
      assertThat(run.attempts()).hasSize(2);
      assertThat(run.attempts().get(0).status()).isEqualTo("CRASHED");
      assertThat(run.attempts().get(0).workerId()).isEqualTo(deadWorkerId);
      assertThat(run.attempts().get(0).error().type()).isEqualTo("dev.errand.WorkerLost");
      assertThat(run.attempts().get(1).workerId()).isEqualTo(survivor.workerId());
      assertThat(
              Duration.between(
                  run.attempts().get(0).startedAt(), run.attempts().get(1).startedAt()))
          .isGreaterThanOrEqualTo(LEASE);
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void cancelingAnExecutingRunInterruptsItsAttemptAndRefusesItsResult() {
    startWorker(TestTasks.BLOCKS);
    String key = unique("cancel-executing");
    RunHandle<String> handle = client.trigger(TestTasks.BLOCKS, new Key(key));
    await().atMost(TIMEOUT).until(() -> TestTasks.executions(key) == 1);

    Run<JsonNode> canceled = client.runs().cancel(handle.id());

    assertThat(canceled.status()).isEqualTo(RunStatus.CANCELED);
    assertThat(canceled.attempts())
        .singleElement()
        .satisfies(a -> assertThat(a.status()).isEqualTo("CANCELED"));
    await()
        .atMost(LEASE.multipliedBy(2))
        .until(() -> TestTasks.executions(key + ":interrupted:true") == 1);
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> workers.getFirst().activeRuns() == 0);
    Run<String> after = client.runs().get(handle);
    assertThat(after.status()).isEqualTo(RunStatus.CANCELED);
    assertThat(after.output()).isNull();
  }

  @Test
  void aKeyOfAnotherEnvironmentCanNeitherCompleteNorHeartbeatARun() throws Exception {
    startWorker(TestTasks.BLOCKS);
    String stagingKey = SecretKeys.generate("staging");
    server.bootstrap("default", "staging", stagingKey);
    String key = unique("intruder");
    RunHandle<String> handle = client.trigger(TestTasks.BLOCKS, new Key(key));
    await().atMost(TIMEOUT).until(() -> TestTasks.executions(key) == 1);
    String forged =
        "{\"workerId\":\"intruder\",\"results\":[{\"runId\":\"%s\",\"taskIdentifier\":\"blocks\","
            + "\"leaseToken\":1,\"attempt\":1,\"success\":true,\"output\":\"forged\"}]}";

    HttpResponse<String> complete =
        post("/api/v1/workers/complete", forged.formatted(handle.id()), stagingKey);
    HttpResponse<String> heartbeat =
        post(
            "/api/v1/workers/heartbeat",
            "{\"workerId\":\"intruder\",\"leases\":[{\"runId\":\"%s\",\"leaseToken\":1}]}"
                .formatted(handle.id()),
            stagingKey);

    assertThat(complete.statusCode()).isEqualTo(200);
    assertThat(Json.mapper().readTree(complete.body()).path("rejected").get(0).asText())
        .isEqualTo(handle.id());
    assertThat(Json.mapper().readTree(heartbeat.body()).path("lost").get(0).asText())
        .isEqualTo(handle.id());
    Run<String> run = client.runs().get(handle);
    assertThat(run.status()).isEqualTo(RunStatus.EXECUTING);
    assertThat(run.output()).isNull();
    expectError(get("/api/v1/runs/" + handle.id(), stagingKey), 404, "run_not_found");
  }

  @Test
  void workerRestartedUnderTheSameIdTakesRunsAgain() {
    ErrandWorker first =
        ErrandWorker.builder()
            .client(client)
            .register(TestTasks.PROCESS_ORDER)
            .workerId("orders-worker-1")
            .build();
    first.start();
    first.close();
    ErrandWorker again =
        ErrandWorker.builder()
            .client(client)
            .register(TestTasks.PROCESS_ORDER)
            .workerId("orders-worker-1")
            .pollWait(Duration.ofSeconds(5))
            .build();
    again.start();
    workers.add(again);
    RunHandle<Receipt> handle =
        client.trigger(TestTasks.PROCESS_ORDER, new Order(unique("same-id"), 1));
    assertThat(client.runs().awaitCompletion(handle, TIMEOUT).status())
        .isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void anExceptionThatCannotDescribeItselfStillFailsTheRun() {
    startWorker(TestTasks.THROWS_BROKEN);
    Run<String> run =
        client
            .runs()
            .awaitCompletion(
                client.trigger(TestTasks.THROWS_BROKEN, new Key(unique("broken"))), TIMEOUT);
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.error().message()).contains("getMessage() threw");
  }

  @Test
  void aResultTheServerRefusesFailsItsRunAndHoldsBackNoOther() {
    startWorker(TestTasks.HUGE_OUTPUT, TestTasks.PROCESS_ORDER);
    RunHandle<String> huge = client.trigger(TestTasks.HUGE_OUTPUT, new Key(unique("huge")));
    RunHandle<Receipt> small =
        client.trigger(TestTasks.PROCESS_ORDER, new Order(unique("small"), 1));

    Run<String> hugeRun = client.runs().awaitCompletion(huge, TIMEOUT);
    assertThat(hugeRun.status()).isEqualTo(RunStatus.FAILED);
    assertThat(hugeRun.error().type()).isEqualTo("dev.errand.ResultRefused");
    assertThat(hugeRun.error().nonRetryable()).isTrue();
    assertThat(client.runs().awaitCompletion(small, TIMEOUT).status())
        .isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void aCpuBoundAttemptOnABusyWorkerKeepsItsLease() throws Exception {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djdk.virtualThreadScheduler.parallelism=1",
                "-cp",
                System.getProperty("java.class.path"),
                SpinningWorkerMain.class.getName(),
                server.localUrl(),
                secretKey)
            .redirectErrorStream(true)
            .redirectOutput(tempDir.resolve("spinning-worker.log").toFile())
            .start();
    try {
      RunHandle<String> handle =
          await()
              .atMost(TIMEOUT)
              .ignoreExceptions()
              .until(
                  () -> client.trigger(SpinningWorkerMain.SPIN, new Key(unique("spin"))),
                  h -> h != null);
      Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);
      assertThat(SpinningWorkerMain.SPIN_TIME).isGreaterThan(LEASE.multipliedBy(2));
      assertThat(run.attempts())
          .as("attempts: %s", run.attempts())
          .singleElement()
          .satisfies(a -> assertThat(a.status()).isEqualTo("COMPLETED"));
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void canceledQueuedRunNeverStarts() {
    ErrandWorker registrar = startWorker(TestTasks.PROCESS_ORDER);
    registrar.close();
    workers.remove(registrar);
    String canceledId = unique("canceled");
    RunHandle<Receipt> queued = client.trigger(TestTasks.PROCESS_ORDER, new Order(canceledId, 1));
    RunHandle<Receipt> delayed =
        client.trigger(
            TestTasks.PROCESS_ORDER,
            new Order(canceledId, 2),
            TriggerOptions.NONE.withDelay(Duration.ofMillis(300)));
    assertThat(client.runs().get(delayed.id()).status()).isEqualTo(RunStatus.DELAYED);

    assertThat(client.runs().cancel(queued.id()).status()).isEqualTo(RunStatus.CANCELED);
    assertThat(client.runs().cancel(delayed.id()).status()).isEqualTo(RunStatus.CANCELED);
    assertThatThrownBy(() -> client.runs().cancel(queued.id()))
        .isInstanceOfSatisfying(
            ErrandApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.code()).isEqualTo("run_not_cancelable");
            });

    startWorker(TestTasks.PROCESS_ORDER);
    String laterId = unique("later");
    RunHandle<Receipt> later =
        client.trigger(
            TestTasks.PROCESS_ORDER,
            new Order(laterId, 3),
            TriggerOptions.NONE.withDelay(Duration.ofMillis(600)));
    assertThat(client.runs().awaitCompletion(later, TIMEOUT).status())
        .isEqualTo(RunStatus.COMPLETED);

    for (RunHandle<Receipt> h : List.of(queued, delayed)) {
      Run<Receipt> run = client.runs().get(h);
      assertThat(run.status()).isEqualTo(RunStatus.CANCELED);
      assertThat(run.attemptCount()).isZero();
      assertThat(run.attempts()).isEmpty();
      assertThat(run.finishedAt()).isNotNull();
    }
    assertThat(TestTasks.executions(canceledId)).isZero();
  }

  @Test
  void batchTriggerStoresAllRunsAndTheyAllComplete() {
    startWorker(TestTasks.PROCESS_ORDER);
    List<Order> orders = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      orders.add(new Order(unique("batch" + i), i + 1));
    }
    List<RunHandle<Receipt>> handles = client.batchTrigger(TestTasks.PROCESS_ORDER, orders);
    assertThat(handles).hasSize(50).extracting(RunHandle::id).doesNotHaveDuplicates();
    for (int i = 0; i < handles.size(); i++) {
      Run<Receipt> run = client.runs().awaitCompletion(handles.get(i), TIMEOUT);
      assertThat(run.output().orderId()).isEqualTo(orders.get(i).orderId());
    }
  }

  @Test
  void idempotencyKeyReturnsTheExistingRun() {
    startWorker(TestTasks.PROCESS_ORDER);
    String orderId = unique("idem");
    TriggerOptions options =
        TriggerOptions.NONE.withIdempotencyKey("charge-" + orderId).withTags("idem", "order");
    RunHandle<Receipt> first =
        client.trigger(TestTasks.PROCESS_ORDER, new Order(orderId, 5), options);
    RunHandle<Receipt> second =
        client.trigger(TestTasks.PROCESS_ORDER, new Order(orderId, 5), options);
    assertThat(second.id()).isEqualTo(first.id());
    Run<Receipt> run = client.runs().awaitCompletion(first, TIMEOUT);
    assertThat(run.tags()).containsExactly("idem", "order");
    assertThat(run.idempotencyKey()).isEqualTo("charge-" + orderId);
    assertThat(TestTasks.executions(orderId)).isEqualTo(1);
  }

  @Test
  void replayCreatesANewRunWithTheSamePayload() {
    startWorker(TestTasks.PROCESS_ORDER);
    String orderId = unique("replay");
    RunHandle<Receipt> original = client.trigger(TestTasks.PROCESS_ORDER, new Order(orderId, 7));
    client.runs().awaitCompletion(original, TIMEOUT);

    String replayId = client.runs().replay(original.id());

    assertThat(replayId).isNotEqualTo(original.id());
    Run<Receipt> replay =
        client.runs().awaitCompletion(new RunHandle<>(replayId, Receipt.class), TIMEOUT);
    assertThat(replay.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(replay.payload()).isEqualTo(client.runs().get(original.id()).payload());
    assertThat(TestTasks.executions(orderId)).isEqualTo(2);
  }

  @Test
  void replayWithAnEditedPayloadRunsThatPayload() throws Exception {
    startWorker(TestTasks.PROCESS_ORDER);
    String orderId = unique("edited");
    RunHandle<Receipt> original = client.trigger(TestTasks.PROCESS_ORDER, new Order(orderId, 7));
    client.runs().awaitCompletion(original, TIMEOUT);

    String replayId = client.runs().replay(original.id(), new Order(orderId + "-fixed", 8));

    Run<Receipt> replay =
        client.runs().awaitCompletion(new RunHandle<>(replayId, Receipt.class), TIMEOUT);
    assertThat(replay.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(replay.output().orderId()).isEqualTo(orderId + "-fixed");
    assertThat(replay.replayOf()).isEqualTo(original.id());
    String path = "/api/v1/runs/" + original.id() + "/replay";
    expectError(post(path, "{\"payload\": {\"orderId\": 5}}"), 400, "invalid_payload");
    expectError(post(path, "{\"tags\": []}"), 400, "invalid_request");
    expectError(post(path, "[]"), 400, "invalid_request");
  }

  @Test
  void listFiltersAndPagesRuns() {
    ErrandWorker registrar = startWorker(TestTasks.PROCESS_ORDER, TestTasks.NON_RETRYABLE);
    registrar.close();
    workers.remove(registrar);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      ids.add(
          client
              .trigger(
                  TestTasks.PROCESS_ORDER,
                  new Order("p" + i, 1),
                  TriggerOptions.NONE.withTags(i % 2 == 0 ? "even" : "odd"))
              .id());
    }
    client.trigger(TestTasks.NON_RETRYABLE, new Key("other"));

    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      var page =
          client
              .runs()
              .list(
                  RunQuery.ALL.withTaskIdentifier("process-order").withLimit(3).withCursor(cursor));
      page.data().forEach(r -> seen.add(r.id()));
      cursor = page.nextCursor();
    } while (cursor != null);
    assertThat(seen).containsExactlyElementsOf(ids.reversed());
    assertThat(client.runs().list(RunQuery.ALL.withTag("even")).data()).hasSize(4);
    assertThat(client.runs().list(RunQuery.ALL.withStatus(RunStatus.QUEUED)).data()).hasSize(8);
    assertThat(client.runs().list(RunQuery.ALL.withStatus(RunStatus.COMPLETED)).data()).isEmpty();
  }

  @Test
  void badInputGetsItsStatusAndErrorBodyAndCreatesNoRun() throws Exception {
    ErrandWorker registrar = startWorker(TestTasks.PROCESS_ORDER);
    registrar.close();
    workers.remove(registrar);
    String trigger = "/api/v1/tasks/process-order/trigger";

    expectError(
        post("/api/v1/tasks/no-such-task/trigger", "{\"payload\":{}}", secretKey),
        404,
        "task_not_found");
    expectError(post(trigger, "{\"payload\": {\"orderId\": ", secretKey), 400, "invalid_json");
    expectError(post(trigger, "", secretKey), 400, "invalid_json");
    expectError(post(trigger, "[1,2]", secretKey), 400, "invalid_request");
    expectError(
        post(trigger, "{\"payload\":{\"orderId\":42,\"amountCents\":1}}", secretKey),
        400,
        "invalid_payload");
    expectError(
        post(trigger, "{\"payload\":{\"orderId\":\"o\",\"amountCents\":\"ten\"}}", secretKey),
        400,
        "invalid_payload");
    expectError(
        post(trigger, "{\"payload\":{\"orderId\":\"o\"}}", secretKey), 400, "invalid_payload");
    expectError(
        post(
            trigger,
            "{\"payload\":{\"orderId\":\"o\",\"amountCents\":1,\"extra\":true}}",
            secretKey),
        400,
        "invalid_payload");
    expectError(
        post(
            trigger,
            "{\"payload\":{\"orderId\":\"o\",\"amountCents\":1},\"options\":{\"delay\":\"soon\"}}",
            secretKey),
        400,
        "invalid_options");
    expectError(
        post(
            trigger,
            "{\"payload\":{\"orderId\":\"o\",\"amountCents\":1},\"options\":{\"colour\":1}}",
            secretKey),
        400,
        "invalid_options");
    expectError(
        post(trigger, "{\"payload\":{\"orderId\":\"o\",\"amountCents\":1}}", null),
        401,
        "unauthorized");
    expectError(
        post(trigger, "{\"payload\":{\"orderId\":\"o\",\"amountCents\":1}}", "sk_test_wrong"),
        401,
        "unauthorized");
    StringBuilder tooMany = new StringBuilder("{\"items\":[");
    for (int i = 0; i <= 1_000; i++) {
      tooMany
          .append(i == 0 ? "" : ",")
          .append("{\"payload\":{\"orderId\":\"o\",\"amountCents\":1}}");
    }
    expectError(
        post("/api/v1/tasks/process-order/batch", tooMany + "]}", secretKey),
        400,
        "batch_too_large");
    expectError(
        post(
            "/api/v1/tasks/process-order/batch",
            "{\"items\":[{\"payload\":{\"orderId\":\"o\",\"amountCents\":1}},{\"payload\":{\"orderId\":1}}]}",
            secretKey),
        400,
        "invalid_payload");
    expectError(
        get("/api/v1/runs/run_00000000000000000000000000", secretKey), 404, "run_not_found");
    expectError(get("/api/v1/runs/nope", secretKey), 404, "run_not_found");
    expectError(get("/api/v1/runs?status=DONE", secretKey), 400, "invalid_query");
    expectError(get("/api/v1/runs?limit=1000", secretKey), 400, "invalid_query");
    expectError(get("/api/v1/runs", "sk_test_wrong"), 401, "unauthorized");
    expectError(post(trigger, "{}", secretKey), 400, "invalid_payload");
    expectError(post(trigger, "{\"payload\":null}", secretKey), 400, "invalid_payload");
    expectError(
        post(trigger, "{\"paylod\":{\"orderId\":\"o\",\"amountCents\":1}}", secretKey),
        400,
        "invalid_request");
    expectError(
        post(trigger, "{\"payload\":{\"orderId\":\"o\",\"amountCents\":1e30}}", secretKey),
        400,
        "invalid_payload");
    expectError(
        post(
            trigger,
            "{\"payload\":{\"orderId\":\"o\",\"amountCents\":1},\"options\":{\"tags\":[\"a\\u0000b\"]}}",
            secretKey),
        400,
        "invalid_options");
    expectError(
        post(
            trigger,
            "{\"payload\":{\"orderId\":\"o\",\"amountCents\":1},\"options\":{\"idempotencyKey\":\"k\\u0000\"}}",
            secretKey),
        400,
        "invalid_options");
    expectError(get("/api/v1/runs?tag=a%00b", secretKey), 400, "invalid_query");
    expectError(get("/api/v1/nothing-here", secretKey), 404, "not_found");
    String raw = rawGet("/api/v1/runs/%zz");
    assertThat(raw)
        .startsWith("HTTP/1.1 400")
        .contains("application/json")
        .contains("\"code\":\"bad_request\"");
    expectError(
        post("/api/v1/workers/heartbeat", "{\"workerId\":\"w\",\"leases\":[null]}", secretKey),
        400,
        "invalid_request");
    expectError(
        post("/api/v1/workers/complete", "{\"workerId\":\"w\",\"results\":[null]}", secretKey),
        400,
        "invalid_request");
    expectError(
        post("/api/v1/workers/register", "{\"workerId\":\"w\",\"tasks\":[null]}", secretKey),
        400,
        "invalid_request");
    expectError(
        post(
            "/api/v1/workers/claim",
            "{\"workerId\":\"w\\u0000\",\"tasks\":[\"process-order\"],\"max\":1}",
            secretKey),
        400,
        "invalid_request");

    assertThat(client.runs().list(RunQuery.ALL).data()).isEmpty();
    HttpResponse<String> health = get("/healthz", null);
    assertThat(health.statusCode()).isEqualTo(200);
  }

  @Test
  void healthIs503OnceTheStoreIsGone() throws Exception {
    assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
    server.store().close();
    HttpResponse<String> health = get("/healthz", null);
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(health.body()).contains("store_unreachable");
    expectError(
        post("/api/v1/tasks/process-order/trigger", "{\"payload\":{}}", secretKey),
        503,
        "store_unavailable");
  }

  /** A GET written by hand, for request lines that java.net.URI refuses to build. */
  private String rawGet(String path) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return new String(
          socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }
}
