package dev.errand.server.api;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-key request rate limit of the REST API: one Bucket4j token bucket per API key (by the
 * key's id; only keys that authenticated get one), refilled greedily at the sustained rate up to
 * the burst. A request over the limit is answered {@code 429 rate_limited} with {@code Retry-After}
 * (whole seconds, rounded up) before its handler runs, so a refused request changed nothing and can
 * be sent again as is. Every answer carries {@code RateLimit-Limit} and {@code
 * RateLimit-Remaining}. Buckets live on each server node: with N nodes behind a load balancer a key
 * can make up to N times the rate. Thread-safe.
 */
final class ApiRateLimiter {
  private final ApiLimits limits;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  ApiRateLimiter(ApiLimits limits) {
    this.limits = limits;
  }

  /** Takes one request of the key's budget, or throws 429. */
  void acquire(Context ctx, String keyId) {
    if (!limits.rateLimited()) {
      return;
    }
    Bucket bucket = buckets.computeIfAbsent(keyId, k -> newBucket());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    ctx.header("RateLimit-Limit", Integer.toString(limits.requestsPerSecond()));
    ctx.header("RateLimit-Remaining", Long.toString(probe.getRemainingTokens()));
    if (!probe.isConsumed()) {
      long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
      ctx.header("Retry-After", Long.toString(seconds));
      throw new ApiException(
          429,
          "rate_limited",
          "this API key made more than "
              + limits.requestsPerSecond()
              + " requests a second (burst "
              + limits.burst()
              + "); retry after "
              + seconds
              + " s");
    }
  }

  /** Failed authentications one client address may make in a burst: {@value}. */
  static final int FAILURE_BURST = 100;

  /** Failed authentications a second one client address may make after the burst: {@value}. */
  static final int FAILURES_PER_SECOND = 10;

  /** Addresses whose failures are tracked at most; past it the table starts afresh: {@value}. */
  private static final int MAX_TRACKED_ADDRESSES = 100_000;

  private final Map<String, Bucket> failures = new ConcurrentHashMap<>();

  /**
   * Refuses, before any key lookup, a client address that has used up its failed authentications:
   * guessing keys or the admin token, or loading the database with lookups of unknown keys, is
   * slowed to {@value #FAILURES_PER_SECOND} tries a second per address. Applies whether or not the
   * per-key rate limit is on.
   */
  void checkFailures(Context ctx, String address) {
    Bucket bucket = failures.get(address);
    if (bucket != null && bucket.getAvailableTokens() <= 0) {
      ctx.header("Retry-After", "1");
      throw new ApiException(
          429,
          "rate_limited",
          "too many failed authentications from "
              + address
              + " (more than "
              + FAILURES_PER_SECOND
              + " a second); retry after 1 s");
    }
  }

  /** Counts a failed authentication of {@code address}. */
  void recordFailure(String address) {
    if (failures.size() >= MAX_TRACKED_ADDRESSES) {
      failures.clear(); // bounded memory whatever the number of addresses
    }
    failures
        .computeIfAbsent(
            address,
            a ->
                Bucket.builder()
                    .addLimit(
                        limit ->
                            limit
                                .capacity(FAILURE_BURST)
                                .refillGreedy(FAILURES_PER_SECOND, Duration.ofSeconds(1)))
                    .build())
        .tryConsume(1);
  }

  private Bucket newBucket() {
    return Bucket.builder()
        .addLimit(
            limit ->
                limit
                    .capacity(limits.burst())
                    .refillGreedy(limits.requestsPerSecond(), Duration.ofSeconds(1)))
        .build();
  }
}
