package dev.errand.server.store.jdbc;

import dev.errand.server.store.WebhookDeliveryRecord;
import dev.errand.server.store.WebhookEndpointRecord;
import dev.errand.server.store.WebhookStore;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.IntFunction;

/** {@link WebhookStore} over JDBC: endpoints and deliveries. */
final class JdbcWebhookStore implements WebhookStore {
  private final WebhookEndpoints endpoints;
  private final WebhookDeliveries deliveries;
  private final DeliveryIngest ingest;

  JdbcWebhookStore(Database database, Dialect dialect, RunInsertion insertion) {
    this.endpoints = new WebhookEndpoints(database, dialect);
    this.deliveries = new WebhookDeliveries(database);
    this.ingest = new DeliveryIngest(database, dialect, insertion);
  }

  @Override
  public Optional<WebhookEndpointRecord> createEndpoint(
      WebhookEndpointRecord endpoint, String secret) {
    return endpoints.create(endpoint, secret);
  }

  @Override
  public Optional<WebhookEndpointRecord> findEndpoint(String id) {
    return endpoints.find(id);
  }

  @Override
  public List<WebhookEndpointRecord> listEndpoints(UUID environmentId) {
    return endpoints.list(environmentId);
  }

  @Override
  public Optional<WebhookEndpointRecord> updateEndpoint(WebhookEndpointRecord endpoint) {
    return endpoints.update(endpoint);
  }

  @Override
  public Optional<WebhookEndpointRecord> rotateSecret(
      UUID environmentId, String id, IntFunction<String> sealer, long graceMillis) {
    return endpoints.rotateSecret(environmentId, id, sealer, graceMillis);
  }

  @Override
  public boolean deleteEndpoint(UUID environmentId, String id) {
    return endpoints.delete(environmentId, id);
  }

  @Override
  public List<Ingested> ingestAll(List<Ingest> batch) {
    return ingest.ingestAll(batch);
  }

  @Override
  public void reject(NewDelivery delivery) {
    deliveries.reject(delivery);
  }

  @Override
  public List<WebhookDeliveryRecord> listDeliveries(
      UUID environmentId, DeliveryFilter filter, int limit) {
    return deliveries.list(environmentId, filter, limit);
  }

  @Override
  public Optional<WebhookDeliveryRecord> findDelivery(UUID environmentId, UUID id) {
    return deliveries.find(environmentId, id);
  }
}
