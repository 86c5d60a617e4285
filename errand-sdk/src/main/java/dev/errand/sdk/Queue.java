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

  private Queue(String name, Integer concurrencyLimit) {
    this.name = name;
    this.concurrencyLimit = concurrencyLimit;
  }

  /** A queue without a concurrency limit. */
  public static Queue named(String name) {
    Objects.requireNonNull(name, "queue name");
    if (!Task.ID_PATTERN.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "queue name must match " + Task.ID_PATTERN.pattern() + ", was '" + name + "'");
    }
    return new Queue(name, null);
  }

  /** This queue with at most {@code limit} runs executing at once. */
  public Queue concurrencyLimit(int limit) {
    if (limit < 1 || limit > MAX_CONCURRENCY_LIMIT) {
      throw new IllegalArgumentException(
          "concurrencyLimit must be from 1 to " + MAX_CONCURRENCY_LIMIT + ", was " + limit);
    }
    return new Queue(name, limit);
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
        && Objects.equals(q.concurrencyLimit, concurrencyLimit);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, concurrencyLimit);
  }

  @Override
  public String toString() {
    return "Queue[" + name + (concurrencyLimit == null ? "" : ", limit " + concurrencyLimit) + "]";
  }
}
