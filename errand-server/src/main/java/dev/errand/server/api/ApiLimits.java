package dev.errand.server.api;

/**
 * Limits of the HTTP API. Validated on construction.
 *
 * @param requestsPerSecond sustained requests per second one API key may make to the REST API
 *     ({@code /api/v1/...} except the worker protocol), 0 for no limit; more are answered {@code
 *     429 rate_limited} with {@code Retry-After}. Counted on each server node.
 * @param burst requests a key may make at once before the sustained rate applies (the bucket's
 *     capacity); at least {@code requestsPerSecond}
 * @param maxRequestBytes largest request body; larger ones are answered {@code 413
 *     payload_too_large}
 */
public record ApiLimits(int requestsPerSecond, int burst, long maxRequestBytes) {

  /** Default sustained rate per key: 500 requests a second. */
  public static final int DEFAULT_REQUESTS_PER_SECOND = 500;

  /** Default burst per key: 5,000 requests. */
  public static final int DEFAULT_BURST = 5_000;

  /** Default largest request body: 32 MiB (a batch of 1,000 payloads). */
  public static final long DEFAULT_MAX_REQUEST_BYTES = 32L * 1024 * 1024;

  public static final ApiLimits DEFAULTS =
      new ApiLimits(DEFAULT_REQUESTS_PER_SECOND, DEFAULT_BURST, DEFAULT_MAX_REQUEST_BYTES);

  /** No rate limit, default body limit. */
  public static final ApiLimits UNLIMITED_RATE = new ApiLimits(0, 0, DEFAULT_MAX_REQUEST_BYTES);

  public ApiLimits {
    if (requestsPerSecond < 0) {
      throw new IllegalArgumentException(
          "requestsPerSecond must be 0 (no limit) or more, was " + requestsPerSecond);
    }
    if (requestsPerSecond > 0 && burst < requestsPerSecond) {
      throw new IllegalArgumentException(
          "burst must be at least requestsPerSecond (" + requestsPerSecond + "), was " + burst);
    }
    if (maxRequestBytes < 1024 || maxRequestBytes > 1024L * 1024 * 1024) {
      throw new IllegalArgumentException(
          "maxRequestBytes must be from 1 KiB to 1 GiB, was " + maxRequestBytes);
    }
  }

  /** Whether requests are rate limited at all. */
  public boolean rateLimited() {
    return requestsPerSecond > 0;
  }
}
