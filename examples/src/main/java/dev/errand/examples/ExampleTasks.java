package dev.errand.examples;

import dev.errand.sdk.NonRetryableException;
import dev.errand.sdk.Queue;
import dev.errand.sdk.RetryPolicy;
import dev.errand.sdk.RunResult;
import dev.errand.sdk.StepOptions;
import dev.errand.sdk.Task;
import dev.errand.sdk.TokenResult;
import dev.errand.sdk.WaitToken;
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

  /** A refund someone must approve. */
  public record Refund(String orderId, long amountCents) {}

  /** The approver's decision, posted to the token's callback URL. */
  public record Approval(boolean approved, String approver) {}

  /** How a refund ended. */
  public record RefundResult(String orderId, String outcome, String refundId) {}

  /** The example's shared queue: at most 5 refunds execute at once, across all workers. */
  public static final Queue REFUNDS = Queue.named("refunds").concurrencyLimit(5);

  /**
   * A durable refund: each step runs once and is recorded; the run then waits (up to a day, holding
   * no worker) for a person to approve it through the token's URL, and resumes where it stopped,
   * even on another worker or after a restart. The refund step passes its idempotency key to the
   * payment provider, so a retry after a crash cannot refund twice.
   */
  public static final Task<Refund, RefundResult> REFUND_ORDER =
      Task.define("refund-order", Refund.class, RefundResult.class)
          .queue(REFUNDS)
          .maxDuration(Duration.ofMinutes(5))
          .run(
              (refund, ctx) -> {
                WaitToken token = ctx.createToken(Duration.ofDays(1));
                ctx.step(
                    "ask-for-approval",
                    () ->
                        ctx.logger()
                            .info(
                                "refund of {} cents for order {}: approve with curl -X POST {}"
                                    + " -H 'Content-Type: application/json'"
                                    + " -d '{{\"approved\":true,\"approver\":\"you\"}}'",
                                refund.amountCents(),
                                refund.orderId(),
                                token.url()));
                TokenResult<Approval> decision = ctx.waitForToken(token.id(), Approval.class);
                if (decision.isTimeout() || !decision.output().approved()) {
                  return new RefundResult(refund.orderId(), "not approved", null);
                }
                String refundId =
                    ctx.step(
                        "refund",
                        StepOptions.retry(RetryPolicy.exponential().maxAttempts(3).build()),
                        String.class,
                        () ->
                            "re_"
                                + Integer.toHexString(
                                    ctx.currentStep().idempotencyKey().hashCode()));
                RunResult<Message> mail =
                    HELLO_WORLD.triggerAndWait(ctx, new Greeting(decision.output().approver()));
                ctx.logger()
                    .info("notified the approver: {}", mail.ok() ? mail.output() : mail.error());
                return new RefundResult(refund.orderId(), "refunded", refundId);
              });

  /** All example tasks. */
  public static List<Task<?, ?>> all() {
    return List.of(
        PROCESS_ORDER,
        HELLO_WORLD,
        FLAKY,
        REFUND_ORDER,
        WebhookExamples.GITHUB_PUSH,
        WebhookExamples.STRIPE_CHECKOUT);
  }
}
