package dev.errand.server.auth;

import dev.errand.server.store.Store;
import dev.errand.server.store.Store.ApiKey;
import dev.errand.server.store.Store.Environment;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps a bearer secret key to its environment. Known keys are cached for {@link #CACHE_TTL} so the
 * hot paths do not read the keys table on each request; unknown keys are never cached. Thread-safe.
 */
public final class Authenticator {
  static final Duration CACHE_TTL = Duration.ofSeconds(30);

  private record Cached(ApiKey key, long loadedAt) {}

  private final Store store;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public Authenticator(Store store) {
    this.store = store;
  }

  /** The environment of {@code secretKey}, unless it is unknown or revoked. */
  public Optional<Environment> authenticate(String secretKey) {
    return authenticateKey(secretKey).map(ApiKey::environment);
  }

  /** The stored key (id, prefix, environment) of {@code secretKey}, unless unknown or revoked. */
  public Optional<ApiKey> authenticateKey(String secretKey) {
    if (secretKey == null || secretKey.isBlank() || secretKey.length() > 256) {
      return Optional.empty();
    }
    String hash = SecretKeys.hash(secretKey);
    Cached cached = cache.get(hash);
    if (cached != null && System.nanoTime() - cached.loadedAt() < CACHE_TTL.toNanos()) {
      return Optional.of(cached.key());
    }
    Optional<ApiKey> key = store.findApiKeyByHash(hash);
    key.ifPresentOrElse(
        k -> cache.put(hash, new Cached(k, System.nanoTime())), () -> cache.remove(hash));
    return key;
  }
}
