package dev.errand.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.sdk.internal.Json;
import dev.errand.server.audit.AuditAction;
import dev.errand.server.engine.RunIds;
import dev.errand.server.store.AuditRecord;
import dev.errand.server.store.AuditStore;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /api/v1/audit}: the audit log of the caller's environment, newest first, filtered by
 * {@code action}, {@code actorId}, {@code actorName}, {@code targetType}, {@code targetId}, {@code
 * since} (inclusive), {@code until} (exclusive), paged by {@code limit} and {@code cursor}.
 */
final class AuditRoutes {
  /** Longest text filter: {@value}. */
  static final int MAX_FILTER_LENGTH = 256;

  private final AuditStore audit;

  AuditRoutes(AuditStore audit) {
    this.audit = audit;
  }

  void addTo(JavalinDefaultRoutingApi routes) {
    routes.get("/api/v1/audit", this::list);
  }

  private void list(Context ctx) {
    int limit = RunRoutes.limit(ctx.queryParam("limit"));
    Instant since = RunRoutes.instant("since", ctx.queryParam("since"));
    Instant until = RunRoutes.instant("until", ctx.queryParam("until"));
    if (since != null && until != null && !since.isBefore(until)) {
      throw ApiException.badRequest(
          "invalid_query", "since must be before until, was " + since + " and " + until);
    }
    AuditStore.Filter filter =
        new AuditStore.Filter(
            action(ctx.queryParam("action")),
            text(ctx, "actorId"),
            text(ctx, "actorName"),
            text(ctx, "targetType"),
            text(ctx, "targetId"),
            since,
            until,
            cursor(ctx.queryParam("cursor")));
    List<AuditRecord> page = audit.list(Bodies.environment(ctx).id(), filter, limit + 1);
    boolean more = page.size() > limit;
    List<AuditRecord> shown = more ? page.subList(0, limit) : page;
    ObjectNode body = Json.mapper().createObjectNode();
    ArrayNode data = body.putArray("data");
    shown.forEach(r -> data.add(json(r)));
    body.put("nextCursor", more ? String.valueOf(shown.getLast().id()) : null);
    HttpApi.json(ctx, body);
  }

  static ObjectNode json(AuditRecord r) {
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("id", String.valueOf(r.id()));
    n.put("occurredAt", r.occurredAt().toString());
    n.putObject("actor")
        .put("type", r.actorType())
        .put("id", r.actorId())
        .put("name", r.actorName())
        .put("address", r.address());
    n.put("action", r.action());
    ObjectNode target = n.putObject("target");
    target.put("type", r.targetType()).put("id", r.targetId());
    n.set("details", details(r.detailsJson()));
    n.put("requestId", r.requestId());
    return n;
  }

  /** The stored details, with the ids of created runs ({@code runIds}) in their public form. */
  private static JsonNode details(String json) {
    try {
      JsonNode details = Json.mapper().readTree(json);
      if (details.get("runIds") instanceof ArrayNode ids) {
        ArrayNode formatted = Json.mapper().createArrayNode();
        ids.forEach(id -> formatted.add(RunIds.format(UUID.fromString(id.asText()))));
        ((ObjectNode) details).set("runIds", formatted);
      }
      return details;
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException("audit details are not the JSON the store wrote", e);
    }
  }

  private static String action(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    if (AuditAction.fromWireName(s).isEmpty()) {
      throw ApiException.badRequest(
          "invalid_query",
          "action must be one of " + AuditAction.wireNames() + ", was '" + s + "'");
    }
    return s;
  }

  private static String text(Context ctx, String name) {
    String value = TextRules.queryParam(name, ctx.queryParam(name));
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (value.length() > MAX_FILTER_LENGTH) {
      throw ApiException.badRequest(
          "invalid_query", name + " must be at most " + MAX_FILTER_LENGTH + " characters");
    }
    return value;
  }

  private static Long cursor(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    try {
      long id = Long.parseLong(s);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw ApiException.badRequest(
        "invalid_query", "cursor must be a nextCursor from an earlier page, was '" + s + "'");
  }
}
