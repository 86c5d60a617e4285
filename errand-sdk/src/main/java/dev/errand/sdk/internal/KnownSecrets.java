package dev.errand.sdk.internal;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Every secret value this process has seen (the server's decrypted environment variables, a
 * worker's fetched ones), for redacting the process's own log output: the {@code errand} command
 * configures a Logback converter that passes every message and stack trace through {@link
 * #redactor()}. A value that was once a secret stays masked, up to {@value #MAX_VALUES} values and
 * {@value #MAX_CHARS} characters in all: past either bound the oldest values are forgotten first,
 * so that no client can grow the process's memory (or the cost of redacting each log line) without
 * bound by setting ever new values. Thread-safe.
 */
public final class KnownSecrets {
  private static final ReentrantLock lock = new ReentrantLock();
  private static final Set<String> values = new LinkedHashSet<>();
  private static volatile Redactor redactor = Redactor.NONE;
  private static long chars;

  /** Most values remembered: {@value}. */
  public static final int MAX_VALUES = 10_000;

  /** Most characters remembered, all values together: {@value} (16 Mi). */
  public static final long MAX_CHARS = 16L * 1024 * 1024;

  private KnownSecrets() {}

  /** Adds values (those shorter than {@link Redactor#MIN_LENGTH} are ignored). */
  public static void addAll(Collection<String> newValues) {
    lock.lock();
    try {
      boolean changed = false;
      for (String value : newValues) {
        if (value != null && value.length() >= Redactor.MIN_LENGTH && values.add(value)) {
          changed = true;
          chars += value.length();
        }
      }
      var oldest = values.iterator();
      while ((values.size() > MAX_VALUES || chars > MAX_CHARS) && oldest.hasNext()) {
        chars -= oldest.next().length();
        oldest.remove();
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
