package dev.errand.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.sdk.internal.Json;
import dev.errand.server.audit.AuditAction;
import dev.errand.server.audit.AuditTarget;
import dev.errand.server.engine.RunIds;
import dev.errand.server.store.WebhookDeliveryRecord;
import dev.errand.server.store.WebhookStore.DeliveryFilter;
import dev.errand.server.webhook.Endpoints;
import dev.errand.server.webhook.Headers;
import dev.errand.server.webhook.WebhookBodies;
import dev.errand.server.webhook.WebhookEndpoint;
import dev.errand.server.webhook.WebhookIngestion;
import dev.errand.server.webhook.WebhookRequest;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Webhooks: ingestion ({@code POST /webhooks/{endpointId}}, no API key: the endpoint's signature
 * authenticates), endpoints ({@code /api/v1/webhooks/endpoints}) and the deliveries log ({@code
 * /api/v1/webhooks/deliveries}).
 */
final class WebhookRoutes {
  /** The ingest path. */
  static final String INGEST = "/webhooks/{endpointId}";

  private static final String ENDPOINTS = "/api/v1/webhooks/endpoints";
  private static final String ENDPOINT = ENDPOINTS + "/{id}";
  private static final String DELIVERIES = "/api/v1/webhooks/deliveries";
  private static final String DELIVERY = DELIVERIES + "/{id}";

  private final Endpoints endpoints;
  private final WebhookIngestion ingestion;

  private final Audit audit;

  WebhookRoutes(Endpoints endpoints, WebhookIngestion ingestion, Audit audit) {
    this.endpoints = endpoints;
    this.ingestion = ingestion;
    this.audit = audit;
  }

  void addTo(JavalinDefaultRoutingApi routes) {
    routes.post(INGEST, this::ingest);
    routes.post(
        ENDPOINTS,
        ctx -> {
          JsonNode body = Bodies.tree(ctx);
          WebhookEndpoint e =
              audit.around(
                  ctx,
                  AuditAction.WEBHOOK_ENDPOINT_CREATED,
                  AuditTarget.webhookEndpoint(null), // the store names the new endpoint
                  fieldNames(body),
                  () -> endpoints.create(Bodies.environment(ctx), body));
          ctx.status(201);
          answer(ctx, e);
        });
    routes.get(ENDPOINTS, this::listEndpoints);
    routes.get(
        ENDPOINT, ctx -> answer(ctx, endpoints.get(Bodies.environment(ctx), ctx.pathParam("id"))));
    routes.patch(
        ENDPOINT,
        ctx -> {
          JsonNode patch = Bodies.tree(ctx);
          answer(
              ctx,
              endpointAction(
                  ctx,
                  AuditAction.WEBHOOK_ENDPOINT_UPDATED,
                  fieldNames(patch),
                  id -> endpoints.update(Bodies.environment(ctx), id, patch)));
        });
    routes.post(ENDPOINT + "/enable", ctx -> setEnabled(ctx, true));
    routes.post(ENDPOINT + "/disable", ctx -> setEnabled(ctx, false));
    routes.post(
        ENDPOINT + "/rotate-secret",
        ctx -> {
          JsonNode body = Bodies.tree(ctx);
          answer(
              ctx,
              endpointAction(
                  ctx,
                  AuditAction.WEBHOOK_ENDPOINT_SECRET_ROTATED,
                  fieldNames(body), // never the secret itself
                  id -> endpoints.rotateSecret(Bodies.environment(ctx), id, body)));
        });
    routes.delete(
        ENDPOINT,
        ctx -> {
          String id = ctx.pathParam("id");
          audit.run(
              ctx,
              AuditAction.WEBHOOK_ENDPOINT_DELETED,
              AuditTarget.webhookEndpoint(id),
              null,
              () -> endpoints.delete(Bodies.environment(ctx), id));
          ctx.status(204);
        });
    routes.get(DELIVERIES, this::listDeliveries);
    routes.get(DELIVERY, this::getDelivery);
    routes.post(
        DELIVERY + "/replay",
        ctx -> {
          UUID id = deliveryId(ctx);
          answer(
              ctx,
              audit.around(
                  ctx,
                  AuditAction.WEBHOOK_DELIVERY_REPLAYED,
                  AuditTarget.webhookDelivery(ctx.pathParam("id")),
                  null,
                  () -> ingestion.replay(Bodies.environment(ctx), id)));
        });
  }

  private void setEnabled(Context ctx, boolean enabled) {
    answer(
        ctx,
        endpointAction(
            ctx,
            enabled ? AuditAction.WEBHOOK_ENDPOINT_ENABLED : AuditAction.WEBHOOK_ENDPOINT_DISABLED,
            null,
            id -> endpoints.setEnabled(Bodies.environment(ctx), id, enabled)));
  }

  /** A change of the endpoint named in the path, audited in the change's transaction. */
  private WebhookEndpoint endpointAction(
      Context ctx,
      AuditAction action,
      ObjectNode details,
      java.util.function.Function<String, WebhookEndpoint> change) {
    String id = ctx.pathParam("id");
    return audit.around(
        ctx, action, AuditTarget.webhookEndpoint(id), details, () -> change.apply(id));
  }

  /** The names (never the values) of a request body's fields: what a change touched. */
  private static ObjectNode fieldNames(JsonNode body) {
    ObjectNode details = Audit.details();
    var fields = details.putArray("fields");
    if (body != null && body.isObject()) {
      body.fieldNames().forEachRemaining(fields::add);
    }
    return details;
  }

  private static void answer(Context ctx, WebhookEndpoint endpoint) {
    HttpApi.json(ctx, WebhookJson.endpoint(endpoint, baseUrl(ctx)));
  }

  private void listEndpoints(Context ctx) {
    ObjectNode body = Json.mapper().createObjectNode();
    var data = body.putArray("data");
    String base = baseUrl(ctx);
    endpoints.list(Bodies.environment(ctx)).forEach(e -> data.add(WebhookJson.endpoint(e, base)));
    HttpApi.json(ctx, body);
  }

  private void listDeliveries(Context ctx) {
    int limit = RunRoutes.limit(ctx.queryParam("limit"));
    String cursor = ctx.queryParam("cursor");
    DeliveryFilter filter =
        new DeliveryFilter(
            emptyToNull(ctx.queryParam("endpoint")),
            status(ctx.queryParam("status")),
            RunRoutes.instant("from", ctx.queryParam("from")),
            RunRoutes.instant("to", ctx.queryParam("to")),
            cursor == null || cursor.isEmpty() ? null : parseDeliveryId(cursor, "cursor"));
    var env = Bodies.environment(ctx);
    List<WebhookDeliveryRecord> page = endpoints.deliveries(env, filter, limit + 1);
    boolean more = page.size() > limit;
    List<WebhookDeliveryRecord> shown = more ? page.subList(0, limit) : page;
    ObjectNode body = Json.mapper().createObjectNode();
    var data = body.putArray("data");
    shown.forEach(d -> data.add(WebhookJson.delivery(d)));
    body.put("nextCursor", more ? RunIds.formatDelivery(shown.getLast().id()) : null);
    HttpApi.json(ctx, body);
  }

  private void getDelivery(Context ctx) {
    HttpApi.json(
        ctx, WebhookJson.delivery(endpoints.delivery(Bodies.environment(ctx), deliveryId(ctx))));
  }

  /** {@code POST /webhooks/{endpointId}}: every refusal is a 4xx, a store outage a 503. */
  private void ingest(Context ctx) throws IOException {
    WebhookEndpoint endpoint =
        ingestion
            .endpoint(ctx.pathParam("endpointId"))
            .orElseThrow(
                () -> new ApiException(404, "endpoint_not_found", "no such webhook endpoint"));
    if (!endpoint.record().enabled()) {
      throw new ApiException(410, "endpoint_disabled", "this webhook endpoint is disabled");
    }
    String mediaType = WebhookRequest.mediaTypeOf(ctx.header("Content-Type"));
    if (!WebhookBodies.accepts(mediaType)) {
      throw new ApiException(
          415,
          "unsupported_media_type",
          "Content-Type '"
              + mediaType
              + "' is not supported; send one of "
              + WebhookBodies.ACCEPTED);
    }
    int max = endpoint.record().maxBodyBytes();
    long declared = ctx.req().getContentLengthLong();
    if (declared > max) {
      throw tooLarge(max);
    }
    Duration retryAfter = ingestion.rateLimit(endpoint);
    if (retryAfter != null) {
      ctx.header("Retry-After", String.valueOf(Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
      throw new ApiException(429, "rate_limited", "this endpoint's rate limit is reached");
    }
    byte[] body = readAtMost(ctx.req().getInputStream(), max);
    answer(ctx, ingestion.ingest(endpoint, new WebhookRequest(headers(ctx), body)));
  }

  private static void answer(Context ctx, WebhookIngestion.Answer answer) {
    if (answer.retryAfter() != null) {
      ctx.header("Retry-After", String.valueOf(Math.max(1, answer.retryAfter().toSeconds())));
    }
    if (answer.status() >= 400) {
      ctx.attribute("errand.error", Boolean.TRUE);
    }
    ctx.status(answer.status());
    HttpApi.json(ctx, answer.body());
  }

  /** The body, read up to {@code max} bytes: a longer one is refused without reading the rest. */
  private static byte[] readAtMost(InputStream in, int max) throws IOException {
    byte[] body = in.readNBytes(max + 1);
    if (body.length > max) {
      throw tooLarge(max);
    }
    return body;
  }

  private static ApiException tooLarge(int max) {
    return new ApiException(
        413, "payload_too_large", "the body is larger than this endpoint's " + max + " bytes");
  }

  private static Headers headers(Context ctx) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : Collections.list(ctx.req().getHeaderNames())) {
      headers.put(name, new ArrayList<>(Collections.list(ctx.req().getHeaders(name))));
    }
    return Headers.of(headers);
  }

  /**
   * The server's address as the caller sees it, for endpoint URLs: a proxy's {@code
   * X-Forwarded-Proto} and {@code X-Forwarded-Host} when present.
   */
  private static String baseUrl(Context ctx) {
    String proto = ctx.header("X-Forwarded-Proto");
    String host = ctx.header("X-Forwarded-Host");
    return (proto == null ? ctx.scheme() : proto.split(",")[0].trim())
        + "://"
        + (host == null ? ctx.host() : host.split(",")[0].trim());
  }

  private static WebhookDeliveryRecord.Status status(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    try {
      return WebhookDeliveryRecord.Status.fromWire(s);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "invalid_query",
          "status must be accepted, rejected, duplicate or unrouted, was '" + s + "'");
    }
  }

  private static UUID deliveryId(Context ctx) {
    return parseDeliveryId(ctx.pathParam("id"), "delivery id");
  }

  private static UUID parseDeliveryId(String text, String what) {
    try {
      return RunIds.parseDelivery(text);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "invalid_query", what + " must be a delivery id (dlv_...), was '" + text + "'");
    }
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
