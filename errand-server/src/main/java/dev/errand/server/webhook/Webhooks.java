package dev.errand.server.webhook;

import dev.errand.server.engine.RunEngine;
import dev.errand.server.secret.WebhookSecretSeal;
import dev.errand.server.store.Store;
import java.time.Clock;

/**
 * A server node's webhook side: endpoint management and ingestion, sharing one endpoint cache and
 * one group-commit queue. Close it before the store. Thread-safe.
 */
public final class Webhooks implements AutoCloseable {
  private final IngestQueue queue;
  private final Endpoints endpoints;
  private final WebhookIngestion ingestion;

  /**
   * @param clock decides timestamp tolerances and secret expiry (tests pin it)
   * @param seal seals signing secrets before they are stored, and opens them for verification
   */
  public Webhooks(Store store, RunEngine runs, Clock clock, WebhookSecretSeal seal) {
    EndpointCache cache = new EndpointCache(store.webhooks(), seal);
    this.queue = new IngestQueue(store.webhooks());
    this.endpoints = new Endpoints(store, cache, seal);
    this.ingestion = new WebhookIngestion(store, runs, clock, cache, queue);
  }

  public Endpoints endpoints() {
    return endpoints;
  }

  public WebhookIngestion ingestion() {
    return ingestion;
  }

  /** Stores the deliveries still queued, then stops taking new ones. */
  @Override
  public void close() {
    queue.close();
  }
}
