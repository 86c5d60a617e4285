package dev.errand.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.server.engine.EngineException;
import dev.errand.server.engine.RunIds;
import dev.errand.server.secret.WebhookSecretSeal;
import dev.errand.server.store.Store;
import dev.errand.server.store.Store.Environment;
import dev.errand.server.store.WebhookDeliveryRecord;
import dev.errand.server.store.WebhookEndpointRecord;
import dev.errand.server.store.WebhookStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Creating, reading, changing and deleting an environment's webhook endpoints, and reading their
 * deliveries. Thread-safe. Invalid settings are {@link EngineException}s with status 400 and code
 * {@code invalid_endpoint}; an endpoint of another environment is not found.
 */
public final class Endpoints {

  /** How long an old secret keeps verifying after a rotation unless told otherwise: 24 hours. */
  public static final Duration DEFAULT_GRACE = Duration.ofHours(24);

  /** The longest grace period: 30 days. */
  public static final Duration MAX_GRACE = Duration.ofDays(30);

  /** The prefix of endpoint ids: {@value}. */
  public static final String ID_PREFIX = "we_";

  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Store store;
  private final EndpointCache cache;
  private final WebhookSecretSeal seal;

  Endpoints(Store store, EndpointCache cache, WebhookSecretSeal seal) {
    this.store = store;
    this.cache = cache;
    this.seal = seal;
  }

  /** A new unguessable endpoint id: {@code we_} and 32 base32 characters (160 random bits). */
  static String newId() {
    StringBuilder id = new StringBuilder(ID_PREFIX);
    for (int i = 0; i < 32; i++) {
      id.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return id.toString();
  }

  public WebhookEndpoint create(Environment env, JsonNode body) {
    EndpointSettings.Created created =
        valid(() -> EndpointSettings.forCreate(env.id(), newId(), body));
    return store
        .webhooks()
        .createEndpoint(
            created.record(),
            seal.seal(
                env.id(), created.record().id(), WebhookSecretSeal.FIRST_VERSION, created.secret()))
        .map(WebhookEndpoint::of)
        .orElseThrow(
            () ->
                EngineException.conflict(
                    "endpoint_exists",
                    "an endpoint named '"
                        + created.record().name()
                        + "' exists in environment "
                        + env.slug()));
  }

  public List<WebhookEndpoint> list(Environment env) {
    return store.webhooks().listEndpoints(env.id()).stream().map(WebhookEndpoint::of).toList();
  }

  /**
   * @throws EngineException 404 when the environment has no such endpoint
   */
  public WebhookEndpoint get(Environment env, String id) {
    return store
        .webhooks()
        .findEndpoint(id)
        .filter(e -> e.environmentId().equals(env.id()))
        .map(WebhookEndpoint::of)
        .orElseThrow(() -> notFound(env, id));
  }

  /** Changes the settings {@code patch} names; see {@link EndpointSettings#applyPatch}. */
  public WebhookEndpoint update(Environment env, String id, JsonNode patch) {
    WebhookEndpoint current = get(env, id);
    WebhookEndpointRecord changed = valid(() -> EndpointSettings.applyPatch(current, patch));
    return save(env, changed);
  }

  public WebhookEndpoint setEnabled(Environment env, String id, boolean enabled) {
    WebhookEndpointRecord r = get(env, id).record();
    return save(
        env,
        new WebhookEndpointRecord(
            r.id(),
            r.environmentId(),
            r.name(),
            r.verifierJson(),
            r.routesJson(),
            r.deliveryIdSourceJson(),
            r.dedupWindowMillis(),
            r.maxBodyBytes(),
            r.rateLimit(),
            r.rateWindowMillis(),
            enabled,
            r.createdAt(),
            r.updatedAt(),
            r.secrets()));
  }

  /**
   * Makes {@code body.secret} the current secret; the old ones keep verifying for {@code
   * body.graceSeconds} (default {@link #DEFAULT_GRACE}; 0 ends them at once).
   */
  public WebhookEndpoint rotateSecret(Environment env, String id, JsonNode body) {
    WebhookEndpoint current = get(env, id);
    String type = current.verifierConfig().type();
    JsonNode secret = body == null ? null : body.get("secret");
    JsonNode grace = body == null ? null : body.get("graceSeconds");
    long graceMillis =
        valid(
            () -> {
              if (body == null || !body.isObject()) {
                throw new IllegalArgumentException(
                    "the body must be {\"secret\": ..., \"graceSeconds\": ...}");
              }
              if (type.equals("none")) {
                throw new IllegalArgumentException(
                    "secret: the none verifier has no secret to rotate");
              }
              if (secret == null || !secret.isTextual()) {
                throw new IllegalArgumentException("secret: required, a string");
              }
              VerifierConfig.checkSecret(type, secret.asText());
              if (grace == null || grace.isNull()) {
                return DEFAULT_GRACE.toMillis();
              }
              if (!grace.isIntegralNumber()
                  || grace.asLong() < 0
                  || grace.asLong() > MAX_GRACE.toSeconds()) {
                throw new IllegalArgumentException(
                    "graceSeconds: a whole number from 0 to "
                        + MAX_GRACE.toSeconds()
                        + ", was "
                        + grace);
              }
              return grace.asLong() * 1000;
            });
    cache.forget(id);
    return store
        .webhooks()
        .rotateSecret(env.id(), id, seal.sealer(env.id(), id, secret.asText()), graceMillis)
        .map(WebhookEndpoint::of)
        .orElseThrow(() -> notFound(env, id));
  }

  public void delete(Environment env, String id) {
    cache.forget(id);
    if (!store.webhooks().deleteEndpoint(env.id(), id)) {
      throw notFound(env, id);
    }
  }

  /** The environment's deliveries, newest first, without bodies. */
  public List<WebhookDeliveryRecord> deliveries(
      Environment env, WebhookStore.DeliveryFilter filter, int limit) {
    return store.webhooks().listDeliveries(env.id(), filter, limit);
  }

  /**
   * A delivery with its body and runs.
   *
   * @throws EngineException 404 when the environment has no such delivery
   */
  public WebhookDeliveryRecord delivery(Environment env, UUID id) {
    return store
        .webhooks()
        .findDelivery(env.id(), id)
        .orElseThrow(
            () ->
                EngineException.notFound(
                    "delivery_not_found",
                    "no webhook delivery "
                        + RunIds.formatDelivery(id)
                        + " in environment "
                        + env.slug()));
  }

  private WebhookEndpoint save(Environment env, WebhookEndpointRecord changed) {
    cache.forget(changed.id());
    try {
      return store
          .webhooks()
          .updateEndpoint(changed)
          .map(WebhookEndpoint::of)
          .orElseThrow(() -> notFound(env, changed.id()));
    } catch (IllegalStateException e) {
      throw EngineException.conflict(
          "endpoint_exists",
          "an endpoint named '" + changed.name() + "' exists in environment " + env.slug());
    }
  }

  private static EngineException notFound(Environment env, String id) {
    return EngineException.notFound(
        "endpoint_not_found", "no webhook endpoint " + id + " in environment " + env.slug());
  }

  private static <T> T valid(java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw EngineException.badRequest("invalid_endpoint", e.getMessage());
    }
  }
}
