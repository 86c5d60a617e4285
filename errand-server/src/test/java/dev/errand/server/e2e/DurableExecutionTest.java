package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.Run;
import dev.errand.sdk.RunHandle;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.internal.Json;
import dev.errand.server.e2e.DurableTasks.Squares;
import dev.errand.server.e2e.TestTasks.Key;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Durable execution end to end: steps, waits, tokens and child runs, on both stores. */
abstract class DurableExecutionTest extends ServerTestBase {

  HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.localUrl() + path))
            .header("Authorization", "Bearer " + secretKey)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonNode getJson(String path) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(server.localUrl() + path))
                .header("Authorization", "Bearer " + secretKey)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Json.mapper().readTree(response.body());
  }

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
    assertThat(List.of()).isEmpty();
  }
}
