package dev.errand.sdk.internal.worker;

import com.fasterxml.jackson.databind.JavaType;
import dev.errand.sdk.ErrandException;
import dev.errand.sdk.internal.HttpTransport;
import dev.errand.sdk.internal.Json;
import dev.errand.sdk.internal.KnownSecrets;
import dev.errand.sdk.internal.Redactor;
import dev.errand.sdk.internal.protocol.WorkerProtocol;
import dev.errand.sdk.internal.protocol.WorkerProtocol.EnvResponse;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's copy of its environment's variables, kept in memory only. Each claim answer carries
 * the environment's current version; when it differs from the copy's, the copy is fetched again
 * ({@link WorkerProtocol#ENV_PATH}) before the claimed runs start, so a run never sees values older
 * than its claim. Thread-safe.
 */
final class WorkerEnv {
  private static final Logger log = LoggerFactory.getLogger(WorkerEnv.class);

  private record Copy(long version, Map<String, String> values, Redactor redactor) {}

  private static final Copy NONE = new Copy(-1, Map.of(), Redactor.NONE);

  private final HttpTransport transport;
  private final JavaType responseType = Json.mapper().constructType(EnvResponse.class);
  private final ReentrantLock lock = new ReentrantLock();
  private volatile Copy copy = NONE;
  private volatile long wanted = 0;
  private java.util.Set<String> formerValues = java.util.Set.of(); // guarded by lock

  /** The most values redacted at once (current and replaced ones): {@value}. */
  static final int MAX_REDACTED_VALUES = 1_000;

  WorkerEnv(HttpTransport transport) {
    this.transport = transport;
  }

  /**
   * The server said the environment's variables are at {@code version} (null: a server without
   * variables); fetches them if the copy is of another version. A failed fetch is logged and tried
   * again on the next read.
   */
  void expect(Long version) {
    if (version == null) {
      return;
    }
    wanted = version;
    if (copy.version() != version) {
      try {
        refresh();
      } catch (ErrandException e) {
        log.warn("could not fetch the environment's variables, will retry: {}", e.getMessage());
      }
    }
  }

  /** The value of variable {@code name}, or null when the environment has none of that name. */
  String get(String name) {
    Copy c = copy;
    if (c.version() != wanted) {
      refresh();
      c = copy;
    }
    return c.values().get(name);
  }

  /** A redactor of the values known now. */
  Redactor redactor() {
    return copy.redactor();
  }

  private void refresh() {
    lock.lock();
    try {
      if (copy.version() == wanted) {
        return;
      }
      EnvResponse response = transport.get(WorkerProtocol.ENV_PATH, responseType);
      Map<String, String> values = response.values() == null ? Map.of() : response.values();
      KnownSecrets.addAll(values.values());
      // the values replaced stay redacted: a run may still hold one
      java.util.Set<String> redacted = new java.util.LinkedHashSet<>(values.values());
      if (formerValues.size() + redacted.size() <= MAX_REDACTED_VALUES) {
        redacted.addAll(formerValues);
      }
      formerValues = redacted;
      copy = new Copy(response.version(), Map.copyOf(values), Redactor.of(redacted));
      if (response.version() > wanted) {
        wanted = response.version();
      }
    } finally {
      lock.unlock();
    }
  }
}
