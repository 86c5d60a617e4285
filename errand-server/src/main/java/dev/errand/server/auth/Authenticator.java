package dev.errand.server.auth;

import dev.errand.server.store.AccessStore.ApiKeyRecord;
import dev.errand.server.store.AccessStore.KeyMatch;
import dev.errand.server.store.Store;
import dev.errand.server.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps a bearer API key to its stored key and environment. Known keys are cached for {@link
 * #CACHE_TTL}, so the hot paths do not read the keys table on each request and a key revoked on
 * another node is refused here within that bound; unknown keys are never cached. A key's last use
 * is written at most once per {@link #LAST_USED_INTERVAL} per key on each node. Thread-safe.
 */
public final class Authenticator {
  private static final Logger log = LoggerFactory.getLogger(Authenticator.class);

  /** How long a known key is trusted without reading the store again: 2 s. */
  public static final Duration CACHE_TTL = Duration.ofSeconds(2);

  /** The most often one node writes a key's last use: once a minute. */
  public static final Duration LAST_USED_INTERVAL = Duration.ofMinutes(1);

  /** The longest key looked up; longer bearer values are refused without hashing. */
  static final int MAX_KEY_LENGTH = 256;

  private record Cached(KeyMatch match, long loadedAt) {}

  private final Store store;
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private final Map<java.util.UUID, Long> lastTouched = new ConcurrentHashMap<>();

  public Authenticator(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * The live key {@code secretKey} is, with its environment.
   *
   * @throws AccessException (401) when the key is unknown, revoked or expired
   */
  public KeyMatch authenticate(String secretKey) {
    if (secretKey == null || secretKey.isBlank() || secretKey.length() > MAX_KEY_LENGTH) {
      throw AccessException.unauthorized("unknown or revoked API key");
    }
    String hash = SecretKeys.hash(secretKey);
    long now = System.nanoTime();
    Cached cached = cache.get(hash);
    KeyMatch match;
    if (cached != null && now - cached.loadedAt() < CACHE_TTL.toNanos()) {
      match = cached.match();
    } else {
      match = store.access().findByHash(hash).orElse(null);
      if (match == null) {
        cache.remove(hash);
        throw AccessException.unauthorized("unknown or revoked API key");
      }
      cache.put(hash, new Cached(match, now));
    }
    ApiKeyRecord key = match.key();
    if (key.expiresAt() != null && !clock.instant().isBefore(key.expiresAt())) {
      throw AccessException.unauthorized(
          "the API key '" + key.name() + "' expired at " + key.expiresAt());
    }
    recordUse(key, now);
    return match;
  }

  private void recordUse(ApiKeyRecord key, long now) {
    boolean[] due = {false};
    lastTouched.compute(
        key.id(),
        (id, last) -> {
          if (last == null || now - last >= LAST_USED_INTERVAL.toNanos()) {
            due[0] = true;
            return now;
          }
          return last;
        });
    if (due[0]) {
      try {
        store.access().touchKey(key.id());
      } catch (StoreException e) {
        // the request goes on: a missed "last used" is not worth refusing it
        log.warn("could not record the use of API key {}: {}", key.id(), e.getMessage());
      }
    }
  }

  /** Forgets every cached key, so that a revocation made on this node applies at once here. */
  public void invalidate() {
    cache.clear();
  }
}
