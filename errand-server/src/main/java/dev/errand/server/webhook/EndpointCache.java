package dev.errand.server.webhook;

import dev.errand.server.secret.SecretUnreadableException;
import dev.errand.server.secret.WebhookSecretSeal;
import dev.errand.server.store.WebhookEndpointRecord;
import dev.errand.server.store.WebhookStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Endpoints as ingestion reads them, kept for {@link #TTL} so that a busy endpoint is not read from
 * the database (with its secrets) for every delivery. A change made through this node's {@link
 * Endpoints} takes effect at once; one made on another node within {@link #TTL}. Thread-safe.
 */
final class EndpointCache {
  private static final Logger log = LoggerFactory.getLogger(EndpointCache.class);

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

  /**
   * The endpoint with its secrets in clear, for verification. A secret that cannot be opened (in
   * clear, altered, or copied from another endpoint or version) is left out with an error in the
   * log: a delivery signed with it fails verification like any other bad signature.
   */
  private WebhookEndpointRecord opened(WebhookEndpointRecord r) {
    List<WebhookEndpointRecord.Secret> secrets = new ArrayList<>();
    for (WebhookEndpointRecord.Secret s : r.secrets()) {
      try {
        secrets.add(
            new WebhookEndpointRecord.Secret(
                s.version(),
                seal.open(r.environmentId(), r.id(), s.version(), s.value()),
                s.createdAt(),
                s.expiresAt()));
      } catch (SecretUnreadableException e) {
        log.error(
            "{}; it does not verify deliveries (rotate the secret to repair)", e.getMessage());
      }
    }
    return r.withSecrets(secrets);
  }

  void forget(String id) {
    entries.remove(id);
  }
}
