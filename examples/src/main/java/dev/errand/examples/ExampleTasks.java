package dev.errand.examples;

import dev.errand.sdk.NonRetryableException;
import dev.errand.sdk.RetryPolicy;
import dev.errand.sdk.Task;
import java.time.Duration;
import java.util.List;

/** The example tasks `errand dev` and `errand worker` run. */
public final class ExampleTasks {
  private ExampleTasks() {}

  /** An order to charge. */
  public record Order(String orderId, long amountCents) {}

  /** What charging an order produced. */
  public record Receipt(String orderId, String chargeId) {}

  /** Someone to greet. */
  public record Greeting(String name) {}

  /** A greeting's text. */
  public record Message(String text) {}

  /**
   * Charges an order. An amount of zero or less is refused at once (no retry); any other failure
   * would be retried up to 5 attempts with exponential backoff.
   */
  public static final Task<Order, Receipt> PROCESS_ORDER =
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
                ctx.logger()
                    .info("charging order {} ({} cents)", order.orderId(), order.amountCents());
                if (order.amountCents() <= 0) {
                  throw new NonRetryableException(
                      "amount must be positive, was " + order.amountCents());
                }
                return new Receipt(
                    order.orderId(), "ch_" + Integer.toHexString(order.orderId().hashCode()));
              });

  /** Says hello. */
  public static final Task<Greeting, Message> HELLO_WORLD =
      Task.define("hello-world", Greeting.class, Message.class)
          .run((greeting, ctx) -> new Message("Hello, " + greeting.name() + "!"));

  /** Fails its first two attempts, then succeeds: shows retries with backoff. */
  public static final Task<Greeting, Message> FLAKY =
      Task.define("flaky-greeting", Greeting.class, Message.class)
          .retry(RetryPolicy.exponential().maxAttempts(3).minDelay(Duration.ofMillis(500)).build())
          .run(
              (greeting, ctx) -> {
                if (ctx.attempt() < 3) {
                  throw new IllegalStateException("attempt " + ctx.attempt() + " fails on purpose");
                }
                return new Message("Hello on attempt " + ctx.attempt() + ", " + greeting.name());
              });

  /** All example tasks. */
  public static List<Task<?, ?>> all() {
    return List.of(PROCESS_ORDER, HELLO_WORLD, FLAKY);
  }
}
