package dev.errand.sdk;

import java.time.Duration;
import java.util.Objects;

/**
 * A queue runs are dispatched from, optionally with limits that hold across all workers and server
 * nodes. Tasks that share a queue share its limits; give them the same {@code Queue} (the
 * definition registered last wins).
 *
 * <ul>
 *   <li>{@link #concurrencyLimit}: never more than that many runs of the queue execute at once.
 *       Runs that wait (on a duration, a token or child runs), are queued or are delayed do not
 *       count. With {@linkplain TriggerOptions#concurrencyKey concurrency keys}, the limit applies
 *       to each key on its own (runs without a key share one slice).
 *   <li>{@link #totalConcurrencyLimit}: caps the executing runs of the queue across all its keys.
 *       Free slots go to the keys round robin, so one busy key cannot starve the others.
 *   <li>{@link #rateLimit}: at most that many runs start in any window, for the queue or (with
 *       {@link #rateLimitPerKey}) for each key.
 * </ul>
 *
 * <pre>{@code
 * static final Queue EMAIL = Queue.named("email").concurrencyLimit(10);
 * static final Queue PER_TENANT = Queue.named("sync").concurrencyLimit(2).totalConcurrencyLimit(20);
 * static final Task<Mail, Void> SEND = Task.define("send", Mail.class, Void.class)
 *     .queue(EMAIL)
 *     .run((mail, ctx) -> ...);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class Queue {
  /** Largest concurrency or rate limit: {@value}. */
  public static final int MAX_CONCURRENCY_LIMIT = 100_000;

  /** Shortest rate limit window: 1 second. */
  public static final Duration MIN_RATE_WINDOW = Duration.ofSeconds(1);

  /** Longest rate limit window: 1 day. */
  public static final Duration MAX_RATE_WINDOW = Duration.ofDays(1);

  private final String name;
  private final Integer concurrencyLimit;
  private final Integer totalConcurrencyLimit;
  private final Integer rateLimit;
  private final Duration rateWindow;
  private final boolean rateLimitPerKey;

  private Queue(
      String name,
      Integer concurrencyLimit,
      Integer totalConcurrencyLimit,
      Integer rateLimit,
      Duration rateWindow,
      boolean rateLimitPerKey) {
    this.name = name;
    this.concurrencyLimit = concurrencyLimit;
    this.totalConcurrencyLimit = totalConcurrencyLimit;
    this.rateLimit = rateLimit;
    this.rateWindow = rateWindow;
    this.rateLimitPerKey = rateLimitPerKey;
  }

  /** A queue without limits. */
  public static Queue named(String name) {
    Objects.requireNonNull(name, "queue name");
    if (!Task.ID_PATTERN.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "queue name must match " + Task.ID_PATTERN.pattern() + ", was '" + name + "'");
    }
    return new Queue(name, null, null, null, null, false);
  }

  /**
   * This queue with at most {@code limit} runs executing at once; with concurrency keys, at most
   * {@code limit} per key.
   */
  public Queue concurrencyLimit(int limit) {
    return new Queue(
        name,
        checkLimit("concurrencyLimit", limit),
        totalConcurrencyLimit,
        rateLimit,
        rateWindow,
        rateLimitPerKey);
  }

  /** This queue with at most {@code limit} runs executing at once across all concurrency keys. */
  public Queue totalConcurrencyLimit(int limit) {
    return new Queue(
        name,
        concurrencyLimit,
        checkLimit("totalConcurrencyLimit", limit),
        rateLimit,
        rateWindow,
        rateLimitPerKey);
  }

  /**
   * This queue starting at most {@code limit} runs in any {@code window} (a sliding window, across
   * all workers and server nodes); the rest wait in the queue, none is dropped. The window is 1
   * second to 1 day.
   */
  public Queue rateLimit(int limit, Duration window) {
    return withRate(limit, window, false);
  }

  /**
   * Like {@link #rateLimit}, but for each concurrency key on its own: every key may start {@code
   * limit} runs in any {@code window}.
   */
  public Queue rateLimitPerKey(int limit, Duration window) {
    return withRate(limit, window, true);
  }

  private Queue withRate(int limit, Duration window, boolean perKey) {
    return new Queue(
        name,
        concurrencyLimit,
        totalConcurrencyLimit,
        checkLimit("rate limit", limit),
        checkWindow(window),
        perKey);
  }

  private static int checkLimit(String what, int limit) {
    if (limit < 1 || limit > MAX_CONCURRENCY_LIMIT) {
      throw new IllegalArgumentException(
          what + " must be from 1 to " + MAX_CONCURRENCY_LIMIT + ", was " + limit);
    }
    return limit;
  }

  private static Duration checkWindow(Duration window) {
    Objects.requireNonNull(window, "window");
    if (window.compareTo(MIN_RATE_WINDOW) < 0 || window.compareTo(MAX_RATE_WINDOW) > 0) {
      throw new IllegalArgumentException(
          "rate limit window must be from 1 second to 1 day, was " + window);
    }
    return window;
  }

  public String name() {
    return name;
  }

  /** The limit (per concurrency key), or null for none. */
  public Integer concurrencyLimit() {
    return concurrencyLimit;
  }

  /** The limit across all concurrency keys, or null for none. */
  public Integer totalConcurrencyLimit() {
    return totalConcurrencyLimit;
  }

  /** How many runs may start per {@link #rateWindow()}, or null for no rate limit. */
  public Integer rateLimit() {
    return rateLimit;
  }

  /** The rate limit's window, or null. */
  public Duration rateWindow() {
    return rateWindow;
  }

  /** Whether the rate limit applies to each concurrency key on its own. */
  public boolean rateLimitPerKey() {
    return rateLimitPerKey;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Queue q
        && q.name.equals(name)
        && Objects.equals(q.concurrencyLimit, concurrencyLimit)
        && Objects.equals(q.totalConcurrencyLimit, totalConcurrencyLimit)
        && Objects.equals(q.rateLimit, rateLimit)
        && Objects.equals(q.rateWindow, rateWindow)
        && q.rateLimitPerKey == rateLimitPerKey;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        name, concurrencyLimit, totalConcurrencyLimit, rateLimit, rateWindow, rateLimitPerKey);
  }

  @Override
  public String toString() {
    return "Queue["
        + name
        + (concurrencyLimit == null ? "" : ", limit " + concurrencyLimit)
        + (totalConcurrencyLimit == null ? "" : ", total limit " + totalConcurrencyLimit)
        + (rateLimit == null
            ? ""
            : ", " + rateLimit + " per " + rateWindow + (rateLimitPerKey ? " per key" : ""))
        + "]";
  }
}
