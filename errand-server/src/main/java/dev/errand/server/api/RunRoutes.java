package dev.errand.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.Task;
import dev.errand.sdk.internal.Json;
import dev.errand.server.audit.AuditAction;
import dev.errand.server.audit.AuditTarget;
import dev.errand.server.engine.RunEngine;
import dev.errand.server.engine.RunEngine.RunDetails;
import dev.errand.server.engine.RunIds;
import dev.errand.server.store.RunRecord;
import dev.errand.server.store.Store.InsertResult;
import dev.errand.server.store.Store.RunFilter;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

/** {@code /api/v1/tasks/{taskId}/trigger|batch} and {@code /api/v1/runs...}. */
final class RunRoutes {
  static final int DEFAULT_PAGE = 25;
  static final int MAX_PAGE = 100;

  private final RunEngine engine;
  private final Audit audit;

  RunRoutes(RunEngine engine, Audit audit) {
    this.engine = engine;
    this.audit = audit;
  }

  void addTo(JavalinDefaultRoutingApi routes) {
    routes.post("/api/v1/tasks/{taskId}/trigger", this::trigger);
    routes.post("/api/v1/tasks/{taskId}/batch", this::batch);
    routes.get("/api/v1/runs", this::list);
    routes.get("/api/v1/runs/{runId}", this::get);
    routes.post("/api/v1/runs/{runId}/cancel", this::cancel);
    routes.post("/api/v1/runs/{runId}/replay", this::replay);
    routes.post("/api/v1/runs/{runId}/retry", this::retry);
    routes.post("/api/v1/runs/{runId}/reschedule", this::reschedule);
    routes.post("/api/v1/idempotencyKeys/{key}/reset", this::resetIdempotencyKey);
  }

  private void trigger(Context ctx) {
    String taskId = taskId(ctx);
    var request = TriggerParser.single(Bodies.tree(ctx));
    InsertResult result =
        audit
            .around(
                ctx,
                AuditAction.RUN_TRIGGERED,
                AuditTarget.task(taskId),
                Audit.details().put("count", 1),
                () -> engine.trigger(Bodies.environment(ctx), taskId, List.of(request)))
            .getFirst();
    ObjectNode body = Json.mapper().createObjectNode().put("id", RunIds.format(result.runId()));
    body.put("isCached", !result.created());
    HttpApi.json(ctx, body);
  }

  private void batch(Context ctx) {
    String taskId = taskId(ctx);
    var requests = TriggerParser.batch(Bodies.tree(ctx));
    List<InsertResult> results =
        audit.around(
            ctx,
            AuditAction.RUN_TRIGGERED,
            AuditTarget.task(taskId),
            Audit.details().put("batch", true).put("count", requests.size()),
            () -> engine.trigger(Bodies.environment(ctx), taskId, requests));
    ObjectNode body = Json.mapper().createObjectNode();
    ArrayNode runs = body.putArray("runs");
    for (InsertResult r : results) {
      runs.addObject().put("id", RunIds.format(r.runId())).put("isCached", !r.created());
    }
    HttpApi.json(ctx, body);
  }

  private void get(Context ctx) {
    RunDetails d = engine.get(Bodies.environment(ctx), runId(ctx));
    HttpApi.json(ctx, RunJson.run(d.run(), d.attempts(), d.steps()));
  }

  private void cancel(Context ctx) {
    UUID id = runId(ctx);
    RunDetails d =
        audit.around(
            ctx,
            AuditAction.RUN_CANCELED,
            AuditTarget.run(RunIds.format(id)),
            null,
            () -> engine.cancel(Bodies.environment(ctx), id));
    HttpApi.json(ctx, RunJson.run(d.run(), d.attempts(), d.steps()));
  }

  /** {@code {"taskIdentifier": "..."}}: the key belongs to one task. */
  private void resetIdempotencyKey(Context ctx) {
    String key = ctx.pathParam("key");
    JsonNode body = Bodies.tree(ctx);
    JsonNode task = body.get("taskIdentifier");
    if (!body.isObject()
        || task == null
        || !task.isTextual()
        || !Task.ID_PATTERN.matcher(task.asText()).matches()) {
      throw ApiException.badRequest(
          "invalid_request", "send {\"taskIdentifier\": \"<task id>\"}: a key belongs to one task");
    }
    if (key.isEmpty()
        || key.length() > TriggerParser.MAX_IDEMPOTENCY_KEY_LENGTH
        || TextRules.hasControl(key)) {
      throw ApiException.badRequest("invalid_request", "not an idempotency key: '" + key + "'");
    }
    boolean released = engine.resetIdempotencyKey(Bodies.environment(ctx), task.asText(), key);
    HttpApi.json(
        ctx,
        Json.mapper()
            .createObjectNode()
            .put("key", key)
            .put("taskIdentifier", task.asText())
            .put("released", released));
  }

  /** {@code {"delay": "10m"}} or an ISO-8601 instant: the new due time of a delayed run. */
  private void reschedule(Context ctx) {
    JsonNode body = Bodies.tree(ctx);
    if (!body.isObject() || body.get("delay") == null) {
      throw ApiException.badRequest(
          "invalid_request", "send {\"delay\": \"10m\"} or {\"delay\": \"<ISO-8601 instant>\"}");
    }
    java.time.Duration delay = TriggerParser.delay(body.get("delay"), "");
    RunDetails d = engine.reschedule(Bodies.environment(ctx), runId(ctx), delay);
    HttpApi.json(ctx, RunJson.run(d.run(), d.attempts(), d.steps()));
  }

  private void retry(Context ctx) {
    UUID id = runId(ctx);
    RunDetails d =
        audit.around(
            ctx,
            AuditAction.RUN_RETRIED,
            AuditTarget.run(RunIds.format(id)),
            null,
            () -> engine.retry(Bodies.environment(ctx), id));
    HttpApi.json(ctx, RunJson.run(d.run(), d.attempts(), d.steps()));
  }

  private void replay(Context ctx) {
    JsonNode payload = null;
    if (ctx.bodyAsBytes().length > 0) {
      JsonNode body = Bodies.tree(ctx);
      if (!body.isObject()) {
        throw ApiException.badRequest("invalid_request", "the body must be a JSON object");
      }
      body.fieldNames()
          .forEachRemaining(
              name -> {
                if (!name.equals("payload")) {
                  throw ApiException.badRequest(
                      "invalid_request",
                      name + " is not a field; a replay takes an optional \"payload\"");
                }
              });
      payload = body.get("payload"); // absent: the original's payload
    }
    UUID original = runId(ctx);
    JsonNode newPayload = payload;
    UUID id =
        audit.around(
            ctx,
            AuditAction.RUN_REPLAYED,
            AuditTarget.run(RunIds.format(original)),
            Audit.details().put("payloadChanged", newPayload != null),
            () -> engine.replay(Bodies.environment(ctx), original, newPayload));
    HttpApi.json(ctx, Json.mapper().createObjectNode().put("id", RunIds.format(id)));
  }

  private void list(Context ctx) {
    int limit = limit(ctx.queryParam("limit"));
    String cursor = ctx.queryParam("cursor");
    RunFilter filter =
        new RunFilter(
            status(ctx.queryParam("status")),
            TextRules.queryParam("taskIdentifier", ctx.queryParam("taskIdentifier")),
            TextRules.queryParam("tag", ctx.queryParam("tag")),
            instant("from", ctx.queryParam("from")),
            instant("to", ctx.queryParam("to")),
            cursor == null || cursor.isEmpty() ? null : parseRunId(cursor, "cursor"),
            scheduleId(ctx.queryParam("scheduleId")));
    List<RunRecord> page = engine.list(Bodies.environment(ctx), filter, limit + 1);
    boolean more = page.size() > limit;
    List<RunRecord> shown = more ? page.subList(0, limit) : page;
    ObjectNode body = Json.mapper().createObjectNode();
    ArrayNode data = body.putArray("data");
    shown.forEach(r -> data.add(RunJson.run(r, null)));
    body.put("nextCursor", more ? RunIds.format(shown.getLast().id()) : null);
    HttpApi.json(ctx, body);
  }

  private static String taskId(Context ctx) {
    String taskId = ctx.pathParam("taskId");
    if (!Task.ID_PATTERN.matcher(taskId).matches()) {
      throw new ApiException(404, "task_not_found", "no task '" + taskId + "'");
    }
    return taskId;
  }

  private static UUID runId(Context ctx) {
    String id = ctx.pathParam("runId");
    try {
      return RunIds.parse(id);
    } catch (IllegalArgumentException e) {
      throw new ApiException(404, "run_not_found", "no run " + id);
    }
  }

  private static UUID parseRunId(String id, String param) {
    try {
      return RunIds.parse(id);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid_query", param + " must be a run id, was '" + id + "'");
    }
  }

  private static java.util.UUID scheduleId(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    try {
      return RunIds.parseSchedule(s);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "invalid_query", "scheduleId must be a schedule id (sched_...), was '" + s + "'");
    }
  }

  static int limit(String s) {
    if (s == null || s.isEmpty()) {
      return DEFAULT_PAGE;
    }
    try {
      int n = Integer.parseInt(s);
      if (n >= 1 && n <= MAX_PAGE) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw ApiException.badRequest(
        "invalid_query", "limit must be an integer from 1 to " + MAX_PAGE + ", was '" + s + "'");
  }

  private static RunStatus status(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    try {
      return RunStatus.valueOf(s.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "invalid_query",
          "status must be one of "
              + java.util.Arrays.toString(RunStatus.values())
              + ", was '"
              + s
              + "'");
    }
  }

  static Instant instant(String name, String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    try {
      return Instants.parse(s);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(
          "invalid_query",
          name
              + " must be an ISO-8601 instant in the years 1 to 9999, such as 2026-01-31T12:00:00Z, was '"
              + s
              + "'");
    }
  }
}
