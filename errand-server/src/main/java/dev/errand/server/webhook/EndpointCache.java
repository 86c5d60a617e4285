package dev.errand.server.webhook;

import dev.errand.server.secret.WebhookSecretSeal;
import dev.errand.server.store.WebhookEndpointRecord;
import dev.errand.server.store.WebhookStore;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Endpoints as ingestion reads them, kept for {@link #TTL} so that a busy endpoint is not read from
 * the database (with its secrets) for every delivery. A change made through this node's {@link
 * Endpoints} takes effect at once; one made on another node within {@link #TTL}. Thread-safe.
 */
final class EndpointCache {

  /** How long an endpoint read is used: 1 s. */
  static final Duration TTL = Duration.ofSeconds(1);

  private record Entry(Optional<WebhookEndpoint> endpoint, long readAtNanos) {}

  private final WebhookStore store;
  private final WebhookSecretSeal seal;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  EndpointCache(WebhookStore store, WebhookSecretSeal seal) {
    this.store = store;
    this.seal = seal;
  }

  Optional<WebhookEndpoint> get(String id) {
    long now = System.nanoTime();
    Entry entry = entries.get(id);
    if (entry == null || now - entry.readAtNanos() > TTL.toNanos()) {
      entry = new Entry(store.findEndpoint(id).map(this::opened).map(WebhookEndpoint::of), now);
      if (entries.size() > 10_000) {
        entries.clear(); // unknown ids from the internet must not grow it without bound
      }
      entries.put(id, entry);
    }
    return entry.endpoint();
  }

  /** The endpoint with its secrets in clear, for verification. */
  private WebhookEndpointRecord opened(WebhookEndpointRecord r) {
    return r.withSecrets(
        r.secrets().stream()
            .map(
                s ->
                    new WebhookEndpointRecord.Secret(
                        s.version(),
                        seal.open(r.environmentId(), r.id(), s.value()),
                        s.createdAt(),
                        s.expiresAt()))
            .toList());
  }

  void forget(String id) {
    entries.remove(id);
  }
}
