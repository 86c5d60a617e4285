package dev.errand.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.internal.Json;
import dev.errand.server.engine.RunIds;
import dev.errand.server.store.AttemptRecord;
import dev.errand.server.store.RunRecord;
import java.time.Instant;
import java.util.List;

/** Renders runs as the API's JSON. Stored JSON (payload, output, errors) is embedded as is. */
final class RunJson {
  private static final ObjectMapper MAPPER = Json.mapper();

  private RunJson() {}

  static ObjectNode run(RunRecord r, List<AttemptRecord> attempts) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("id", RunIds.format(r.id()));
    n.put("taskIdentifier", r.taskId());
    n.put("status", r.status().name());
    n.put("queue", r.queue());
    raw(n, "payload", r.payloadJson());
    raw(n, "output", r.outputJson());
    raw(n, "error", r.errorJson());
    n.put("attemptCount", r.attemptCount());
    n.put("maxAttempts", r.maxAttempts());
    if (attempts != null) {
      ArrayNode list = n.putArray("attempts");
      for (AttemptRecord a : attempts) {
        ObjectNode an = list.addObject();
        an.put("number", a.number());
        an.put("status", a.status());
        an.put("workerId", a.workerId());
        time(an, "startedAt", a.startedAt());
        time(an, "finishedAt", a.finishedAt());
        raw(an, "error", a.errorJson());
      }
    }
    ArrayNode tags = n.putArray("tags");
    r.tags().forEach(tags::add);
    n.put("idempotencyKey", r.idempotencyKey());
    n.put("replayOf", r.replayOf() == null ? null : RunIds.format(r.replayOf()));
    time(n, "createdAt", r.createdAt());
    time(n, "startedAt", r.startedAt());
    time(n, "finishedAt", r.finishedAt());
    time(n, "delayUntil", r.status() == RunStatus.DELAYED ? r.availableAt() : null);
    boolean retryPending = r.status() == RunStatus.QUEUED && r.attemptCount() > 0;
    time(n, "nextAttemptAt", retryPending ? r.availableAt() : null);
    return n;
  }

  private static void raw(ObjectNode n, String field, String json) {
    if (json == null) {
      n.putNull(field);
    } else {
      n.putRawValue(field, new RawValue(json));
    }
  }

  private static void time(ObjectNode n, String field, Instant t) {
    if (t == null) {
      n.putNull(field);
    } else {
      n.put(field, t.toString());
    }
  }
}
