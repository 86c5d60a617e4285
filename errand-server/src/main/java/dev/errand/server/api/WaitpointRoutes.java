package dev.errand.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.errand.sdk.internal.Json;
import dev.errand.server.audit.AuditAction;
import dev.errand.server.audit.AuditTarget;
import dev.errand.server.auth.Permission;
import dev.errand.server.engine.RunIds;
import dev.errand.server.engine.RunLimits;
import dev.errand.server.engine.Waitpoints;
import dev.errand.server.engine.Waitpoints.TokenView;
import dev.errand.server.store.TokenRecord;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Waitpoint tokens, {@code /api/v1/waitpoints/tokens}: create, list, read, complete, and the
 * callback URL that completes a token without an API key (its path carries an HMAC of the token
 * id).
 */
final class WaitpointRoutes {
  static final String TOKENS = "/api/v1/waitpoints/tokens";

  /** The callback path; {@link HttpApi} lets it through without an API key. */
  static final Pattern CALLBACK_PATH =
      Pattern.compile("/api/v1/waitpoints/tokens/[^/]+/callback/[^/]+");

  private static final Set<String> CREATE_FIELDS = Set.of("timeout", "idempotencyKey", "tags");
  private static final int MAX_LIMIT = 100;

  private final Waitpoints waitpoints;
  private final Audit audit;

  WaitpointRoutes(Waitpoints waitpoints, Audit audit, RunLimits limits) {
    this.waitpoints = waitpoints;
    this.audit = audit;
    this.limits = limits;
  }

  private final RunLimits limits;

  /**
   * Completion data becomes input of the runs that wait on the token, like a payload: it is held to
   * the payload limit.
   */
  private void checkDataSize(Context ctx) {
    int bytes = ctx.bodyAsBytes().length;
    if (bytes > limits.maxPayloadBytes()) {
      throw new ApiException(
          413,
          "payload_too_large",
          "the completion data is "
              + bytes
              + " bytes, more than this server's payload limit of "
              + limits.maxPayloadBytes()
              + " bytes");
    }
  }

  void addTo(JavalinDefaultRoutingApi routes) {
    routes.post(TOKENS, this::create);
    routes.get(TOKENS, this::list);
    routes.get(TOKENS + "/{tokenId}", this::get);
    routes.post(TOKENS + "/{tokenId}/complete", this::complete);
    routes.post(TOKENS + "/{tokenId}/callback/{signature}", this::callback);
  }

  private void create(Context ctx) {
    JsonNode body =
        ctx.bodyAsBytes().length == 0 ? Json.mapper().createObjectNode() : Bodies.tree(ctx);
    if (!body.isObject()) {
      throw ApiException.badRequest("invalid_request", "the body must be a JSON object");
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!CREATE_FIELDS.contains(name)) {
        throw ApiException.badRequest(
            "invalid_request", name + " is not a field; a token has " + CREATE_FIELDS);
      }
    }
    Duration timeout = timeout(body.get("timeout"));
    String key = idempotencyKey(body.get("idempotencyKey"));
    List<String> tags = tags(body.get("tags"));
    TokenView token = waitpoints.create(Bodies.environment(ctx), timeout, key, tags);
    HttpApi.json(ctx, json(ctx, token));
  }

  private void list(Context ctx) {
    TokenRecord.Status status = null;
    String s = ctx.queryParam("status");
    if (s != null && !s.isEmpty()) {
      try {
        status = TokenRecord.Status.valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(
            "invalid_query", "status must be WAITING, COMPLETED or TIMED_OUT, was '" + s + "'");
      }
    }
    int limit = RunRoutes.limit(ctx.queryParam("limit"));
    String cursor = ctx.queryParam("cursor");
    UUID before = cursor == null || cursor.isEmpty() ? null : tokenId(cursor, "cursor");
    List<TokenView> page =
        waitpoints.list(
            Bodies.environment(ctx),
            status,
            TextRules.queryParam("tag", ctx.queryParam("tag")),
            before,
            Math.min(limit, MAX_LIMIT) + 1);
    boolean more = page.size() > limit;
    List<TokenView> shown = more ? page.subList(0, limit) : page;
    ObjectNode body = Json.mapper().createObjectNode();
    ArrayNode data = body.putArray("data");
    shown.forEach(t -> data.add(json(ctx, t)));
    body.put("nextCursor", more ? shown.getLast().id() : null);
    HttpApi.json(ctx, body);
  }

  private void get(Context ctx) {
    UUID id = tokenId(ctx.pathParam("tokenId"), "token id");
    HttpApi.json(ctx, json(ctx, waitpoints.get(Bodies.environment(ctx), id)));
  }

  private void complete(Context ctx) {
    UUID id = tokenId(ctx.pathParam("tokenId"), "token id");
    checkDataSize(ctx);
    JsonNode data = null;
    if (ctx.bodyAsBytes().length > 0) {
      JsonNode body = Bodies.tree(ctx);
      if (!body.isObject()) {
        throw ApiException.badRequest(
            "invalid_request", "the body must be a JSON object such as {\"data\": {...}}");
      }
      for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (!name.equals("data")) {
          throw ApiException.badRequest(
              "invalid_request", name + " is not a field; send {\"data\": <any JSON>}");
        }
      }
      data = body.get("data");
    }
    JsonNode output = data;
    TokenView token =
        audit.around(
            ctx,
            AuditAction.TOKEN_COMPLETED,
            AuditTarget.waitpointToken(RunIds.formatToken(id)),
            null,
            () -> waitpoints.complete(Bodies.environment(ctx), id, output));
    HttpApi.json(ctx, json(ctx, token));
  }

  /** The callback URL: the whole body is the data. */
  private void callback(Context ctx) {
    UUID id;
    try {
      id = RunIds.parseToken(ctx.pathParam("tokenId"));
    } catch (IllegalArgumentException e) {
      throw new ApiException(404, "token_not_found", "no such token");
    }
    checkDataSize(ctx);
    JsonNode data = ctx.bodyAsBytes().length == 0 ? null : Bodies.tree(ctx);
    TokenView token = waitpoints.completeByCallback(id, ctx.pathParam("signature"), data);
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("id", token.id());
    body.put("status", token.token().status().name());
    HttpApi.json(ctx, body);
  }

  private static ObjectNode json(Context ctx, TokenView view) {
    TokenRecord t = view.token();
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("id", view.id());
    // the callback URL completes the token without a key: only keys that may complete tokens see it
    var principal = HttpApi.principal(ctx);
    if (principal != null && principal.keyType().allows(Permission.WAITPOINTS)) {
      n.put(
          "url", baseUrl(ctx) + TOKENS + "/" + view.id() + "/callback/" + view.callbackSignature());
    } else {
      n.putNull("url");
    }
    n.put("status", t.status().name());
    n.put("idempotencyKey", t.idempotencyKey());
    ArrayNode tags = n.putArray("tags");
    t.tags().forEach(tags::add);
    time(n, "timeoutAt", t.timeoutAt());
    time(n, "createdAt", t.createdAt());
    time(n, "completedAt", t.completedAt());
    if (t.outputJson() == null) {
      n.putNull("output");
    } else {
      n.putRawValue("output", new RawValue(t.outputJson()));
    }
    return n;
  }

  /** The URL the request came to: scheme and host as the client saw them. */
  private static String baseUrl(Context ctx) {
    String proto = ctx.header("X-Forwarded-Proto");
    String host = ctx.header("X-Forwarded-Host");
    String scheme = proto != null && proto.matches("https?") ? proto : ctx.scheme();
    String authority = host != null && host.matches("[A-Za-z0-9.:\\[\\]-]+") ? host : ctx.host();
    return scheme + "://" + authority;
  }

  private static void time(ObjectNode n, String field, Instant t) {
    if (t == null) {
      n.putNull(field);
    } else {
      n.put(field, t.toString());
    }
  }

  /** A timeout: a duration ({@code "10m"}, {@code "PT1H"}) or an ISO-8601 instant. */
  private static Duration timeout(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isTextual()) {
      String text = n.asText().trim();
      Duration d = TriggerParser.parseDuration(text);
      if (d == null) {
        try {
          d = Duration.between(Instant.now(), Instant.parse(text));
        } catch (DateTimeParseException e) {
          d = null;
        }
      }
      if (d != null && d.isPositive() && d.compareTo(Waitpoints.MAX_TIMEOUT) <= 0) {
        return d;
      }
    }
    throw ApiException.badRequest(
        "invalid_timeout",
        "timeout must be a duration such as \"10m\", \"1h\" or \"PT30S\", or a future ISO-8601"
            + " instant, at most 366 days ahead; was "
            + n);
  }

  private static String idempotencyKey(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()
        || n.asText().isEmpty()
        || n.asText().length() > TriggerParser.MAX_IDEMPOTENCY_KEY_LENGTH
        || TextRules.hasControl(n.asText())) {
      throw ApiException.badRequest(
          "invalid_request",
          "idempotencyKey must be a string of 1 to "
              + TriggerParser.MAX_IDEMPOTENCY_KEY_LENGTH
              + " characters without control characters");
    }
    return n.asText();
  }

  private static List<String> tags(JsonNode n) {
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray() || n.size() > 10) {
      throw ApiException.badRequest(
          "invalid_request", "tags must be an array of at most 10 strings");
    }
    List<String> tags = new ArrayList<>();
    for (JsonNode tag : n) {
      if (!tag.isTextual()
          || tag.asText().isEmpty()
          || tag.asText().length() > 128
          || TextRules.hasControl(tag.asText())) {
        throw ApiException.badRequest(
            "invalid_request", "each tag must be a string of 1 to 128 characters");
      }
      tags.add(tag.asText());
    }
    return tags;
  }

  private static UUID tokenId(String text, String what) {
    try {
      return RunIds.parseToken(text);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid_token_id", what + ": " + e.getMessage());
    }
  }
}
