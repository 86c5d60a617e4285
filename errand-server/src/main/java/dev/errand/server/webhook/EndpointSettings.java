package dev.errand.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.server.store.WebhookEndpointRecord;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An endpoint's settings as the API gives them (JSON), validated: for a new endpoint ({@link
 * #forCreate}) or as changes to an existing one ({@link #applyPatch}). Every message names the
 * field, the rule and the value, and never contains a secret.
 */
final class EndpointSettings {

  /** How long a delivery id is remembered unless the endpoint says otherwise: 7 days. */
  static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofDays(7);

  /** The longest dedup window: 90 days. */
  static final Duration MAX_DEDUP_WINDOW = Duration.ofDays(90);

  /** The largest body accepted unless the endpoint says otherwise: 1 MiB. */
  static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;

  /** The largest body an endpoint may accept: 16 MiB. */
  static final int MAX_BODY_BYTES = 16 << 20;

  /** Endpoint names: 1 to 100 letters, digits, {@code .}, {@code _} and {@code -}. */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  private static final Set<String> FIELDS =
      Set.of(
          "name",
          "verifier",
          "routes",
          "deliveryId",
          "dedupWindowSeconds",
          "maxBodyBytes",
          "rateLimit",
          "enabled");

  private EndpointSettings() {}

  /** A new endpoint's record (no secrets, no timestamps) and its secret. */
  record Created(WebhookEndpointRecord record, String secret) {}

  static Created forCreate(java.util.UUID environmentId, String id, JsonNode body) {
    requireObject(body);
    JsonNode verifierJson = body.get("verifier");
    if (verifierJson == null || !verifierJson.isObject()) {
      throw new IllegalArgumentException(
          "verifier: required, an object such as {\"type\": \"stripe\", \"secret\": \"whsec_...\"}");
    }
    VerifierConfig verifier = VerifierConfig.fromJson(verifierJson);
    JsonNode secretJson = verifierJson.get("secret");
    if (secretJson != null && !secretJson.isNull() && !secretJson.isTextual()) {
      throw new IllegalArgumentException("verifier.secret: must be a string");
    }
    String secret = secretJson == null || secretJson.isNull() ? null : secretJson.asText();
    VerifierConfig.checkSecret(verifier.type(), secret);
    String name = name(body.get("name"));
    JsonNode deliveryId = body.get("deliveryId");
    DeliveryIdSource source =
        deliveryId == null
            ? DeliveryIdSource.defaultFor(verifier.type()).orElse(null)
            : deliveryIdSource(deliveryId);
    int[] rate = rateLimit(body.get("rateLimit"));
    WebhookEndpointRecord record =
        new WebhookEndpointRecord(
            id,
            environmentId,
            name,
            verifier.toJson().toString(),
            Route.listToJson(Route.listFromJson(body.get("routes"))).toString(),
            source == null ? null : source.toJson().toString(),
            dedupWindow(body.get("dedupWindowSeconds"), DEFAULT_DEDUP_WINDOW).toMillis(),
            maxBodyBytes(body.get("maxBodyBytes"), DEFAULT_MAX_BODY_BYTES),
            rate == null ? null : rate[0],
            rate == null ? null : rate[1] * 1000L,
            bool(body.get("enabled"), "enabled", true),
            null,
            null,
            List.of());
    return new Created(record, secret);
  }

  /**
   * {@code current} with the fields {@code patch} gives changed. The verifier's type and secret
   * cannot change here (a new secret is a rotation); its options can.
   */
  static WebhookEndpointRecord applyPatch(WebhookEndpoint current, JsonNode patch) {
    requireObject(patch);
    WebhookEndpointRecord r = current.record();
    String verifier = r.verifierJson();
    if (patch.has("verifier")) {
      JsonNode v = patch.get("verifier");
      if (!v.isObject()) {
        throw new IllegalArgumentException("verifier: must be an object");
      }
      if (v.has("secret")) {
        throw new IllegalArgumentException(
            "verifier.secret: change a secret with POST .../rotate-secret, not here");
      }
      VerifierConfig changed = VerifierConfig.fromJson(v);
      if (!changed.type().equals(current.verifierConfig().type())) {
        throw new IllegalArgumentException(
            "verifier.type: cannot change from "
                + current.verifierConfig().type()
                + " to "
                + changed.type()
                + "; create a new endpoint");
      }
      verifier = changed.toJson().toString();
    }
    String deliveryId = r.deliveryIdSourceJson();
    if (patch.has("deliveryId")) {
      DeliveryIdSource source = deliveryIdSource(patch.get("deliveryId"));
      deliveryId = source == null ? null : source.toJson().toString();
    }
    Integer rateLimit = r.rateLimit();
    Long rateWindow = r.rateWindowMillis();
    if (patch.has("rateLimit")) {
      int[] rate = rateLimit(patch.get("rateLimit"));
      rateLimit = rate == null ? null : rate[0];
      rateWindow = rate == null ? null : rate[1] * 1000L;
    }
    return new WebhookEndpointRecord(
        r.id(),
        r.environmentId(),
        patch.has("name") ? name(patch.get("name")) : r.name(),
        verifier,
        patch.has("routes")
            ? Route.listToJson(Route.listFromJson(patch.get("routes"))).toString()
            : r.routesJson(),
        deliveryId,
        patch.has("dedupWindowSeconds")
            ? dedupWindow(patch.get("dedupWindowSeconds"), null).toMillis()
            : r.dedupWindowMillis(),
        patch.has("maxBodyBytes")
            ? maxBodyBytes(patch.get("maxBodyBytes"), null)
            : r.maxBodyBytes(),
        rateLimit,
        rateWindow,
        bool(patch.get("enabled"), "enabled", r.enabled()),
        r.createdAt(),
        r.updatedAt(),
        r.secrets());
  }

  private static void requireObject(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object");
    }
    body.fieldNames()
        .forEachRemaining(
            field -> {
              if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException(
                    "unknown field '" + field + "' (known: " + String.join(", ", FIELDS) + ")");
              }
            });
  }

  private static String name(JsonNode name) {
    if (name == null || !name.isTextual() || !NAME.matcher(name.asText()).matches()) {
      throw new IllegalArgumentException(
          "name: required, must match " + NAME.pattern() + ", was " + name);
    }
    return name.asText();
  }

  private static DeliveryIdSource deliveryIdSource(JsonNode json) {
    return json == null || json.isNull() ? null : DeliveryIdSource.fromJson(json);
  }

  private static Duration dedupWindow(JsonNode seconds, Duration otherwise) {
    if (seconds == null || seconds.isNull()) {
      if (otherwise == null) {
        throw new IllegalArgumentException("dedupWindowSeconds: must be a number");
      }
      return otherwise;
    }
    if (!seconds.canConvertToLong()
        || !seconds.isIntegralNumber()
        || seconds.asLong() < 1
        || seconds.asLong() > MAX_DEDUP_WINDOW.toSeconds()) {
      throw new IllegalArgumentException(
          "dedupWindowSeconds: a whole number from 1 to "
              + MAX_DEDUP_WINDOW.toSeconds()
              + ", was "
              + seconds);
    }
    return Duration.ofSeconds(seconds.asLong());
  }

  private static int maxBodyBytes(JsonNode bytes, Integer otherwise) {
    if (bytes == null || bytes.isNull()) {
      if (otherwise == null) {
        throw new IllegalArgumentException("maxBodyBytes: must be a number");
      }
      return otherwise;
    }
    if (!bytes.isIntegralNumber()
        || !bytes.canConvertToInt()
        || bytes.asInt() < 1
        || bytes.asInt() > MAX_BODY_BYTES) {
      throw new IllegalArgumentException(
          "maxBodyBytes: a whole number from 1 to " + MAX_BODY_BYTES + ", was " + bytes);
    }
    return bytes.asInt();
  }

  /** {limit, windowSeconds}, or null for none. */
  private static int[] rateLimit(JsonNode rate) {
    if (rate == null || rate.isNull()) {
      return null;
    }
    JsonNode limit = rate.get("limit");
    JsonNode window = rate.get("windowSeconds");
    if (!rate.isObject()
        || limit == null
        || !limit.isIntegralNumber()
        || !limit.canConvertToInt()
        || limit.asInt() < 1
        || limit.asInt() > 1_000_000
        || (window != null
            && (!window.isIntegralNumber()
                || !window.canConvertToInt()
                || window.asInt() < 1
                || window.asInt() > 86_400))) {
      throw new IllegalArgumentException(
          "rateLimit: {\"limit\": 1..1000000, \"windowSeconds\": 1..86400 (default 1)}, was "
              + rate);
    }
    return new int[] {limit.asInt(), window == null ? 1 : window.asInt()};
  }

  private static boolean bool(JsonNode value, String field, boolean otherwise) {
    if (value == null || value.isNull()) {
      return otherwise;
    }
    if (!value.isBoolean()) {
      throw new IllegalArgumentException(field + ": must be true or false, was " + value);
    }
    return value.asBoolean();
  }
}
