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
import dev.errand.server.store.StepRecord;
import java.time.Instant;
import java.util.List;

/** Renders runs as the API's JSON. Stored JSON (payload, output, errors) is embedded as is. */
final class RunJson {
  private static final ObjectMapper MAPPER = Json.mapper();

  private RunJson() {}

  static ObjectNode run(RunRecord r, List<AttemptRecord> attempts) {
    return run(r, attempts, null);
  }

  /** A run; with {@code steps}, also its steps and the waitpoints among them. */
  static ObjectNode run(RunRecord r, List<AttemptRecord> attempts, List<StepRecord> steps) {
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
    raw(n, "metadata", r.metadataJson());
    n.put("idempotencyKey", r.idempotencyKey());
    n.put("replayOf", r.replayOf() == null ? null : RunIds.format(r.replayOf()));
    time(n, "createdAt", r.createdAt());
    time(n, "startedAt", r.startedAt());
    time(n, "finishedAt", r.finishedAt());
    time(
        n,
        "delayUntil",
        r.status() == RunStatus.DELAYED
            ? r.availableAt().plusMillis(r.priorityMillis()) // priority moved available_at back
            : null);
    n.put("priority", r.priorityMillis() / 1000.0);
    n.put("concurrencyKey", r.concurrencyKey().isEmpty() ? null : r.concurrencyKey());
    boolean retryPending = r.status() == RunStatus.QUEUED && r.attemptCount() > 0;
    time(n, "nextAttemptAt", retryPending ? r.availableAt() : null);
    if (r.maxDurationMillis() == null) {
      n.putNull("maxDuration");
    } else {
      n.put("maxDuration", java.time.Duration.ofMillis(r.maxDurationMillis()).toString());
    }
    n.put("parentRunId", r.parentRunId() == null ? null : RunIds.format(r.parentRunId()));
    n.put("scheduleId", r.scheduleId() == null ? null : RunIds.formatSchedule(r.scheduleId()));
    if (steps != null) {
      ArrayNode stepList = n.putArray("steps");
      ArrayNode waitpoints = n.putArray("waitpoints");
      for (StepRecord s : steps) {
        ObjectNode sn = stepList.addObject();
        sn.put("position", s.position());
        sn.put("name", s.name());
        sn.put("index", s.index());
        sn.put("kind", s.kind().name());
        sn.put("status", s.status().name());
        sn.put("attempt", s.attempt());
        sn.put("attempts", s.tries());
        time(sn, "startedAt", s.startedAt());
        time(sn, "finishedAt", s.finishedAt());
        raw(sn, "output", s.outputJson());
        raw(sn, "error", s.errorJson());
        if (s.kind() != StepRecord.Kind.STEP) {
          ObjectNode w = waitpoints.addObject();
          w.put("position", s.position());
          w.put(
              "type",
              switch (s.kind()) {
                case WAIT -> "DURATION";
                case TOKEN -> "TOKEN";
                default -> "RUN";
              });
          w.put("status", s.status() == StepRecord.Status.WAITING ? "WAITING" : "COMPLETED");
          time(w, s.kind() == StepRecord.Kind.TOKEN ? "timeoutAt" : "resumeAt", s.resumeAt());
          if (s.tokenId() != null) {
            w.put("tokenId", RunIds.formatToken(s.tokenId()));
          }
          if (s.childCount() != null) {
            w.put("childCount", s.childCount());
          }
          time(w, "completedAt", s.status() == StepRecord.Status.WAITING ? null : s.finishedAt());
          raw(w, "output", s.outputJson());
        }
      }
    }
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
