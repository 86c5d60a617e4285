package dev.errand.server.e2e;

import dev.errand.sdk.NonRetryableException;
import dev.errand.sdk.RetryPolicy;
import dev.errand.sdk.Task;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Tasks the end-to-end tests run; each counts its executions per payload key. */
final class TestTasks {
  record Order(String orderId, long amountCents) {}

  record Receipt(String orderId, String chargeId) {}

  record Key(String key) {}

  static final Map<String, AtomicInteger> EXECUTIONS = new ConcurrentHashMap<>();

  static int executions(String key) {
    AtomicInteger n = EXECUTIONS.get(key);
    return n == null ? 0 : n.get();
  }

  private static void count(String key) {
    EXECUTIONS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }

  static final Task<Order, Receipt> PROCESS_ORDER =
      Task.define("process-order", Order.class, Receipt.class)
          .retry(
              RetryPolicy.exponential()
                  .maxAttempts(5)
                  .factor(2.0)
                  .minDelay(Duration.ofSeconds(1))
                  .maxDelay(Duration.ofMinutes(1))
                  .randomize(true)
                  .build())
          .run(
              (order, ctx) -> {
                count(order.orderId());
                return new Receipt(order.orderId(), "ch_" + order.orderId() + "_" + ctx.attempt());
              });

  static final RetryPolicy ALWAYS_FAILS_POLICY =
      RetryPolicy.exponential()
          .maxAttempts(4)
          .factor(2.0)
          .minDelay(Duration.ofMillis(200))
          .maxDelay(Duration.ofMillis(600))
          .randomize(true)
          .build();

  /** Throws a checked exception on every attempt. */
  static final Task<Key, Void> ALWAYS_FAILS =
      Task.define("always-fails", Key.class, Void.class)
          .retry(ALWAYS_FAILS_POLICY)
          .run(
              (key, ctx) -> {
                count(key.key());
                throw new java.io.IOException("boom on attempt " + ctx.attempt());
              });

  static final Task<Key, Void> NON_RETRYABLE =
      Task.define("non-retryable", Key.class, Void.class)
          .run(
              (key, ctx) -> {
                count(key.key());
                throw new NonRetryableException("card declined");
              });

  /** Fails its first attempt, then succeeds; the retry waits 3 s. */
  static final Task<Key, String> FAILS_ONCE =
      Task.define("fails-once", Key.class, String.class)
          .retry(
              RetryPolicy.exponential()
                  .maxAttempts(3)
                  .minDelay(Duration.ofSeconds(3))
                  .randomize(false)
                  .build())
          .run(
              (key, ctx) -> {
                count(key.key());
                if (ctx.attempt() == 1) {
                  throw new IllegalStateException("first attempt fails");
                }
                return "done on attempt " + ctx.attempt();
              });

  /** The id a separate worker process registers with a blocking body; here it returns at once. */
  static final Task<Key, String> SLOW =
      Task.define("slow", Key.class, String.class)
          .retry(RetryPolicy.exponential().maxAttempts(3).minDelay(Duration.ofMillis(100)).build())
          .run(
              (key, ctx) -> {
                count(key.key());
                return "finished by attempt " + ctx.attempt();
              });

  /** Blocks until interrupted (canceled), then records that it saw the cancellation. */
  static final Task<Key, String> BLOCKS =
      Task.define("blocks", Key.class, String.class)
          .run(
              (key, ctx) -> {
                count(key.key());
                try {
                  new java.util.concurrent.CountDownLatch(1)
                      .await(1, java.util.concurrent.TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                  count(key.key() + ":interrupted:" + ctx.isCancelled());
                  throw e;
                }
                return "not canceled";
              });

  /** Throws an exception whose every description method throws too. */
  static final Task<Key, String> THROWS_BROKEN =
      Task.define("throws-broken", Key.class, String.class)
          .retry(RetryPolicy.none())
          .run(
              (key, ctx) -> {
                throw new IllegalStateException() {
                  private static final long serialVersionUID = 1L;

                  @Override
                  public String getMessage() {
                    throw new IllegalArgumentException("no message for you");
                  }
                };
              });

  /** Returns an output larger than the server accepts in one request. */
  static final Task<Key, String> HUGE_OUTPUT =
      Task.define("huge-output", Key.class, String.class)
          .retry(RetryPolicy.none())
          .run((key, ctx) -> "x".repeat(21_000_000));

  private TestTasks() {}
}
