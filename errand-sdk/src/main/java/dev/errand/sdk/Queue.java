package dev.errand.sdk;

import java.util.Objects;

/**
 * A queue runs are dispatched from, optionally with a concurrency limit: never more than that many
 * runs of the queue execute at once, across all workers and server nodes. Runs that wait (on a
 * duration, a token or child runs), are queued or are delayed do not count. Tasks that share a
 * queue share its limit; give them the same {@code Queue} (the definition registered last wins).
 *
 * <pre>{@code
 * static final Queue EMAIL = Queue.named("email").concurrencyLimit(10);
 * static final Task<Mail, Void> SEND = Task.define("send", Mail.class, Void.class)
 *     .queue(EMAIL)
 *     .run((mail, ctx) -> ...);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class Queue {
  /** Largest concurrency limit: {@value}. */
  public static final int MAX_CONCURRENCY_LIMIT = 100_000;

  private final String name;
  private final Integer concurrencyLimit;
  private final Integer rateLimit;
  private final java.time.Duration rateWindow;

  private Queue(
      String name, Integer concurrencyLimit, Integer rateLimit, java.time.Duration rateWindow) {
    this.name = name;
    this.concurrencyLimit = concurrencyLimit;
    this.rateLimit = rateLimit;
    this.rateWindow = rateWindow;
  }

  /** A queue without a concurrency limit. */
  public static Queue named(String name) {
    Objects.requireNonNull(name, "queue name");
    if (!Task.ID_PATTERN.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "queue name must match " + Task.ID_PATTERN.pattern() + ", was '" + name + "'");
    }
    return new Queue(name, null, null, null);
  }

  /** This queue with at most {@code limit} runs executing at once. */
  public Queue concurrencyLimit(int limit) {
    if (limit < 1 || limit > MAX_CONCURRENCY_LIMIT) {
      throw new IllegalArgumentException(
          "concurrencyLimit must be from 1 to " + MAX_CONCURRENCY_LIMIT + ", was " + limit);
    }
    return new Queue(name, limit, rateLimit, rateWindow);
  }

  /**
   * This queue starting at most {@code limit} runs in any {@code window} (a sliding window, across
   * all workers and server nodes); the rest wait in the queue, none is dropped. The window is 1
   * second to 1 day.
   */
  public Queue rateLimit(int limit, java.time.Duration window) {
    Objects.requireNonNull(window, "window");
    if (limit < 1 || limit > MAX_CONCURRENCY_LIMIT) {
      throw new IllegalArgumentException(
          "rate limit must be from 1 to " + MAX_CONCURRENCY_LIMIT + ", was " + limit);
    }
    if (window.compareTo(java.time.Duration.ofSeconds(1)) < 0
        || window.compareTo(java.time.Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException(
          "rate limit window must be from 1 second to 1 day, was " + window);
    }
    return new Queue(name, concurrencyLimit, limit, window);
  }

  /** How many runs may start per {@link #rateWindow()}, or null for no rate limit. */
  public Integer rateLimit() {
    return rateLimit;
  }

  /** The rate limit's window, or null. */
  public java.time.Duration rateWindow() {
    return rateWindow;
  }

  public String name() {
    return name;
  }

  /** The limit, or null for none. */
  public Integer concurrencyLimit() {
    return concurrencyLimit;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Queue q
        && q.name.equals(name)
        && Objects.equals(q.concurrencyLimit, concurrencyLimit)
        && Objects.equals(q.rateLimit, rateLimit)
        && Objects.equals(q.rateWindow, rateWindow);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, concurrencyLimit, rateLimit, rateWindow);
  }

  @Override
  public String toString() {
    return "Queue["
        + name
        + (concurrencyLimit == null ? "" : ", limit " + concurrencyLimit)
        + (rateLimit == null ? "" : ", " + rateLimit + " per " + rateWindow)
        + "]";
  }
}
