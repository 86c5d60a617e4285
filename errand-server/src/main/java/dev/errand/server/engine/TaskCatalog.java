package dev.errand.server.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.errand.sdk.RetryPolicy;
import dev.errand.sdk.internal.Json;
import dev.errand.server.store.Store;
import dev.errand.server.store.TaskRecord;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The task definitions workers registered, read through a short-lived cache so the hot paths
 * (trigger, failure) do not read the tasks table each time. Entries live {@link #TTL}, so a
 * registration on another server node shows here within that time. Thread-safe.
 */
final class TaskCatalog {
  static final Duration TTL = Duration.ofSeconds(5);

  /** A task definition with its parsed retry policy and payload schema. */
  record Definition(TaskRecord record, RetryPolicy retry, JsonNode payloadSchema, long loadedAt) {}

  private record Key(UUID environmentId, String taskId) {}

  private final Store store;
  private final ObjectMapper mapper = Json.mapper();
  private final Map<Key, Definition> cache = new ConcurrentHashMap<>();

  TaskCatalog(Store store) {
    this.store = store;
  }

  Optional<Definition> find(UUID environmentId, String taskId) {
    Key key = new Key(environmentId, taskId);
    Definition cached = cache.get(key);
    if (cached != null && System.nanoTime() - cached.loadedAt() < TTL.toNanos()) {
      return Optional.of(cached);
    }
    Optional<Definition> loaded = store.findTask(environmentId, taskId).map(this::parse);
    loaded.ifPresentOrElse(d -> cache.put(key, d), () -> cache.remove(key));
    return loaded;
  }

  void register(UUID environmentId, List<TaskRecord> tasks) {
    store.upsertTasks(environmentId, tasks);
    tasks.forEach(t -> cache.remove(new Key(environmentId, t.taskId())));
  }

  private Definition parse(TaskRecord record) {
    try {
      RetryPolicy retry = mapper.readValue(record.retryPolicyJson(), RetryPolicy.class);
      JsonNode schema =
          record.payloadSchemaJson() == null ? null : mapper.readTree(record.payloadSchemaJson());
      return new Definition(record, retry, schema, System.nanoTime());
    } catch (IOException e) {
      throw new IllegalStateException("stored task " + record.taskId() + " is unreadable", e);
    }
  }
}
