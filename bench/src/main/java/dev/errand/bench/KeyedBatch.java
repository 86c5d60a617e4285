package dev.errand.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@code POST /api/v1/tasks/{id}/batch} with a concurrency key on every item: the SDK's {@code
 * batchTrigger} takes payloads only, so the drain's keyed runs are triggered over plain HTTP, one
 * item {@code {"payload": {"seq": n}, "options": {"concurrencyKey": "tenant-<n % keys>"}}} per run.
 * One HTTP/1.1 client per instance, like the SDK's. Thread-safe.
 */
final class KeyedBatch {
  private final URI uri;
  private final String authorization;
  private final int keys;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final ObjectMapper mapper = new ObjectMapper();

  KeyedBatch(URI apiUrl, String secretKey, String taskId, int keys) {
    this.uri = URI.create(apiUrl + "/api/v1/tasks/" + taskId + "/batch");
    this.authorization = "Bearer " + secretKey;
    this.keys = keys;
  }

  /** The concurrency key of run {@code seq}. */
  static String key(int seq, int keys) {
    return "tenant-" + (seq % keys);
  }

  /** Triggers runs {@code from} .. {@code to - 1} in one call; fails unless all were created. */
  void trigger(int from, int to) {
    ObjectNode body = mapper.createObjectNode();
    ArrayNode items = body.putArray("items");
    for (int seq = from; seq < to; seq++) {
      ObjectNode item = items.addObject();
      item.putObject("payload").put("seq", seq);
      item.putObject("options").put("concurrencyKey", key(seq, keys));
    }
    HttpResponse<byte[]> response;
    try {
      byte[] json = mapper.writeValueAsBytes(body);
      response =
          http.send(
              HttpRequest.newBuilder(uri)
                  .timeout(Duration.ofSeconds(30))
                  .header("Authorization", authorization)
                  .header("Content-Type", "application/json")
                  .header("Accept", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("batch trigger failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during a batch trigger", e);
    }
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "batch trigger answered "
              + response.statusCode()
              + ": "
              + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
    }
    JsonNode runs;
    try {
      runs = mapper.readTree(response.body()).path("runs");
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable batch trigger response", e);
    }
    if (runs.size() != to - from) {
      throw new IllegalStateException(
          "batch trigger of " + (to - from) + " runs created " + runs.size());
    }
  }
}
