package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.BulkAction;
import dev.errand.sdk.ErrandApiException;
import dev.errand.sdk.ErrandWorker;
import dev.errand.sdk.Run;
import dev.errand.sdk.RunFilter;
import dev.errand.sdk.RunHandle;
import dev.errand.sdk.RunQuery;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.TriggerOptions;
import dev.errand.server.e2e.TestTasks.Key;
import dev.errand.server.e2e.TestTasks.Order;
import dev.errand.server.e2e.TestTasks.Receipt;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Bulk cancel and bulk replay by filter ({@code POST /api/v1/runs/bulk/cancel|replay}), with their
 * progress ({@code GET /api/v1/bulk-actions/{id}}). On both stores.
 */
abstract class BulkActionTest extends ServerTestBase {

  List<Run<JsonNode>> runsTagged(String tag) {
    return client.runs().list(RunQuery.ALL.withTag(tag).withLimit(100)).data();
  }

  BulkAction awaitFinished(String actionId) {
    return await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> client.runs().bulkAction(actionId), BulkAction::isFinished);
  }

  @Test
  void bulkReplayOfFailedRunsByTagReplaysEachRunOnce() throws Exception {
    startWorker(TestTasks.NON_RETRYABLE);
    String tag = unique("import");
    Set<String> originals = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      originals.add(
          client
              .trigger(
                  TestTasks.NON_RETRYABLE,
                  new Key(tag + "/" + i),
                  TriggerOptions.NONE.withTags(tag))
              .id());
    }
    await()
        .atMost(TIMEOUT)
        .until(() -> runsTagged(tag).stream().allMatch(r -> r.status() == RunStatus.FAILED));

    BulkAction started =
        client.runs().bulkReplay(RunFilter.NONE.withTag(tag).withStatuses(RunStatus.FAILED));

    assertThat(started.id()).startsWith("bulk_");
    assertThat(started.kind()).isEqualTo(BulkAction.Kind.REPLAY);
    assertThat(started.status()).isEqualTo(BulkAction.Status.RUNNING);
    assertThat(started.total()).isEqualTo(30);
    assertThat(started.processed()).isZero();
    assertThat(started.filter().tag()).isEqualTo(tag);
    assertThat(started.filter().statuses()).containsExactly(RunStatus.FAILED);
    BulkAction done = awaitFinished(started.id());
    assertThat(done.status()).isEqualTo(BulkAction.Status.COMPLETED);
    assertThat(done.total()).isEqualTo(30);
    assertThat(done.processed()).isEqualTo(30);
    assertThat(done.succeeded()).isEqualTo(30);
    assertThat(done.failed()).isZero();
    assertThat(done.finishedAt()).isNotNull();

    List<Run<JsonNode>> all = runsTagged(tag);
    assertThat(all).hasSize(60);
    List<String> replayed =
        all.stream().map(Run::replayOf).filter(java.util.Objects::nonNull).toList();
    assertThat(replayed).hasSize(30).containsExactlyInAnyOrderElementsOf(originals);
    await()
        .atMost(TIMEOUT)
        .until(() -> runsTagged(tag).stream().allMatch(r -> r.status() == RunStatus.FAILED));
    for (int i = 0; i < 30; i++) {
      assertThat(TestTasks.executions(tag + "/" + i)).isEqualTo(2);
    }
    JsonNode listed = getJson("/api/v1/bulk-actions");
    assertThat(listed.path("data").get(0).path("id").asText()).isEqualTo(started.id());
    assertThat(listed.path("data").get(0).path("processed").asInt()).isEqualTo(30);
  }

  @Test
  void bulkCancelOfQueuedAndDelayedRunsByTaskStartsNoneOfThem() {
    ErrandWorker registrar = startWorker(TestTasks.PROCESS_ORDER);
    registrar.close();
    workers.remove(registrar);
    String prefix = unique("never");
    List<String> canceled = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      TriggerOptions options =
          i % 2 == 0 ? TriggerOptions.NONE : TriggerOptions.NONE.withDelay(Duration.ofMillis(300));
      canceled.add(
          client.trigger(TestTasks.PROCESS_ORDER, new Order(prefix + "/" + i, 1), options).id());
    }

    BulkAction started =
        client
            .runs()
            .bulkCancel(
                RunFilter.NONE
                    .withTaskIdentifier(TestTasks.PROCESS_ORDER.id())
                    .withStatuses(RunStatus.QUEUED, RunStatus.DELAYED));
    String laterId = unique("later");
    RunHandle<Receipt> later = client.trigger(TestTasks.PROCESS_ORDER, new Order(laterId, 1));

    assertThat(started.total()).isEqualTo(6);
    BulkAction done = awaitFinished(started.id());
    assertThat(done.status()).isEqualTo(BulkAction.Status.COMPLETED);
    assertThat(done.succeeded()).isEqualTo(6);
    assertThat(done.skipped()).isZero();
    startWorker(TestTasks.PROCESS_ORDER);
    assertThat(client.runs().awaitCompletion(later, TIMEOUT).status())
        .as("created after the action started")
        .isEqualTo(RunStatus.COMPLETED);
    await()
        .during(Duration.ofMillis(600))
        .atMost(Duration.ofSeconds(3))
        .until(
            () -> {
              for (int i = 0; i < 6; i++) {
                if (TestTasks.executions(prefix + "/" + i) != 0) {
                  return false;
                }
              }
              return true;
            });
    for (String id : canceled) {
      Run<JsonNode> run = client.runs().get(id);
      assertThat(run.status()).isEqualTo(RunStatus.CANCELED);
      assertThat(run.attemptCount()).isZero();
    }
  }

  @Test
  void bulkCancelInterruptsAnExecutingRunAndSkipsFinishedOnes() {
    startWorker(1, TestTasks.BLOCKS);
    String tag = unique("stuck");
    String first = unique("first");
    String second = unique("second");
    RunHandle<String> executing =
        client.trigger(TestTasks.BLOCKS, new Key(first), TriggerOptions.NONE.withTags(tag));
    RunHandle<String> queued =
        client.trigger(TestTasks.BLOCKS, new Key(second), TriggerOptions.NONE.withTags(tag));
    await().atMost(TIMEOUT).until(() -> TestTasks.executions(first) == 1);
    RunHandle<String> finished =
        client.trigger(
            TestTasks.BLOCKS, new Key(unique("done")), TriggerOptions.NONE.withTags(tag));
    client.runs().cancel(finished.id());

    BulkAction done = awaitFinished(client.runs().bulkCancel(RunFilter.NONE.withTag(tag)).id());

    assertThat(done.status()).isEqualTo(BulkAction.Status.COMPLETED);
    assertThat(done.total()).isEqualTo(3);
    assertThat(done.succeeded()).isEqualTo(2);
    assertThat(done.skipped()).as("already canceled").isEqualTo(1);
    await()
        .atMost(LEASE.multipliedBy(2))
        .until(() -> TestTasks.executions(first + ":interrupted:true") == 1);
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> workers.getFirst().activeRuns() == 0);
    assertThat(TestTasks.executions(second)).isZero();
    assertThat(client.runs().get(executing.id()).status()).isEqualTo(RunStatus.CANCELED);
    assertThat(client.runs().get(queued.id()).status()).isEqualTo(RunStatus.CANCELED);
  }

  @Test
  void aBulkActionSurvivesAServerRestartWithoutLosingOrDuplicatingRuns() {
    ErrandWorker registrar = startWorker(TestTasks.PROCESS_ORDER);
    registrar.close();
    workers.remove(registrar);
    String prefix = unique("restart");
    List<Order> orders = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      orders.add(new Order(prefix + "/" + i, 1));
    }
    Set<String> originals = new HashSet<>();
    client.batchTrigger(TestTasks.PROCESS_ORDER, orders).forEach(h -> originals.add(h.id()));
    BulkAction started =
        client
            .runs()
            .bulkReplay(
                RunFilter.NONE
                    .withTaskIdentifier(TestTasks.PROCESS_ORDER.id())
                    .withStatuses(RunStatus.QUEUED));
    int port = java.net.URI.create(server.localUrl()).getPort();

    server.close();
    server = startServerOn(port);

    BulkAction done = awaitFinished(started.id());
    assertThat(done.status()).isEqualTo(BulkAction.Status.COMPLETED);
    assertThat(done.total()).isEqualTo(250);
    assertThat(done.processed()).isEqualTo(250);
    assertThat(done.succeeded()).isEqualTo(250);
    List<String> replayOf = new ArrayList<>();
    String cursor = null;
    do {
      var page =
          client
              .runs()
              .list(
                  RunQuery.ALL
                      .withTaskIdentifier(TestTasks.PROCESS_ORDER.id())
                      .withLimit(100)
                      .withCursor(cursor));
      page.data().stream()
          .map(Run::replayOf)
          .filter(java.util.Objects::nonNull)
          .forEach(replayOf::add);
      cursor = page.nextCursor();
    } while (cursor != null);
    assertThat(replayOf).hasSize(250).containsExactlyInAnyOrderElementsOf(originals);
  }

  @Test
  void badFiltersAreRefused() throws Exception {
    for (String body :
        List.of("{}", "{\"filter\":{}}", "{\"filter\":null}", "{\"filter\":{\"tag\":null}}")) {
      expectError(post("/api/v1/runs/bulk/cancel", body), 400, "filter_required");
    }
    for (String filter :
        List.of(
            "{\"status\":\"NOPE\"}",
            "{\"status\":[]}",
            "{\"status\":[1]}",
            "{\"taskId\":\"process-order\"}",
            "{\"taskIdentifier\":\"no spaces\"}",
            "{\"tag\":\"\"}",
            "{\"from\":\"yesterday\"}",
            "{\"from\":\"2026-01-02T00:00:00Z\",\"to\":\"2026-01-01T00:00:00Z\"}")) {
      expectError(
          post("/api/v1/runs/bulk/replay", "{\"filter\":" + filter + "}"), 400, "invalid_filter");
    }
    expectError(post("/api/v1/runs/bulk/replay", "[]"), 400, "invalid_request");
    expectError(
        post("/api/v1/runs/bulk/replay", "{\"filter\":{\"tag\":\"a\"},\"all\":true}"),
        400,
        "invalid_request");
    expectError(post("/api/v1/runs/bulk/cancel", "not json"), 400, "invalid_json");
    expectError(get("/api/v1/bulk-actions/nope", secretKey), 404, "bulk_action_not_found");
    expectError(
        get("/api/v1/bulk-actions/bulk_00000000000000000000000000", secretKey),
        404,
        "bulk_action_not_found");
    expectError(get("/api/v1/bulk-actions?cursor=run_1", secretKey), 400, "invalid_query");
    expectError(get("/api/v1/bulk-actions", null), 401, "unauthorized");
    assertThatThrownBy(() -> client.runs().bulkCancel(RunFilter.NONE))
        .isInstanceOfSatisfying(
            ErrandApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.code()).isEqualTo("filter_required");
            });
  }

  @Test
  void bulkActionsAreListedNewestFirstPageByPage() throws Exception {
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(
          client
              .runs()
              .bulkCancel(RunFilter.NONE.withCreatedBetween(now.minusSeconds(60 + i), now))
              .id());
    }
    BulkAction empty = client.runs().bulkAction(ids.getFirst());
    assertThat(empty.status()).isEqualTo(BulkAction.Status.COMPLETED);
    assertThat(empty.total()).isZero();
    assertThat(empty.filter().from()).isEqualTo(now.minusSeconds(60));

    JsonNode page = getJson("/api/v1/bulk-actions?limit=2");
    assertThat(page.path("data").findValuesAsText("id")).containsExactly(ids.get(2), ids.get(1));
    JsonNode next =
        getJson("/api/v1/bulk-actions?limit=2&cursor=" + page.path("nextCursor").asText());
    assertThat(next.path("data").findValuesAsText("id")).containsExactly(ids.get(0));
    assertThat(next.path("nextCursor").isNull()).isTrue();
  }
}
