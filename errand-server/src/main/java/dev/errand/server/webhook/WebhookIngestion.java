package dev.errand.server.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.errand.sdk.internal.Json;
import dev.errand.server.engine.EngineException;
import dev.errand.server.engine.RunEngine;
import dev.errand.server.engine.RunIds;
import dev.errand.server.engine.TriggerRequest;
import dev.errand.server.store.NewRun;
import dev.errand.server.store.Store;
import dev.errand.server.store.Store.Environment;
import dev.errand.server.store.WebhookDeliveryRecord;
import dev.errand.server.store.WebhookDeliveryRecord.Status;
import dev.errand.server.store.WebhookStore.Ingest;
import dev.errand.server.store.WebhookStore.Ingested;
import dev.errand.server.store.WebhookStore.NewDelivery;
import dev.errand.server.store.WebhookStore.RoutedRun;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns webhook deliveries into runs: verifies the raw request against the endpoint's current
 * secrets, logs it, and stores it together with one run per matching route in one transaction
 * before answering, deduplicated by the provider's delivery id. Also replays logged deliveries.
 * Thread-safe.
 */
public final class WebhookIngestion {

  /** How long a provider is asked to wait when a route's task is not registered yet: 60 s. */
  static final Duration TASK_MISSING_RETRY_AFTER = Duration.ofSeconds(60);

  private final Store store;
  private final RunEngine runs;
  private final Clock clock;
  private final EndpointRateLimits rateLimits = new EndpointRateLimits();
  private final EndpointCache endpoints;
  private final IngestQueue queue;
  private final Map<UUID, Environment> environments = new ConcurrentHashMap<>();

  /**
   * @param clock decides timestamp tolerances and secret expiry (tests pin it)
   */
  WebhookIngestion(
      Store store, RunEngine runs, Clock clock, EndpointCache endpoints, IngestQueue queue) {
    this.store = store;
    this.runs = runs;
    this.clock = clock;
    this.endpoints = endpoints;
    this.queue = queue;
  }

  /**
   * The answer to a delivery.
   *
   * @param retryAfter for 429 and 503: when to try again, else null
   */
  public record Answer(int status, ObjectNode body, Duration retryAfter) {
    static Answer error(int status, String code, String message) {
      return error(status, code, message, null);
    }

    static Answer error(int status, String code, String message, Duration retryAfter) {
      ObjectNode body = Json.mapper().createObjectNode();
      body.putObject("error").put("code", code).put("message", message);
      return new Answer(status, body, retryAfter);
    }
  }

  /** The endpoint an ingest URL names, if it exists. */
  public Optional<WebhookEndpoint> endpoint(String id) {
    if (id == null || !id.startsWith(Endpoints.ID_PREFIX) || id.length() > 64) {
      return Optional.empty();
    }
    return endpoints.get(id);
  }

  /**
   * Takes a slot of the endpoint's rate limit on this node.
   *
   * @return null when the delivery may go on, else how long until it may be retried
   */
  public Duration rateLimit(WebhookEndpoint endpoint) {
    Integer limit = endpoint.record().rateLimit();
    if (limit == null) {
      return null;
    }
    return rateLimits.tryAcquire(
        endpoint.id(), limit, endpoint.record().rateWindowMillis(), clock.instant());
  }

  /** Verifies, logs and routes one delivery. */
  public Answer ingest(WebhookEndpoint endpoint, WebhookRequest request) {
    Instant now = clock.instant();
    Verifier verifier = endpoint.verifier();
    String headers = headersJson(request.headers(), verifier);
    Verification verification = verifier.verify(request, endpoint.activeSecrets(now), now);
    if (verification instanceof Verification.Rejected r) {
      reject(endpoint, request, headers, r.code() + ": " + r.reason());
      return Answer.error(r.status(), r.code(), r.reason());
    }
    JsonNode body;
    try {
      if (endpoint.needsParsedBody() || !WebhookBodies.isJson(request.mediaType())) {
        body = WebhookBodies.parse(request);
      } else {
        // nothing reads its fields: check it as strictly as parsing would, without the tree (the
        // event carries the JSON body as its text)
        WebhookBodies.check(request);
        body = null;
      }
    } catch (WebhookException e) {
      reject(endpoint, request, headers, e.code() + ": " + e.getMessage());
      return Answer.error(e.status(), e.code(), e.getMessage());
    }
    String key =
        endpoint.deliveryIdSource().flatMap(s -> s.extract(request.headers(), body)).orElse(null);
    return route(
        endpoint, request, headers, body, key, null, verifier.verifies(), now, HttpStatus.OK);
  }

  /**
   * Routes a logged delivery again, through the endpoint's current routes: new runs, and a new
   * delivery marked as a replay of it. Rejected deliveries cannot be replayed.
   *
   * @throws EngineException 404 for an unknown delivery, 409 for a rejected one
   */
  public Answer replay(Environment env, UUID deliveryId) {
    WebhookDeliveryRecord original =
        store
            .webhooks()
            .findDelivery(env.id(), deliveryId)
            .orElseThrow(
                () ->
                    EngineException.notFound(
                        "delivery_not_found",
                        "no webhook delivery "
                            + RunIds.formatDelivery(deliveryId)
                            + " in environment "
                            + env.slug()));
    if (original.status() == Status.REJECTED) {
      throw EngineException.conflict(
          "delivery_rejected",
          "delivery "
              + RunIds.formatDelivery(deliveryId)
              + " was rejected ("
              + original.reason()
              + "); only verified deliveries can be replayed");
    }
    WebhookEndpoint endpoint =
        WebhookEndpoint.of(store.webhooks().findEndpoint(original.endpointId()).orElseThrow());
    Headers headers = Headers.of(readHeaders(original.headersJson()));
    WebhookRequest request = new WebhookRequest(headers, original.body());
    JsonNode body;
    try {
      body = WebhookBodies.parse(request);
    } catch (WebhookException e) {
      throw EngineException.conflict("delivery_unreadable", e.getMessage());
    }
    UUID replayOf = original.duplicateOf() != null ? original.duplicateOf() : original.id();
    return route(
        endpoint,
        request,
        original.headersJson(),
        body,
        null,
        replayOf,
        original.verified(),
        clock.instant(),
        HttpStatus.CREATED);
  }

  private static final class HttpStatus {
    static final int OK = 200;
    static final int CREATED = 201;
  }

  private Answer route(
      WebhookEndpoint endpoint,
      WebhookRequest request,
      String headersJson,
      JsonNode body,
      String key,
      UUID replayOf,
      boolean verified,
      Instant now,
      int okStatus) {
    Environment env = environment(endpoint.record().environmentId());
    UUID deliveryId = RunIds.next();
    List<RoutedRun> routed = new ArrayList<>();
    for (int i = 0; i < endpoint.routes().size(); i++) {
      Route route = endpoint.routes().get(i);
      if (!route.filter().matches(request.headers(), body)) {
        continue;
      }
      JsonNode payload =
          route.payload() == Route.Payload.BODY
              ? (body == null ? NullNode.getInstance() : body)
              : event(
                  deliveryId,
                  endpoint,
                  now,
                  verified,
                  replayOf,
                  key,
                  headersJson,
                  body,
                  request.body(),
                  WebhookBodies.isJson(request.mediaType()));
      try {
        routed.add(
            new RoutedRun(
                i,
                runs.prepare(env, route.task(), List.of(TriggerRequest.of(payload))).getFirst()));
      } catch (EngineException e) {
        String reason = "route " + i + " (task " + route.task() + "): " + e.getMessage();
        reject(endpoint, request, headersJson, reason);
        return e.status() == 404
            ? Answer.error(
                503,
                "task_not_registered",
                "task '"
                    + route.task()
                    + "' is not registered yet (no worker has started with it); try again later",
                TASK_MISSING_RETRY_AFTER)
            : Answer.error(422, "payload_invalid", reason);
      }
    }
    NewDelivery delivery =
        new NewDelivery(
            deliveryId,
            env.id(),
            endpoint.id(),
            routed.isEmpty() ? Status.UNROUTED : Status.ACCEPTED,
            key,
            replayOf,
            verified,
            null,
            headersJson,
            request.headers().first("Content-Type").orElse(null),
            request.body());
    Ingested ingested =
        queue.ingest(new Ingest(delivery, endpoint.record().dedupWindowMillis(), routed));
    if (!ingested.duplicate() && !routed.isEmpty()) {
      List<NewRun> created = routed.stream().map(RoutedRun::run).toList();
      runs.inserted(env.id(), created);
    }
    ObjectNode answer = Json.mapper().createObjectNode();
    answer.put("deliveryId", RunIds.formatDelivery(ingested.deliveryId()));
    answer.put("status", ingested.duplicate() ? Status.DUPLICATE.wire() : delivery.status().wire());
    answer.put("duplicate", ingested.duplicate());
    if (replayOf != null) {
      answer.put("replayOf", RunIds.formatDelivery(replayOf));
    }
    var runsJson = answer.putArray("runs");
    for (var run : ingested.runs()) {
      runsJson.addObject().put("id", RunIds.format(run.runId())).put("task", run.taskId());
    }
    return new Answer(ingested.duplicate() ? 200 : okStatus, answer, null);
  }

  private static ObjectNode event(
      UUID deliveryId,
      WebhookEndpoint endpoint,
      Instant receivedAt,
      boolean verified,
      UUID replayOf,
      String key,
      String headersJson,
      JsonNode body,
      byte[] raw,
      boolean jsonBody) {
    ObjectNode event = Json.mapper().createObjectNode();
    event.put("deliveryId", RunIds.formatDelivery(deliveryId));
    event.put("endpointId", endpoint.id());
    event.put("endpointName", endpoint.record().name());
    event.put("receivedAt", receivedAt.toString());
    event.put("verified", verified);
    event.put("replayOf", replayOf == null ? null : RunIds.formatDelivery(replayOf));
    event.put("providerDeliveryId", key);
    event.set("headers", readTree(headersJson));
    String text = WebhookBodies.rawBodyText(raw);
    if (text != null && jsonBody && !text.isBlank()) {
      // the body as received: it parsed strictly as JSON, so its text is the value, and writing
      // it again from the tree would cost as much as the rest of the event
      event.putRawValue("body", new RawValue(text));
    } else {
      event.set("body", body == null || body.isNull() ? NullNode.getInstance() : body);
    }
    event.put("rawBody", text);
    event.put("rawBodyBase64", text == null ? Base64.getEncoder().encodeToString(raw) : null);
    return event;
  }

  private void reject(
      WebhookEndpoint endpoint, WebhookRequest request, String headersJson, String reason) {
    store
        .webhooks()
        .reject(
            new NewDelivery(
                RunIds.next(),
                endpoint.record().environmentId(),
                endpoint.id(),
                Status.REJECTED,
                null,
                null,
                false,
                reason.length() > 500 ? reason.substring(0, 500) : reason,
                headersJson,
                request.headers().first("Content-Type").orElse(null),
                request.body()));
  }

  private Environment environment(UUID id) {
    Environment env = environments.get(id);
    if (env == null) {
      env =
          store
              .findEnvironment(id)
              .orElseThrow(() -> new IllegalStateException("environment " + id + " is gone"));
      environments.put(id, env);
    }
    return env;
  }

  private static String headersJson(Headers headers, Verifier verifier) {
    try {
      return Json.mapper()
          .writeValueAsString(SignatureMasking.masked(headers, verifier.signatureHeaders()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("headers cannot be written as JSON", e);
    }
  }

  private static JsonNode readTree(String json) {
    try {
      return Json.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored headers are not JSON", e);
    }
  }

  private static Map<String, List<String>> readHeaders(String json) {
    try {
      return Json.mapper()
          .readValue(
              json,
              new com.fasterxml.jackson.core.type.TypeReference<Map<String, List<String>>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored headers are not JSON", e);
    }
  }
}
