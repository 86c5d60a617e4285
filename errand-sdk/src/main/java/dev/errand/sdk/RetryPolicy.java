package dev.errand.sdk;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * How often a task is attempted and how long to wait between attempts.
 *
 * <p>The delay after failed attempt {@code n} (1-based) is {@code minDelay × factor^(n-1)},
 * multiplied by a random number in {@code [1, 2)} when {@code randomize} is on, and capped at
 * {@code maxDelay} (the formula Trigger.dev uses). Defaults follow Trigger.dev: {@value
 * #DEFAULT_MAX_ATTEMPTS} attempts in total, factor {@value #DEFAULT_FACTOR}, {@link
 * #DEFAULT_MIN_DELAY} first delay, {@link #DEFAULT_MAX_DELAY} cap, jitter on.
 *
 * <p>Immutable and thread-safe.
 */
public final class RetryPolicy {
  /** Attempts in total, the first included: 3. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  /** Growth of the delay from one attempt to the next: 2.0. */
  public static final double DEFAULT_FACTOR = 2.0;

  /** Delay after the first failed attempt: 1 second. */
  public static final Duration DEFAULT_MIN_DELAY = Duration.ofSeconds(1);

  /** Largest delay between two attempts: 10 seconds. */
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(10);

  /** Upper bound of {@code maxAttempts}, so a typo cannot retry forever. */
  public static final int MAX_ATTEMPTS_LIMIT = 1_000;

  /** The default policy. */
  public static final RetryPolicy DEFAULT = exponential().build();

  private final int maxAttempts;
  private final double factor;
  private final Duration minDelay;
  private final Duration maxDelay;
  private final boolean randomize;

  @JsonCreator
  RetryPolicy(
      @JsonProperty("maxAttempts") int maxAttempts,
      @JsonProperty("factor") double factor,
      @JsonProperty("minDelayMillis") long minDelayMillis,
      @JsonProperty("maxDelayMillis") long maxDelayMillis,
      @JsonProperty("randomize") boolean randomize) {
    this(
        maxAttempts,
        factor,
        Duration.ofMillis(minDelayMillis),
        Duration.ofMillis(maxDelayMillis),
        randomize);
  }

  private RetryPolicy(
      int maxAttempts, double factor, Duration minDelay, Duration maxDelay, boolean randomize) {
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
      throw new IllegalArgumentException(
          "retry.maxAttempts must be between 1 and " + MAX_ATTEMPTS_LIMIT + ", was " + maxAttempts);
    }
    if (!(factor >= 1.0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("retry.factor must be >= 1.0, was " + factor);
    }
    Objects.requireNonNull(minDelay, "retry.minDelay");
    Objects.requireNonNull(maxDelay, "retry.maxDelay");
    if (minDelay.isNegative()) {
      throw new IllegalArgumentException("retry.minDelay must not be negative, was " + minDelay);
    }
    if (maxDelay.compareTo(minDelay) < 0) {
      throw new IllegalArgumentException(
          "retry.maxDelay must be >= retry.minDelay (" + minDelay + "), was " + maxDelay);
    }
    this.maxAttempts = maxAttempts;
    this.factor = factor;
    this.minDelay = minDelay;
    this.maxDelay = maxDelay;
    this.randomize = randomize;
  }

  /** Starts an exponential policy with the defaults above. */
  public static Builder exponential() {
    return new Builder();
  }

  /** A policy of exactly one attempt. */
  public static RetryPolicy none() {
    return exponential().maxAttempts(1).build();
  }

  /**
   * The delay before the attempt that follows failed attempt {@code failedAttempt}. A pure
   * function: the same inputs give the same delay.
   *
   * @param failedAttempt the 1-based number of the attempt that failed
   * @param random a source of numbers in {@code [0, 1)}; read only when {@code randomize} is on
   */
  public Duration delayAfter(int failedAttempt, DoubleSupplier random) {
    if (failedAttempt < 1) {
      throw new IllegalArgumentException("failedAttempt must be >= 1, was " + failedAttempt);
    }
    double jitter = randomize ? 1.0 + random.getAsDouble() : 1.0;
    double millis = jitter * minDelay.toMillis() * Math.pow(factor, failedAttempt - 1);
    long capped = (long) Math.min(maxDelay.toMillis(), millis);
    return Duration.ofMillis(capped);
  }

  @JsonProperty("maxAttempts")
  public int maxAttempts() {
    return maxAttempts;
  }

  @JsonProperty("factor")
  public double factor() {
    return factor;
  }

  public Duration minDelay() {
    return minDelay;
  }

  public Duration maxDelay() {
    return maxDelay;
  }

  @JsonProperty("minDelayMillis")
  long minDelayMillis() {
    return minDelay.toMillis();
  }

  @JsonProperty("maxDelayMillis")
  long maxDelayMillis() {
    return maxDelay.toMillis();
  }

  @JsonProperty("randomize")
  public boolean randomize() {
    return randomize;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RetryPolicy p
        && p.maxAttempts == maxAttempts
        && p.factor == factor
        && p.minDelay.equals(minDelay)
        && p.maxDelay.equals(maxDelay)
        && p.randomize == randomize;
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxAttempts, factor, minDelay, maxDelay, randomize);
  }

  @Override
  public String toString() {
    return "RetryPolicy[maxAttempts=%d, factor=%s, minDelay=%s, maxDelay=%s, randomize=%s]"
        .formatted(maxAttempts, factor, minDelay, maxDelay, randomize);
  }

  /** Builds a {@link RetryPolicy}. Not thread-safe. */
  public static final class Builder {
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private double factor = DEFAULT_FACTOR;
    private Duration minDelay = DEFAULT_MIN_DELAY;
    private Duration maxDelay = DEFAULT_MAX_DELAY;
    private boolean randomize = true;

    private Builder() {}

    /** Attempts in total, the first included. Default {@value #DEFAULT_MAX_ATTEMPTS}. */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Growth of the delay per attempt. Default {@value #DEFAULT_FACTOR}. */
    public Builder factor(double factor) {
      this.factor = factor;
      return this;
    }

    /** Delay after the first failed attempt. Default 1 s. */
    public Builder minDelay(Duration minDelay) {
      this.minDelay = minDelay;
      return this;
    }

    /** Cap of any delay. Default 10 s. */
    public Builder maxDelay(Duration maxDelay) {
      this.maxDelay = maxDelay;
      return this;
    }

    /** Multiplies each delay by a random number in [1, 2). Default on. */
    public Builder randomize(boolean randomize) {
      this.randomize = randomize;
      return this;
    }

    public RetryPolicy build() {
      return new RetryPolicy(maxAttempts, factor, minDelay, maxDelay, randomize);
    }
  }
}
