package dev.errand.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.sdk.internal.Json;
import dev.errand.server.audit.AuditAction;
import dev.errand.server.audit.AuditTarget;
import dev.errand.server.engine.RunIds;
import dev.errand.server.schedule.ScheduleSpec;
import dev.errand.server.schedule.Schedules;
import dev.errand.server.store.ScheduleRecord;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Schedules, {@code /api/v1/schedules}: create (or upsert by deduplication key), list, read,
 * replace, delete, activate and deactivate; and {@code /api/v1/timezones}.
 */
final class ScheduleRoutes {
  private static final String SCHEDULES = "/api/v1/schedules";
  private static final String SCHEDULE = SCHEDULES + "/{id}";
  private static final Set<String> FIELDS =
      Set.of(
          "task",
          "cron",
          "timezone",
          "externalId",
          "deduplicationKey",
          "window",
          "missedTicks",
          "missedTickLimit",
          "overlap",
          "active");

  private final Schedules schedules;
  private final Audit audit;

  ScheduleRoutes(Schedules schedules, Audit audit) {
    this.schedules = schedules;
    this.audit = audit;
  }

  void addTo(JavalinDefaultRoutingApi routes) {
    routes.post(
        SCHEDULES,
        ctx -> {
          Schedules.Created created =
              schedules.create(Bodies.environment(ctx), spec(Bodies.tree(ctx)));
          // after success: the schedule's id (new, or the deduplicated one's) is the store's
          ScheduleRecord s = created.schedule().record();
          audit.record(
              ctx,
              created.created() ? AuditAction.SCHEDULE_CREATED : AuditAction.SCHEDULE_UPDATED,
              AuditTarget.schedule(RunIds.formatSchedule(s.id())),
              scheduleDetails(s));
          ctx.status(created.created() ? 201 : 200);
          HttpApi.json(ctx, json(created.schedule()));
        });
    routes.get(SCHEDULES, this::list);
    routes.get(
        SCHEDULE, ctx -> HttpApi.json(ctx, json(schedules.get(Bodies.environment(ctx), id(ctx)))));
    routes.put(
        SCHEDULE,
        ctx -> {
          UUID id = id(ctx);
          ScheduleSpec spec = spec(Bodies.tree(ctx));
          Schedules.View view =
              audit.around(
                  ctx,
                  AuditAction.SCHEDULE_UPDATED,
                  target(id),
                  specDetails(spec),
                  () -> schedules.update(Bodies.environment(ctx), id, spec));
          HttpApi.json(ctx, json(view));
        });
    routes.delete(
        SCHEDULE,
        ctx -> {
          UUID id = id(ctx);
          audit.run(
              ctx,
              AuditAction.SCHEDULE_DELETED,
              target(id),
              null,
              () -> schedules.delete(Bodies.environment(ctx), id));
          ctx.status(204);
        });
    routes.post(SCHEDULE + "/activate", ctx -> setActive(ctx, true));
    routes.post(SCHEDULE + "/deactivate", ctx -> setActive(ctx, false));
    routes.get(
        "/api/v1/timezones",
        ctx -> {
          ObjectNode body = Json.mapper().createObjectNode();
          ArrayNode zones = body.putArray("timezones");
          Schedules.timezones().forEach(zones::add);
          HttpApi.json(ctx, body);
        });
  }

  private void list(Context ctx) {
    int limit = RunRoutes.limit(ctx.queryParam("limit"));
    String cursor = ctx.queryParam("cursor");
    String task = ctx.queryParam("task");
    List<Schedules.View> page =
        schedules.list(
            Bodies.environment(ctx),
            task == null || task.isEmpty() ? null : task,
            cursor == null || cursor.isEmpty() ? null : parseId(cursor, "cursor"),
            limit + 1);
    boolean more = page.size() > limit;
    List<Schedules.View> shown = more ? page.subList(0, limit) : page;
    ObjectNode body = Json.mapper().createObjectNode();
    ArrayNode data = body.putArray("data");
    shown.forEach(v -> data.add(json(v)));
    body.put("nextCursor", more ? RunIds.formatSchedule(shown.getLast().record().id()) : null);
    HttpApi.json(ctx, body);
  }

  private void setActive(Context ctx, boolean active) {
    UUID id = id(ctx);
    Schedules.View view =
        audit.around(
            ctx,
            active ? AuditAction.SCHEDULE_ACTIVATED : AuditAction.SCHEDULE_DEACTIVATED,
            target(id),
            null,
            () -> schedules.setActive(Bodies.environment(ctx), id, active));
    HttpApi.json(ctx, json(view));
  }

  private static AuditTarget target(UUID id) {
    return AuditTarget.schedule(RunIds.formatSchedule(id));
  }

  /** What the audit log keeps of a schedule's settings (no payload: schedules have none). */
  private static ObjectNode scheduleDetails(ScheduleRecord s) {
    return Audit.details()
        .put("task", s.taskId())
        .put("cron", s.cron())
        .put("timezone", s.timezone())
        .put("active", s.active());
  }

  private static ObjectNode specDetails(ScheduleSpec spec) {
    return Audit.details()
        .put("task", spec.taskId())
        .put("cron", spec.cron())
        .put("timezone", spec.timezone());
  }

  /** The API's JSON for a schedule. */
  static ObjectNode json(Schedules.View view) {
    ScheduleRecord s = view.record();
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("id", RunIds.formatSchedule(s.id()));
    n.put("task", s.taskId());
    n.put("type", s.declarative() ? "declarative" : "imperative");
    n.put("cron", s.cron());
    n.put("timezone", s.timezone());
    n.put("externalId", s.externalId());
    n.put("deduplicationKey", s.deduplicationKey());
    n.put("active", s.active());
    n.put("status", s.active() ? "active" : "inactive");
    n.put("window", s.windowMillis() == 0 ? null : Duration.ofMillis(s.windowMillis()).toString());
    n.put("missedTicks", s.missedTicks());
    n.put("missedTickLimit", s.missedCap());
    n.put("overlap", s.overlap());
    ArrayNode next = n.putArray("nextRuns");
    view.upcoming().forEach(t -> next.add(t.toString()));
    if (s.lastRunId() == null) {
      n.putNull("lastRun");
    } else {
      n.putObject("lastRun")
          .put("id", RunIds.format(s.lastRunId()))
          .put("status", view.lastRunStatus())
          .put("timestamp", s.lastTickAt() == null ? null : s.lastTickAt().toString());
    }
    n.put("lastTimestamp", s.lastTickAt() == null ? null : s.lastTickAt().toString());
    n.put("createdAt", String.valueOf(s.createdAt()));
    n.put("updatedAt", String.valueOf(s.updatedAt()));
    return n;
  }

  private static ScheduleSpec spec(JsonNode body) {
    if (!body.isObject()) {
      throw ApiException.badRequest("invalid_request", "the body must be a JSON object");
    }
    body.fieldNames()
        .forEachRemaining(
            f -> {
              if (!FIELDS.contains(f)) {
                throw ApiException.badRequest(
                    "invalid_schedule",
                    "unknown field '" + f + "' (known: " + String.join(", ", FIELDS) + ")");
              }
            });
    JsonNode window = body.get("window");
    Duration windowDuration = null;
    if (window != null && !window.isNull()) {
      windowDuration =
          window.isTextual() ? TriggerParser.parseDuration(window.asText().trim()) : null;
      if (windowDuration == null) {
        throw ApiException.badRequest(
            "invalid_schedule",
            "window must be a duration such as \"15m\", \"1h\" or \"PT30M\", was " + window);
      }
    }
    JsonNode limit = body.get("missedTickLimit");
    if (limit != null && !limit.isNull() && !limit.canConvertToInt()) {
      throw ApiException.badRequest("invalid_schedule", "missedTickLimit must be a number");
    }
    JsonNode active = body.get("active");
    if (active != null && !active.isNull() && !active.isBoolean()) {
      throw ApiException.badRequest("invalid_schedule", "active must be true or false");
    }
    return new ScheduleSpec(
        text(body, "task"),
        text(body, "cron"),
        text(body, "timezone"),
        text(body, "externalId"),
        text(body, "deduplicationKey"),
        windowDuration,
        text(body, "missedTicks"),
        limit == null || limit.isNull() ? null : limit.asInt(),
        text(body, "overlap"),
        active == null || active.isNull() ? null : active.asBoolean());
  }

  private static String text(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw ApiException.badRequest("invalid_schedule", field + " must be a string, was " + n);
    }
    return n.asText();
  }

  private static UUID id(Context ctx) {
    return parseId(ctx.pathParam("id"), "schedule id");
  }

  private static UUID parseId(String text, String what) {
    try {
      return RunIds.parseSchedule(text);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "invalid_query", what + " must be a schedule id (sched_...), was '" + text + "'");
    }
  }
}
