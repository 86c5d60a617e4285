package dev.errand.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.IntFunction;

/** Webhook endpoints and their deliveries (part of a {@link Store}). Thread-safe. */
public interface WebhookStore {

  /**
   * Stores a new endpoint with its first secret, version 1 (sealed by the caller for that version;
   * stored as given); empty when the name is taken.
   */
  Optional<WebhookEndpointRecord> createEndpoint(WebhookEndpointRecord endpoint, String secret);

  /** An endpoint by its id, in any environment (the ingest URL carries only the id). */
  Optional<WebhookEndpointRecord> findEndpoint(String id);

  /** An environment's endpoints, by name. */
  List<WebhookEndpointRecord> listEndpoints(UUID environmentId);

  /**
   * Replaces an endpoint's settings (name, verifier, routes, delivery id source, window, limits,
   * enabled) with those of {@code endpoint}; its secrets are left alone. Empty when there is no
   * such endpoint; throws {@link IllegalStateException} when the new name is taken.
   */
  Optional<WebhookEndpointRecord> updateEndpoint(WebhookEndpointRecord endpoint);

  /**
   * Makes a new secret the endpoint's current one, in one transaction: its version is one more than
   * the highest stored, and {@code sealer} of that version is stored (the caller seals the secret
   * bound to its version; the store never sees it in clear). The secrets that verified until now
   * keep verifying for {@code graceMillis} more (0: they stop at once), by the database clock;
   * secrets already expired are deleted.
   */
  Optional<WebhookEndpointRecord> rotateSecret(
      UUID environmentId, String id, IntFunction<String> sealer, long graceMillis);

  /** Deletes an endpoint with its deliveries; false when there was none. */
  boolean deleteEndpoint(UUID environmentId, String id);

  /**
   * A delivery to log. {@code status} is {@code ACCEPTED} or {@code UNROUTED} for {@link #ingest},
   * {@code REJECTED} for {@link #reject}.
   */
  record NewDelivery(
      UUID id,
      UUID environmentId,
      String endpointId,
      WebhookDeliveryRecord.Status status,
      String deliveryKey,
      UUID replayOf,
      boolean verified,
      String reason,
      String headersJson,
      String contentType,
      byte[] body) {}

  /** A run a route of a delivery creates. */
  record RoutedRun(int route, NewRun run) {}

  /**
   * The outcome of {@link #ingest}.
   *
   * @param deliveryId the delivery stored now, or for a duplicate the original delivery
   * @param duplicate whether the delivery key was seen within the window (nothing was created)
   * @param runs the runs created (for a duplicate: the original's)
   */
  record Ingested(
      UUID deliveryId, boolean duplicate, List<WebhookDeliveryRecord.DeliveryRun> runs) {}

  /**
   * In one transaction: claims the delivery key for {@code dedupWindowMillis} (when it has one),
   * logs the delivery and inserts its runs. When the key was claimed within the window by another
   * delivery (also one committing concurrently), logs this one as a {@code DUPLICATE} of it and
   * creates nothing.
   */
  default Ingested ingest(NewDelivery delivery, long dedupWindowMillis, List<RoutedRun> runs) {
    return ingestAll(List.of(new Ingest(delivery, dedupWindowMillis, runs))).getFirst();
  }

  /** One delivery for {@link #ingestAll}. */
  record Ingest(NewDelivery delivery, long dedupWindowMillis, List<RoutedRun> runs) {}

  /**
   * {@link #ingest} for several deliveries in one transaction (group commit), results in order. A
   * delivery whose key an earlier one in the list has is that one's duplicate. If the transaction
   * fails, none of them is stored.
   */
  List<Ingested> ingestAll(List<Ingest> deliveries);

  /** Logs a refused delivery. */
  void reject(NewDelivery delivery);

  /** Filters for {@link #listDeliveries}; null fields match everything. */
  record DeliveryFilter(
      String endpointId,
      WebhookDeliveryRecord.Status status,
      Instant from,
      Instant to,
      UUID beforeId) {}

  /** An environment's deliveries, newest first, without bodies or runs. */
  List<WebhookDeliveryRecord> listDeliveries(UUID environmentId, DeliveryFilter filter, int limit);

  /** A delivery with its body and runs. */
  Optional<WebhookDeliveryRecord> findDelivery(UUID environmentId, UUID id);
}
