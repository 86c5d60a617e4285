package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.BulkAction;
import dev.errand.sdk.ErrandApiException;
import dev.errand.sdk.Run;
import dev.errand.sdk.RunFilter;
import dev.errand.sdk.RunQuery;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.Task;
import dev.errand.sdk.TriggerOptions;
import dev.errand.sdk.internal.Json;
import dev.errand.server.e2e.TestTasks.Key;
import dev.errand.server.engine.RunLimits;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Run metadata ({@code options.metadata}): a JSON object stored with the run, returned by get and
 * list, copied by replay and bulk replay, carried by child triggers and debounce, refused when it
 * is not an object or is over the server's metadata limit. On both stores.
 */
abstract class MetadataTest extends ServerTestBase {
  static final int MAX_METADATA = 1024;

  @Override
  RunLimits runLimits() {
    return new RunLimits(
        RunLimits.DEFAULT_MAX_PAYLOAD_BYTES, RunLimits.DEFAULT_MAX_OUTPUT_BYTES, MAX_METADATA);
  }

  static final Task<Key, String> ECHO =
      Task.define("echo-metadata", Key.class, String.class).run((key, ctx) -> key.key());

  /** Triggers a child with metadata, waits for it and returns the child's run id. */
  static final Task<Key, String> PARENT =
      Task.define("metadata-parent", Key.class, String.class)
          .run(
              (key, ctx) ->
                  ECHO.triggerAndWait(
                          ctx,
                          new Key(key.key() + "/child"),
                          TriggerOptions.NONE.withMetadata(Map.of("parent", key.key())))
                      .runId());

  /** Puts an environment variable's value in its child's metadata, as a careless task might. */
  static final Task<Key, String> LEAKY_PARENT =
      Task.define("metadata-leaky-parent", Key.class, String.class)
          .run(
              (key, ctx) ->
                  ECHO.triggerAndWait(
                          ctx,
                          new Key("leak"),
                          TriggerOptions.NONE.withMetadata(
                              Map.of("token", ctx.env("META_SECRET"), "plain", "kept")))
                      .runId());

  static final Map<String, Object> METADATA =
      Map.of("customer", "c-7", "plan", "pro", "seats", 12, "flags", List.of("beta", "eu"));

  JsonNode tree(Object value) {
    return Json.mapper().valueToTree(value);
  }

  JsonNode runJson(String id) throws Exception {
    return getJson("/api/v1/runs/" + id);
  }

  @Test
  void theSdkStoresMetadataAndGetAndListReturnItAndNoneIsNull() throws Exception {
    startWorker(ECHO);
    String tag = unique("meta");
    String with =
        client
            .trigger(ECHO, new Key("a"), TriggerOptions.NONE.withTags(tag).withMetadata(METADATA))
            .id();
    String without = client.trigger(ECHO, new Key("b"), TriggerOptions.NONE.withTags(tag)).id();

    Run<JsonNode> run = client.runs().get(with);
    assertThat(run.metadata()).isEqualTo(tree(METADATA));
    assertThat(client.runs().get(without).metadata()).isNull();
    List<Run<JsonNode>> listed = client.runs().list(RunQuery.ALL.withTag(tag)).data();
    assertThat(listed)
        .extracting(Run::id, Run::metadata)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(with, tree(METADATA)),
            org.assertj.core.groups.Tuple.tuple(without, null));
    // the REST field is there, null when none
    assertThat(runJson(without).has("metadata")).isTrue();
    assertThat(runJson(without).get("metadata").isNull()).isTrue();
    // the run still runs, and its metadata stays
    Run<String> done =
        client.runs().awaitCompletion(new dev.errand.sdk.RunHandle<>(with, String.class), TIMEOUT);
    assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(done.metadata()).isEqualTo(tree(METADATA));
  }

  @Test
  void restTriggerAndBatchStoreMetadataPerItem() throws Exception {
    startWorker(ECHO);
    HttpResponse<String> one =
        post(
            "/api/v1/tasks/echo-metadata/trigger",
            "{\"payload\": {\"key\": \"r\"}, \"options\": {\"metadata\": {\"source\": \"rest\","
                + " \"n\": 1.5, \"deep\": {\"ok\": true}}}}");
    assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
    String id = Json.mapper().readTree(one.body()).path("id").asText();
    assertThat(runJson(id).get("metadata"))
        .isEqualTo(
            Json.mapper().readTree("{\"source\": \"rest\", \"n\": 1.5, \"deep\": {\"ok\": true}}"));

    HttpResponse<String> batch =
        post(
            "/api/v1/tasks/echo-metadata/batch",
            "{\"items\": [{\"payload\": {\"key\": \"b0\"}, \"options\": {\"metadata\": {\"i\": 0}}},"
                + " {\"payload\": {\"key\": \"b1\"}},"
                + " {\"payload\": {\"key\": \"b2\"}, \"options\": {\"metadata\": null}},"
                + " {\"payload\": {\"key\": \"b3\"}, \"options\": {\"metadata\": {}}}]}");
    assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
    JsonNode runs = Json.mapper().readTree(batch.body()).path("runs");
    assertThat(runs).hasSize(4);
    assertThat(runJson(runs.get(0).path("id").asText()).get("metadata"))
        .isEqualTo(Json.mapper().readTree("{\"i\": 0}"));
    assertThat(runJson(runs.get(1).path("id").asText()).get("metadata").isNull()).isTrue();
    assertThat(runJson(runs.get(2).path("id").asText()).get("metadata").isNull()).isTrue();
    assertThat(runJson(runs.get(3).path("id").asText()).get("metadata"))
        .isEqualTo(Json.mapper().createObjectNode());
  }

  @Test
  void replayAndBulkReplayCopyTheMetadata() throws Exception {
    startWorker(ECHO);
    String tag = unique("replay");
    var handle =
        client.trigger(
            ECHO, new Key("o"), TriggerOptions.NONE.withTags(tag).withMetadata(METADATA));
    client.runs().awaitCompletion(handle, TIMEOUT);

    String replay = client.runs().replay(handle.id());
    assertThat(client.runs().get(replay).metadata()).isEqualTo(tree(METADATA));
    String edited = client.runs().replay(handle.id(), new Key("edited"));
    assertThat(client.runs().get(edited).metadata()).isEqualTo(tree(METADATA));

    BulkAction started = client.runs().bulkReplay(RunFilter.NONE.withTag(tag));
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> client.runs().bulkAction(started.id()), BulkAction::isFinished);
    List<Run<JsonNode>> all = client.runs().list(RunQuery.ALL.withTag(tag)).data();
    assertThat(all).hasSize(6);
    assertThat(all).allSatisfy(r -> assertThat(r.metadata()).isEqualTo(tree(METADATA)));
  }

  @Test
  void aChildTriggeredFromATaskCarriesItsMetadata() {
    startWorker(PARENT, ECHO);
    Run<String> parent =
        client.runs().awaitCompletion(client.trigger(PARENT, new Key("p")), TIMEOUT);
    assertThat(parent.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(parent.metadata()).isNull();
    Run<JsonNode> child = client.runs().get(parent.output());
    assertThat(child.parentRunId()).isEqualTo(parent.id());
    assertThat(child.metadata()).isEqualTo(tree(Map.of("parent", "p")));
  }

  @Test
  void theServerRedactsSecretValuesInTheMetadataOfChildRuns() throws Exception {
    HttpResponse<String> set =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(server.localUrl() + "/api/v1/envvars/test/META_SECRET"))
                .header("Authorization", "Bearer " + secretKey)
                .header("Content-Type", "application/json")
                .PUT(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"value\": \"meta-secret-7c1d\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(set.statusCode()).as(set.body()).isIn(200, 201);
    startWorker(LEAKY_PARENT, ECHO);
    Run<String> parent =
        client.runs().awaitCompletion(client.trigger(LEAKY_PARENT, new Key("l")), TIMEOUT);
    assertThat(parent.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(client.runs().get(parent.output()).metadata())
        .isEqualTo(tree(Map.of("token", "[redacted]", "plain", "kept")));
  }

  @Test
  void aDebouncedTriggerTakesTheLastMetadata() {
    startWorker(ECHO);
    String key = unique("deb");
    TriggerOptions debounced = TriggerOptions.NONE.withDebounce(key, Duration.ofSeconds(30), null);
    String first = client.trigger(ECHO, new Key("d1"), debounced.withMetadata(Map.of("n", 1))).id();
    String second =
        client.trigger(ECHO, new Key("d2"), debounced.withMetadata(Map.of("n", 2))).id();
    assertThat(second).isEqualTo(first);
    assertThat(client.runs().get(first).metadata()).isEqualTo(tree(Map.of("n", 2)));
    client.runs().cancel(first);
  }

  @Test
  void metadataOverTheLimitIsRefusedWithItsSizeAndNothingIsStored() throws Exception {
    startWorker(ECHO);
    Map<String, Object> big = Map.of("blob", "m".repeat(MAX_METADATA));
    assertThatThrownBy(
            () -> client.trigger(ECHO, new Key("big"), TriggerOptions.NONE.withMetadata(big)))
        .isInstanceOfSatisfying(
            ErrandApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.code()).isEqualTo("invalid_options");
              assertThat(e.getMessage())
                  .contains("options.metadata")
                  .contains(Integer.toString(MAX_METADATA + 11)) // {"blob":"..."}
                  .contains(Integer.toString(MAX_METADATA));
            });
    // multi-byte characters count as their UTF-8 bytes: 400 characters of 3 bytes each
    HttpResponse<String> wide =
        post(
            "/api/v1/tasks/echo-metadata/trigger",
            "{\"payload\": {\"key\": \"w\"}, \"options\": {\"metadata\": {\"w\": \""
                + "€".repeat(400)
                + "\"}}}");
    expectError(wide, 400, "invalid_options");
    assertThat(wide.body()).contains("1208 bytes");
    // in a batch, the item is named and none of the batch is stored
    String item = "{\"payload\": {\"key\": \"s\"}, \"options\": {\"metadata\": {\"ok\": 1}}}";
    String bigItem =
        "{\"payload\": {\"key\": \"s\"}, \"options\": {\"metadata\": "
            + Json.mapper().writeValueAsString(big)
            + "}}";
    HttpResponse<String> batch =
        post(
            "/api/v1/tasks/echo-metadata/batch",
            "{\"items\": [" + item + ", " + item + ", " + item + ", " + bigItem + "]}");
    expectError(batch, 400, "invalid_options");
    assertThat(batch.body()).contains("items[3].options.metadata").contains("1024");
    // just at the limit is fine
    Map<String, Object> atLimit = Map.of("blob", "m".repeat(MAX_METADATA - 11));
    String ok = client.trigger(ECHO, new Key("at"), TriggerOptions.NONE.withMetadata(atLimit)).id();
    assertThat(client.runs().list(RunQuery.ALL).data()).extracting(Run::id).containsExactly(ok);
  }

  @Test
  void metadataThatIsNotAnObjectIsRefused() throws Exception {
    startWorker(ECHO);
    for (String bad : List.of("[1, 2]", "\"text\"", "42", "true")) {
      HttpResponse<String> refused =
          post(
              "/api/v1/tasks/echo-metadata/trigger",
              "{\"payload\": {\"key\": \"x\"}, \"options\": {\"metadata\": " + bad + "}}");
      expectError(refused, 400, "invalid_options");
      assertThat(refused.body()).contains("options.metadata must be a JSON object");
    }
    HttpResponse<String> batch =
        post(
            "/api/v1/tasks/echo-metadata/batch",
            "{\"items\": [{\"payload\": {}}, {\"payload\": {}, \"options\": {\"metadata\": []}}]}");
    expectError(batch, 400, "invalid_options");
    assertThat(batch.body()).contains("items[1].options.metadata");
    assertThatThrownBy(
            () ->
                new TriggerOptions(
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    Json.mapper().valueToTree(List.of(1)),
                    null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata must be a JSON object");
    assertThat(client.runs().list(RunQuery.ALL).data()).isEmpty();
  }
}
