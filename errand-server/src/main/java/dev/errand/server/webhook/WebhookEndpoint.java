package dev.errand.server.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.errand.sdk.internal.Json;
import dev.errand.server.store.WebhookEndpointRecord;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An endpoint as ingestion uses it: its stored record with the verifier, routes and delivery id
 * source parsed. Immutable.
 */
public record WebhookEndpoint(
    WebhookEndpointRecord record,
    VerifierConfig verifierConfig,
    Verifier verifier,
    List<Route> routes,
    Optional<DeliveryIdSource> deliveryIdSource) {

  /** The parsed form of a stored endpoint. */
  public static WebhookEndpoint of(WebhookEndpointRecord record) {
    try {
      VerifierConfig config =
          VerifierConfig.fromJson(Json.mapper().readTree(record.verifierJson()));
      return new WebhookEndpoint(
          record,
          config,
          config.verifier(),
          Route.listFromJson(Json.mapper().readTree(record.routesJson())),
          record.deliveryIdSourceJson() == null
              ? Optional.empty()
              : Optional.of(
                  DeliveryIdSource.fromJson(
                      Json.mapper().readTree(record.deliveryIdSourceJson()))));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("endpoint " + record.id() + " has unreadable settings", e);
    }
  }

  public String id() {
    return record.id();
  }

  /**
   * Whether ingestion must parse a delivery's body into a tree: a JSON pointer reads its delivery
   * id, a route filters on its fields, or a route passes the body as the run's payload.
   */
  public boolean needsParsedBody() {
    return deliveryIdSource.map(s -> s.jsonPointer() != null).orElse(false)
        || routes.stream()
            .anyMatch(r -> !r.filter().body().isEmpty() || r.payload() == Route.Payload.BODY);
  }

  /** The secrets that verify at {@code now}, newest first. */
  public List<String> activeSecrets(Instant now) {
    return record.secrets().stream()
        .filter(s -> s.activeAt(now))
        .map(WebhookEndpointRecord.Secret::value)
        .filter(Objects::nonNull)
        .toList();
  }
}
