package dev.errand.sdk;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.errand.sdk.internal.HttpTransport;
import dev.errand.sdk.internal.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading and operating queues at run time: pause and resume, override the concurrency limit and
 * reset it. A change applies to every claim that starts after the call returns, on every server
 * node. Get it from {@link ErrandClient#queues()}. Thread-safe.
 */
public final class Queues {
  private static final String QUEUES = "/api/v1/queues";

  private final HttpTransport transport;
  private final ObjectMapper mapper = Json.mapper();
  private final JavaType queueType = mapper.constructType(QueueInfo.class);

  Queues(HttpTransport transport) {
    this.transport = transport;
  }

  /** The environment's queues, by name. */
  public List<QueueInfo> list() {
    JsonNode body = transport.get(QUEUES, mapper.constructType(JsonNode.class));
    List<QueueInfo> queues = new ArrayList<>();
    for (JsonNode q : body.path("data")) {
      queues.add(mapper.convertValue(q, QueueInfo.class));
    }
    return queues;
  }

  /**
   * @throws ErrandApiException 404 ({@code queue_not_found}) for an unknown queue
   */
  public QueueInfo get(String name) {
    return transport.get(QUEUES + "/" + Runs.encode(name), queueType);
  }

  /** Claims start none of the queue's runs until {@link #resume}; executing runs finish. */
  public QueueInfo pause(String name) {
    return post(name, "/pause", mapper.createObjectNode());
  }

  public QueueInfo resume(String name) {
    return post(name, "/resume", mapper.createObjectNode());
  }

  /** Overrides the limit the queue's tasks declare, until {@link #resetConcurrencyLimit}. */
  public QueueInfo overrideConcurrencyLimit(String name, int limit) {
    return post(name, "/concurrency", mapper.createObjectNode().put("limit", limit));
  }

  /** Back to the limit the queue's tasks declare. */
  public QueueInfo resetConcurrencyLimit(String name) {
    return post(name, "/concurrency/reset", mapper.createObjectNode());
  }

  /**
   * The environment's cap on executing runs across all its queues, or null for none (set with
   * {@link #setEnvironmentConcurrencyLimit}).
   */
  public Integer environmentConcurrencyLimit() {
    JsonNode body =
        transport.get("/api/v1/environment/concurrency", mapper.constructType(JsonNode.class));
    return body.path("limit").isNumber() ? body.path("limit").asInt() : null;
  }

  /**
   * Caps the executing runs of the whole environment, across all queues (null removes the cap).
   * Applies at once on the server node that takes the call, within a second on the others.
   */
  public void setEnvironmentConcurrencyLimit(Integer limit) {
    String path = "/api/v1/environment/concurrency" + (limit == null ? "/reset" : "");
    Object body =
        limit == null ? mapper.createObjectNode() : mapper.createObjectNode().put("limit", limit);
    transport.post(
        path, body, mapper.constructType(JsonNode.class), java.time.Duration.ofSeconds(30));
  }

  private QueueInfo post(String name, String action, Object body) {
    return transport.post(
        QUEUES + "/" + Runs.encode(name) + action,
        body,
        queueType,
        java.time.Duration.ofSeconds(30));
  }
}
