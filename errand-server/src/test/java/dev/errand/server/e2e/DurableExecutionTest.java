package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.NonDeterminismException;
import dev.errand.sdk.Run;
import dev.errand.sdk.RunHandle;
import dev.errand.sdk.RunQuery;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.TriggerOptions;
import dev.errand.sdk.internal.Json;
import dev.errand.server.auth.SecretKeys;
import dev.errand.server.e2e.DurableTasks.Squares;
import dev.errand.server.e2e.TestTasks.Key;
import dev.errand.server.engine.RunIds;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Durable execution end to end: steps, waits, tokens and child runs, on both stores. */
abstract class DurableExecutionTest extends ServerTestBase {

  @Test
  void recordedStepsAreReplayedOnTheRetryNotExecutedAgain() throws Exception {
    startWorker(DurableTasks.THREE_STEPS_FAILS_ONCE);
    String key = unique("k");
    RunHandle<String> handle = client.trigger(DurableTasks.THREE_STEPS_FAILS_ONCE, new Key(key));

    Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);

    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.output()).isEqualTo("a1," + handle.id() + ":two:0|1,c1");
    assertThat(DurableTasks.effects(key, "one")).isEqualTo(1);
    assertThat(DurableTasks.effects(key, "two")).isEqualTo(1);
    assertThat(DurableTasks.effects(key, "three")).isEqualTo(1);
    JsonNode steps = getJson("/api/v1/runs/" + handle.id()).path("steps");
    assertThat(steps).hasSize(3);
    assertThat(steps.get(0).path("name").asText()).isEqualTo("one");
    assertThat(steps.get(0).path("attempt").asInt()).isEqualTo(1);
    assertThat(steps.get(2).path("attempt").asInt()).isEqualTo(2);
  }

  @Test
  void aWaitFreesTheWorkerAndResumes() {
    startWorker(DurableTasks.WAITS);
    String key = unique("w");
    RunHandle<String> handle = client.trigger(DurableTasks.WAITS, new Key(key));

    await().atMost(TIMEOUT).until(() -> client.runs().get(handle).status() == RunStatus.WAITING);
    Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);

    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(DurableTasks.effects(key, "before")).isEqualTo(1);
    assertThat(DurableTasks.effects(key, "after")).isEqualTo(1);
    assertThat(run.attemptCount()).isEqualTo(1);
  }

  @Test
  void aTokenCompletedOverHttpResumesTheRunWithItsData() throws Exception {
    startWorker(DurableTasks.APPROVAL);
    String key = unique("t");
    RunHandle<String> handle = client.trigger(DurableTasks.APPROVAL, new Key(key));
    await().atMost(TIMEOUT).until(() -> DurableTasks.TOKENS.containsKey(key));
    String tokenId = DurableTasks.TOKENS.get(key);
    await().atMost(TIMEOUT).until(() -> client.runs().get(handle).status() == RunStatus.WAITING);

    HttpResponse<String> first =
        post(
            "/api/v1/waitpoints/tokens/" + tokenId + "/complete",
            "{\"data\":{\"approved\":true,\"by\":\"ana\"}}");
    HttpResponse<String> second =
        post("/api/v1/waitpoints/tokens/" + tokenId + "/complete", "{\"data\":{}}");

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(second.statusCode()).isEqualTo(409);
    assertThat(second.body()).contains("token_already_completed");
    Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);
    assertThat(run.output()).isEqualTo("approved by ana");
    assertThat(DurableTasks.effects(key, "resumed")).isEqualTo(1);
  }

  @Test
  void aTokenThatTimesOutResumesTheRunWithATimeout() {
    startWorker(DurableTasks.APPROVAL);
    String key = unique("short");
    RunHandle<String> handle = client.trigger(DurableTasks.APPROVAL, new Key(key));

    Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);

    assertThat(run.output()).isEqualTo("timed out");
  }

  @Test
  void aParentWaitsForTwentyChildrenAndGetsTheirOutputsInOrder() {
    startWorker(2, DurableTasks.FAN_OUT, DurableTasks.SQUARE);
    String key = unique("f");
    RunHandle<Squares> handle = client.trigger(DurableTasks.FAN_OUT, new Key(key));

    Run<Squares> run = client.runs().awaitCompletion(handle, TIMEOUT);

    assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.output().values())
        .isEqualTo(IntStream.range(0, 20).map(i -> i * i).boxed().toList());
    assertThat(DurableTasks.effects(key, "fan-out-start")).isEqualTo(2);
  }

  // --- maximum duration ------------------------------------------------------------------

  @Test
  void anAttemptPastItsMaxDurationIsInterruptedAndTheRetryResumesAfterTheLastStep() {
    startWorker(DurableTasks.SLOW_STEP_ON_FIRST_ATTEMPT);
    String key = unique("slow");
    RunHandle<String> handle =
        client.trigger(DurableTasks.SLOW_STEP_ON_FIRST_ATTEMPT, new Key(key));

    Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);

    assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.output()).isEqualTo("one1,two on attempt 2");
    assertThat(DurableTasks.effects(key, "one")).isEqualTo(1);
    assertThat(DurableTasks.effects(key, "two")).isEqualTo(2);
    assertThat(DurableTasks.effects(key, "two-interrupted")).isEqualTo(1);
    assertThat(run.attempts()).hasSize(2);
    assertThat(run.attempts().get(0).status()).isEqualTo("TIMED_OUT");
    assertThat(run.attempts().get(0).error().type()).isEqualTo("dev.errand.MaxDurationExceeded");
    assertThat(run.attempts().get(1).status()).isEqualTo("COMPLETED");
  }

  @Test
  void aRunWhoseAttemptsAllOutlastTheMaxDurationEndsTimedOut() {
    startWorker(DurableTasks.ALWAYS_TOO_SLOW);
    String key = unique("too-slow");
    RunHandle<String> handle = client.trigger(DurableTasks.ALWAYS_TOO_SLOW, new Key(key));

    Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);

    assertThat(run.status()).isEqualTo(RunStatus.TIMED_OUT);
    assertThat(run.error().type()).isEqualTo("dev.errand.MaxDurationExceeded");
    assertThat(run.output()).isNull();
    assertThat(run.attemptCount()).isEqualTo(2);
    assertThat(run.attempts())
        .hasSize(2)
        .allSatisfy(a -> assertThat(a.status()).isEqualTo("TIMED_OUT"));
    assertThat(DurableTasks.effects(key, "started")).isEqualTo(2);
  }

  @Test
  void aMaxDurationGivenAtTriggerTimeWinsOverTheTasks() throws Exception {
    startWorker(4, DurableTasks.ALWAYS_TOO_SLOW, DurableTasks.SLEEPS_WITHOUT_LIMIT);
    RunHandle<String> longer =
        client.trigger(
            DurableTasks.ALWAYS_TOO_SLOW,
            new Key(unique("longer")),
            TriggerOptions.NONE.withMaxDuration(Duration.ofSeconds(30)));
    RunHandle<String> shorter =
        client.trigger(
            DurableTasks.SLEEPS_WITHOUT_LIMIT,
            new Key(unique("shorter")),
            TriggerOptions.NONE.withMaxDuration(Duration.ofSeconds(1)));

    Run<String> longerRun = client.runs().awaitCompletion(longer, TIMEOUT);
    Run<String> shorterRun = client.runs().awaitCompletion(shorter, TIMEOUT);

    assertThat(longerRun.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(longerRun.output()).isEqualTo("finished on attempt 1");
    assertThat(getJson("/api/v1/runs/" + longer.id()).path("maxDuration").asText())
        .isEqualTo("PT30S");
    assertThat(shorterRun.status()).isEqualTo(RunStatus.TIMED_OUT);
    assertThat(shorterRun.error().type()).isEqualTo("dev.errand.MaxDurationExceeded");
    assertThat(getJson("/api/v1/runs/" + shorter.id()).path("maxDuration").asText())
        .isEqualTo("PT1S");
  }

  @Test
  void anAttemptPastItsMaxDurationIsCancelledForATaskThatAsks() {
    startWorker(DurableTasks.STOPS_WHEN_CANCELLED);
    String key = unique("cooperative");
    RunHandle<String> handle = client.trigger(DurableTasks.STOPS_WHEN_CANCELLED, new Key(key));

    Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);

    assertThat(run.status()).isEqualTo(RunStatus.TIMED_OUT);
    await().atMost(TIMEOUT).until(() -> DurableTasks.effects(key, "stopped") == 1);
    assertThat(DurableTasks.effects(key, "interrupt-ignored")).isEqualTo(1);
    assertThat(client.runs().get(handle).status()).isEqualTo(RunStatus.TIMED_OUT);
  }

  // --- determinism -----------------------------------------------------------------------

  @Test
  void codeThatReachesItsStepsInAnotherOrderFailsTheRunWithoutRunningAStepTwice() throws Exception {
    startWorker(DurableTasks.CHANGES_STEP_ORDER);
    String key = unique("nd");
    RunHandle<String> handle = client.trigger(DurableTasks.CHANGES_STEP_ORDER, new Key(key));

    Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);

    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.error().type()).isEqualTo(NonDeterminismException.class.getName());
    assertThat(run.error().nonRetryable()).isTrue();
    assertThat(run.error().message()).contains("'a'").contains("'b'");
    assertThat(run.attemptCount()).as("not retried").isEqualTo(2);
    assertThat(DurableTasks.effects(key, "a")).isEqualTo(1);
    assertThat(DurableTasks.effects(key, "b")).isEqualTo(1);
    JsonNode steps = getJson("/api/v1/runs/" + handle.id()).path("steps");
    assertThat(steps).hasSize(2);
    assertThat(steps.get(0).path("name").asText()).isEqualTo("a");
    assertThat(steps.get(1).path("name").asText()).isEqualTo("b");
  }

  // --- step retries ----------------------------------------------------------------------

  @Test
  void aStepRetriedByItsOwnPolicySucceedsWithinOneAttempt() throws Exception {
    startWorker(DurableTasks.FLAKY_STEP);
    String key = unique("flaky");
    RunHandle<String> handle = client.trigger(DurableTasks.FLAKY_STEP, new Key(key));

    Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);

    assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.output()).isEqualTo("ok on try 3");
    assertThat(run.attemptCount()).isEqualTo(1);
    assertThat(DurableTasks.effects(key, "flaky")).isEqualTo(3);
    JsonNode step = getJson("/api/v1/runs/" + handle.id()).path("steps").get(0);
    assertThat(step.path("name").asText()).isEqualTo("flaky");
    assertThat(step.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(step.path("attempts").asInt()).isEqualTo(3);
    assertThat(step.path("output").asText()).isEqualTo("ok on try 3");
  }

  @Test
  void aStepThatFailsAllItsTriesFailsTheAttemptAndIsRecordedFailed() throws Exception {
    startWorker(DurableTasks.HOPELESS_STEP);
    String key = unique("hopeless");
    RunHandle<String> handle = client.trigger(DurableTasks.HOPELESS_STEP, new Key(key));

    Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);

    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.error().type()).isEqualTo("java.io.IOException");
    assertThat(run.error().message()).isEqualTo("hopeless on try 3");
    assertThat(DurableTasks.effects(key, "hopeless")).isEqualTo(3);
    JsonNode step = getJson("/api/v1/runs/" + handle.id()).path("steps").get(0);
    assertThat(step.path("status").asText()).isEqualTo("FAILED");
    assertThat(step.path("attempts").asInt()).isEqualTo(3);
    assertThat(step.path("output").isNull()).isTrue();
    assertThat(step.path("error").path("type").asText()).isEqualTo("java.io.IOException");
    assertThat(step.path("error").path("message").asText()).isEqualTo("hopeless on try 3");
  }

  // --- child runs ------------------------------------------------------------------------

  @Test
  void aParentGetsTheOutputOfAChildThatCompletedAndTheErrorOfOneThatFailed() throws Exception {
    startWorker(DurableTasks.MIXED_CHILDREN, DurableTasks.SQUARE);
    RunHandle<String> handle =
        client.trigger(DurableTasks.MIXED_CHILDREN, new Key(unique("mixed")));

    Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);

    assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.output())
        .startsWith("COMPLETED 9 / FAILED dev.errand.sdk.NonRetryableException: negative / run_");
    String failedChild = run.output().substring(run.output().lastIndexOf(' ') + 1);
    Run<JsonNode> child = client.runs().get(failedChild);
    assertThat(child.status()).isEqualTo(RunStatus.FAILED);
    assertThat(getJson("/api/v1/runs/" + failedChild).path("parentRunId").asText())
        .isEqualTo(handle.id());
    JsonNode wait = getJson("/api/v1/runs/" + handle.id()).path("waitpoints").get(0);
    assertThat(wait.path("type").asText()).isEqualTo("RUN");
    assertThat(wait.path("childCount").asInt()).isEqualTo(2);
    assertThat(wait.path("status").asText()).isEqualTo("COMPLETED");
  }

  // --- canceling -------------------------------------------------------------------------

  @Test
  void cancelingAParentThatWaitsForChildrenCancelsItsUnfinishedChildren() throws Exception {
    startWorker(1, DurableTasks.PARENT_OF_LINGERING, DurableTasks.LINGERING_CHILD);
    String key = unique("parent");
    RunHandle<String> parent = client.trigger(DurableTasks.PARENT_OF_LINGERING, new Key(key));
    // One slot: child 0 completes, child 1 waits, child 2 blocks the slot, child 3 stays queued.
    List<RunStatus> expected =
        List.of(RunStatus.COMPLETED, RunStatus.WAITING, RunStatus.EXECUTING, RunStatus.QUEUED);
    await()
        .atMost(TIMEOUT)
        .until(
            () -> childStatuses(key).equals(expected) && DurableTasks.effects(key, "child-2") == 1);
    assertThat(client.runs().get(parent).status()).isEqualTo(RunStatus.WAITING);
    List<String> children = childIds(key);

    assertThat(client.runs().cancel(parent.id()).status()).isEqualTo(RunStatus.CANCELED);

    assertThat(childStatuses(key))
        .containsExactly(
            RunStatus.COMPLETED, RunStatus.CANCELED, RunStatus.CANCELED, RunStatus.CANCELED);
    await().atMost(TIMEOUT).until(() -> DurableTasks.effects(key, "child-2-interrupted") == 1);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                client.runs().get(parent).status() == RunStatus.CANCELED
                    && childStatuses(key).getLast() == RunStatus.CANCELED);
    assertThat(DurableTasks.effects(key, "parent-start")).isEqualTo(1);
    assertThat(DurableTasks.effects(key, "parent-resumed")).isZero();
    assertThat(DurableTasks.effects(key, "child-3")).as("the queued child never ran").isZero();
    assertThat(client.runs().get(children.get(3)).attempts()).isEmpty();
  }

  /** The children tagged {@code key}, by their payload's n. */
  private List<Run<JsonNode>> children(String key) {
    List<Run<JsonNode>> runs =
        new java.util.ArrayList<>(client.runs().list(RunQuery.ALL.withTag(key)).data());
    runs.sort(java.util.Comparator.comparingInt(r -> r.payload().path("n").asInt()));
    return runs;
  }

  private List<RunStatus> childStatuses(String key) {
    return children(key).stream().map(Run::status).toList();
  }

  private List<String> childIds(String key) {
    return children(key).stream().map(Run::id).toList();
  }

  // --- tokens through the API ------------------------------------------------------------

  static final String TOKENS = "/api/v1/waitpoints/tokens";

  JsonNode json(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Json.mapper().readTree(response.body());
  }

  List<String> tokenIds(String query) throws Exception {
    List<String> ids = new java.util.ArrayList<>();
    getJson(TOKENS + query).path("data").forEach(t -> ids.add(t.path("id").asText()));
    return ids;
  }

  @Test
  void aTokenMadeByTheApiIsCompletedThroughItsCallbackUrlWithoutAKey() throws Exception {
    String key = unique("api-token");
    String create =
        "{\"timeout\":\"10m\",\"idempotencyKey\":\"%s\",\"tags\":[\"%s\",\"approvals\"]}"
            .formatted(key, key);
    JsonNode token = json(post(TOKENS, create));
    JsonNode again = json(post(TOKENS, create));
    String id = token.path("id").asText();
    assertThat(id).startsWith("waitpoint_");
    assertThat(again.path("id").asText()).isEqualTo(id);
    assertThat(again.path("url").asText()).isEqualTo(token.path("url").asText());
    assertThat(token.path("status").asText()).isEqualTo("WAITING");
    assertThat(token.path("idempotencyKey").asText()).isEqualTo(key);
    assertThat(token.path("tags")).extracting(JsonNode::asText).containsExactly(key, "approvals");
    Instant createdAt = Instant.parse(token.path("createdAt").asText());
    assertThat(Instant.parse(token.path("timeoutAt").asText()))
        .isEqualTo(createdAt.plus(Duration.ofMinutes(10)));
    String url = token.path("url").asText();
    assertThat(url).startsWith(server.localUrl() + TOKENS + "/" + id + "/callback/");
    startWorker(DurableTasks.AWAITS_TOKEN);
    RunHandle<String> handle =
        client.trigger(DurableTasks.AWAITS_TOKEN, new DurableTasks.TokenJob(key, id));
    await().atMost(TIMEOUT).until(() -> client.runs().get(handle).status() == RunStatus.WAITING);

    String signature = url.substring(url.lastIndexOf('/') + 1);
    String wrong = (signature.charAt(0) == 'A' ? "B" : "A") + signature.substring(1);
    String otherTokens = json(post(TOKENS, "{}")).path("url").asText();
    String otherSignature = otherTokens.substring(otherTokens.lastIndexOf('/') + 1);
    for (String forged : List.of(wrong, otherSignature)) {
      URI forgedUrl = URI.create(url.substring(0, url.lastIndexOf('/') + 1) + forged);
      expectError(postTo(forgedUrl, "{\"by\":\"mallory\"}", null), 404, "token_not_found");
    }
    assertThat(getJson(TOKENS + "/" + id).path("status").asText()).isEqualTo("WAITING");
    assertThat(client.runs().get(handle).status()).isEqualTo(RunStatus.WAITING);

    HttpResponse<String> completed =
        postTo(URI.create(url), "{\"approved\":true,\"by\":\"bo\"}", null);

    assertThat(json(completed).path("status").asText()).isEqualTo("COMPLETED");
    Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);
    assertThat(run.output()).isEqualTo("approved by bo");
    assertThat(DurableTasks.effects(key, "resumed")).isEqualTo(1);
    expectError(postTo(URI.create(url), "{}", null), 409, "token_already_completed");
    JsonNode done = getJson(TOKENS + "/" + id);
    assertThat(done.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(done.path("completedAt").isNull()).isFalse();
    assertThat(done.path("output").path("by").asText()).isEqualTo("bo");
    assertThat(tokenIds("?status=COMPLETED")).contains(id);
    assertThat(tokenIds("?status=WAITING")).doesNotContain(id);
    assertThat(tokenIds("?tag=" + key)).containsExactly(id);
    assertThat(tokenIds("?tag=" + key + "&status=WAITING")).isEmpty();
    JsonNode wait = getJson("/api/v1/runs/" + handle.id()).path("waitpoints").get(0);
    assertThat(wait.path("type").asText()).isEqualTo("TOKEN");
    assertThat(wait.path("tokenId").asText()).isEqualTo(id);
    assertThat(wait.path("status").asText()).isEqualTo("COMPLETED");
  }

  @Test
  void tokensAreListedNewestFirstPageByPage() throws Exception {
    String tag = unique("page");
    List<String> created = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(json(post(TOKENS, "{\"tags\":[\"" + tag + "\"]}")).path("id").asText());
    }
    java.util.Collections.reverse(created);

    List<String> seen = new java.util.ArrayList<>();
    List<Integer> sizes = new java.util.ArrayList<>();
    String cursor = null;
    do {
      JsonNode page =
          getJson(
              TOKENS + "?tag=" + tag + "&limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
      page.path("data").forEach(t -> seen.add(t.path("id").asText()));
      sizes.add(page.path("data").size());
      cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
    } while (cursor != null);

    assertThat(seen).isEqualTo(created);
    assertThat(sizes).containsExactly(2, 2, 1);
  }

  @Test
  void badTokenRequestsAreRefusedWithACodeAndAMessage() throws Exception {
    for (String timeout :
        List.of("\"soon\"", "\"-5m\"", "\"0s\"", "\"400d\"", "60", "\"2001-01-01T00:00:00Z\"")) {
      expectError(post(TOKENS, "{\"timeout\":" + timeout + "}"), 400, "invalid_timeout");
    }
    expectError(post(TOKENS, "{\"timout\":\"1m\"}"), 400, "invalid_request");
    expectError(post(TOKENS, "{\"tags\":\"red\"}"), 400, "invalid_request");
    expectError(post(TOKENS, "{\"idempotencyKey\":\"\"}"), 400, "invalid_request");
    expectError(post(TOKENS, "[]"), 400, "invalid_request");
    expectError(post(TOKENS, "{\"timeout\":"), 400, "invalid_json");
    expectError(post(TOKENS, "{}", null), 401, "unauthorized");
    String id = json(post(TOKENS, "{}")).path("id").asText();
    String runLike = "run_" + id.substring("waitpoint_".length());
    for (String malformed : List.of("nope", runLike, id + "x")) {
      expectError(get(TOKENS + "/" + malformed, secretKey), 400, "invalid_token_id");
      expectError(
          post(TOKENS + "/" + malformed + "/complete", "{\"data\":1}"), 400, "invalid_token_id");
      expectError(
          postTo(
              URI.create(server.localUrl() + TOKENS + "/" + malformed + "/callback/x"), "{}", null),
          404,
          "token_not_found");
    }
    expectError(post(TOKENS + "/" + id + "/complete", "{\"dta\":1}"), 400, "invalid_request");
    expectError(post(TOKENS + "/" + id + "/complete", "[1]"), 400, "invalid_request");
    expectError(get(TOKENS + "?status=DONE", secretKey), 400, "invalid_query");
    String unknown = RunIds.formatToken(RunIds.next());
    expectError(get(TOKENS + "/" + unknown, secretKey), 404, "token_not_found");
    expectError(post(TOKENS + "/" + unknown + "/complete", "{}"), 404, "token_not_found");
    String stagingKey = SecretKeys.generate("staging");
    server.bootstrap("default", "staging", stagingKey);
    expectError(get(TOKENS + "/" + id, stagingKey), 404, "token_not_found");
    expectError(post(TOKENS + "/" + id + "/complete", "{}", stagingKey), 404, "token_not_found");
    assertThat(getJson(TOKENS + "/" + id).path("status").asText()).isEqualTo("WAITING");
  }
}
