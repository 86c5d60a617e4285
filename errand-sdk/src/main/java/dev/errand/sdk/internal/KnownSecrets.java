package dev.errand.sdk.internal;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Every secret value this process has seen (the server's decrypted environment variables, a
 * worker's fetched ones), for redacting the process's own log output: the {@code errand} command
 * configures a Logback converter that passes every message and stack trace through {@link
 * #redactor()}. Values are only added: a value that was once a secret stays masked. Thread-safe.
 */
public final class KnownSecrets {
  private static final ReentrantLock lock = new ReentrantLock();
  private static final Set<String> values = new LinkedHashSet<>();
  private static volatile Redactor redactor = Redactor.NONE;

  private KnownSecrets() {}

  /** Adds values (those shorter than {@link Redactor#MIN_LENGTH} are ignored). */
  public static void addAll(Collection<String> newValues) {
    lock.lock();
    try {
      boolean changed = false;
      for (String value : newValues) {
        if (value != null && value.length() >= Redactor.MIN_LENGTH) {
          changed |= values.add(value);
        }
      }
      if (changed) {
        redactor = Redactor.of(values);
      }
    } finally {
      lock.unlock();
    }
  }

  /** A redactor of every value known so far. */
  public static Redactor redactor() {
    return redactor;
  }
}
