package dev.errand.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.Task;
import dev.errand.sdk.TriggerOptions;
import dev.errand.sdk.internal.Json;
import dev.errand.server.audit.AuditAction;
import dev.errand.server.audit.AuditTarget;
import dev.errand.server.engine.BulkActions;
import dev.errand.server.engine.RunIds;
import dev.errand.server.store.BulkActionRecord;
import dev.errand.server.store.BulkActionRecord.Filter;
import dev.errand.server.store.BulkActionRecord.Kind;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Bulk actions: {@code POST /api/v1/runs/bulk/cancel|replay} start one over the runs a filter
 * matches, {@code GET /api/v1/bulk-actions[/{id}]} read their progress.
 *
 * <p>Register these routes before {@link RunRoutes}: {@code /api/v1/runs/bulk/cancel} also matches
 * {@code /api/v1/runs/{runId}/cancel}, and the first route added wins.
 */
final class BulkActionRoutes {
  private static final Set<String> FILTER_FIELDS =
      Set.of("status", "taskIdentifier", "tag", "from", "to");

  private final BulkActions actions;

  private final Audit audit;

  BulkActionRoutes(BulkActions actions, Audit audit) {
    this.actions = actions;
    this.audit = audit;
  }

  void addTo(JavalinDefaultRoutingApi routes) {
    routes.post("/api/v1/runs/bulk/cancel", ctx -> start(ctx, Kind.CANCEL));
    routes.post("/api/v1/runs/bulk/replay", ctx -> start(ctx, Kind.REPLAY));
    routes.get("/api/v1/bulk-actions", this::list);
    routes.get("/api/v1/bulk-actions/{actionId}", this::get);
  }

  private void start(Context ctx, Kind kind) {
    JsonNode body = Bodies.tree(ctx);
    Filter filter = filter(body);
    BulkActionRecord action = actions.start(Bodies.environment(ctx), kind, filter);
    // after success: the action's id is made by the engine, inside the write
    audit.record(
        ctx,
        kind == Kind.CANCEL ? AuditAction.BULK_CANCEL_CREATED : AuditAction.BULK_REPLAY_CREATED,
        AuditTarget.bulkAction(RunIds.formatBulkAction(action.id())),
        Audit.details().put("total", action.total()).set("filter", body.get("filter")));
    ctx.status(202);
    HttpApi.json(ctx, json(action));
  }

  private void get(Context ctx) {
    String id = ctx.pathParam("actionId");
    UUID actionId;
    try {
      actionId = RunIds.parseBulkAction(id);
    } catch (IllegalArgumentException e) {
      throw new ApiException(404, "bulk_action_not_found", "no bulk action " + id);
    }
    HttpApi.json(ctx, json(actions.get(Bodies.environment(ctx), actionId)));
  }

  private void list(Context ctx) {
    int limit = RunRoutes.limit(ctx.queryParam("limit"));
    String cursor = ctx.queryParam("cursor");
    UUID before = null;
    if (cursor != null && !cursor.isEmpty()) {
      try {
        before = RunIds.parseBulkAction(cursor);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(
            "invalid_query", "cursor must be a bulk action id, was '" + cursor + "'");
      }
    }
    List<BulkActionRecord> page = actions.list(Bodies.environment(ctx), before, limit + 1);
    boolean more = page.size() > limit;
    List<BulkActionRecord> shown = more ? page.subList(0, limit) : page;
    ObjectNode body = Json.mapper().createObjectNode();
    ArrayNode data = body.putArray("data");
    shown.forEach(a -> data.add(json(a)));
    body.put("nextCursor", more ? RunIds.formatBulkAction(shown.getLast().id()) : null);
    HttpApi.json(ctx, body);
  }

  /** {@code {"filter": {...}}}; null fields do not filter. */
  static Filter filter(JsonNode body) {
    boolean noFilter =
        body.isObject() && (body.isEmpty() || body.size() == 1 && body.path("filter").isNull());
    if (noFilter) {
      return new Filter(List.of(), null, null, null, null); // refused by the engine
    }
    if (!body.isObject() || body.size() != 1 || !body.path("filter").isObject()) {
      throw ApiException.badRequest(
          "invalid_request",
          "send {\"filter\": {\"status\": ..., \"taskIdentifier\": ..., \"tag\": ..., \"from\":"
              + " ..., \"to\": ...}} with at least one filter field");
    }
    JsonNode filter = body.get("filter");
    for (Iterator<String> names = filter.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FILTER_FIELDS.contains(name)) {
        throw invalid("unknown filter field '" + name + "'; the fields are " + FILTER_FIELDS);
      }
    }
    String taskId = text(filter, "taskIdentifier");
    if (taskId != null && !Task.ID_PATTERN.matcher(taskId).matches()) {
      throw invalid("filter.taskIdentifier is not a task id: '" + taskId + "'");
    }
    String tag = text(filter, "tag");
    if (tag != null && (tag.isEmpty() || tag.length() > TriggerOptions.MAX_TAG_LENGTH)) {
      throw invalid("filter.tag must be 1 to " + TriggerOptions.MAX_TAG_LENGTH + " characters");
    }
    return new Filter(
        statuses(filter.get("status")),
        taskId,
        tag,
        instant(filter, "from"),
        instant(filter, "to"));
  }

  /** One status or an array of them, any case. */
  private static List<RunStatus> statuses(JsonNode node) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    List<JsonNode> items = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(items::add);
    } else {
      items.add(node);
    }
    if (items.isEmpty()) {
      throw invalid("filter.status must name at least one status, or be left out");
    }
    Set<RunStatus> statuses = new LinkedHashSet<>();
    for (JsonNode item : items) {
      try {
        if (!item.isTextual()) {
          throw new IllegalArgumentException();
        }
        statuses.add(RunStatus.valueOf(item.asText().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw invalid(
            "filter.status must be a status or an array of statuses among "
                + java.util.Arrays.toString(RunStatus.values())
                + ", was "
                + item);
      }
    }
    return List.copyOf(statuses);
  }

  private static String text(JsonNode filter, String field) {
    JsonNode node = filter.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual() || TextRules.hasControl(node.asText())) {
      throw invalid("filter." + field + " must be a string without control characters");
    }
    return node.asText();
  }

  private static Instant instant(JsonNode filter, String field) {
    String s = text(filter, field);
    if (s == null) {
      return null;
    }
    try {
      return Instants.parse(s);
    } catch (DateTimeParseException e) {
      throw invalid(
          "filter."
              + field
              + " must be an ISO-8601 instant in the years 1 to 9999, such as 2026-01-31T12:00:00Z, was '"
              + s
              + "'");
    }
  }

  private static ApiException invalid(String message) {
    return ApiException.badRequest("invalid_filter", message);
  }

  static ObjectNode json(BulkActionRecord a) {
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("id", RunIds.formatBulkAction(a.id()));
    n.put("kind", a.kind().name());
    n.put("status", a.status().name());
    ObjectNode f = n.putObject("filter");
    ArrayNode statuses = f.putArray("status");
    a.filter().statuses().forEach(s -> statuses.add(s.name()));
    f.put("taskIdentifier", a.filter().taskId());
    f.put("tag", a.filter().tag());
    time(f, "from", a.filter().from());
    time(f, "to", a.filter().to());
    n.put("total", a.total());
    n.put("processed", a.processed());
    n.put("succeeded", a.succeeded());
    n.put("failed", a.failed());
    n.put("skipped", a.skipped());
    n.put("error", a.error());
    time(n, "createdAt", a.createdAt());
    time(n, "updatedAt", a.updatedAt());
    time(n, "finishedAt", a.finishedAt());
    return n;
  }

  private static void time(ObjectNode n, String field, Instant value) {
    n.put(field, value == null ? null : value.toString());
  }
}
